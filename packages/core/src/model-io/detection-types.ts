import type { Box, Point } from '../geometry/box.js';

/** Five facial keypoints, in this order: left eye, right eye, nose, left mouth corner, right mouth corner (as seen in the image: "left" is the smaller x on a frontal, upright face). */
export type Keypoints5 = [leftEye: Point, rightEye: Point, nose: Point, leftMouth: Point, rightMouth: Point];

/** One decoded detection, before NMS, in model-input pixels. */
export interface DetectionCandidate {
  box: Box;
  score: number;
  keypoints: Keypoints5;
}

/** Model outputs by name, as flat Float32Arrays (any leading batch dimension is ignored). */
export type NamedOutputs = ReadonlyMap<string, Float32Array>;

export interface DecodeInput {
  outputs: NamedOutputs;
  /** The model's output names in graph order (ORT's `session.outputNames`). */
  outputNames: readonly string[];
  inputWidth: number;
  inputHeight: number;
  minScore: number;
}

export type DetectionDecoder = (input: DecodeInput) => DetectionCandidate[];
