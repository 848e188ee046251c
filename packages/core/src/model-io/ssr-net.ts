// SSR-Net (soft stagewise regression; Yang et al., IJCAI 2018), as exported in fr_age.onnx and
// fr_gender.onnx: three stages of 3 bins, each with a bin distribution p, a shift η of the bin
// indices and a scale Δ of the stage's width. The regressed value is
//   V · Σ_k  Σ_i p_k[i] · (i + η_k[i]) / Π_{j ≤ k} (s · (1 + Δ_j)),   s = 3 bins,
// with V = 101 for age (years) and V = 1 for gender (0 female … 1 male).
import type { NamedOutputs } from './detection-types.js';
import { FaceKitError } from '../errors.js';

/** The output names of an SSR-Net export, in the order the formula reads them. */
export const SSR_NET_OUTPUTS = {
  p: ['prob_stage_1', 'prob_stage_2', 'prob_stage_3'],
  delta: ['stage1_delta_k', 'stage2_delta_k', 'stage3_delta_k'],
  eta: ['index_offset_stage1', 'index_offset_stage2', 'index_offset_stage3'],
} as const;

/** SSR-Net's V: the range of the regressed value. */
export const SSR_NET_AGE_RANGE = 101;
export const SSR_NET_GENDER_RANGE = 1;

function output(outputs: NamedOutputs, name: string, length: number): Float32Array {
  const v = outputs.get(name);
  if (!v || v.length < length) throw new FaceKitError('INTERNAL', `SSR-Net output "${name}" is missing or shorter than ${length}; the model file does not match its registry entry (a facekit bug)`);
  return v;
}

/** The stagewise regression of one SSR-Net run (λ_local = λ_d = 1, as trained). */
export function decodeSsrNet(outputs: NamedOutputs, range: number): number {
  let value = 0;
  let width = 1;
  for (let k = 0; k < 3; k++) {
    const p = output(outputs, SSR_NET_OUTPUTS.p[k]!, 3);
    const eta = output(outputs, SSR_NET_OUTPUTS.eta[k]!, 3);
    const delta = output(outputs, SSR_NET_OUTPUTS.delta[k]!, 1)[0]!;
    width *= 3 * (1 + delta);
    let stage = 0;
    for (let i = 0; i < 3; i++) stage += (i + eta[i]!) * p[i]!;
    value += stage / width;
  }
  return value * range;
}
