// Speed, CPU and memory of the live video loop in headless Chromium, fed by the fake camera
// (a y4m of a real photo). Two configurations: tracking (detect + track + quality, what a
// page showing a face box runs) and verification (main face: quality, eyes, passive liveness,
// flip-test embedding, every frame, as the verifier runs it). Each at detector inputs 320 and
// 640; then a long run with main and worker memory after 100 frames and at the end.
import { resolve } from 'node:path';
import { SHARED_DIR } from '@facekit/test-support/config';
import { T1_PAN, makeStream } from '@facekit/test-support/streams';
import { openBrowserSession } from '@facekit/test-support/browser-session';
import { startCpuMeter, type CpuUse } from './system-cpu.js';

export type LoopConfig = 'track' | 'verify';

export interface VideoRun {
  config: LoopConfig; inputSize: number; frames: number; seconds: number;
  /** From the median interval between results (a memory measurement pauses the worker now and then). */
  fps: number; cameraFps: number; dropped: number; fullPasses: number; regionPasses: number;
  /** Median ms: stages, and `lag`, how far each result's frame is behind the newest the camera had delivered. */
  stages: Record<string, number>;
  /** From `abort()` on the loop's signal (mid-frame) to `done` settling, ms. */
  abortToDoneMs: number;
  cpu: CpuUse;
}
export interface VideoMemory { frames: number; mainBytes: number; workerBytes: number; totalBytes: number; mainHeapUsed: number }
export interface VideoBench { stream: string; info: { backend: string; workers: number; threadsPerWorker: number }; runs: VideoRun[]; long: VideoRun; memory: VideoMemory[] }

type PageRun = Omit<VideoRun, 'cpu'>;

