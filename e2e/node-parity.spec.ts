// The same pipeline in the browser (facekit, onnxruntime-web in a worker) and in Node
// (@facekit/node, onnxruntime-node and sharp), on the same photo files: the same faces and the
// same embeddings. What differs is only the runtime and the decoder.
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { createFaceKit } from '@facekit/node';
import { ROOT } from '@facekit/test-support/config';
import { IMAGES_DIR, imageUrl, openHarness } from './harness-page.js';

// Detector scales from 0.5 to 1.4: a 640×480 camera frame (1), small photos scaled up, and
// 1,200–1,280-pixel photos scaled down.
const FILES = [
  'ppu_uniface/image-fake1.jpg', 'ppu_uniface/image-magnus1.png', 'ppu_uniface/image-haaland1.jpeg', 'faceonnx/verification/brad_1.jpg',
  'ppu_uniface/image-kevin2.jpg', 'insightface/t1.jpg', 'uniface/src_meeting.jpg', 'ppu_uniface/image-kevin1.png', 'faceonnx/detection/oscar2.jpg',
  'faceonnx/verification/nicole_1.jpg',
];

test('browser and Node give the same boxes (within 1 px) and embeddings (cos ≥ 0.999) on the shared photos, at detector scales from 0.5 to 1.4', async ({ page }) => {
  test.setTimeout(180_000);
  await openHarness(page);
  const browser = await page.evaluate(async (urls) => {
    const kit = await window.facekit.createFaceKit();
    const out = [];
    for (const url of urls) {
      const a = await kit.analyze(await window.fetchBlob(url));
      out.push(a.faces.map((f) => ({ box: f.box, keypoints: f.keypoints, embedding: Array.from(f.embedding) })));
    }
    await kit.dispose();
    return out;
  }, FILES.map(imageUrl));
  const kit = await createFaceKit({ modelDir: process.env.FACEKIT_MODELS ?? join(ROOT, 'models/files'), threads: 2 });
  try {
    for (const [i, file] of FILES.entries()) {
      const node = (await kit.analyze(join(IMAGES_DIR, file))).faces;
      const web = browser[i]!;
      expect(node.length, file).toBe(web.length);
      expect(node.length, file).toBeGreaterThan(0);
      for (const [j, f] of node.entries()) {
        // Faces in the same order (by score); each box edge within 1 px.
        const w = web[j]!;
        f.box.forEach((v, k) => expect(Math.abs(v - w.box[k]!), `${file} face ${j} box[${k}]`).toBeLessThanOrEqual(1));
        const cos = kit.compare(f.embedding, Float32Array.from(w.embedding));
        console.log(`parity ${file} face ${j}: box ${Math.max(...f.box.map((v, k) => Math.abs(v - w.box[k]!))).toFixed(2)} px, cos ${cos.toFixed(5)}`);
        expect(cos, `${file} face ${j} embedding`).toBeGreaterThanOrEqual(0.999);
      }
    }
  } finally {
    await kit.dispose();
  }
});
