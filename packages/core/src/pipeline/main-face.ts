// Which face of a photo is "the" face, for enrollment and for a server-side re-check: the one
// face, or the largest when it clearly dominates (a bystander in the background), never a guess
// between two similar faces.
import { boxArea, type Box } from '../geometry/box.js';

/** Result of {@link pickMainFace}: the face, or why there is none. */
export type MainFace<F> = { face: F; reason?: undefined } | { face?: undefined; reason: 'no-face' | 'ambiguous' };

/**
 * The only face of `faces`, or the largest by box area when the next largest has at most
 * `maxRatio` of its area. @defaultValue maxRatio 0.5
 */
export function pickMainFace<F extends { box: Readonly<Box> }>(faces: readonly F[], maxRatio = 0.5): MainFace<F> {
  if (faces.length === 0) return { reason: 'no-face' };
  if (faces.length === 1) return { face: faces[0]! };
  const area = (f: F): number => boxArea(f.box);
  const sorted = [...faces].sort((a, b) => area(b) - area(a));
  return area(sorted[1]!) <= maxRatio * area(sorted[0]!) ? { face: sorted[0]! } : { reason: 'ambiguous' };
}
