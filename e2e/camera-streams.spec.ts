// The fake camera itself: y4m files made by streams.ts, streamed by Chromium's fake device
// (fake-camera.ts), arrive as VideoFrames at the file's size and rate, with the file's pixels.
// Also prints platform facts the video pipeline is designed around.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { openCameraPage } from './fake-camera.js';
import { makeStream, readY4m, type AlternateSpec, type StillSpec } from '@facekit/test-support/streams';

const KEVIN1: StillSpec = { kind: 'still', image: 'images/ppu_uniface/image-kevin1.png' };
const KEVIN2: StillSpec = { kind: 'still', image: 'images/ppu_uniface/image-kevin2.jpg' };
const BLINK: AlternateSpec = {
  kind: 'alternate',
  images: ['images/faceonnx/landmarks/eyes_open_open.jpg', 'images/faceonnx/landmarks/eyes_closed_closed.jpg'],
  segmentMs: [700, 300],
};

interface FrameInfo { timestamp: number; at: number; format: string | null; codedWidth: number; codedHeight: number; displayWidth: number; displayHeight: number; luma: number }
interface Capture { settings: { width?: number; height?: number; frameRate?: number; deviceId?: string }; label: string; hasProcessor: boolean; frames: FrameInfo[] }

/** Opens the camera and reads `count` VideoFrames through MediaStreamTrackProcessor, closing each. */
function captureFrames(page: Page, count: number): Promise<Capture> {
  return page.evaluate(async (count) => {
    type Processor = new (init: { track: MediaStreamTrack }) => { readable: ReadableStream<VideoFrame> };
    const Ctor = (globalThis as { MediaStreamTrackProcessor?: Processor }).MediaStreamTrackProcessor;
    const stream = await navigator.mediaDevices.getUserMedia({ video: true });
    const track = stream.getVideoTracks()[0]!;
    const s = track.getSettings();
    const out: Capture = { settings: { width: s.width, height: s.height, frameRate: s.frameRate }, label: track.label, hasProcessor: typeof Ctor === 'function', frames: [] };
    if (!Ctor) { track.stop(); return out; }
    const reader = new Ctor({ track }).readable.getReader();
    const lumaOf = async (f: VideoFrame): Promise<number> => {
      // I420/NV12 etc.: the first plane is luma (Y), codedWidth × codedHeight with the default layout.
      const buf = new Uint8Array(f.allocationSize());
      const layout = await f.copyTo(buf);
      const { offset, stride } = layout[0]!;
      let sum = 0;
      for (let y = 0; y < f.codedHeight; y++) for (let x = 0, p = offset + y * stride; x < f.codedWidth; x++, p++) sum += buf[p]!;
      return sum / (f.codedWidth * f.codedHeight);
    };
    while (out.frames.length < count) {
      const { value: f, done } = await reader.read();
      if (done) break;
      try {
        out.frames.push({
          timestamp: f.timestamp, at: performance.now(), format: f.format, codedWidth: f.codedWidth, codedHeight: f.codedHeight,
          displayWidth: f.displayWidth, displayHeight: f.displayHeight, luma: f.format?.startsWith('I4') || f.format?.startsWith('NV12') ? await lumaOf(f) : NaN,
        });
      } finally {
        f.close();
      }
    }
    await reader.cancel();
    track.stop();
    return out;
  }, count);
}

