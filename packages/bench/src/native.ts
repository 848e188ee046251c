// The same models in onnxruntime-node on the same frame: detection on the same input tensor
// facekit builds (letterboxed, fitted to 32), plus one aligned 112×112 crop through the
// recognizer. The native CPU build (MLAS with NCHWc and depthwise kernels) is the ceiling.
import { readFileSync } from 'node:fs';
import * as ortNode from 'onnxruntime-node';
import { MODELS, fitInputToStride, medianTime, planLetterbox, rgbaToChw } from '@facekit/core';
import { letterboxInNode, modelPath, type RgbaImage } from '@facekit/test-support/node';

export interface NativeTimes {
  threads: number;
  /** Detector input size (longer side) → median ms of one detector run. */
  detect: Record<number, number>;
  /** Median ms of one recognizer run on one crop. */
  embed: number;
}

export async function benchNative(image: RgbaImage, o: { sizes: number[]; threads: number[]; runs: number; warmup: number }): Promise<NativeTimes[]> {
  const det = MODELS.det_500m, rec = MODELS.fr_feature;
  const out: NativeTimes[] = [];
  for (const threads of o.threads) {
    const options: ortNode.InferenceSession.SessionOptions = { intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all', logSeverityLevel: 3 };
    const ds = await ortNode.InferenceSession.create(readFileSync(modelPath(det)), options);
    const detect: Record<number, number> = {};
    for (const size of o.sizes) {
      const plan = fitInputToStride(planLetterbox(image.width, image.height, size, size), det.input.stride);
      const { inputWidth: w, inputHeight: h } = plan;
      const tensor = rgbaToChw(await letterboxInNode(image, plan), plan.drawWidth, plan.drawHeight, det.input, new Float32Array(3 * w * h), w, h);
      const feeds = { [ds.inputNames[0]!]: new ortNode.Tensor('float32', tensor, [1, 3, h, w]) };
      detect[size] = await medianTime(() => ds.run(feeds), o.runs, o.warmup);
    }
    await ds.release();
    const rs = await ortNode.InferenceSession.create(readFileSync(modelPath(rec)), options);
    // Any crop costs the same; a mid-grey one keeps this independent of the alignment code.
    const crop = new Float32Array(3 * rec.input.width * rec.input.height);
    const feeds = { [rs.inputNames[0]!]: new ortNode.Tensor('float32', crop, [1, 3, rec.input.height, rec.input.width]) };
    const embed = await medianTime(() => rs.run(feeds), o.runs, o.warmup);
    await rs.release();
    out.push({ threads, detect, embed });
  }
  return out;
}
