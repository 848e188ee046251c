import type { Face } from '../api/result-types.js';

export interface DrawStyle {
  /** @defaultValue '#22d3ee' */ boxColor?: string;
  /** One colour per keypoint: left eye, right eye, nose, left mouth, right mouth. */
  keypointColors?: readonly string[];
  /** @defaultValue 2 */ lineWidth?: number;
  /** Draw the score above each box. @defaultValue true */ showScore?: boolean;
  /** Multiplies every coordinate (draw on a canvas that shows the image scaled). @defaultValue 1 */ scale?: number;
}

const KEYPOINT_COLORS = ['#ef4444', '#3b82f6', '#22c55e', '#f97316', '#a855f7'];

/** Draws boxes and keypoints on a 2D context, leaving its state as it was. */
export function drawFaces(ctx: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D, faces: readonly Face[], style: DrawStyle = {}): void {
  const s = style.scale ?? 1;
  const lw = style.lineWidth ?? 2;
  ctx.save();
  try {
    ctx.lineWidth = lw;
    ctx.font = `${Math.max(10, 6 * lw)}px sans-serif`;
    for (const f of faces) {
      const [x1, y1, x2, y2] = f.box;
      ctx.strokeStyle = style.boxColor ?? '#22d3ee';
      ctx.strokeRect(x1 * s, y1 * s, (x2 - x1) * s, (y2 - y1) * s);
      if (style.showScore ?? true) {
        ctx.fillStyle = style.boxColor ?? '#22d3ee';
        ctx.fillText(f.score.toFixed(2), x1 * s, y1 * s - 3);
      }
      f.keypoints.forEach(([x, y], i) => {
        ctx.fillStyle = (style.keypointColors ?? KEYPOINT_COLORS)[i] ?? '#fff';
        ctx.beginPath();
        ctx.arc(x * s, y * s, lw * 1.5, 0, Math.PI * 2);
        ctx.fill();
      });
    }
  } finally {
    ctx.restore();
  }
}
