// facekit side by side with native onnxruntime and the peers, in one run on one machine.
// Prints one table per section, then one JSON line with everything.
//   pnpm bench [-- --runs 30 --frames 2000 --only analyze,native,peers,start,throughput,gallery,attributes,video
//               --gallery 10000,100000,1000000 --image ppu_uniface/image-fake1.jpg]
// Sections:
//   analyze     facekit analyze() (detect + align + embed) on one 640×480 one-face frame, @ 640 and
//               @ 320, 2 threads and 1: median / p95 per frame after warm-up, and per stage.
//   native      the same models in onnxruntime-node, 2 threads and 1: the ratio facekit / native.
//   peers       Human 3.3.6 and face-api 1.7.15 in the same Chromium on the same frame (packages/bench).
//   start       cold (empty cache → first result) and warm (IndexedDB → first result), with bytes;
//               warm twice: after a one-call first visit, and after one of 21 calls.
//   throughput  analyze over 200 LFW photos, the pool as 1 worker × 2 threads and 2 × 1.
//   gallery     1:N search at 10k / 100k / 1M identities from real embeddings plus jitter, checked
//               against an exact float search; enrollment (add) time.
//   attributes  each attribute model: first use (load) and per-face cost.
//   video       the live loop on the fake camera: fps, CPU, memory after 100 and 2,000 frames.
//   pgvector    the PostgreSQL + pgvector gallery (@facekit/node) at --pg-n identities (100k):
//               load, HNSW build, search p50 / p95 and recall@5 against exact, sizes (--pg-db URL).
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH, ROOT, SHARED_DIR } from '@facekit/test-support/config';
import { decodeImageFile } from '@facekit/test-support/node';
import { benchPeers, type PeerResult } from './peers.js';
import { median, openBrowserSession, parseArgs, percentile } from '@facekit/test-support/browser-session';
import { benchNative, type NativeTimes } from './native.js';
import { benchPgvector, printPgvector } from './pgvector.js';
import { benchVideo, printVideo, type VideoBench } from './video.js';

const args = parseArgs(process.argv.slice(2));
const runs = Number(args.get('runs') ?? 30);
const warmup = 5;
const imageRel = String(args.get('image') ?? 'ppu_uniface/image-fake1.jpg');
const longFrames = Number(args.get('frames') ?? 2000);
const gallerySizes = String(args.get('gallery') ?? '10000,100000,1000000').split(',').map(Number);
const ALL = ['analyze', 'native', 'peers', 'start', 'throughput', 'gallery', 'attributes', 'video', 'pgvector'] as const;
type Section = (typeof ALL)[number];
const only = new Set<Section>(typeof args.get('only') === 'string' ? (String(args.get('only')).split(',') as Section[]) : ALL);
const sizes = [640, 320];
const progress = (line: string) => process.stdout.write(`\r${line.padEnd(70)}`);
const done = () => process.stdout.write(`\r${' '.repeat(70)}\r`);
const p95 = (xs: number[]) => percentile(xs, 95);
const ms = (x: number) => x.toFixed(1);

interface AnalyzeRun { threads: number; size: number; faces: number; wall: number[]; stages: Record<string, number[]> }
interface StartRun { firstResultMs: number; createMs: number; bytes: number; requests: number }
interface GalleryRun { n: number; fillMs: number; search: number[]; identical: number; queries: number; exactMs: number; mismatches: string[] }
interface AttributeRun { model: string; firstCallMs: number; steady: number[]; modelMs: number[]; headMs: number[] }
interface ThroughputRun { workers: number; threadsPerWorker: number; images: number; seconds: number; faces: number }

const summary: Record<string, unknown> = { image: imageRel, runs, warmup };
const frame = decodeImageFile(resolve(SHARED_DIR, 'data/images', imageRel));
const frameUrl = `/__data/images/${imageRel}`;
// 200 LFW photos: the throughput set, and the real embeddings the gallery is made from.
const lfwDir = resolve(SHARED_DIR, 'data/lfw-dev/images');
const photos = readdirSync(lfwDir).sort().flatMap((d) => readdirSync(resolve(lfwDir, d)).sort().map((f) => `/__data/lfw-dev/images/${d}/${f}`)).slice(0, 200);

