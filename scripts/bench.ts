// Speed of detection through the real SDK in headless Chromium, next to onnxruntime-node on
// the same model and input. Prints medians per stage and ends with one JSON line.
//   pnpm bench [-- --runs 30 --image ppu_uniface/image-fake1.jpg]
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as ortNode from 'onnxruntime-node';
import { MODELS, planLetterbox, rgbaToChw } from '../packages/core/src/index.js';
import { decodeImageFile, letterboxInNode, modelPath } from '../packages/core/test-support/node.js';
import { SHARED_DIR } from '../e2e/config.js';
import { median, openBrowserSession, parseArgs } from './browser-session.js';

const args = parseArgs(process.argv.slice(2));
const runs = Number(args.get('runs') ?? 30);
const warmup = 5;
// A 640×480 photo with one face (a face shown on a phone screen, photographed).
const imageRel = String(args.get('image') ?? 'ppu_uniface/image-fake1.jpg');
const sizes = [640, 320];
const spec = MODELS.det_500m;

type Stage = 'decode' | 'preprocess' | 'inference' | 'postprocess';
interface BrowserBench {
  info: Record<string, unknown>; createColdMs: number; createWarmMs: number;
  bySize: Record<number, { faces: number; stages: Record<Stage, number[]>; wall: number[] }>;
  analyze: { wall: number[]; embedPreprocess: number[]; embedInference: number[]; flipWall: number[] };
  gallery: Record<number, { addMs: number; search: number[] }>;
  attributes: Record<string, { firstCallMs: number; steadyCallMs: number[]; modelMs: number[]; model: string }>;
  throughput: { workers: number; threadsPerWorker: number; imagesPerSecond: number }[];
}

const session = await openBrowserSession({ dataDir: resolve(SHARED_DIR, 'data') });
let browser: BrowserBench;
try {
  browser = await session.page.evaluate(async ({ url, sizes, runs, warmup }) => {
    let t = performance.now();
    const cold = await window.facekit.createFaceKit();
    const createColdMs = performance.now() - t;
    await cold.dispose();
    t = performance.now();
    const kit = await window.facekit.createFaceKit();
    const createWarmMs = performance.now() - t;
    const blob = await window.fetchBlob(url);
    const bySize: BrowserBench['bySize'] = {};
    for (const inputSize of sizes) {
      const stages = { decode: [] as number[], preprocess: [] as number[], inference: [] as number[], postprocess: [] as number[] };
      const wall: number[] = [];
      let faces = 0;
      for (let i = 0; i < warmup + runs; i++) {
        const t0 = performance.now();
        const d = await kit.detect(blob, { inputSize });
        const w = performance.now() - t0;
        if (i < warmup) continue;
        faces = d.faces.length;
        wall.push(w);
        for (const k of Object.keys(stages) as (keyof typeof stages)[]) stages[k].push(d.timings[k]);
      }
      bySize[inputSize] = { faces, stages, wall };
    }
    // analyze = detect (640) + align + embed, one worker round trip.
    const analyze = { wall: [] as number[], embedPreprocess: [] as number[], embedInference: [] as number[], flipWall: [] as number[] };
    for (let i = 0; i < warmup + runs; i++) {
      let t0 = performance.now();
      const a = await kit.analyze(blob);
      const w = performance.now() - t0;
      t0 = performance.now();
      await kit.analyze(blob, { flip: true });
      const fw = performance.now() - t0;
      if (i < warmup) continue;
      analyze.wall.push(w);
      analyze.flipWall.push(fw);
      analyze.embedPreprocess.push(a.embeddingTimings.preprocess);
      analyze.embedInference.push(a.embeddingTimings.inference);
    }
    // Attributes, one at a time: the first call loads its model (download, SHA-256, session).
    const attributes: BrowserBench['attributes'] = {};
    for (const kind of window.facekit.ATTRIBUTE_KINDS) {
      let t0 = performance.now();
      await kit.analyze(blob, { attributes: [kind] });
      const firstCallMs = performance.now() - t0;
      const steadyCallMs: number[] = [], modelMs: number[] = [];
      for (let i = 0; i < runs; i++) {
        t0 = performance.now();
        const a = await kit.analyze(blob, { attributes: [kind] });
        steadyCallMs.push(performance.now() - t0);
        modelMs.push(Object.values(a.attributeTimings ?? {})[0] ?? NaN);
      }
      attributes[kind] = { firstCallMs, steadyCallMs, modelMs, model: kit.info.attributeModels[kind] };
    }
    // 1:N search over random unit vectors (one packed matrix–vector pass per query).
    const gallery: BrowserBench['gallery'] = {};
    for (const n of [10_000, 100_000]) {
      const g = kit.createGallery();
      const v = new Float32Array(512);
      const t0 = performance.now();
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < 512; j++) v[j] = Math.random() - 0.5;
        g.add(`id${i}`, v);
      }
      const addMs = performance.now() - t0;
      const search: number[] = [];
      for (let q = 0; q < 25; q++) {
        for (let j = 0; j < 512; j++) v[j] = Math.random() - 0.5;
        const t1 = performance.now();
        g.search(v, 5);
        if (q >= 5) search.push(performance.now() - t1);
      }
      gallery[n] = { addMs, search };
    }
    const info = { ...kit.info };
    await kit.dispose();
    // Throughput: 40 detections in flight at once, for pool shapes on this machine's cores.
    const throughput: BrowserBench['throughput'] = [];
    for (const [workers, threadsPerWorker] of [[1, 2], [2, 1]] as const) {
      const k = await window.facekit.createFaceKit({ workers, threadsPerWorker });
      await Promise.all(Array.from({ length: 4 }, () => k.detect(blob))); // warm every worker
      const t0 = performance.now();
      await Promise.all(Array.from({ length: 40 }, () => k.detect(blob)));
      throughput.push({ workers, threadsPerWorker, imagesPerSecond: 40 / ((performance.now() - t0) / 1000) });
      await k.dispose();
    }
    return { info, createColdMs, createWarmMs, bySize, analyze, attributes, gallery, throughput };
  }, { url: `/__data/images/${imageRel}`, sizes, runs, warmup });
} finally {
  await session.close();
}