test.describe('fake camera streams', () => {
  test('a still photo streams as 640×480 I420 VideoFrames at the file rate, byte for byte', async ({ baseURL }) => {
    const file = makeStream(KEVIN1);
    const y4m = readY4m(file);
    expect([y4m.width, y4m.height, y4m.fps]).toEqual([640, 480, 15]);
    const cam = await openCameraPage(file, { baseURL });
    try {
      const c = await captureFrames(cam.page, 30);
      // The file's rate, as the device reports it (the measured rate below is printed, not asserted).
      expect(c.settings).toMatchObject({ width: 640, height: 480, frameRate: y4m.fps });
      expect(c.label).toBe(file); // the fake device is named after its file
      expect(c.hasProcessor).toBe(true);
      expect(c.frames.length).toBe(30);
      for (const f of c.frames) {
        expect(f).toMatchObject({ format: 'I420', codedWidth: 640, codedHeight: 480, displayWidth: 640, displayHeight: 480 });
        expect(Math.abs(f.luma - y4m.lumaMeans[0]!)).toBeLessThan(0.01); // the file's pixels, unconverted
      }
      const ts = c.frames.map((f) => f.timestamp);
      for (let i = 1; i < ts.length; i++) expect(ts[i]!).toBeGreaterThan(ts[i - 1]!);
      const fps = (ts.length - 1) / ((ts.at(-1)! - ts[0]!) / 1e6);
      const wallFps = (ts.length - 1) / ((c.frames.at(-1)!.at - c.frames[0]!.at) / 1e3);
      const deltas = ts.slice(1).map((t, i) => (t - ts[i]!) / 1000);
      console.log(`still: ${c.frames.length} frames, ${fps.toFixed(2)} fps by timestamps (µs), ${wallFps.toFixed(2)} by arrival; `
        + `frame gaps ${Math.min(...deltas).toFixed(1)}–${Math.max(...deltas).toFixed(1)} ms; settings ${JSON.stringify(c.settings)}; first ${JSON.stringify(c.frames[0])}`);
    } finally {
      await cam.close();
    }
  });

  test('an alternating stream shows each photo in turn (700 ms open eyes, 300 ms closed)', async ({ baseURL }) => {
    const file = makeStream(BLINK);
    const y4m = readY4m(file);
    const [open, closed] = [y4m.lumaMeans[0]!, y4m.lumaMeans.at(-1)!];
    expect(y4m.lumaMeans.map((l) => (l === open ? 'o' : 'c')).join('')).toBe('ooooooooooocccc'); // 11 + 4 frames at 15 fps
    const cam = await openCameraPage(file, { baseURL });
    try {
      const c = await captureFrames(cam.page, 40);
      const seen = c.frames.map((f) => (Math.abs(f.luma - open) < 0.01 ? 'o' : Math.abs(f.luma - closed) < 0.01 ? 'c' : '?')).join('');
      console.log(`alternate: luma open ${open.toFixed(2)}, closed ${closed.toFixed(2)}; frames seen ${seen}`);
      expect(seen).not.toContain('?');
      expect(seen.match(/oc/g)?.length ?? 0).toBeGreaterThanOrEqual(2); // at least two blinks in 40 frames (a cycle is 16)
      // Whole runs inside the capture follow the file's cycle, 11 open and 4 closed frames (12
      // open: the device shows a file's first frame twice each time it loops). A busy machine
      // may skip a frame of a run (seen: 11 open, 3 closed), never add one: at most those lengths.
      const runs = (re: RegExp) => (seen.match(re) ?? []).map((r) => r.length);
      for (const n of runs(/(?<=c)o+(?=c)/g)) expect(n).toBeLessThanOrEqual(12);
      for (const n of runs(/(?<=o)c+(?=o)/g)) expect(n).toBeLessThanOrEqual(4);
      expect(Math.max(...runs(/(?<=c)o+(?=c)/g), 0), 'an open run about as long as the file\'s').toBeGreaterThanOrEqual(8);
    } finally {
      await cam.close();
    }
  });

  test('launches sharing a userDataDir share IndexedDB, each streaming its own file', async ({ baseURL }) => {
    const userDataDir = mkdtempSync(join(tmpdir(), 'facekit-camera-shared-'));
    const idb = (page: Page, write: string | null) => page.evaluate(async (write) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const req = indexedDB.open('camera-streams-spec', 1);
        req.onupgradeneeded = () => req.result.createObjectStore('kv');
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
      const tx = db.transaction('kv', write === null ? 'readonly' : 'readwrite');
      const store = tx.objectStore('kv');
      const value = await new Promise<unknown>((resolve, reject) => {
        const req = write === null ? store.get('enrolled') : store.put(write, 'enrolled');
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
      await new Promise((resolve) => { tx.oncomplete = resolve; });
      db.close();
      return value;
    }, write);
    try {
      const first = makeStream(KEVIN1), second = makeStream(KEVIN2);
      let cam = await openCameraPage(first, { baseURL, userDataDir });
      try {
        expect((await captureFrames(cam.page, 3)).frames[0]!.luma).toBeCloseTo(readY4m(first).lumaMeans[0]!, 2);
        await idb(cam.page, 'kevin');
      } finally {
        await cam.close();
      }
      cam = await openCameraPage(second, { baseURL, userDataDir });
      try {
        expect((await captureFrames(cam.page, 3)).frames[0]!.luma).toBeCloseTo(readY4m(second).lumaMeans[0]!, 2);
        expect(await idb(cam.page, null)).toBe('kevin');
      } finally {
        await cam.close();
      }
    } finally {
      rmSync(userDataDir, { recursive: true, force: true });
    }
  });

  test('platform facts: measureUserAgentSpecificMemory, requestVideoFrameCallback, worker APIs', async ({ baseURL }) => {
    const cam = await openCameraPage(makeStream(KEVIN1), { baseURL });
    try {
      const facts = await cam.page.evaluate(async () => {
        type Breakdown = { bytes: number; types: string[]; attribution: { url?: string; scope?: string }[] };
        type Measure = () => Promise<{ bytes: number; breakdown: Breakdown[] }>;
        const perf = performance as Performance & { measureUserAgentSpecificMemory?: Measure };
        const memory = async () => {
          if (!perf.measureUserAgentSpecificMemory) return null;
          const t0 = performance.now();
          const m = await perf.measureUserAgentSpecificMemory();
          return {
            ms: Math.round(performance.now() - t0), bytes: m.bytes,
            breakdown: m.breakdown.map((b) => ({ bytes: b.bytes, types: b.types, scopes: b.attribution.map((a) => a.scope ?? '?') })),
          };
        };
        const before = await memory();
        // How a dedicated worker's memory is reported: 64 MiB held as wasm memory (plain, as ORT's
        // 1-thread build; shared, as its threaded build) or as an ArrayBuffer.
        const held: Record<string, string> = {
          wasm: 'new WebAssembly.Memory({ initial: 1024 })',
          sharedWasm: 'new WebAssembly.Memory({ initial: 1024, maximum: 1024, shared: true })',
          arrayBuffer: 'new ArrayBuffer(64 << 20)',
        };
        const workerMiB: Record<string, number> = {};
        let inWorker: Record<string, string> = {};
        let withWorker: Awaited<ReturnType<typeof memory>> = null;
        for (const [kind, expr] of Object.entries(held)) {
          const src = `const m = ${expr}; new Uint8Array(m.buffer ?? m).fill(1); self.keep = m;
            postMessage({ processor: typeof MediaStreamTrackProcessor, videoFrame: typeof VideoFrame, offscreen: typeof OffscreenCanvas });`;
          const worker = new Worker(URL.createObjectURL(new Blob([src], { type: 'text/javascript' })));
          inWorker = await new Promise<Record<string, string>>((resolve) => { worker.onmessage = (e) => resolve(e.data as Record<string, string>); });
          withWorker = await memory();
          const bytes = withWorker!.breakdown.filter((b) => b.scopes.includes('DedicatedWorkerGlobalScope')).reduce((a, b) => a + b.bytes, 0);
          workerMiB[kind] = Math.round(bytes / 2 ** 20 * 10) / 10;
          worker.terminate();
        }

        const video = document.createElement('video');
        video.muted = true;
        video.srcObject = await navigator.mediaDevices.getUserMedia({ video: true });
        document.body.append(video);
        await video.play();
        const calls: { mediaTime: number; presentedFrames: number; width: number; height: number }[] = [];
        // 30 callbacks, one per presented frame (the timer only ends a wait that would never end).
        await new Promise<void>((resolve) => {
          const onFrame = (_now: number, meta: VideoFrameCallbackMetadata) => {
            calls.push({ mediaTime: meta.mediaTime, presentedFrames: meta.presentedFrames, width: meta.width, height: meta.height });
            if (calls.length < 30) video.requestVideoFrameCallback(onFrame); else resolve();
          };
          video.requestVideoFrameCallback(onFrame);
          setTimeout(resolve, 60_000);
        });
        (video.srcObject as MediaStream).getTracks().forEach((t) => t.stop());
        return { crossOriginIsolated, memory: { before, withWorker, workerMiB }, inWorker, rvfc: { calls: calls.length, first: calls[0], last: calls.at(-1), presentedFrames: calls.map((c) => c.presentedFrames) } };
      });
      for (const [k, v] of Object.entries(facts)) console.log(`platform ${k}: ${JSON.stringify(v)}`);
      expect(facts.crossOriginIsolated).toBe(true);
      expect(facts.memory.before!.breakdown.flatMap((b) => b.types)).toContain('JavaScript');
      // Plain (non-shared) WebAssembly.Memory is not counted; shared wasm memory and ArrayBuffers are.
      expect(facts.memory.workerMiB.sharedWasm).toBeGreaterThanOrEqual(64);
      expect(facts.memory.workerMiB.arrayBuffer).toBeGreaterThanOrEqual(64);
      expect(facts.inWorker).toMatchObject({ processor: 'undefined', videoFrame: 'function', offscreen: 'function' });
      expect(facts.rvfc.calls).toBe(30);
      // Each callback is for a newer presented frame.
      for (let i = 1; i < facts.rvfc.presentedFrames.length; i++) expect(facts.rvfc.presentedFrames[i]!).toBeGreaterThan(facts.rvfc.presentedFrames[i - 1]!);
      expect(facts.rvfc.last).toMatchObject({ width: 640, height: 480 });
    } finally {
      await cam.close();
    }
  });
});
