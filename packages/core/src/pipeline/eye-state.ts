import type { Keypoints5 } from '../model-io/detection-types.js';
import { EYE_CROP_SCALES, eyeCrops, eyeOpenLogit } from '../model-io/fr-eye.js';
import { sigmoid } from '../util/log-odds.js';
import type { ModelSpec } from '../registry/model-spec.js';
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
 * Eye state of each face: per eye, square crops around its keypoint (turned with the eye line,
 * sized from the inter-ocular distance, one per `EYE_CROP_SCALES` entry) warped from the source
 * pixels, grey, the model run on each, the open-vs-closed log-odds averaged over the crops, and
 * turned into a probability. Calls on one runtime must not overlap (the tensors are reused).
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
  const scales = EYE_CROP_SCALES;
  const rows = 2 * faces.length * scales.length;
  if (rows === 0) return { faces: [], timings };
  const { width: w, height: h } = spec.input;
  const plane = w * h;
  let t = performance.now();
  // Row (2f + e)·S + s: face f, eye e (0 left, 1 right), scale s.
  const tensor = tensorFor(tensors, rows, 1, h, w);
  for (let f = 0; f < faces.length; f++) {
    for (const [s, scale] of scales.entries()) {
      for (const [e, crop] of eyeCrops(faces[f]!.keypoints, w, scale).entries()) {
        await writeModelCrop(source, crop, spec.input, tensor, ((2 * f + e) * scales.length + s) * plane, tensors);
      }
    }
  }
  timings.preprocess = performance.now() - t;
  t = performance.now();
  const logits: number[] = [];
  // fr_eye takes one crop a run.
  for (let r = 0; r < rows; r++) logits.push(eyeOpenLogit(await runtime.infer(tensor.subarray(r * plane, (r + 1) * plane))));
  timings.inference = performance.now() - t;
  t = performance.now();
  const eye = (row: number) => sigmoid(logits.slice(row * scales.length, (row + 1) * scales.length).reduce((x, y) => x + y, 0) / scales.length);
  const out: EyeState[] = [];
  for (let f = 0; f < faces.length; f++) out.push({ left: eye(2 * f), right: eye(2 * f + 1) });
  timings.postprocess = performance.now() - t;
  return { faces: out, timings };
}
