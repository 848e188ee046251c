import type { Keypoints5 } from '../models/detection-types.js';
import { eyeCrops, eyeOpenProbability } from '../models/eye-state.js';
import type { ModelSpec } from '../registry/types.js';
import { tensorFor, type TensorPool } from './detection.js';
import { writeModelCrop } from './model-crop.js';
import type { ReadPixels } from './recognition.js';
import { InvalidOptionError } from '../errors.js';

export interface EyeStateRuntime {
  /** Runs the eye-state model on one `[1,1,H,W]` grey crop; returns its two logits. */
  infer(tensor: Float32Array): Promise<Float32Array>;
}

/** Eye-open probabilities in [0, 1], in image orientation (left = keypoint 0, the smaller x on an upright face). */
export interface EyeState { left: number; right: number }

export interface EyeStateRun {
  faces: EyeState[];
  timings: { preprocess: number; inference: number; postprocess: number };
}

/**
 * Eye state of each face: per eye, a square crop around its keypoint (turned with the eye line,
 * sized from the inter-ocular distance) warped from the source pixels, grey, the model run,
 * softmax. Calls on one runtime must not overlap (the tensors are reused).
 */
export async function runEyeState(
  faces: readonly { keypoints: Keypoints5 }[],
  source: { width: number; height: number; read: ReadPixels },
  spec: ModelSpec,
  runtime: EyeStateRuntime,
  tensors: TensorPool = new Map(),
): Promise<EyeStateRun> {
  if (spec.task !== 'eyestate' || spec.input.channels !== 1 || spec.input.width !== spec.input.height) throw new InvalidOptionError(`Model "${spec.id}" is not a grey, square-input eye-state model; use fr_eye`);
  const timings = { preprocess: 0, inference: 0, postprocess: 0 };
  const rows = 2 * faces.length;
  if (rows === 0) return { faces: [], timings };
  const { width: w, height: h } = spec.input;
  const plane = w * h;
  let t = performance.now();
  // Row 2f is face f's left eye, 2f + 1 its right eye.
  const tensor = tensorFor(tensors, rows, 1, h, w);
  for (let f = 0; f < faces.length; f++) {
    for (const [e, crop] of eyeCrops(faces[f]!.keypoints, w).entries()) await writeModelCrop(source, crop, spec.input, tensor, (2 * f + e) * plane, tensors);
  }
  timings.preprocess = performance.now() - t;
  t = performance.now();
  const logits: Float32Array[] = [];
  // fr_eye takes one crop a run.
  for (let r = 0; r < rows; r++) logits.push(await runtime.infer(tensor.subarray(r * plane, (r + 1) * plane)));
  timings.inference = performance.now() - t;
  t = performance.now();
  const out: EyeState[] = [];
  for (let f = 0; f < faces.length; f++) out.push({ left: eyeOpenProbability(logits[2 * f]!), right: eyeOpenProbability(logits[2 * f + 1]!) });
  timings.postprocess = performance.now() - t;
  return { faces: out, timings };
}