export async function benchVideo(o: { frames: number; stream: 'still' | 'pan'; threadsPerWorker?: number; onProgress?: (line: string) => void }): Promise<VideoBench> {
  const stream = makeStream(o.stream === 'pan' ? T1_PAN : { kind: 'still', image: 'images/ppu_uniface/image-kevin1.png', fps: 30, seconds: 2 });
  const session = await openBrowserSession({
    dataDir: resolve(SHARED_DIR, 'data'),
    extraArgs: ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${stream}`,
      '--enable-blink-features=ForceEagerMeasureMemory'],
  });
  try {
    const { page } = session;
    await page.exposeFunction('benchProgress', (line: string) => o.onProgress?.(line));
    // tsx keeps function names with an `__name` helper that the page does not have.
    await page.evaluate('window.__name = (f) => f');
    const info = await page.evaluate(async (threadsPerWorker) => {
      const w = window as unknown as { kit: unknown; stream: MediaStream };
      const kit = await window.facekit.createFaceKit(threadsPerWorker ? { threadsPerWorker } : {});
      w.kit = kit;
      w.stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 } });
      return { backend: kit.info.backend, workers: kit.info.workers, threadsPerWorker: kit.info.threadsPerWorker };
    }, o.threadsPerWorker ?? 0);
    const memory: VideoMemory[] = [];
    const run = async (config: LoopConfig, inputSize: number, frames: number, marks: number[] = []): Promise<VideoRun> => {
      const cpu = startCpuMeter();
      const r = await page.evaluate(async ({ config, inputSize, frames, marks }) => {
        const w = window as unknown as { kit: Awaited<ReturnType<typeof window.facekit.createFaceKit>>; stream: MediaStream; benchProgress(l: string): Promise<void> };
        const med = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[s.length >> 1]! : NaN; };
        const measure = async (at: number) => {
          const m = await (performance as unknown as { measureUserAgentSpecificMemory(): Promise<{ bytes: number; breakdown: { bytes: number; attribution: { scope: string }[] }[] }> }).measureUserAgentSpecificMemory();
          let main = 0, worker = 0;
          for (const b of m.breakdown) {
            const scopes = b.attribution.map((a) => a.scope);
            if (scopes.includes('DedicatedWorkerGlobalScope')) worker += b.bytes; else if (scopes.includes('Window')) main += b.bytes;
          }
          const heap = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? NaN;
          return { frames: at, mainBytes: main, workerBytes: worker, totalBytes: m.bytes, mainHeapUsed: heap };
        };
        const stages: Record<string, number[]> = { detectFull: [], detectRegions: [], quality: [], eyes: [], liveness: [], embed: [], worker: [], roundTrip: [], lag: [] };
        const mems: Awaited<ReturnType<typeof measure>>[] = [];
        let first = 0, firstTs = 0, lastTs = 0, lastAt = 0, abortedAt = 0;
        const intervals: number[] = [];
        let pendingMark: Promise<void> = Promise.resolve();
        const ac = new AbortController();
        const verify = config === 'verify';
        const loop = await w.kit.createVideoLoop(w.stream, {
          inputSize, eyes: verify, liveness: verify, embed: verify, flip: verify, signal: ac.signal,
          onFrame(r) {
            const now = performance.now();
            if (r.frameIndex === 0) { first = now; firstTs = r.timestamp; } else intervals.push(now - lastAt);
            lastAt = now;
            lastTs = r.timestamp;
            const t = r.timings;
            stages[r.mode === 'full' ? 'detectFull' : 'detectRegions']!.push(t.detect.preprocess + t.detect.inference + t.detect.postprocess);
            stages.quality!.push(t.quality); stages.eyes!.push(t.eyes); stages.liveness!.push(t.liveness); stages.embed!.push(t.embed);
            stages.worker!.push(t.worker); stages.roundTrip!.push(t.roundTrip); stages.lag!.push(r.newestTimestamp - r.timestamp);
            if (marks.includes(r.frameIndex + 1)) pendingMark = pendingMark.then(async () => { mems.push(await measure(r.frameIndex + 1)); });
            if (r.frameIndex + 1 >= frames && !ac.signal.aborted) { abortedAt = performance.now(); ac.abort(); }
            if ((r.frameIndex + 1) % 10 === 0) void w.benchProgress(`\rvideo ${config} @ ${inputSize}: frame ${r.frameIndex + 1}/${frames}   `);
          },
        });
        const stats = await loop.done.catch(() => loop.stats);
        const abortToDoneMs = performance.now() - abortedAt;
        await pendingMark;
        const run = {
          config, inputSize, frames: stats.processed, seconds: (performance.now() - first) / 1000, fps: 1000 / med(intervals),
          cameraFps: (stats.received - 1) / ((lastTs - firstTs) / 1000 || 1), dropped: stats.dropped, fullPasses: stats.fullPasses, regionPasses: stats.regionPasses,
          stages: Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, med(v)])), abortToDoneMs,
        };
        return { run, mems };
      }, { config, inputSize, frames, marks });
      memory.push(...r.mems);
      return { ...(r.run as PageRun), cpu: cpu.stop() };
    };
    const runs: VideoRun[] = [];
    for (const config of ['track', 'verify'] as const) for (const size of [320, 640]) runs.push(await run(config, size, 150));
    const long = await run('verify', 320, o.frames, [100, o.frames]);
    await page.evaluate(async () => {
      const w = window as unknown as { kit: { dispose(): Promise<void> }; stream: MediaStream };
      for (const t of w.stream.getTracks()) t.stop();
      await w.kit.dispose();
    });
    return { stream: o.stream, info, runs, long, memory };
  } finally {
    await session.close();
  }
}

export function printVideo(v: VideoBench): void {
  console.log(`\nvideo loop, fake camera ${v.stream === 'pan' ? 'panning over insightface/t1.jpg (6 faces)' : 'still of ppu_uniface/image-kevin1.png @ 30 fps'}, 640×480; backend ${v.info.backend}, ${v.info.workers} worker × ${v.info.threadsPerWorker} thread(s)`);
  console.log('track = detect + track + quality; verify = + eyes, passive liveness and flip embedding of the main face, every frame');
  console.log('loop | input | frames | loop fps | camera fps | dropped | full / region passes | detect full | detect region | quality | eyes | liveness | embed (flip) | worker | round trip | lag behind newest frame (median ms) | abort → done ms | CPU machine / Chromium %');
  for (const r of [...v.runs, v.long]) {
    const s = r.stages;
    const f = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '–' : x.toFixed(1));
    console.log(`${r.config} | ${r.inputSize} | ${r.frames} | ${r.fps.toFixed(1)} | ${r.cameraFps.toFixed(1)} | ${r.dropped} | ${r.fullPasses} / ${r.regionPasses} | ${f(s.detectFull)} | ${f(s.detectRegions)} | ${f(s.quality)} | ${f(s.eyes)} | ${f(s.liveness)} | ${f(s.embed)} | ${f(s.worker)} | ${f(s.roundTrip)} | ${f(s.lag)} | ${f(r.abortToDoneMs)} | ${r.cpu.machinePercent.toFixed(0)} / ${r.cpu.chromiumPercent.toFixed(0)}`);
  }
  const mb = (b: number) => (b / 1048576).toFixed(1);
  for (const m of v.memory) console.log(`memory after ${m.frames} frames: main ${mb(m.mainBytes)} MB (JS heap used ${mb(m.mainHeapUsed)} MB), worker ${mb(m.workerBytes)} MB, page total ${mb(m.totalBytes)} MB (measureUserAgentSpecificMemory)`);
  const [a, b] = [v.memory[0], v.memory[v.memory.length - 1]];
  if (a && b && a !== b) console.log(`memory growth from frame ${a.frames} to ${b.frames}: page total ${(100 * (b.totalBytes / a.totalBytes - 1)).toFixed(1)} %, worker ${(100 * (b.workerBytes / a.workerBytes - 1)).toFixed(1)} %`);
}
