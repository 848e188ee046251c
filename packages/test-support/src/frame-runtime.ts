// A Node FrameRuntime (onnxruntime-web wasm) for `analyzeFrame`: the same stages the browser
// worker runs, on decoded photos. Not part of the published package.
import * as ort from 'onnxruntime-web';
import { resizeBilinearRGBA, type FrameRuntime, type ModelSpec, type NamedOutputs, type PixelRect } from '@facekit/core';
import { createNodeModel, type NodeModel } from './liveness-runtime.js';
import { createSession, cropPixels, type RgbaImage } from './node.js';

export interface NodeFrameModels {
  detector: ModelSpec;
  recognizer?: ModelSpec;
  antispoof?: readonly ModelSpec[];
  eyes?: ModelSpec;
}

export interface NodeFrameRuntime {
  /** The runtime for one image. */
  on(image: RgbaImage): FrameRuntime;
  release(): Promise<void>;
}

export async function createNodeFrameRuntime(models: NodeFrameModels): Promise<NodeFrameRuntime> {
  const det = await createSession(models.detector);
  const rec = models.recognizer ? await createNodeModel(models.recognizer) : undefined;
  const spoof = new Map<string, NodeModel>();
  for (const s of models.antispoof ?? []) spoof.set(s.id, await createNodeModel(s));
  const eyes = models.eyes ? await createNodeModel(models.eyes) : undefined;
  const inputName = det.inputNames[0]!;
  return {
    on(image) {
      return {
        letterbox(plan, rect?: PixelRect) {
          const r = rect ?? { x: 0, y: 0, width: image.width, height: image.height };
          const src = rect ? cropPixels(image, r) : image.data;
          const out = new Uint8ClampedArray(plan.drawWidth * plan.drawHeight * 4);
          resizeBilinearRGBA(src, r.width, r.height, out, plan.drawWidth, plan.drawWidth, plan.drawHeight);
          return out;
        },
        read: (r) => cropPixels(image, r),
        detector: {
          spec: models.detector,
          outputNames: det.outputNames,
          async infer(tensor, width, height): Promise<NamedOutputs> {
            const result = await det.run({ [inputName]: new ort.Tensor('float32', tensor, [1, 3, height, width]) });
            const map = new Map<string, Float32Array>();
            for (const name of det.outputNames) { map.set(name, result[name]!.data as Float32Array); }
            return map;
          },
        },
        ...(rec && models.recognizer ? {
          recognizer: { spec: models.recognizer, infer: (t: Float32Array, batch: number) => rec.run(t, [batch, 3, models.recognizer!.input.height, models.recognizer!.input.width]) },
        } : {}),
        ...(spoof.size ? {
          antispoof: {
            specs: models.antispoof!,
            infer: (id: string, t: Float32Array) => {
              const s = models.antispoof!.find((m) => m.id === id)!;
              return spoof.get(id)!.run(t, [1, 3, s.input.height, s.input.width]);
            },
          },
        } : {}),
        ...(eyes && models.eyes ? { eyes: { spec: models.eyes, infer: (t: Float32Array) => eyes.run(t, [1, 1, models.eyes!.input.height, models.eyes!.input.width]) } } : {}),
      };
    },
    async release() {
      await det.release();
      await rec?.release();
      for (const m of spoof.values()) await m.release();
      await eyes?.release();
    },
  };
}
