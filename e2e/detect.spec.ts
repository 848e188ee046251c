// Detection end to end in real headless Chromium: real workers, real ORT, real models, real photos.
import { expect, test } from '@playwright/test';
import { MODELS, type Box, type Keypoints5 } from '@facekit/core';
import { createNodeDetector } from '@facekit/test-support/node';
import { expectClose, imageUrl, openHarness, readImageManifest } from './harness-page.js';

type FaceJson = { box: Box; score: number; keypoints: Keypoints5 };

test.describe('detection on the shared photos (det_500m, 640)', () => {
  test('t1.jpg has exactly 6 faces with plausible keypoints', async ({ page }) => {
    await openHarness(page);
    const r = await page.evaluate(async (url) => {
      const kit = await window.facekit.createFaceKit();
      const res = await kit.detect(await window.fetchBlob(url));
      await kit.dispose();
      return res;
    }, imageUrl('insightface/t1.jpg'));
    expect(r.faces).toHaveLength(6);
    expect([r.width, r.height]).toEqual([1280, 886]);
    for (const f of r.faces as FaceJson[]) {
      const [x1, y1, x2, y2] = f.box;
      const [le, re, nose, lm, rm] = f.keypoints;
      expect(le[0]).toBeLessThan(re[0]);
      expect(lm[0]).toBeLessThan(rm[0]);
      expect(Math.max(le[1], re[1])).toBeLessThan(Math.min(lm[1], rm[1]));
      const mx = 0.1 * (x2 - x1), my = 0.1 * (y2 - y1);
      for (const [x, y] of [le, re, nose, lm, rm]) {
        expect(x).toBeGreaterThanOrEqual(x1 - mx); expect(x).toBeLessThanOrEqual(x2 + mx);
        expect(y).toBeGreaterThanOrEqual(y1 - my); expect(y).toBeLessThanOrEqual(y2 + my);
      }
    }
  });

  test('face counts match images/MANIFEST.md', async ({ page }) => {
    test.setTimeout(300_000);
    const rows = readImageManifest();
    expect(rows.length).toBeGreaterThanOrEqual(45);
    await openHarness(page);
    const counts: Record<string, number> = await page.evaluate(async (files) => {
      const kit = await window.facekit.createFaceKit();
      const out: Record<string, number> = {};
      for (const f of files) out[f] = (await kit.detect(await window.fetchBlob(`/__data/images/${f}`))).faces.length;
      await kit.dispose();
      return out;
    }, rows.map((r) => r.file));
    for (const row of rows) {
      const got = counts[row.file]!;
      if (row.file.startsWith('negatives/')) expect(got, row.file).toBe(0);
      else if (row.det500m === 0) expect(got, `${row.file}: tight crop, found by the retry`).toBe(1);
      else if (row.det500m <= 3) expect(got, row.file).toBe(row.det500m);
      else expectClose(got, row.det500m, Math.max(1, 0.1 * row.det500m), `${row.file} (crowd, ±10 %)`);
    }
  });

  test('browser worker and core in Node agree (boxes ≤ 1 px, scores ≤ 1e-3)', async ({ page }) => {
    // Same pixels on both sides: the browser's own decode of each file (JPEG decoders differ
    // between libjpeg-turbo and jpeg-js; decoding is the platform's, not facekit's). From
    // there, browser = OffscreenCanvas letterbox + worker ORT; Node = core's bilinear + ORT.
    // Scales ≥ 0.5 only: below that the canvas adds mipmaps and the pixels differ by design.
    const files = ['insightface/t1.jpg', 'ppu_uniface/image-tdf-many.png', 'uniface/image1.jpg', 'faceonnx/verification/brad_1.jpg', 'faceonnx/landmarks/kid.jpg', 'ppu_uniface/image-kevin2.jpg'];
    await openHarness(page);
    const browser: { faces: FaceJson[]; rgba: string; width: number; height: number }[] = await page.evaluate(async (urls) => {
      const kit = await window.facekit.createFaceKit();
      const out = [];
      for (const u of urls) {
        const blob = await window.fetchBlob(u);
        const res = await kit.detect(blob);
        out.push({ faces: res.faces, ...(await window.decodeToRgba(blob)) });
      }
      await kit.dispose();
      return out;
    }, files.map(imageUrl));
    const node = await createNodeDetector(MODELS.det_500m);
    try {
      for (const [i, file] of files.entries()) {
        const b = browser[i]!;
        const pixels = new Uint8ClampedArray(Buffer.from(b.rgba, 'base64'));
        const ref = await node.detect({ data: pixels, width: b.width, height: b.height });
        const got = b.faces;
        expect(got.length, file).toBe(ref.faces.length);
        expect(got.length, file).toBeGreaterThan(0);
        ref.faces.forEach((f, k) => {
          const g = got[k]!;
          expectClose(g.score, f.score, 1e-3, `${file} face ${k} score`);
          f.box.forEach((v, j) => expectClose(g.box[j]!, v, 1, `${file} face ${k} box[${j}]`));
          f.keypoints.forEach((p, j) => p.forEach((v, a) => expectClose(g.keypoints[j]![a]!, v, 1, `${file} face ${k} kp ${j}`)));
        });
      }
    } finally {
      await node.release();
    }
  });

  test('YuNet and the static SCRFD-2.5G run in the browser too, and two kits coexist', async ({ page }) => {
    await openHarness(page);
    const r = await page.evaluate(async (url) => {
      const [a, b] = await Promise.all([
        window.facekit.createFaceKit({ detector: 'yunet_2026may' }),
        window.facekit.createFaceKit({ detector: 'scrfd_2.5g_kps' }),
      ]);
      const blob = await window.fetchBlob(url);
      const [ra, rb] = await Promise.all([a.detect(blob), b.detect(blob)]);
      const out = { yunet: ra.faces, scrfd: rb.faces, infos: [a.info.detector, b.info.detector] };
      await Promise.all([a.dispose(), b.dispose()]);
      return out;
    }, imageUrl('insightface/t1.jpg'));
    expect(r.infos).toEqual(['yunet_2026may', 'scrfd_2.5g_kps']);
    expect(r.yunet).toHaveLength(6);
    expect(r.scrfd).toHaveLength(6);
    for (const f of r.yunet as FaceJson[]) expect(f.keypoints[0]![0]!).toBeLessThan(f.keypoints[1]![0]!);
  });

  test('detect options: inputSize, minScore, maxFaces, tight-crop retry', async ({ page }) => {
    await openHarness(page);
    const r = await page.evaluate(async ([crowd, tight]) => {
      const kit = await window.facekit.createFaceKit();
      const c = await window.fetchBlob(crowd!);
      const t = await window.fetchBlob(tight!);
      const out = {
        at320: (await kit.detect(c, { inputSize: 320 })).inputSize,
        at500: (await kit.detect(c, { inputSize: 500 })).inputSize,
        max3: (await kit.detect(c, { maxFaces: 3 })).faces.length,
        strict: (await kit.detect(c, { minScore: 0.95 })).faces.length,
        all: (await kit.detect(c)).faces.length,
        tight: await kit.detect(t),
        tightNoRetry: (await kit.detect(t, { retryTightCrops: false })).faces.length,
        badSize: await kit.detect(c, { inputSize: 'big' as unknown as number }).then(() => '', (e: Error) => e.name),
      };
      await kit.dispose();
      return out;
    }, [imageUrl('uniface/test.jpg'), imageUrl('uniface/image0.jpg')]);
    expect(r.at320).toBe(320);
    expect(r.at500).toBe(512);
    expect(r.max3).toBe(3);
    expect(r.strict).toBeLessThan(r.all);
    expect(r.tight.faces).toHaveLength(1);
    expect(r.tight.retried).toBe(true);
    expect(r.tightNoRetry).toBe(0);
    expect(r.badSize).toBe('InvalidOptionError');
  });
});
