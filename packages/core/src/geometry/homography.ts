// The plane-to-plane projective map fixed by four point pairs: what a flat picture (a print, a
// screen) can do to its points, however it is tilted or moved in front of a camera.
import type { Point } from './box.js';

/** Row-major 3×3, h[8] = 1. */
export type Homography = [number, number, number, number, number, number, number, number, number];

/** The homography taking `src[i]` to `dst[i]` (4 pairs, no three collinear); undefined when degenerate. */
export function homographyFrom4(src: readonly Readonly<Point>[], dst: readonly Readonly<Point>[]): Homography | undefined {
  // Eight equations in h0..h7 (h8 = 1): x' (h6 x + h7 y + 1) = h0 x + h1 y + h2, likewise y'.
  const a: number[][] = [];
  for (let i = 0; i < 4; i++) {
    const [x, y] = src[i]!, [u, v] = dst[i]!;
    a.push([x, y, 1, 0, 0, 0, -u * x, -u * y, u]);
    a.push([0, 0, 0, x, y, 1, -v * x, -v * y, v]);
  }
  // Gaussian elimination with partial pivoting on the 8×9 augmented matrix.
  for (let c = 0; c < 8; c++) {
    let p = c;
    for (let r = c + 1; r < 8; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[p]![c]!)) p = r;
    if (Math.abs(a[p]![c]!) < 1e-12) return undefined;
    [a[c], a[p]] = [a[p]!, a[c]!];
    for (let r = 0; r < 8; r++) {
      if (r === c) continue;
      const f = a[r]![c]! / a[c]![c]!;
      for (let k = c; k < 9; k++) a[r]![k]! -= f * a[c]![k]!;
    }
  }
  const h = a.map((row, i) => row[8]! / row[i]!);
  return [h[0]!, h[1]!, h[2]!, h[3]!, h[4]!, h[5]!, h[6]!, h[7]!, 1];
}

export function applyHomography(h: Readonly<Homography>, [x, y]: Readonly<Point>): Point {
  const w = h[6] * x + h[7] * y + h[8];
  return [(h[0] * x + h[1] * y + h[2]) / w, (h[3] * x + h[4] * y + h[5]) / w];
}
