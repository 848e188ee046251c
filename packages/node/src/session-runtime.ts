// The core pipeline's runtimes over an onnxruntime session. Written against onnxruntime-common's
// interface, which onnxruntime-node and onnxruntime-web both implement, so the Node package and
// the Node tests (on onnxruntime-web's WASM build) run the same lines.
import type { InferenceSession, Tensor } from 'onnxruntime-common';
import type { NamedOutputs } from '@facekit/core';

/** What of an onnxruntime module is used here. */
export interface OrtModule {
  InferenceSession: { create(model: Uint8Array, options?: InferenceSession.SessionOptions): Promise<InferenceSession> };
  Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => Tensor;
}

/** Runs a single-input session on `[…dims]`; every output by name, as float32. */
export async function runNamed(ort: OrtModule, session: InferenceSession, tensor: Float32Array, dims: readonly number[]): Promise<NamedOutputs> {
  const result = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', tensor, dims) });
  const outputs = new Map<string, Float32Array>();
  for (const name of session.outputNames) {
    const t = result[name]!;
    outputs.set(name, t.data as Float32Array);
  }
  return outputs;
}

/** The first output only (recognizers, anti-spoofing models). */
export async function runFirst(ort: OrtModule, session: InferenceSession, tensor: Float32Array, dims: readonly number[]): Promise<Float32Array> {
  return (await runNamed(ort, session, tensor, dims)).get(session.outputNames[0]!)!;
}