let analyzeRuns: AnalyzeRun[] = [];
let start: { cold: StartRun; warm: StartRun; warmAfterLongVisit: StartRun } | undefined;
let throughput: ThroughputRun[] = [];
let gallery: GalleryRun[] = [];
let attributes: Record<string, AttributeRun> = {};
let info: Record<string, unknown> = {};

if (['analyze', 'start', 'throughput', 'gallery', 'attributes'].some((s) => only.has(s as Section))) {
  const session = await openBrowserSession({ dataDir: resolve(SHARED_DIR, 'data') });
  try {
    const { page } = session;
    await page.exposeFunction('benchProgress', (line: string) => progress(line));
    // tsx keeps function names with an `__name` helper that the page does not have.
    await page.evaluate('window.__name = (f) => f');
    type Kit = Awaited<ReturnType<typeof window.facekit.createFaceKit>>;
    type W = { benchProgress(l: string): Promise<void>; embeddings?: number[][] };

    if (only.has('start')) {
      // Its own browser profile on disk (as a visitor's browser: a disk HTTP cache and IndexedDB),
      // empty at first. Cold: first visit; warm: the next visit, in a new page of the same profile.
      // Twice: after a first visit of one call, and after one that goes on (20 more calls, as a
      // camera page does). V8 caches the wasm code it optimised only once it has optimised it, so
      // the second kind of visit leaves the next one faster code to start with.
      const visit = async (moreCalls: number): Promise<{ cold: StartRun; warm: StartRun }> => {
        const profile = mkdtempSync(join(tmpdir(), 'facekit-bench-profile-'));
        const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
        let bytes = 0, requests = 0;
        // Bytes over the wire (encoded); a response from the HTTP cache counts 0.
        context.on('requestfinished', (r) => { requests++; void r.sizes().then((s) => { bytes += s.responseBodySize + s.responseHeadersSize; }, () => undefined); });
        const measure = async (more: number): Promise<StartRun> => {
          const p = await context.newPage();
          await p.goto(`${session.baseUrl}/harness.html`);
          await p.waitForFunction(() => window.harnessReady === true);
          await new Promise((r) => setTimeout(r, 300));
          bytes = 0; requests = 0;
          const r = await p.evaluate(async ([url, more]) => {
            const blob = await window.fetchBlob(url);
            const t0 = performance.now();
            const kit = await window.facekit.createFaceKit();
            const createMs = performance.now() - t0;
            const a = await kit.analyze(blob);
            const firstResultMs = performance.now() - t0;
            if (a.faces.length !== 1) throw new Error(`expected 1 face, got ${a.faces.length}`);
            for (let i = 0; i < more; i++) await kit.analyze(blob);
            await kit.dispose();
            return { createMs, firstResultMs };
          }, [frameUrl, more] as const);
          await new Promise((res) => setTimeout(res, 500)); // let the last size reports land
          await p.close();
          return { ...r, bytes, requests };
        };
        try {
          const cold = await measure(moreCalls);
          const warm = await measure(0);
          return { cold, warm };
        } finally {
          await context.close();
          rmSync(profile, { recursive: true, force: true });
        }
      };
      progress('start: a one-call first visit…');
      const short = await visit(0);
      progress('start: a first visit of 21 calls…');
      const long = await visit(20);
      start = { cold: short.cold, warm: short.warm, warmAfterLongVisit: long.warm };
    }

    if (only.has('analyze')) {
      analyzeRuns = await page.evaluate(async ({ url, sizes, runs, warmup }) => {
        const w = window as unknown as W;
        const img = await window.loadImage(url);
        const canvas = document.createElement('canvas');
        canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
        canvas.getContext('2d')!.drawImage(img, 0, 0);
        const out: AnalyzeRun[] = [];
        for (const threads of [2, 1]) {
          const kit: Kit = await window.facekit.createFaceKit({ threadsPerWorker: threads, preloadRecognizer: true });
          for (const size of sizes) {
            const run: AnalyzeRun = { threads, size, faces: 0, wall: [], stages: { decode: [], detectPre: [], detectInfer: [], detectPost: [], embedPre: [], embedInfer: [] } };
            for (let i = 0; i < warmup + runs; i++) {
              const t0 = performance.now();
              const a = await kit.analyze(canvas, { inputSize: size });
              const wall = performance.now() - t0;
              if (i < warmup) continue;
              run.faces = a.faces.length;
              run.wall.push(wall);
              const s = run.stages;
              s.decode!.push(a.timings.decode); s.detectPre!.push(a.timings.preprocess); s.detectInfer!.push(a.timings.inference); s.detectPost!.push(a.timings.postprocess);
              s.embedPre!.push(a.embeddingTimings.preprocess); s.embedInfer!.push(a.embeddingTimings.inference);
              if (i % 5 === 0) void w.benchProgress(`analyze ${threads} thread(s) @ ${size}: ${i + 1 - warmup}/${runs}`);
            }
            out.push(run);
          }
          await kit.dispose();
        }
        return out;
      }, { url: frameUrl, sizes, runs, warmup });
    }

    if (only.has('throughput') || only.has('gallery')) {
      throughput = await page.evaluate(async ({ photos }) => {
        const w = window as unknown as W;
        const blobs = await Promise.all(photos.map((p) => window.fetchBlob(p)));
        const out: ThroughputRun[] = [];
        for (const [workers, threadsPerWorker] of [[1, 2], [2, 1]] as const) {
          const kit: Kit = await window.facekit.createFaceKit({ workers, threadsPerWorker, preloadRecognizer: true });
          await Promise.all(Array.from({ length: 2 * workers }, () => kit.analyze(blobs[0]!))); // warm every worker
          let finished = 0, faces = 0;
          const embeddings: number[][] = [];
          const t0 = performance.now();
          await Promise.all(blobs.map(async (b) => {
            const a = await kit.analyze(b);
            faces += a.faces.length;
            const f = window.centralFace(a.faces, a.width, a.height);
            if (f) embeddings.push(Array.from(f.embedding));
            if (++finished % 20 === 0) void w.benchProgress(`throughput ${workers}×${threadsPerWorker}: ${finished}/${blobs.length}`);
          }));
          out.push({ workers, threadsPerWorker, images: blobs.length, seconds: (performance.now() - t0) / 1000, faces });
          w.embeddings ??= embeddings;
          await kit.dispose();
        }
        return out;
      }, { photos });
    }

    if (only.has('gallery')) {
      for (const n of gallerySizes) {
        gallery.push(await page.evaluate(async ({ n }) => {
          const w = window as unknown as W;
          const bases = w.embeddings!.map((e) => Float32Array.from(e));
          const dim = bases[0]!.length;
          // Identity i: a real embedding plus fixed pseudo-random jitter, so identities built on the
          // same photo sit around cosine 0.6 from it and 0.35 from each other (as distinct people
          // of one look-alike group), and the exact check can rebuild any row without storing it.
          const NOISE = 1 << 20;
          const noise = new Float32Array(NOISE);
          let seed = 12345;
          for (let i = 0; i < NOISE; i += 2) {
            seed = (seed * 1103515245 + 12345) >>> 0; const u1 = (seed + 1) / 4294967297;
            seed = (seed * 1103515245 + 12345) >>> 0; const u2 = seed / 4294967296;
            const r = Math.sqrt(-2 * Math.log(u1)) * 0.06;
            noise[i] = r * Math.cos(2 * Math.PI * u2); noise[i + 1] = r * Math.sin(2 * Math.PI * u2);
          }
          const row = (i: number, out: Float32Array) => {
            const b = bases[i % bases.length]!;
            const off = (i * 7919) % (NOISE - dim);
            for (let j = 0; j < dim; j++) out[j] = b[j]! + noise[off + j]!;
            return out;
          };
          const g = window.facekit.createGallery({ dim });
          const v = new Float32Array(dim);
          let t0 = performance.now();
          for (let i = 0; i < n; i++) {
            g.add(`id${i}`, row(i, v));
            if (i % 50000 === 0) void w.benchProgress(`gallery ${n}: enrolled ${i}`);
          }
          const fillMs = performance.now() - t0;
          // Queries: the real embeddings themselves (each photo's own look-alike group is the hard case).
          const queries = bases.slice(0, 20);
          const search: number[] = [];
          const results: { id: string; similarity: number }[][] = [];
          for (let r = 0; r < 3; r++) for (const q of queries) {
            const t1 = performance.now();
            const res = g.search(q, 5);
            search.push(performance.now() - t1);
            if (r === 0) results.push(res);
          }
          // Exact reference: every row rebuilt and stored as the gallery stores it (normalized to
          // float32), scored against the float32-normalized query with the gallery's summation order.
          t0 = performance.now();
          const unit = (x: Float32Array, out: Float32Array) => { let ss = 0; for (let j = 0; j < dim; j++) ss += x[j]! * x[j]!; const k = 1 / Math.sqrt(ss); for (let j = 0; j < dim; j++) out[j] = x[j]! * k; return out; };
          const qn = queries.map((q) => unit(q, new Float32Array(dim)));
          const u = new Float32Array(dim);
          const top: { i: number; s: number }[][] = queries.map(() => []);
          for (let i = 0; i < n; i++) {
            unit(row(i, v), u);
            for (let q = 0; q < queries.length; q++) {
              const a = qn[q]!;
              let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
              for (let j = 0; j < dim; j += 4) { s0 += u[j]! * a[j]!; s1 += u[j + 1]! * a[j + 1]!; s2 += u[j + 2]! * a[j + 2]!; s3 += u[j + 3]! * a[j + 3]!; }
              const s = s0 + s1 + (s2 + s3);
              const t = top[q]!;
              // Ties (the jitter table can repeat a row) go to the smaller id string, as the gallery documents.
              if (t.length < 5 || s >= t[4]!.s) { t.push({ i, s }); t.sort((x, y) => y.s - x.s || (`id${x.i}` < `id${y.i}` ? -1 : 1)); if (t.length > 5) t.pop(); }
            }
            if (i % 50000 === 0) void w.benchProgress(`gallery ${n}: exact check ${i}`);
          }
          const exactMs = performance.now() - t0;
          let identical = 0;
          const mismatches: string[] = [];
          for (let q = 0; q < queries.length; q++) {
            const want = top[q]!, got = results[q]!;
            if (got.length === want.length && got.every((m, j) => m.id === `id${want[j]!.i}` && m.similarity === want[j]!.s)) identical++;
            else if (mismatches.length < 3) mismatches.push(`query ${q}: got ${got.map((m) => `${m.id} ${m.similarity}`).join(', ')}; exact ${want.map((m) => `id${m.i} ${m.s}`).join(', ')}`);
          }
          g.clear();
          return { n, fillMs, search, identical, queries: queries.length, exactMs, mismatches };
        }, { n }));
      }
    }

    if (only.has('attributes')) {
      attributes = await page.evaluate(async ({ url, runs }) => {
        const blob = await window.fetchBlob(url);
        const kit: Kit = await window.facekit.createFaceKit({ preloadRecognizer: true });
        await kit.analyze(blob);
        const out: Record<string, AttributeRun> = {};
        for (const kind of window.facekit.ATTRIBUTE_KINDS) {
          let t0 = performance.now();
          await kit.analyze(blob, { attributes: [kind] });
          const firstCallMs = performance.now() - t0;
          const steady: number[] = [], modelMs: number[] = [], headMs: number[] = [];
          for (let i = 0; i < runs; i++) {
            t0 = performance.now();
            const a = await kit.analyze(blob, { attributes: [kind] });
            steady.push(performance.now() - t0);
            modelMs.push(Object.values(a.attributeTimings ?? {})[0] ?? NaN);
            // Gender's stacked head, on the embedding analyze computed anyway.
            if (a.attributeTimings?.['gender-head'] !== undefined) headMs.push(a.attributeTimings['gender-head']);
          }
          out[kind] = { model: kit.info.attributeModels[kind], firstCallMs, steady, modelMs, headMs };
        }
        await kit.dispose();
        return out;
      }, { url: frameUrl, runs });
    }
    info = await page.evaluate(async () => { const k = await window.facekit.createFaceKit(); const i = { ...k.info }; await k.dispose(); return i; });
  } finally {
    await session.close();
    done();
  }
}

