// Speed and memory of the live video loop in headless Chromium, fed by the fake camera:
// loop fps and ms per stage at detector inputs 320 and 640 (main face: quality, eyes, passive
// liveness, flip-test embedding, as the verifier runs it), then the main thread's and the
// worker's memory after 100 and 2,000 frames. Tables, then one JSON line.
//   pnpm bench:video [-- --frames 2000 --stream still|pan]
import { resolve } from 'node:path';
import { SHARED_DIR } from '../e2e/config.js';
import { T1_PAN, makeStream } from '../e2e/streams.js';
import { openBrowserSession, parseArgs } from './browser-session.js';

const args = parseArgs(process.argv.slice(2));
const longFrames = Number(args.get('frames') ?? 2000);
const kind = String(args.get('stream') ?? 'still');
const stream = makeStream(kind === 'pan' ? T1_PAN : { kind: 'still', image: 'images/ppu_uniface/image-kevin1.png', fps: 30, seconds: 2 });

const session = await openBrowserSession({
  dataDir: resolve(SHARED_DIR, 'data'),
  extraArgs: ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${stream}`,
    '--enable-blink-features=ForceEagerMeasureMemory'],
});

interface Run {
  inputSize: number; frames: number; seconds: number; fps: number; cameraFps: number; dropped: number; fullPasses: number; regionPasses: number;
  stages: Record<string, number>;
}
interface Mem { frames: number; mainBytes: number; workerBytes: number; totalBytes: number; mainHeapUsed: number }

try {
  await session.page.exposeFunction('benchProgress', (line: string) => process.stdout.write(line));
  // tsx keeps function names with an `__name` helper that the page does not have.
  await session.page.evaluate('window.__name = (f) => f');
  const out = await session.page.evaluate(async ({ longFrames }) => {
    const kit = await window.facekit.createFaceKit();
    const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 } });
    const med = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[s.length >> 1]! : NaN; };
    const runs: Run[] = [];
    const measure = async (frames: number): Promise<Mem> => {
      const m = await (performance as unknown as { measureUserAgentSpecificMemory(): Promise<{ bytes: number; breakdown: { bytes: number; attribution: { scope: string }[] }[] }> }).measureUserAgentSpecificMemory();
      let main = 0, worker = 0;
      for (const b of m.breakdown) {
        const scopes = b.attribution.map((a) => a.scope);
        if (scopes.includes('DedicatedWorkerGlobalScope')) worker += b.bytes; else if (scopes.includes('Window')) main += b.bytes;
      }
      const heap = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? NaN;
      return { frames, mainBytes: main, workerBytes: worker, totalBytes: m.bytes, mainHeapUsed: heap };
    };
    const runLoop = (inputSize: number, frames: number, marks: number[] = [], mems: Mem[] = []) => new Promise<Run>((resolveRun, reject) => {
      const stages: Record<string, number[]> = { detectFull: [], detectRegions: [], quality: [], eyes: [], liveness: [], embed: [], worker: [], roundTrip: [] };
      let first = 0, firstTs = 0, lastTs = 0, lastAt = 0;
      const intervals: number[] = [];
      let pendingMark: Promise<void> = Promise.resolve();
      const ac = new AbortController();
      kit.createVideoLoop(stream, {
        inputSize, eyes: true, liveness: true, embed: true, flip: true, signal: ac.signal,
        onFrame(r) {
          const now = performance.now();
          if (r.frameIndex === 0) { first = now; firstTs = r.timestamp; } else intervals.push(now - lastAt);
          lastAt = now;
          lastTs = r.timestamp;
          const t = r.timings;
          stages[r.mode === 'full' ? 'detectFull' : 'detectRegions']!.push(t.detect.preprocess + t.detect.inference + t.detect.postprocess);
          stages.quality!.push(t.quality); stages.eyes!.push(t.eyes); stages.liveness!.push(t.liveness); stages.embed!.push(t.embed);
          stages.worker!.push(t.worker); stages.roundTrip!.push(t.roundTrip);
          if (marks.includes(r.frameIndex + 1)) pendingMark = pendingMark.then(async () => { mems.push(await measure(r.frameIndex + 1)); });
          if (r.frameIndex + 1 >= frames) ac.abort();
          if ((r.frameIndex + 1) % 10 === 0) void (window as unknown as { benchProgress(l: string): Promise<void> }).benchProgress(`\rinput ${inputSize}: frame ${r.frameIndex + 1}/${frames}   `);
        },
      }).then(async (loop) => {
        const stats = await loop.done.catch(() => loop.stats);
        await pendingMark;
        const seconds = (performance.now() - first) / 1000;
        resolveRun({
          // From the median interval between results: a memory measurement pauses the worker now and then.
          inputSize, frames: stats.processed, seconds, fps: 1000 / med(intervals),
          cameraFps: (stats.received - 1) / ((lastTs - firstTs) / 1000 || 1) , dropped: stats.dropped, fullPasses: stats.fullPasses, regionPasses: stats.regionPasses,
          stages: Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, med(v)])),
        });
      }, reject);
    });
    for (const size of [320, 640]) runs.push(await runLoop(size, 150));
    const mems: Mem[] = [];
    const long = await runLoop(320, longFrames, [100, longFrames], mems);
    for (const t of stream.getTracks()) t.stop();
    await kit.dispose();
    return { runs, long, mems, info: { ...kit.info } };
  }, { longFrames });

  console.log(`\nvideo loop, fake camera ${kind === 'pan' ? 'panning over insightface/t1.jpg (6 faces)' : 'still of ppu_uniface/image-kevin1.png @ 30 fps'}, 640×480, main face: quality + eyes + passive liveness + flip embedding`);
  console.log(`backend ${out.info.backend}, ${out.info.workers} worker × ${out.info.threadsPerWorker} thread(s)`);
  console.log('input | frames | loop fps | camera fps | dropped | full / region passes | detect full | detect region | quality | eyes | liveness | embed (flip) | worker | round trip (median ms)');
  for (const r of [...out.runs, out.long]) {
    const s = r.stages;
    console.log(`${r.inputSize} | ${r.frames} | ${r.fps.toFixed(1)} | ${r.cameraFps.toFixed(1)} | ${r.dropped} | ${r.fullPasses} / ${r.regionPasses} | ${s.detectFull!.toFixed(1)} | ${s.detectRegions!.toFixed(1)} | ${s.quality!.toFixed(1)} | ${s.eyes!.toFixed(1)} | ${s.liveness!.toFixed(1)} | ${s.embed!.toFixed(1)} | ${s.worker!.toFixed(1)} | ${s.roundTrip!.toFixed(1)}`);
  }
  const mb = (b: number) => (b / 1048576).toFixed(1);
  for (const m of out.mems) console.log(`memory after ${m.frames} frames: main ${mb(m.mainBytes)} MB (JS heap used ${mb(m.mainHeapUsed)} MB), worker ${mb(m.workerBytes)} MB, page total ${mb(m.totalBytes)} MB (measureUserAgentSpecificMemory)`);
  console.log(JSON.stringify({ stream: kind, runs: out.runs, long: out.long, memory: out.mems, info: out.info }));
} finally {
  await session.close();
}
