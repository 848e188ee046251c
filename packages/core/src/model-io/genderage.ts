// InsightFace genderage.onnx (attribute.py): one output of 3 values, the first two gender logits
// (argmax 0 = female, 1 = male), the third the age / 100.
import { softmax } from './minifasnet.js';
import { FaceKitError } from '../errors.js';

export interface GenderAge { male: number; age: number }

/** `male`: softmax probability of class 1; `age`: years (not rounded, unlike attribute.py). */
export function decodeGenderAge(output: ArrayLike<number>): GenderAge {
  if (output.length < 3) throw new FaceKitError('INTERNAL', `genderage gives 3 values, got ${output.length}; the model file does not match its registry entry (a facekit bug)`);
  return { male: softmax([output[0]!, output[1]!])[1]!, age: output[2]! * 100 };
}
