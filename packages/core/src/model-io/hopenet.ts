// HopeNet (Ruiz et al., 2018) head pose: per angle, 66 bins of 3° from −99° to +99°; the angle is
// the softmax expectation over bin indices, · 3 − 99.
import { softmax } from './minifasnet.js';
import { FaceKitError } from '../errors.js';

export const HOPENET_BINS = 66;

/** Degrees from one angle's 66 logits. */
export function hopenetAngle(logits: ArrayLike<number>): number {
  if (logits.length !== HOPENET_BINS) throw new FaceKitError('INTERNAL', `HopeNet gives ${HOPENET_BINS} bins, got ${logits.length}; the model file does not match its registry entry (a facekit bug)`);
  const p = softmax(logits);
  let e = 0;
  for (let i = 0; i < HOPENET_BINS; i++) e += i * p[i]!;
  return e * 3 - 99;
}
