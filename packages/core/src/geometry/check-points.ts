import { InvalidInputError } from '../errors.js';
import { describeValue } from '../util/describe.js';
import type { Point } from './box.js';

/**
 * Throws an InvalidInputError naming `what` unless `pts` is an array of `count` [x, y] pairs of
 * finite numbers. For the public keypoint helpers, whose callers may pass anything.
 */
export function checkPoints(pts: unknown, count: number, what: string): asserts pts is readonly Point[] {
  if (!Array.isArray(pts) || pts.length !== count) {
    const got = Array.isArray(pts) ? `${pts.length} points` : describeValue(pts);
    throw new InvalidInputError(`${what} must be ${count} [x, y] points, got ${got}. Pass the keypoints detect() or analyze() returned.`);
  }
  for (let i = 0; i < count; i++) {
    const p: unknown = pts[i];
    if (!Array.isArray(p) || p.length < 2 || !Number.isFinite(p[0]) || !Number.isFinite(p[1])) {
      throw new InvalidInputError(`${what}[${i}] must be an [x, y] pair of finite numbers, got ${Array.isArray(p) ? `[${p.slice(0, 3).map(describeValue).join(', ')}${p.length > 3 ? ', …' : ''}]` : describeValue(p)}. Pass the keypoints detect() or analyze() returned.`);
    }
  }
}
