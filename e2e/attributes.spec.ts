// Face attributes in real headless Chromium: the same numbers as core in Node on the same pixels,
// only the models asked for load, and per-track attributes in the live loop on the fake camera.
import { expect, test } from '@playwright/test';
import { ATTRIBUTE_KINDS, MODELS, loadGenderHead, runAttributes, type AttributeModels, type Box, type FaceAttributes, type Keypoints5 } from '@facekit/core';
import { createNodeAttributeRuntime, createNodeRecognizer, pixelSource } from '@facekit/test-support/node';
import { openCameraPage } from './fake-camera.js';
import { imageUrl, openHarness } from './harness-page.js';
import { makeStream } from '@facekit/test-support/streams';

test.describe.configure({ mode: 'serial' });

const NODE_MODELS: AttributeModels = {
  age: MODELS.fr_age, gender: MODELS.fr_gender, expression: MODELS.fr_expression, pose: MODELS.fr_pose, eyes: MODELS.fr_eye, landmarks: MODELS.fr_landmark,
};

test('browser and core in Node give the same attributes for every attribute model, on the same pixels, gender by the stacked head with each side\'s own embedding', async ({ page }) => {
  test.setTimeout(300_000);
  const files = ['faceonnx/landmarks/kid.jpg', 'faceonnx/landmarks/eyes_closed_open.jpg', 'faceonnx/detection/oscar2.jpg'];
  await openHarness(page);
  const browser: { rgba: string; width: number; height: number; faces: { box: Box; keypoints: Keypoints5; attributes: FaceAttributes; embedding: number[] }[]; models: Record<string, string>; genderHead: string | null }[] =
    await page.evaluate(async ({ urls, kinds }) => {
      const kit = await window.facekit.createFaceKit();
      const out = [];
      for (const u of urls) {
        const blob = await window.fetchBlob(u);
        const a = await kit.analyze(blob, { attributes: kinds });
        out.push({ ...(await window.decodeToRgba(blob)), faces: a.faces.map((f) => ({ box: f.box, keypoints: f.keypoints, attributes: f.attributes!, embedding: Array.from(f.embedding) })), models: kit.info.attributeModels, genderHead: kit.info.genderHead });
      }
      await kit.dispose();
      return out;
    }, { urls: files.map(imageUrl), kinds: [...ATTRIBUTE_KINDS] });
  expect(browser[0]!.models).toEqual({ age: 'fr_age', gender: 'fr_gender', expression: 'fr_expression', pose: 'fr_pose', eyes: 'fr_eye', landmarks: 'fr_landmark' });
  expect(browser[0]!.genderHead).toBe('fr_feature');
  const runtime = createNodeAttributeRuntime();
  // Gender as the kit reads it by default: fr_gender stacked with fr_feature's embedding, which
  // Node computes itself (onnxruntime in Node) on the same pixels.
  const recognizer = await createNodeRecognizer(MODELS.fr_feature);
  const head = (await loadGenderHead('fr_gender', 'fr_feature'))!;
  try {
    for (const [i, b] of browser.entries()) {
      expect(b.faces.length, files[i]).toBeGreaterThanOrEqual(1);
      const image = { data: new Uint8ClampedArray(Buffer.from(b.rgba, 'base64')), width: b.width, height: b.height };
      let embedded = 0;
      runtime.genderHead = {
        head,
        embeddings: async (faces) => { embedded += faces.length; return (await recognizer.embedFaces(image, faces.map((f) => ({ ...f, score: 1 })))).embeddings; },
      };
      // The browser's faces, so the comparison is of the attribute stages alone.
      const node = (await runAttributes(b.faces.map(({ box, keypoints }) => ({ box, keypoints })), pixelSource(image), ATTRIBUTE_KINDS, NODE_MODELS, runtime)).faces;
      expect(embedded, `${files[i]}: Node embedded every face for the gender head`).toBe(b.faces.length);
      b.faces.forEach(({ attributes: a }, k) => {
        const n = node[k]!, what = `${files[i]} face ${k}`;
        expect(Math.abs(a.age! - n.age!), `${what} age`).toBeLessThan(0.05);
        expect(a.gender!.label, what).toBe(n.gender!.label);
        expect(Math.abs(a.gender!.probability - n.gender!.probability), `${what} gender`).toBeLessThan(1e-3);
        expect(a.expression!.label, what).toBe(n.expression!.label);
        for (const [e, p] of Object.entries(n.expression!.probabilities)) expect(Math.abs(a.expression!.probabilities[e as 'happy'] - p), `${what} ${e}`).toBeLessThan(1e-3);
        for (const axis of ['yaw', 'pitch', 'roll'] as const) expect(Math.abs(a.pose![axis] - n.pose![axis]), `${what} ${axis}`).toBeLessThan(0.05);
        expect(Math.abs(a.eyes!.left - n.eyes!.left) + Math.abs(a.eyes!.right - n.eyes!.right), `${what} eyes`).toBeLessThan(1e-3);
        a.landmarks!.forEach((p, j) => expect(Math.hypot(p[0] - n.landmarks![j]![0], p[1] - n.landmarks![j]![1]), `${what} landmark ${j}`).toBeLessThan(0.05));
      });
    }
  } finally {
    await runtime.release();
    await recognizer.release();
  }
});

