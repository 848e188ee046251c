import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { MODELS } from '@facekit/core';
import { decodeImageFile, IMAGES_DIR, modelPath } from '@facekit/test-support/node';
import { quantizeQdq } from './qdq-quantize.js';

// The int8 lever in levers.ts is only meaningful if the quantized graph computes the same
// function: check it on a real face crop (a photo's centre, resized by nearest neighbour).
function faceTensor(): Float32Array {
  const img = decodeImageFile(join(IMAGES_DIR, 'faceonnx/verification/brad_1.jpg'));
  const out = new Float32Array(3 * 112 * 112);
  const side = Math.min(img.width, img.height) * 0.6;
  const x0 = (img.width - side) / 2, y0 = (img.height - side) / 2;
  for (let y = 0; y < 112; y++) for (let x = 0; x < 112; x++) {
    const i = (Math.floor(y0 + (y / 112) * side) * img.width + Math.floor(x0 + (x / 112) * side)) * 4;
    for (let c = 0; c < 3; c++) out[c * 112 * 112 + y * 112 + x] = (img.data[i + c]! - 127.5) / 127.5;
  }
  return out;
}

describe('quantizeQdq', () => {
  it('gives an int8 fr_feature whose embedding matches the float one', async () => {
    const bytes = new Uint8Array(readFileSync(modelPath(MODELS.fr_feature)));
    const x = new ort.Tensor('float32', faceTensor(), [1, 3, 112, 112]);
    const run = async (model: Uint8Array) => {
      const s = await ort.InferenceSession.create(model, { logSeverityLevel: 3 });
      const r = await s.run({ [s.inputNames[0]!]: x });
      await s.release();
      return r;
    };
    const quantized = await quantizeQdq(bytes, async (probe, names) => {
      const r = await run(probe);
      return [new Map([['input', x.data as Float32Array], ...names.map((n) => [n, r[n]!.data as Float32Array] as const)])];
    });
    expect(quantized.length).toBeLessThan(bytes.length / 2); // int8 weights
    const a = (await run(bytes)).output!.data as Float32Array;
    const b = (await run(quantized)).output!.data as Float32Array;
    let dot = 0, na = 0, nb = 0;
    for (let i = 0; i < a.length; i++) { dot += a[i]! * b[i]!; na += a[i]! ** 2; nb += b[i]! ** 2; }
    expect(dot / Math.sqrt(na * nb)).toBeGreaterThan(0.98);
  }, 60_000);
});
