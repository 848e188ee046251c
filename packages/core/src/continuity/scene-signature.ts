// What a frame shows around the face, kept small, so that the frames of one login can be checked
// to come from one camera at one moment. Frames a camera gives a moment apart share their scene:
// the background, the person's clothes, the light. Photos of a person taken on different occasions
// (the pose-varied press photos an attacker finds online) do not. The head is left out, in both
// frames of a comparison: it turns, and its hair moves with it.
import type { Box } from '../geometry/box.js';

/** Thumbnail size along the frame's longer side. */
export const SCENE_THUMB = 64;

export interface SceneImage {
  data: Uint8ClampedArray | Uint8Array;
  width: number;
  height: number;
}

export interface SceneSignature {
  /** The frame's size in pixels. */
  width: number;
  height: number;
  /** The thumbnail's size (SCENE_THUMB along the longer side). */
  thumbWidth: number;
  thumbHeight: number;
  /** Area-averaged RGB (0–1) of the frame, thumbWidth × thumbHeight × 3, row by row. */
  thumb: Float32Array;
  /** The head region in thumbnail pixels ([x1, y1, x2, y2]), left out of every comparison. */
  head: Box;
  /** Share of the frame outside the head region (0: the head fills it, nothing to compare). */
  scene: number;
}

/** How far the head region reaches past the face box, in face widths (sides) and heights (above, below). */
export interface HeadMargins { side: number; above: number; below: number }
// Measured (scripts/eval/scene-continuity.ts): with 0.6 / 0.8 / 0.3 the head covered the whole
// frame of a close phone selfie in 24 % of the real clips' neighbour pairs (nothing left to
// compare), and 5 % of photo pairs too; with these, 2.6 % (a face filling the frame), and none.
export const HEAD_MARGINS: HeadMargins = { side: 0.25, above: 0.5, below: 0.15 };

/** The head region left out of the scene: the face box widened by `side` of its width each side, raised by `above` of its height (hair) and lowered by `below` (chin, neck). */
export function headRegion(box: Readonly<Box>, m: HeadMargins = HEAD_MARGINS): Box {
  const w = box[2] - box[0], h = box[3] - box[1];
  return [box[0] - m.side * w, box[1] - m.above * h, box[2] + m.side * w, box[3] + m.below * h];
}

/** The scene signature of `image` whose main face is at `faceBox`. */
export function sceneSignature(image: SceneImage, faceBox: Readonly<Box>, margins: HeadMargins = HEAD_MARGINS): SceneSignature {
  const { data, width: w, height: h } = image;
  const scale = SCENE_THUMB / Math.max(w, h);
  const tw = Math.max(1, Math.round(w * scale)), th = Math.max(1, Math.round(h * scale));
  const sums = new Float64Array(tw * th * 3);
  const counts = new Float64Array(tw * th);
  const headFull = headRegion(faceBox, margins);
  // Each column's thumbnail column, once, not per pixel.
  const column = Int32Array.from({ length: w }, (_, x) => Math.min(tw - 1, Math.floor((x * tw) / w)));
  for (let y = 0; y < h; y++) {
    const row = Math.min(th - 1, Math.floor((y * th) / h)) * tw;
    for (let x = 0, i = y * w * 4; x < w; x++, i += 4) {
      const t = row + column[x]!;
      sums[t * 3]! += data[i]!; sums[t * 3 + 1]! += data[i + 1]!; sums[t * 3 + 2]! += data[i + 2]!;
      counts[t]!++;
    }
  }
  // The pixels inside the head region: whole pixel positions within it, each way.
  const within = (lo: number, hi: number, n: number): number => Math.max(0, Math.min(n - 1, Math.floor(hi)) - Math.max(0, Math.ceil(lo)) + 1);
  const outside = w * h - within(headFull[0], headFull[2], w) * within(headFull[1], headFull[3], h);
  const thumb = new Float32Array(tw * th * 3);
  for (let t = 0; t < counts.length; t++) for (let k = 0; k < 3; k++) thumb[t * 3 + k] = sums[t * 3 + k]! / Math.max(1, counts[t]!) / 255;
  return {
    width: w, height: h, thumbWidth: tw, thumbHeight: th, thumb,
    head: [headFull[0] * (tw / w), headFull[1] * (th / h), headFull[2] * (tw / w), headFull[3] * (th / h)],
    scene: outside / (w * h),
  };
}

export interface SceneDistanceOptions {
  /** Largest shift tried, in thumbnail pixels each way (a hand-held phone moves between frames). @defaultValue 2 */
  maxShift?: number;
  /** Fewest thumbnail pixels outside both heads for a comparison; with fewer, the distance is NaN. @defaultValue 5 % of the thumbnail */
  minPixels?: number;
}

/**
 * How different two frames' scenes are: the mean absolute colour difference (0–1) of the
 * thumbnail pixels outside both heads, after each frame's mean colour over those pixels is taken
 * away (a camera's exposure and white balance drift), at the best shift up to `maxShift` (a
 * hand-held phone moves). NaN when the frames differ in size (a camera gives every frame the
 * same) or fewer than `minPixels` pixels lie outside both heads (nothing to compare).
 */
export function sceneDistance(a: SceneSignature, b: SceneSignature, options: SceneDistanceOptions = {}): number {
  if (a.width !== b.width || a.height !== b.height || a.thumbWidth !== b.thumbWidth || a.thumbHeight !== b.thumbHeight) return NaN;
  const tw = a.thumbWidth, th = a.thumbHeight;
  const maxShift = options.maxShift ?? 2;
  const minPixels = options.minPixels ?? Math.ceil(0.05 * tw * th);
  const outside = (head: Box, x: number, y: number): boolean => x + 0.5 < head[0] || x + 0.5 > head[2] || y + 0.5 < head[1] || y + 0.5 > head[3];
  let best = Infinity;
  const idx: number[] = [];
  for (let dy = -maxShift; dy <= maxShift; dy++) {
    for (let dx = -maxShift; dx <= maxShift; dx++) {
      idx.length = 0;
      const ma = [0, 0, 0], mb = [0, 0, 0];
      for (let y = Math.max(0, -dy); y < Math.min(th, th - dy); y++) {
        for (let x = Math.max(0, -dx); x < Math.min(tw, tw - dx); x++) {
          if (!outside(a.head, x, y) || !outside(b.head, x + dx, y + dy)) continue;
          const i = (y * tw + x) * 3, j = ((y + dy) * tw + x + dx) * 3;
          idx.push(i, j);
          for (let k = 0; k < 3; k++) { ma[k]! += a.thumb[i + k]!; mb[k]! += b.thumb[j + k]!; }
        }
      }
      const n = idx.length / 2;
      if (n < minPixels) continue;
      for (let k = 0; k < 3; k++) { ma[k]! /= n; mb[k]! /= n; }
      let sum = 0;
      for (let p = 0; p < idx.length; p += 2) {
        const i = idx[p]!, j = idx[p + 1]!;
        for (let k = 0; k < 3; k++) sum += Math.abs(a.thumb[i + k]! - b.thumb[j + k]! - ma[k]! + mb[k]!);
      }
      best = Math.min(best, sum / (3 * n));
    }
  }
  return Number.isFinite(best) ? best : NaN;
}
