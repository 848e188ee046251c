// Node runtimes (onnxruntime-web wasm) for the passive-liveness and eye-state pipelines, for
// tests and evaluation scripts. Not part of the published package.
import * as ort from 'onnxruntime-web';
import { runPassiveLiveness, type Box, type LivenessRun, type ModelSpec, type TensorPool } from '@facekit/core';
import { createSession, cropPixels, type RgbaImage } from './node.js';

/** Runs one model on a float32 tensor of the given shape; returns its first output. */
export interface NodeModel {
  run(tensor: Float32Array, dims: readonly number[]): Promise<Float32Array>;
  release(): Promise<void>;
}

export async function createNodeModel(spec: ModelSpec, threads = 1): Promise<NodeModel> {
  const session = await createSession(spec, threads);
  const inputName = session.inputNames[0]!;
  const outputName = session.outputNames[0]!;
  return {
    async run(tensor, dims) {
      const result = await session.run({ [inputName]: new ort.Tensor('float32', tensor, dims) });
      const out = result[outputName]!;
      // Copy: the tensor's data is released with it.
      const data = Float32Array.from(out.data as Float32Array);
      out.dispose();
      return data;
    },
    release: () => session.release(),
  };
}

/** The image as a pipeline source that reads rectangles of its pixels. */
export function imageSource(image: RgbaImage): { width: number; height: number; read: (r: { x: number; y: number; width: number; height: number }) => Uint8ClampedArray } {
  return { width: image.width, height: image.height, read: (r) => cropPixels(image, r) };
}

export interface NodeLiveness {
  check(image: RgbaImage, boxes: readonly Box[]): Promise<LivenessRun>;
  release(): Promise<void>;
}

/** `runPassiveLiveness` on onnxruntime-web's wasm backend in Node. */
export async function createNodeLiveness(specs: readonly ModelSpec[], threads = 1): Promise<NodeLiveness> {
  const models = new Map<string, NodeModel>();
  for (const s of specs) models.set(s.id, await createNodeModel(s, threads));
  const tensors: TensorPool = new Map();
  const dims = (id: string): number[] => {
    const s = specs.find((m) => m.id === id)!;
    return [1, 3, s.input.height, s.input.width];
  };
  return {
    check: (image, boxes) => runPassiveLiveness(boxes, imageSource(image), specs, { infer: (id, t) => models.get(id)!.run(t, dims(id)) }, tensors),
    async release() { for (const m of models.values()) await m.release(); },
  };
}
