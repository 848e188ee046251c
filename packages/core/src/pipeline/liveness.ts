import type { Box } from '../geometry/box.js';
import { findContentRect } from '../image/content-rect.js';
import { warpAffineToChw } from '../image/warp.js';
import { fuseMinifasnet, MINIFASNET_REAL_CLASS, minifasnetAffine, softmax } from '../model-io/minifasnet.js';
import type { ModelSpec } from '../registry/model-spec.js';
import { tensorFor, type TensorPool } from './detection.js';
import { readForWarp, type ReadPixels } from './recognition.js';
import { InvalidOptionError } from '../errors.js';

export interface LivenessRuntime {
  /** Runs the anti-spoofing model `modelId` on one `[1,3,H,W]` crop; returns its logits. */
  infer(modelId: string, tensor: Float32Array): Promise<Float32Array>;
}

export interface FaceLiveness {
  /** Fused real-face probability in [0, 1]: the mean of the models' class-1 probabilities. */
  score: number;
  /** Each model's own real-face probability, by model id. */
  perModel: Record<string, number>;
}

export interface LivenessRun {
  faces: FaceLiveness[];
  timings: { preprocess: number; inference: number; postprocess: number };
}

/**
 * Passive liveness (Silent-Face MiniFASNet) of each face box: per model, its scaled crop is
 * warped straight from the source pixels into the model's 80×80 BGR input (reading only the
 * source rectangle the crop needs), each crop runs on its model, and the softmax outputs are
 * averaged. Crops stay inside the picture when the frame has padding bars (`findContentRect`). Calls on one runtime must not overlap (the tensors are reused).
 */
export async function runPassiveLiveness(
  boxes: readonly Box[],
  source: { width: number; height: number; read: ReadPixels },
  specs: readonly ModelSpec[],
  runtime: LivenessRuntime,
  tensors: TensorPool = new Map(),
): Promise<LivenessRun> {
  if (specs.length === 0) throw new InvalidOptionError('runPassiveLiveness needs at least one anti-spoofing model (e.g. minifasnet_v2)');
  for (const s of specs) {
    if (s.task !== 'antispoof' || s.family !== 'minifasnet') throw new InvalidOptionError(`Model "${s.id}" is not a MiniFASNet anti-spoofing model; use minifasnet_v2 and/or minifasnet_v1se`);
    if (s.input.width !== specs[0]!.input.width || s.input.height !== specs[0]!.input.height) throw new InvalidOptionError('The anti-spoofing models must share one input size; pick models of the same size');
  }
  const timings = { preprocess: 0, inference: 0, postprocess: 0 };
  const rows = boxes.length * specs.length;
  if (rows === 0) return { faces: [], timings };
  const { width: w, height: h } = specs[0]!.input;
  const per = 3 * w * h;
  let t = performance.now();
  // Row r = face ⌊r / models⌋ on model r mod models.
  const tensor = tensorFor(tensors, rows, 3, h, w);
  const content = await findContentRect(source);
  for (let r = 0; r < rows; r++) {
    const spec = specs[r % specs.length]!;
    const m = minifasnetAffine(boxes[Math.floor(r / specs.length)]!, source.width, source.height, spec, content);
    const src = await readForWarp(source, m, w, h);
    warpAffineToChw(src.pixels, src.width, src.height, src.matrix, w, h, spec.input, tensor, r * per);
  }
  timings.preprocess = performance.now() - t;
  t = performance.now();
  const logits: Float32Array[] = [];
  // The MiniFASNet exports take one crop a run.
  for (let r = 0; r < rows; r++) logits.push(await runtime.infer(specs[r % specs.length]!.id, tensor.subarray(r * per, (r + 1) * per)));
  timings.inference = performance.now() - t;
  t = performance.now();
  const faces: FaceLiveness[] = [];
  for (let f = 0; f < boxes.length; f++) {
    const probs = specs.map((_, k) => softmax(logits[f * specs.length + k]!));
    const perModel: Record<string, number> = {};
    specs.forEach((s, k) => { perModel[s.id] = probs[k]![MINIFASNET_REAL_CLASS]!; });
    faces.push({ score: fuseMinifasnet(probs), perModel });
  }
  timings.postprocess = performance.now() - t;
  return { faces, timings };
}
