// Passive liveness (MiniFASNet V2 + V1SE) in real Chromium on shared/data/spoof-dev, as a still
// (analyze) and as a camera stream (video loop): every spoof fails. The set cannot be separated
// perfectly by these models (a monitor replay scores 0.83, above two real photos at 0.79 and
// 0.55, see LIVENESS_CALIBRATION): the default threshold accepts no spoof, and at most those two
// reals may be rejected. As 640×480 camera streams (the photo letterboxed, so its face is smaller)
// the scores differ: two reals stay below the threshold once the track's crop anchor settles
// (tf_real 0.84, sf_image_T2 0.70; tf_real_1ab253e read 0.61 until the crops were kept out of the
// grey bars, and reads 0.99 since), and a still stream reads the same in every run (the tracker's
// prediction dead band keeps a still face's region crops off the clock).
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { DEFAULT_LIVENESS_THRESHOLD, LIVENESS_CALIBRATION } from '@facekit/core';
import { openCameraPage } from './fake-camera.js';
import { SHARED_DIR } from '@facekit/test-support/config';
import { openHarness } from './harness-page.js';
import { makeStream } from '@facekit/test-support/streams';

const DIR = resolve(SHARED_DIR, 'data/spoof-dev');
const files = (label: 'real' | 'spoof') => readdirSync(resolve(DIR, label)).sort().map((f) => `spoof-dev/${label}/${f}`);
const SET = [...files('real').map((f) => ({ file: f, real: true })), ...files('spoof').map((f) => ({ file: f, real: false }))];

test.describe.configure({ mode: 'serial' });

test('stills: analyze(image, { liveness: true }) fails every spoof; at most the two documented reals are rejected', async ({ page }) => {
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
  const rejected: string[] = [];
  SET.forEach((s, i) => {
    const r = scores[i]!;
    console.log(`still ${s.file}: ${r.score.toFixed(3)} (${Object.entries(r.perModel).map(([m, v]) => `${m} ${v.toFixed(3)}`).join(', ')}) → ${r.isReal ? 'real' : 'spoof'}`);
    expect(r.isReal).toBe(r.score >= DEFAULT_LIVENESS_THRESHOLD);
    if (!s.real) expect(r.isReal, `${s.file} is a spoof`).toBe(false);
    else if (!r.isReal) rejected.push(s.file);
  });
  console.log(`stills at threshold ${DEFAULT_LIVENESS_THRESHOLD}: APCER 0/${SET.filter((s) => !s.real).length}, BPCER ${rejected.length}/${SET.filter((s) => s.real).length} (${rejected.join(', ')})`);
  expect(rejected.length).toBeLessThanOrEqual(LIVENESS_CALIBRATION.realsRejected);
});

/** Reals the stream test may reject: the two above, measured, not chosen. */
const STREAM_REALS_REJECTED = 2;
/** Scored frames per stream: the anchor's 10-frame warm-up, one full pass after it, then a full 5-score window. */
const STREAM_SCORED_FRAMES = 16;

test('streams: every spoof fails over the video loop (median of the track\'s last 5 scores, once its crop anchor settled)', async () => {
  test.setTimeout(600_000);
  const rejected: string[] = [];
  for (const { file, real } of SET) {
    const cam = await openCameraPage(makeStream({ kind: 'still', image: file }));
    try {
      const medians = await cam.page.evaluate(async (frames) => {
        const kit = await window.facekit.createFaceKit();
        const camera = await window.facekit.openCamera();
        const out: number[] = [];
        const ac = new AbortController();
        const loop = await kit.createVideoLoop(camera.stream, {
          liveness: true, signal: ac.signal,
          onFrame: (f) => {
            const main = f.faces[f.quality.main];
            if (main?.livenessMedian !== undefined) out.push(main.livenessMedian);
            if (out.length >= frames) ac.abort();
          },
        });
        await loop.done.catch(() => undefined);
        camera.stop();
        await kit.dispose();
        return out;
      }, STREAM_SCORED_FRAMES);
      const last = medians.at(-1)!;
      const isReal = last >= DEFAULT_LIVENESS_THRESHOLD;
      console.log(`stream ${file}: median liveness ${last.toFixed(3)} after ${medians.length} scored frames → ${isReal ? 'real' : 'spoof'}`);
      expect(medians.length).toBe(STREAM_SCORED_FRAMES);
      if (!real) expect(isReal, `${file} is a spoof`).toBe(false);
      else if (!isReal) rejected.push(file);
    } finally {
      await cam.close();
    }
  }
  console.log(`streams at threshold ${DEFAULT_LIVENESS_THRESHOLD}: APCER 0/${SET.filter((s) => !s.real).length}, BPCER ${rejected.length}/${SET.filter((s) => s.real).length} (${rejected.join(', ')})`);
  expect(rejected.length).toBeLessThanOrEqual(STREAM_REALS_REJECTED);
});

test('a still stream scores the same from full and region passes: per-frame liveness std ≤ 0.05 (one crop anchor per track)', async () => {
  test.setTimeout(240_000);
  // kevin2 fills a 720p frame ('cover'): its full-pass and region-pass boxes differ most among the
  // shared photos (scored 0.71 and 0.92 from the two passes' own boxes).
  const cam = await openCameraPage(makeStream({ kind: 'still', image: 'images/ppu_uniface/image-kevin2.jpg', fit: 'cover', width: 1280, height: 720 }));
  try {
    const frames = await cam.page.evaluate(async () => {
      const kit = await window.facekit.createFaceKit();
      const camera = await window.facekit.openCamera({ width: 1280, height: 720 });
      const out: { mode: string; score: number }[] = [];
      const ac = new AbortController();
      const loop = await kit.createVideoLoop(camera.stream, {
        liveness: true, signal: ac.signal,
        onFrame: (f) => {
          const main = f.faces[f.quality.main];
          if (main?.liveness) out.push({ mode: f.mode, score: main.liveness.score });
          if (out.length >= 40) ac.abort();
        },
      });
      await loop.done.catch(() => undefined);
      camera.stop();
      await kit.dispose();
      return out;
    });
    const stats = (xs: number[]) => {
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      return { mean, std: Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length) };
    };
    // The track's first frames are scored before its anchor has settled (the first on the
    // detector's own box, then while the anchor averages its first 10 placements): the
    // steady state is what a decision window sees from then on.
    const steady = frames.slice(10);
    const all = stats(frames.map((f) => f.score)), settled = stats(steady.map((f) => f.score));
    const byMode = (m: string) => frames.filter((f) => f.mode === m).map((f) => f.score.toFixed(3)).join(' ');
    console.log(`kevin2 still, ${frames.length} frames: all ${all.mean.toFixed(3)} ± ${all.std.toFixed(3)}, from frame 10 ${settled.mean.toFixed(3)} ± ${settled.std.toFixed(3)}; full passes ${byMode('full')}; region passes ${byMode('regions')}`);
    expect(frames.length).toBe(40);
    // Both kinds of pass ran after the warm-up (a full pass at least every 10 frames).
    expect(new Set(steady.map((f) => f.mode))).toEqual(new Set(['full', 'regions']));
    expect(settled.std).toBeLessThanOrEqual(0.05);
  } finally {
    await cam.close();
  }
});
