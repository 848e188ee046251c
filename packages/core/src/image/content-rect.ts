// The picture inside a frame, without uniform padding bars. A portrait clip played by a fake
// camera of fixed size, a virtual camera, or a screenshot arrives letterboxed or pillarboxed, and
// MiniFASNet's crop (2.7× and 4× the face box) reaches into the bars: measured from outside on a
// real clip, black bars instead of grey moved a genuine face from 0.47 to 0.996. Silent-Face's
// reference crop is kept inside the image (`CropImage._get_new_box` shifts and shrinks it);
// kept inside the picture instead, the score no longer depends on what fills the bars.
import type { PixelRect, ReadPixels } from '../pipeline/recognition.js';

export interface ContentRectOptions {
  /** Largest difference (0–255, any channel) between two pixels of one bar. Camera noise and compressed pictures exceed it. @defaultValue 4 */
  tolerance?: number;
  /** Sample lines across the frame, each way. @defaultValue 8 */
  lines?: number;
}

/**
 * The frame's picture rectangle: each side's bar is the run of columns (rows) from that edge,
 * on every one of `lines` sampled rows (columns) spread over the frame, whose pixels all equal
 * that edge's colour within `tolerance` (one colour for the whole bar). A bar counts when it is at
 * least 2 % of the frame and leaves at least a quarter of it; otherwise that side has none.
 * A real scene reaches the edge with texture or noise, so a camera frame reads as all picture.
 */
export async function findContentRect(
  source: { width: number; height: number; read: ReadPixels },
  options: ContentRectOptions = {},
): Promise<PixelRect> {
  const tol = options.tolerance ?? 4;
  const lines = options.lines ?? 8;
  const { width: w, height: h } = source;
  const at = (i: number, n: number) => Math.min(n - 1, Math.floor(((i + 0.5) * n) / lines));
  const rows = await Promise.all(Array.from({ length: lines }, (_, i) => source.read({ x: 0, y: at(i, h), width: w, height: 1 })));
  const cols = await Promise.all(Array.from({ length: lines }, (_, i) => source.read({ x: at(i, w), y: 0, width: 1, height: h })));
  // Each side: where its k-th pixel from the edge sits in a sampled line.
  const left = barLength((k) => k * 4, rows, w, tol);
  const right = barLength((k) => (w - 1 - k) * 4, rows, w, tol);
  const top = barLength((k) => k * 4, cols, h, tol);
  const bottom = barLength((k) => (h - 1 - k) * 4, cols, h, tol);
  const keep = (a: number, b: number, n: number): [number, number] => {
    const min = Math.max(2, Math.ceil(0.02 * n));
    const x = a >= min ? a : 0, y = b >= min ? b : 0;
    return n - x - y >= n / 4 ? [x, y] : [0, 0];
  };
  const [x0, x1] = keep(left, right, w), [y0, y1] = keep(top, bottom, h);
  return { x: x0, y: y0, width: w - x0 - x1, height: h - y0 - y1 };
}

/** Pixels from the edge, on every line, within `tol` of the first line's edge pixel. */
function barLength(offset: (k: number) => number, lines: Uint8ClampedArray[], n: number, tol: number): number {
  const first = lines[0]!, o0 = offset(0);
  const ref = [first[o0]!, first[o0 + 1]!, first[o0 + 2]!];
  let len = n;
  lines.forEach((line) => {
    let k = 0;
    for (; k < len; k++) {
      const o = offset(k);
      if (Math.abs(line[o]! - ref[0]!) > tol || Math.abs(line[o + 1]! - ref[1]!) > tol || Math.abs(line[o + 2]! - ref[2]!) > tol) break;
    }
    len = k;
  });
  return len;
}
