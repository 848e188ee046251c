// Draws a processed video frame's faces (smoothed boxes and keypoints, track ids; optionally pose
// and eye state under each box) and a caption on the canvas that lies over the <video>. The canvas
// has the frame's size; CSS scales both alike.
import type { EyeState, HeadPose, VideoFace, VideoFrameResult } from 'facekit';

export interface OverlayOptions {
  /** The <video> is shown mirrored (a selfie view): mirror the drawing to match. */
  mirrored: boolean;
  /** One line at the bottom: the hint, or the progress of enroll / verify. */
  caption: string;
  /** Good frames collected so far, drawn as a bar under the caption. */
  progress?: { done: number; needed: number };
  /** Under each box: head pose (keypoints; the model's too when the face has it) and eye state when known. */
  details?: boolean;
}

const KEYPOINT_COLORS = ['#ef4444', '#3b82f6', '#22c55e', '#f97316', '#a855f7'];

export function drawLiveOverlay(canvas: HTMLCanvasElement, frame: VideoFrameResult, o: OverlayOptions): void {
  if (canvas.width !== frame.width) canvas.width = frame.width;
  if (canvas.height !== frame.height) canvas.height = frame.height;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const W = frame.width, H = frame.height;
  const X = (x: number) => (o.mirrored ? W - x : x);
  const lw = Math.max(2, Math.round(W / 320));
  const font = Math.max(12, Math.round(W / 32));
  ctx.clearRect(0, 0, W, H);
  ctx.lineWidth = lw;
  ctx.textBaseline = 'bottom';
  frame.faces.forEach((face, i) => {
    const main = i === frame.quality.main;
    const color = !main ? '#94a3b8' : frame.quality.ok ? '#22c55e' : '#f59e0b';
    const [bx1, by1, bx2, by2] = face.smoothedBox;
    const x1 = Math.min(X(bx1), X(bx2)), x2 = Math.max(X(bx1), X(bx2));
    ctx.strokeStyle = color;
    ctx.strokeRect(x1, by1, x2 - x1, by2 - by1);
    // The track id on a tab above the box, never taller than a third of the face.
    const label = `#${face.trackId}`;
    const lf = Math.round(Math.max(10, Math.min(font, (x2 - x1) / 3)));
    ctx.font = `600 ${lf}px system-ui, sans-serif`;
    const tw = ctx.measureText(label).width + lf * 0.5;
    const ty = Math.max(lf * 1.2, by1);
    ctx.fillStyle = color;
    ctx.fillRect(x1 - lw / 2, ty - lf * 1.2, tw, lf * 1.2);
    ctx.fillStyle = '#0f172a';
    ctx.fillText(label, x1 + lf * 0.25, ty - lf * 0.1);
    face.smoothedKeypoints.forEach(([x, y], k) => {
      ctx.fillStyle = KEYPOINT_COLORS[k] ?? '#fff';
      ctx.beginPath();
      ctx.arc(X(x), y, lw * 1.6, 0, Math.PI * 2);
      ctx.fill();
    });
    if (o.details) drawDetails(ctx, detailLines(face, o.mirrored), x1 - lw / 2, by2 + lw, W, H, Math.max(11, Math.round(font * 0.6)));
  });
  ctx.font = `600 ${font}px system-ui, sans-serif`;
  drawCaption(ctx, W, H, font, o);
}

const degrees = (v: number) => { const r = Math.round(v); return `${r > 0 ? '+' : ''}${r}°`; };
const poseText = (p: HeadPose) => `yaw ${degrees(p.yaw)} pitch ${degrees(p.pitch)} roll ${degrees(p.roll)}`;
const eyeText = (p: number) => `${p > 0.5 ? 'open' : 'closed'} ${Math.round(p * 100)}%`;

/**
 * The pose and eyes as the view shows them: the SDK reports them in the camera image's
 * orientation, so in the mirrored view yaw and roll change sign and the eyes swap sides (then a
 * head turned towards the screen's right reads yaw > 0, and "L" is the eye on the left).
 */
function detailLines(face: VideoFace, mirrored: boolean): string[] {
  const shown = (p: HeadPose): HeadPose => (mirrored ? { yaw: -p.yaw, pitch: p.pitch, roll: -p.roll } : p);
  const lines = [`keypoints ${poseText(shown(face.measures.pose))}`];
  if (face.attributes?.pose) lines.push(`model ${poseText(shown(face.attributes.pose))}`);
  const eyes: EyeState | undefined = face.eyes ?? face.attributes?.eyes;
  if (eyes) {
    const [l, r] = mirrored ? [eyes.right, eyes.left] : [eyes.left, eyes.right];
    lines.push(`eyes L ${eyeText(l)} · R ${eyeText(r)}`);
  }
  return lines;
}

/** Text lines on a dark panel whose top left is (x, y), kept inside the frame. */
function drawDetails(ctx: CanvasRenderingContext2D, lines: readonly string[], x: number, y: number, W: number, H: number, size: number): void {
  ctx.save();
  ctx.font = `500 ${size}px system-ui, sans-serif`;
  ctx.textBaseline = 'top';
  const lh = size * 1.25;
  const w = Math.max(...lines.map((l) => ctx.measureText(l).width)) + size * 0.6;
  const h = lines.length * lh + size * 0.3;
  const px = Math.max(0, Math.min(x, W - w)), py = Math.max(0, Math.min(y, H - h));
  ctx.fillStyle = 'rgba(15, 23, 42, 0.7)';
  ctx.fillRect(px, py, w, h);
  ctx.fillStyle = '#fff';
  lines.forEach((l, i) => ctx.fillText(l, px + size * 0.3, py + size * 0.15 + i * lh));
  ctx.restore();
}

function drawCaption(ctx: CanvasRenderingContext2D, W: number, H: number, font: number, o: OverlayOptions): void {
  if (!o.caption) return;
  const band = font * 1.8 + (o.progress ? font * 0.5 : 0);
  ctx.fillStyle = 'rgba(15, 23, 42, 0.6)';
  ctx.fillRect(0, H - band, W, band);
  ctx.fillStyle = '#fff';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText(o.caption, W / 2, H - band + font * 0.9, W - font);
  ctx.textAlign = 'start';
  if (o.progress && o.progress.needed > 0) {
    const y = H - font * 0.45, pad = font;
    ctx.fillStyle = 'rgba(255, 255, 255, 0.3)';
    ctx.fillRect(pad, y - 3, W - 2 * pad, 6);
    ctx.fillStyle = '#22c55e';
    ctx.fillRect(pad, y - 3, (W - 2 * pad) * Math.min(1, o.progress.done / o.progress.needed), 6);
  }
}

export function clearOverlay(canvas: HTMLCanvasElement): void {
  canvas.getContext('2d')?.clearRect(0, 0, canvas.width, canvas.height);
}