test('only the attribute models asked for are downloaded; a bad attribute name is a typed error', async ({ page }) => {
  test.setTimeout(180_000);
  await openHarness(page);
  const r = await page.evaluate(async (url) => {
    const kit = await window.facekit.createFaceKit({ cacheName: `attr-lazy-${Date.now()}` });
    const blob = await window.fetchBlob(url);
    const plain = await kit.analyze(blob);
    const ageOnly = await kit.analyze(blob, { attributes: ['age'] });
    const cachedBeforeExpression = (await kit.listCached()).map((c) => c.model).sort();
    const t0 = performance.now();
    const withExpression = await kit.analyze(blob, { attributes: ['expression'] });
    const expressionFirstCall = performance.now() - t0;
    const t1 = performance.now();
    await kit.analyze(blob, { attributes: ['expression'] });
    const expressionSecondCall = performance.now() - t1;
    let error: { name: string; code: string; message: string } | undefined;
    try {
      await kit.analyze(blob, { attributes: ['mood' as 'age'] });
    } catch (e) {
      const err = e as InstanceType<typeof window.facekit.FaceKitError>;
      error = { name: err.name, code: err.code, message: err.message };
    }
    let optionError: string | undefined;
    try {
      await window.facekit.createFaceKit({ attributeModels: { gender: 'fr_pose' } });
    } catch (e) {
      optionError = (e as Error).message;
    }
    await kit.clearCache();
    await kit.dispose();
    return {
      cachedBeforeExpression, plain: plain.faces[0]!.attributes, ageOnly: ageOnly.faces[0]!.attributes, timings: withExpression.attributeTimings,
      expression: withExpression.faces[0]!.attributes, expressionFirstCall, expressionSecondCall, error, optionError,
    };
  }, imageUrl('uniface/src_man3.jpg'));
  expect(r.plain).toBeUndefined();
  expect(Object.keys(r.ageOnly!)).toEqual(['age']);
  expect(Object.keys(r.expression!)).toEqual(['expression']);
  expect(r.expression!.expression!.label).toBe('happy');
  expect(Object.keys(r.timings!)).toEqual(['fr_expression']);
  // The detector, the recognizer (analyze embeds) and fr_age: not the 28 MB expression model, nor the others.
  expect(r.cachedBeforeExpression).toEqual(['det_500m', 'fr_age', 'fr_feature']);
  expect(r.error).toMatchObject({ name: 'InvalidOptionError', code: 'INVALID_OPTION' });
  expect(r.error!.message).toMatch(/mood.*age, gender, expression, pose, eyes, landmarks/);
  expect(r.optionError).toMatch(/attributeModels.gender.*fr_pose.*cannot give "gender"/);
  console.log(`fr_expression (28 MB): first call with expression ${r.expressionFirstCall.toFixed(0)} ms (download, SHA-256, session), next ${r.expressionSecondCall.toFixed(0)} ms`);
});

test('live loop: attributes once per track, and every frame when asked', async () => {
  test.setTimeout(240_000);
  const cam = await openCameraPage(makeStream({ kind: 'still', image: 'images/faceonnx/verification/nicole_2.jpg', fps: 15, seconds: 2 }));
  try {
    const r = await cam.page.evaluate(async () => {
      const kit = await window.facekit.createFaceKit();
      const run = async (o: { attributes: ('age' | 'gender' | 'pose' | 'eyes')[]; attributesEvery?: 'track' | number }) => {
        const camera = await window.facekit.openCamera();
        const rows: { frame: number; track: number; attrFrame?: number; ran: boolean; gender?: string; yaw?: number; eyes?: number }[] = [];
        const ac = new AbortController();
        const loop = await kit.createVideoLoop(camera.stream, {
          ...o, signal: ac.signal,
          onFrame: (f) => {
            const face = f.faces[0];
            if (face) rows.push({
              frame: f.frameIndex, track: face.trackId, ran: f.timings.attributes > 0,
              ...(face.attributesFrame !== undefined ? { attrFrame: face.attributesFrame } : {}),
              ...(face.attributes?.gender ? { gender: face.attributes.gender.label } : {}),
              ...(face.attributes?.pose ? { yaw: face.attributes.pose.yaw } : {}),
              ...(face.attributes?.eyes ? { eyes: Math.min(face.attributes.eyes.left, face.attributes.eyes.right) } : {}),
            });
            if (f.frameIndex >= 14) ac.abort();
          },
        });
        await loop.done.catch(() => undefined);
        camera.stop();
        return rows;
      };
      const once = await run({ attributes: ['age', 'gender'] });
      const every = await run({ attributes: ['pose', 'eyes'], attributesEvery: 1 });
      await kit.dispose();
      return { once, every };
    });
    // Once per track: computed on the track's first frame, then carried.
    expect(r.once.length).toBeGreaterThanOrEqual(10);
    expect(new Set(r.once.map((x) => x.track)).size).toBe(1);
    expect(r.once.filter((x) => x.ran).length).toBe(1);
    expect(new Set(r.once.map((x) => x.attrFrame))).toEqual(new Set([r.once[0]!.frame]));
    expect(r.once.every((x) => x.gender === 'female')).toBe(true);
    // Every frame: each frame's own pose and eyes.
    expect(r.every.length).toBeGreaterThanOrEqual(10);
    expect(r.every.every((x) => x.ran && x.attrFrame === x.frame && x.yaw !== undefined && x.eyes! > 0.5)).toBe(true);
  } finally {
    await cam.close();
  }
});
