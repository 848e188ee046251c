// Gender from two readings of one face, stacked: SSR-Net's P(male) on its six crops, and where the
// recognizer's embedding lies among gender prototypes (centroids of lfw-dev people's mean
// embeddings, each from several people). Cross-validated on people never seen (README,
// `pnpm eval:attributes -- --folds 5`), the stack beats either reading alone, and its output is a
// calibrated probability. The embedding is already computed by analyze and the live loop, so the
// head itself costs a few hundred dot products.
import { InvalidOptionError } from '../errors.js';
import { linearScore } from '../eval/logistic-regression.js';
import { clampedLogit, sigmoid } from '../util/log-odds.js';
import type { GenderResult } from '../pipeline/attributes.js';

export interface GenderHead {
  /** The gender model whose P(male) it stacks (its six-view average). */
  genderModel: string;
  /** The recognizer whose (L2-normalised) embeddings it reads. */
  recognizer: string;
  /** Embedding length. */
  dims: number;
  /** Prototypes, row-major `count × dims`, unit length. */
  male: Float32Array;
  female: Float32Array;
  /** Softness of the prototype match (τ in τ·log Σ exp(cos/τ)). */
  temperature: number;
  /** P(male) = σ(ssr · logit(P_ssr) + prototype · q + bias). */
  stack: { ssr: number; prototype: number; bias: number };
  /** A linear head on the embedding whose score is stacked too (weight `stackWeight`). */
  linear?: { weights: Float32Array; bias: number; stackWeight: number };
}

/** τ·log Σ_p exp(p·e/τ) over the prototypes in `rows`: a soft maximum of the cosines. */
function softMaxCosine(rows: Float32Array, dims: number, e: ArrayLike<number>, tau: number): number {
  const n = rows.length / dims;
  const cos = new Float64Array(n);
  let max = -Infinity;
  for (let r = 0; r < n; r++) {
    let s = 0;
    const o = r * dims;
    for (let i = 0; i < dims; i++) s += rows[o + i]! * e[i]!;
    cos[r] = s / tau;
    if (cos[r]! > max) max = cos[r]!;
  }
  let sum = 0;
  for (let r = 0; r < n; r++) sum += Math.exp(cos[r]! - max);
  return tau * (max + Math.log(sum));
}

/** How much nearer the male prototypes the embedding lies than the female ones (cosine units). */
export function prototypeScore(head: Pick<GenderHead, 'male' | 'female' | 'dims' | 'temperature'>, embedding: ArrayLike<number>): number {
  return softMaxCosine(head.male, head.dims, embedding, head.temperature) - softMaxCosine(head.female, head.dims, embedding, head.temperature);
}


/** The label and the confidence in it, from P(male). */
export const genderFromMale = (male: number): GenderResult => (male >= 0.5 ? { label: 'male', probability: male } : { label: 'female', probability: 1 - male });

/** P(male) of one face from the gender model's P(male) and the face's embedding. */
export function stackedMale(head: GenderHead, modelMale: number, embedding: ArrayLike<number>): number {
  if (embedding.length !== head.dims) {
    throw new InvalidOptionError(`The gender head reads ${head.recognizer}'s ${head.dims}-d embeddings, got ${embedding.length} values; embed with ${head.recognizer}`);
  }
  const { ssr, prototype, bias } = head.stack;
  const linear = head.linear ? head.linear.stackWeight * linearScore(head.linear, embedding) : 0;
  return sigmoid(ssr * clampedLogit(modelMale) + prototype * prototypeScore(head, embedding) + linear + bias);
}

/** Rows of int8 values with one scale per row, as the generated head modules store them. */
export interface QuantizedRows { rows: number; dims: number; scales: readonly number[]; base64: string }

/** Float rows from int8 rows: value × its row's scale. */
export function dequantizeRows(q: QuantizedRows): Float32Array {
  const bytes = Uint8Array.from(atob(q.base64), (c) => c.charCodeAt(0));
  if (bytes.length !== q.rows * q.dims || q.scales.length !== q.rows) throw new InvalidOptionError(`quantized rows: expected ${q.rows}×${q.dims} bytes and ${q.rows} scales, got ${bytes.length} and ${q.scales.length}`);
  const out = new Float32Array(bytes.length);
  const signed = new Int8Array(bytes.buffer);
  for (let i = 0; i < out.length; i++) out[i] = signed[i]! * q.scales[Math.floor(i / q.dims)]!;
  return out;
}

/** int8 rows (symmetric, per-row scale = max |v| / 127) of `values` (`rows × dims`). */
export function quantizeRows(values: Float32Array, dims: number): QuantizedRows {
  const rows = values.length / dims;
  const scales: number[] = [];
  const bytes = new Int8Array(values.length);
  for (let r = 0; r < rows; r++) {
    let max = 0;
    for (let i = 0; i < dims; i++) max = Math.max(max, Math.abs(values[r * dims + i]!));
    const scale = max / 127 || 1;
    scales.push(Number(scale.toPrecision(9)));
    for (let i = 0; i < dims; i++) bytes[r * dims + i] = Math.round(values[r * dims + i]! / scales[r]!);
  }
  let bin = '';
  for (const b of new Uint8Array(bytes.buffer)) bin += String.fromCharCode(b);
  return { rows, dims, scales, base64: btoa(bin) };
}

