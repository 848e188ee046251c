// A live session under faults and over time, on the fake camera with the real models: a worker
// killed mid-session, an abort, and a 2,000-frame soak with memory measured by the browser.
import type { TestHooks as Hooks } from 'facekit/test-hooks';
import { expect, test } from '@playwright/test';
import { openCameraPage } from './fake-camera.js';
import { makeStream } from '@facekit/test-support/streams';

const KEVIN = { kind: 'still', image: 'images/ppu_uniface/image-kevin1.png' } as const;

test('live loop: a worker killed mid-session costs frames, not the session; an abort stops it within one frame', async () => {
  test.setTimeout(120_000);
  const cam = await openCameraPage(makeStream(KEVIN));
  try {
    const r = await cam.page.evaluate(async () => {
      const kit = await window.facekit.createFaceKit();
      const hooks = (kit as unknown as Record<symbol, Hooks>)[Symbol.for('facekit.testHooks')]!;
      const camera = await window.facekit.openCamera();
      const wait = (ms: number) => new Promise((res) => setTimeout(res, ms));
      const ac = new AbortController();
      let processed = 0, afterAbort = 0, aborted = false;
      const loop = await kit.createVideoLoop(camera.stream, { signal: ac.signal, onFrame: () => { processed++; if (aborted) afterAbort++; } });
      while (processed < 10) await wait(20);
      // Killed while it runs a frame.
      while (hooks.pool().inFlight === 0) await wait(1);
      hooks.crashWorker(0, 'terminate');
      const atCrash = processed;
      while (processed < atCrash + 10) await wait(20);
      const failed = loop.stats.failed;
      // Abort mid-frame: the loop settles at once (before the next task, so before the worker's
      // answer for the frame in flight, a message) and no frame is delivered after.
      while (hooks.pool().inFlight === 0) await wait(1);
      const order: string[] = [];
      aborted = true;
      ac.abort();
      const nextTask = wait(0).then(() => order.push('next task'));
      const end = await loop.done.then(() => 'resolved', (e: Error) => e.name);
      order.push(`loop settled, ${hooks.pool().inFlight} frame(s) still in the worker`);
      await nextTask;
      await wait(300);
      const stats = hooks.pool();
      camera.stop();
      await kit.dispose();
      return { failed, end, order, afterAbort, stats, running: loop.running };
    });
    expect(r.failed).toBe(1); // the frame the worker died with
    expect(r.stats).toMatchObject({ respawned: 1, workers: 1 });
    expect(r.end).toBe('AbortedError');
    expect(r.order).toEqual(['loop settled, 1 frame(s) still in the worker', 'next task']);
    expect(r.afterAbort).toBe(0);
    expect(r.running).toBe(false);
  } finally {
    await cam.close();
  }
});

test('soak: 2,000 frames of a live session; memory and workers stay bounded; dispose leaves no worker', async () => {
  test.setTimeout(300_000);
  // Eager measurement: measureUserAgentSpecificMemory otherwise waits for the next GC (up to 20 s).
  const cam = await openCameraPage(makeStream({ ...KEVIN, seconds: 4, fps: 30 }), { extraArgs: ['--enable-blink-features=ForceEagerMeasureMemory'] });
  try {
    const workersBefore = cam.page.workers().length;
    const r = await cam.page.evaluate(async () => {
      // One thread per worker (what a tracking page uses): with ORT's extra thread parked in
      // Atomics.wait, the browser's memory measurement waits 60 s for it to answer.
      const kit = await window.facekit.createFaceKit({ threadsPerWorker: 1 });
      const hooks = (kit as unknown as Record<symbol, Hooks>)[Symbol.for('facekit.testHooks')]!;
      const camera = await window.facekit.openCamera();
      const wait = (ms: number) => new Promise((res) => setTimeout(res, ms));
      type Measure = { bytes: number; breakdown: { bytes: number; attribution: { scope?: string }[] }[] };
      const measure = async () => {
        const m = await (performance as unknown as { measureUserAgentSpecificMemory(): Promise<Measure> }).measureUserAgentSpecificMemory();
        const worker = m.breakdown.filter((b) => b.attribution.some((a) => a.scope === 'DedicatedWorkerGlobalScope')).reduce((n, b) => n + b.bytes, 0);
        return { total: m.bytes, worker, workers: hooks.pool().workers };
      };
      let processed = 0;
      const samples: { frame: number; total: number; worker: number; workers: number }[] = [];
      const loop = await kit.createVideoLoop(camera.stream, { onFrame: () => { processed++; } });
      for (const at of [100, 1000, 2000]) {
        while (processed < at) await wait(50);
        samples.push({ frame: processed, ...(await measure()) });
      }
      const stats = await loop.stop();
      camera.stop();
      await kit.dispose();
      await wait(300);
      return { samples, stats, isolated: crossOriginIsolated, afterDispose: hooks.pool().workers };
    });
    console.log(`soak: ${r.samples.map((s) => `frame ${s.frame}: ${(s.total / 1e6).toFixed(1)} MB (workers ${(s.worker / 1e6).toFixed(1)} MB)`).join(', ')}; ${r.stats.processed} processed, ${r.stats.failed} failed`);
    expect(r.isolated).toBe(true);
    expect(r.stats.processed).toBeGreaterThanOrEqual(2000);
    expect(r.stats.failed).toBe(0);
    const [first, , last] = r.samples;
    // Bounded: at most 10 % (or 5 MB) above the size after 100 frames, page and workers together.
    expect(last!.total).toBeLessThanOrEqual(Math.max(first!.total * 1.1, first!.total + 5e6));
    expect(last!.worker).toBeLessThanOrEqual(Math.max(first!.worker * 1.1, first!.worker + 5e6));
    expect(first!.worker).toBeGreaterThan(1e6); // the worker's heap and its wasm memory are in the measure
    for (const s of r.samples) expect(s.workers).toBe(1);
    expect(r.afterDispose).toBe(0);
    await expect.poll(() => cam.page.workers().length).toBe(workersBefore);
  } finally {
    await cam.close();
  }
});
