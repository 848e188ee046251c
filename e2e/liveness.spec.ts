// Passive liveness (MiniFASNet V2 + V1SE) in real Chromium on shared/data/spoof-dev: every spoof
// fails and every real photo passes, as a still (analyze) and as a camera stream (video loop).
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { DEFAULT_LIVENESS_THRESHOLD } from '@facekit/core';
import { openCameraPage } from './camera.js';
import { SHARED_DIR } from './config.js';
import { openHarness } from './harness.js';
import { makeStream } from './streams.js';

const DIR = resolve(SHARED_DIR, 'data/spoof-dev');
const files = (label: 'real' | 'spoof') => readdirSync(resolve(DIR, label)).sort().map((f) => `spoof-dev/${label}/${f}`);
const SET = [...files('real').map((f) => ({ file: f, real: true })), ...files('spoof').map((f) => ({ file: f, real: false }))];

test.describe.configure({ mode: 'serial' });

test('stills: analyze(image, { liveness: true }) passes every real photo and fails every spoof', async ({ page }) => {
  test.setTimeout(240_000);
  await openHarness(page);
  const scores = await page.evaluate(async (urls) => {
    const kit = await window.facekit.createFaceKit();
    const out: { score: number; isReal: boolean; faces: number; perModel: Record<string, number> }[] = [];
    for (const u of urls) {
      const a = await kit.analyze(await window.fetchBlob(u), { liveness: true });
      const f = a.faces[0]!;
      out.push({ score: f.liveness!.score, isReal: f.liveness!.isReal, faces: a.faces.length, perModel: f.liveness!.perModel });
    }
    await kit.dispose();
    return out;
  }, SET.map((s) => `/__data/${s.file}`));
  let apcer = 0, bpcer = 0;
  SET.forEach((s, i) => {
    const r = scores[i]!;
    console.log(`still ${s.file}: ${r.score.toFixed(3)} (${Object.entries(r.perModel).map(([m, v]) => `${m} ${v.toFixed(3)}`).join(', ')}) → ${r.isReal ? 'real' : 'spoof'}`);
    if (s.real && !r.isReal) bpcer++;
    if (!s.real && r.isReal) apcer++;
    expect(r.isReal, s.file).toBe(s.real);
    expect(r.isReal).toBe(r.score >= DEFAULT_LIVENESS_THRESHOLD);
  });
  console.log(`stills at threshold ${DEFAULT_LIVENESS_THRESHOLD}: APCER ${apcer}/${SET.filter((s) => !s.real).length}, BPCER ${bpcer}/${SET.filter((s) => s.real).length}`);
});

for (const { file, real } of SET) {
  test(`stream: ${file} is ${real ? 'real' : 'a spoof'} over the video loop (median of the track's scores)`, async () => {
    test.setTimeout(120_000);
    const cam = await openCameraPage(makeStream({ kind: 'still', image: file }));
    try {
      const r = await cam.page.evaluate(async () => {
        const kit = await window.facekit.createFaceKit();
        const camera = await window.facekit.openCamera();
        const medians: number[] = [];
        const ac = new AbortController();
        const loop = await kit.createVideoLoop(camera.stream, {
          liveness: true, signal: ac.signal,
          onFrame: (f) => {
            const main = f.faces[f.quality.main];
            if (main?.livenessMedian !== undefined) medians.push(main.livenessMedian);
            if (medians.length >= 6) ac.abort();
          },
        });
        await loop.done.catch(() => undefined);
        camera.stop();
        await kit.dispose();
        return { medians };
      });
      const last = r.medians.at(-1)!;
      console.log(`stream ${file}: median liveness ${last.toFixed(3)} after ${r.medians.length} scored frames`);
      expect(r.medians.length).toBe(6);
      expect(last >= DEFAULT_LIVENESS_THRESHOLD, `${file}: ${last}`).toBe(real);
    } finally {
      await cam.close();
    }
  });
}
