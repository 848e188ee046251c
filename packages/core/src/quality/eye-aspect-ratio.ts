// Eye aspect ratio (Soukupová & Čech, 2016) from 68 iBUG landmarks: the mean lid opening over the
// corner-to-corner width, ≈ 0.25–0.35 for an open eye and ≈ 0.1 or less for a closed one.
import type { Point } from '../geometry/box.js';
import { checkPoints } from '../geometry/check-points.js';

const dist = (a: Readonly<Point>, b: Readonly<Point>) => Math.hypot(a[0] - b[0], a[1] - b[1]);

/** EAR of one eye given its six points in iBUG order (outer corner, two upper lid points, inner corner, two lower). */
export function eyeAspectRatio(p: readonly Readonly<Point>[]): number {
  const width = dist(p[0]!, p[3]!);
  return width > 0 ? (dist(p[1]!, p[5]!) + dist(p[2]!, p[4]!)) / (2 * width) : 0;
}

/** [left, right] EAR in image orientation (points 36–41, the subject's right eye, then 42–47). */
export function eyeAspectRatios(landmarks: readonly Readonly<Point>[]): [number, number] {
  checkPoints(landmarks, 68, 'landmarks');
  return [eyeAspectRatio(landmarks.slice(36, 42)), eyeAspectRatio(landmarks.slice(42, 48))];
}