// onnxruntime-node on the same model and the same preprocessed tensor.
const image = decodeImageFile(resolve(SHARED_DIR, 'data/images', imageRel));
const native: Record<number, Record<number, number>> = {};
for (const threads of [1, 2]) {
  const s = await ortNode.InferenceSession.create(readFileSync(modelPath(spec)), { intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all', logSeverityLevel: 3 });
  for (const size of sizes) {
    const plan = planLetterbox(image.width, image.height, size, size);
    const tensor = rgbaToChw(letterboxInNode(image, plan), plan.drawWidth, plan.drawHeight, spec.input, new Float32Array(3 * size * size), size, size);
    const feeds = { [s.inputNames[0]!]: new ortNode.Tensor('float32', tensor, [1, 3, size, size]) };
    const times: number[] = [];
    for (let i = 0; i < warmup + runs; i++) {
      const t0 = performance.now();
      await s.run(feeds);
      if (i >= warmup) times.push(performance.now() - t0);
    }
    (native[threads] ??= {})[size] = median(times);
  }
  await s.release();
}

const info = browser.info as { backend: string; threadsPerWorker: number; workers: number };
console.log(`facekit detect, det_500m, ${imageRel} (${image.width}×${image.height}), ${runs} runs after ${warmup} warm-up, headless Chromium`);
console.log(`backend ${info.backend}, ${info.workers} worker × ${info.threadsPerWorker} thread(s); createFaceKit: ${browser.createColdMs.toFixed(0)} ms cold (download), ${browser.createWarmMs.toFixed(0)} ms warm (IndexedDB)`);
console.log('size | faces | decode | preprocess | inference | postprocess | total (wall) | ort-node 1t / 2t | inference ratio (browser / ort-node 2t)');
const summary: Record<string, unknown> = { image: imageRel, runs, info: browser.info, createColdMs: browser.createColdMs, createWarmMs: browser.createWarmMs, sizes: {} };
for (const size of sizes) {
  const b = browser.bySize[size]!;
  const m = Object.fromEntries((Object.keys(b.stages) as Stage[]).map((k) => [k, median(b.stages[k])])) as Record<Stage, number>;
  const wall = median(b.wall);
  const ratio = m.inference / native[2]![size]!;
  console.log(`${size} | ${b.faces} | ${m.decode.toFixed(1)} | ${m.preprocess.toFixed(1)} | ${m.inference.toFixed(1)} | ${m.postprocess.toFixed(1)} | ${wall.toFixed(1)} | ${native[1]![size]!.toFixed(1)} / ${native[2]![size]!.toFixed(1)} | ${ratio.toFixed(2)}×`);
  (summary.sizes as Record<number, unknown>)[size] = { faces: b.faces, medianMs: m, wallMs: wall, ortNodeMs: { threads1: native[1]![size], threads2: native[2]![size] }, inferenceRatio: ratio };
}
const an = browser.analyze;
console.log(`analyze (detect 640 + align + embed fr_feature), 1 face: ${median(an.wall).toFixed(1)} ms wall (embedding: preprocess ${median(an.embedPreprocess).toFixed(1)} ms, inference ${median(an.embedInference).toFixed(1)} ms); with flip: ${median(an.flipWall).toFixed(1)} ms`);
summary.analyze = { wallMs: median(an.wall), flipWallMs: median(an.flipWall), embedPreprocessMs: median(an.embedPreprocess), embedInferenceMs: median(an.embedInference) };
console.log('attribute (model) | first use: load + call | model ms (1 face, crop + inference) | analyze with it');
const attrSummary: Record<string, unknown> = {};
for (const [kind, a] of Object.entries(browser.attributes)) {
  const load = a.firstCallMs - median(a.steadyCallMs);
  console.log(`${kind} (${a.model}) | ${a.firstCallMs.toFixed(0)} ms (load ≈ ${load.toFixed(0)} ms) | ${median(a.modelMs).toFixed(1)} | ${median(a.steadyCallMs).toFixed(1)} ms`);
  attrSummary[kind] = { model: a.model, firstCallMs: a.firstCallMs, loadMs: load, modelMs: median(a.modelMs), analyzeMs: median(a.steadyCallMs) };
}
summary.attributes = attrSummary;
const gal: Record<number, unknown> = {};
for (const [n, g] of Object.entries(browser.gallery)) {
  console.log(`gallery search (512-d, top 5) over ${Number(n).toLocaleString('en')} identities: ${median(g.search).toFixed(2)} ms median (filled in ${g.addMs.toFixed(0)} ms)`);
  gal[Number(n)] = { searchMs: median(g.search), fillMs: g.addMs };
}
summary.gallery = gal;
for (const t of browser.throughput) console.log(`throughput (detect 640, 40 calls in flight): ${t.workers} worker(s) × ${t.threadsPerWorker} thread(s): ${t.imagesPerSecond.toFixed(1)} images/s`);
summary.throughput = browser.throughput;
console.log(JSON.stringify(summary));