let native: NativeTimes[] = [];
if (only.has('native')) native = await benchNative(frame, { sizes, threads: [2, 1], runs, warmup });

let peers: PeerResult[] = [];
if (only.has('peers')) {
  peers = await benchPeers({ image: resolve(SHARED_DIR, 'data/images', imageRel), runs, warmup, onProgress: progress });
  done();
}

let video: VideoBench | undefined;
// Node only (no browser page): the embedded PGlite, or the server given with --pg-db.
const pgvector = only.has('pgvector')
  ? await benchPgvector({
    root: ROOT, shared: SHARED_DIR,
    n: Number(args.get('pg-n') ?? 100_000), queries: Number(args.get('pg-queries') ?? 100), candidates: [40, 100, 200],
    m: Number(args.get('pg-m') ?? 16), efConstruction: Number(args.get('pg-efc') ?? 64),
    ...(typeof args.get('pg-db') === 'string' ? { db: String(args.get('pg-db')) } : {}),
  })
  : undefined;
if (only.has('video')) {
  video = await benchVideo({ frames: longFrames, stream: 'still', onProgress: (l) => progress(l.replace(/^\r/, '').trim()) });
  done();
}

// ---- tables ----
console.log(`facekit bench: ${imageRel} (${frame.width}×${frame.height}, 1 face), ${runs} runs after ${warmup} warm-up, headless Chromium, ${info.backend ?? ''} backend`);
const nativeAt = (threads: number, size: number) => { const n = native.find((x) => x.threads === threads); return n ? n.detect[size]! + n.embed : NaN; };
if (analyzeRuns.length) {
  console.log('\nanalyze() = detect + align + embed (1 face), ms');
  console.log('threads | size | median | p95 | decode | detect pre | detect inference | detect post | embed pre | embed inference | native (detect + embed) | facekit / native');
  const rows: Record<string, unknown>[] = [];
  for (const r of analyzeRuns) {
    const m = Object.fromEntries(Object.entries(r.stages).map(([k, v]) => [k, median(v)]));
    const nat = nativeAt(r.threads, r.size);
    const med = median(r.wall);
    console.log(`${r.threads} | ${r.size} | ${ms(med)} | ${ms(p95(r.wall))} | ${ms(m.decode!)} | ${ms(m.detectPre!)} | ${ms(m.detectInfer!)} | ${ms(m.detectPost!)} | ${ms(m.embedPre!)} | ${ms(m.embedInfer!)} | ${ms(nat)} | ${(med / nat).toFixed(2)}×`);
    rows.push({ threads: r.threads, size: r.size, faces: r.faces, medianMs: med, p95Ms: p95(r.wall), stagesMs: m, nativeMs: nat, ratioNative: med / nat });
  }
  summary.analyze = rows;
}
if (native.length) {
  console.log('\nonnxruntime-node (same models, same input tensor), median ms');
  console.log('threads | detect @ 640 | detect @ 320 | embed (1 crop)');
  for (const n of native) console.log(`${n.threads} | ${ms(n.detect[640]!)} | ${ms(n.detect[320]!)} | ${ms(n.embed)}`);
  summary.native = native;
}
if (peers.length) {
  const fk = (threads: number, size = 640) => { const r = analyzeRuns.find((a) => a.threads === threads && a.size === size); return r ? median(r.wall) : NaN; };
  console.log('\npeers on the same frame (wasm backend), ms per frame');
  console.log('peer | threads asked | threads used | load ms | median | p95 | facekit @ 640 same threads / peer | facekit @ 320 / peer');
  const rows: Record<string, unknown>[] = [];
  for (const p of peers) {
    const t = p.threadsUsed ?? 1;
    const r640 = fk(Math.min(2, t)) / p.medianMs, r320 = fk(Math.min(2, t), 320) / p.medianMs;
    console.log(`${p.peer} ${p.version} | ${p.threads} | ${p.threadsUsed ?? '?'} | ${p.loadMs.toFixed(0)} | ${ms(p.medianMs)} | ${ms(p.p95Ms)} | ${r640.toFixed(2)} (${(1 / r640).toFixed(1)}× faster) | ${r320.toFixed(2)}`);
    rows.push({ ...p, times: undefined, ratioFacekit640: r640, ratioFacekit320: r320 });
  }
  summary.peers = rows;
}
if (start) {
  const mb = (b: number) => (b / 1048576).toFixed(1);
  console.log('\nstart: createFaceKit() + first analyze() result, fresh context');
  console.log(`cold (empty cache): ${start.cold.firstResultMs.toFixed(0)} ms (createFaceKit ${start.cold.createMs.toFixed(0)} ms), ${mb(start.cold.bytes)} MB in ${start.cold.requests} requests`);
  const warmLine = (label: string, w: StartRun) => console.log(`${label}: ${w.firstResultMs.toFixed(0)} ms (createFaceKit ${w.createMs.toFixed(0)} ms), ${mb(w.bytes)} MB in ${w.requests} requests`);
  warmLine('warm (next visit: IndexedDB, HTTP cache), after a one-call first visit', start.warm);
  warmLine('warm, after a first visit of 21 calls (V8 cached its optimised wasm)', start.warmAfterLongVisit);
  summary.start = start;
}
if (throughput.length) {
  console.log('\nthroughput: analyze() over 200 LFW photos, all in flight');
  for (const t of throughput) console.log(`${t.workers} worker(s) × ${t.threadsPerWorker} thread(s): ${(t.images / t.seconds).toFixed(1)} images/s (${t.faces} faces)`);
  summary.throughput = throughput.map((t) => ({ ...t, imagesPerSecond: t.images / t.seconds }));
}
if (gallery.length) {
  console.log('\ngallery: 1:N search, 512-d, top 5, identities = real LFW embeddings + jitter');
  console.log('identities | enrol (add) total ms | µs per identity | search median | p95 | top-5 identical to exact float search');
  for (const g of gallery) console.log(`${g.n.toLocaleString('en')} | ${g.fillMs.toFixed(0)} | ${((1000 * g.fillMs) / g.n).toFixed(1)} | ${ms(median(g.search))} | ${ms(p95(g.search))} | ${g.identical}/${g.queries} (exact scan ${g.exactMs.toFixed(0)} ms for all queries)`);
  for (const g of gallery) for (const m of g.mismatches) console.log(`  ${g.n.toLocaleString('en')}: ${m}`);
  summary.gallery = gallery.map((g) => ({ n: g.n, fillMs: g.fillMs, searchMedianMs: median(g.search), searchP95Ms: p95(g.search), identical: g.identical, queries: g.queries }));
}
if (Object.keys(attributes).length) {
  console.log('\nattribute (model) | first use: load + call | model ms (1 face, crop + inference) | analyze with it');
  const out: Record<string, unknown> = {};
  for (const [kind, a] of Object.entries(attributes)) {
    const load = a.firstCallMs - median(a.steady);
    console.log(`${kind} (${a.model}) | ${a.firstCallMs.toFixed(0)} ms (load ≈ ${load.toFixed(0)} ms) | ${ms(median(a.modelMs))} | ${ms(median(a.steady))} ms`);
    out[kind] = { model: a.model, firstCallMs: a.firstCallMs, loadMs: load, modelMs: median(a.modelMs), analyzeMs: median(a.steady), ...(a.headMs.length ? { headMs: median(a.headMs) } : {}) };
    if (a.headMs.length) console.log(`  gender head (stacked on ${a.model}'s reading and the embedding) | ${ms(median(a.headMs))} ms a face (p95 ${ms(p95(a.headMs))})`);
  }
  summary.attributes = out;
}
if (video) {
  printVideo(video);
  summary.video = video;
}
if (pgvector) {
  printPgvector(pgvector);
  summary.pgvector = pgvector;
}
summary.info = info;
console.log(JSON.stringify(summary));
