// Faults and load on the worker pool, in real Chromium with the real models: a worker that dies
// mid-call, a bounded queue under a burst of 500 calls, aborted queued work, dispose.
import type { TestHooks as Hooks } from 'facekit/test-hooks';
import { expect, test } from '@playwright/test';
import { imageUrl, openHarness } from './harness-page.js';

declare global {
  interface Window { hooksOf(kit: object): Hooks }
}

test.beforeEach(async ({ page }) => {
  await openHarness(page);
  await page.evaluate('window.__name = (f) => f');
  await page.evaluate(() => { window.hooksOf = (kit) => (kit as Record<symbol, Hooks>)[Symbol.for('facekit.testHooks')]!; });
});

test('a worker that dies mid-call: that call rejects with WorkerCrashedError, the worker is replaced with every loaded model, the next calls succeed', async ({ page }) => {
  const r = await page.evaluate(async (url) => {
    const kit = await window.facekit.createFaceKit();
    const hooks = window.hooksOf(kit);
    const blob = await window.fetchBlob(url);
    await kit.analyze(blob); // loads the recognizer too
    const outcome = (p: Promise<unknown>) => p.then(() => 'resolved', (e: Error & { code?: string }) => `${e.name}/${e.code}`);
    // Terminated while running: the call in flight fails; the one queued behind it runs on the replacement.
    const inFlight = outcome(kit.analyze(blob));
    const queued = kit.analyze(blob);
    await new Promise((res) => setTimeout(res, 30));
    const before = hooks.pool();
    hooks.crashWorker(0, 'terminate');
    const crashed = await inFlight;
    const next = await queued;
    // A worker that throws outside any call (the browser's 'error' event) is replaced the same way.
    hooks.crashWorker(0, 'uncaught');
    await new Promise((res) => setTimeout(res, 500));
    const afterUncaught = await kit.analyze(blob);
    const stats = hooks.pool();
    await kit.dispose();
    return {
      before, crashed, stats, afterDispose: hooks.pool(),
      next: { faces: next.faces.length, embedding: next.faces[0]?.embedding?.length },
      afterUncaught: { faces: afterUncaught.faces.length, embedding: afterUncaught.faces[0]?.embedding?.length },
    };
  }, imageUrl('faceonnx/verification/brad_1.jpg'));
  expect(r.before.inFlight).toBe(1);
  expect(r.crashed).toBe('WorkerCrashedError/WORKER_CRASHED');
  expect(r.next).toEqual({ faces: 1, embedding: 512 });
  expect(r.afterUncaught).toEqual({ faces: 1, embedding: 512 });
  expect(r.stats.respawned).toBe(2);
  expect(r.stats.workers).toBe(1);
  expect(r.afterDispose.workers).toBe(0);
});

test('500 concurrent analyze() calls all settle: correct face counts or QueueFullError, none lost, no decoded image left behind', async ({ page }) => {
  test.setTimeout(300_000);
  const r = await page.evaluate(async ([one, six]) => {
    const kit = await window.facekit.createFaceKit({ maxQueue: 40 });
    const hooks = window.hooksOf(kit);
    const blobs = [await window.fetchBlob(one!), await window.fetchBlob(six!)];
    // Half the calls pass canvases, which the kit decodes to bitmaps on this thread before queueing.
    const canvases = await Promise.all(blobs.map(async (b) => {
      const bmp = await createImageBitmap(b);
      const c = document.createElement('canvas');
      c.width = bmp.width; c.height = bmp.height;
      c.getContext('2d')!.drawImage(bmp, 0, 0);
      return c;
    }));
    const expected = [1, 6];
    hooks.trackBitmaps();
    const calls = Array.from({ length: 500 }, (_, i) => {
      const which = i % 2;
      const input = i % 4 < 2 ? blobs[which]! : canvases[which]!;
      return kit.analyze(input).then(
        (a) => ({ ok: a.faces.length === expected[which] && a.faces.every((f) => f.embedding?.length === 512), error: '' }),
        (e: Error) => ({ ok: false, error: e.name }),
      );
    });
    const settled = await Promise.all(calls);
    const stats = hooks.pool();
    const open = hooks.openBitmaps();
    const decoded = hooks.decodedBitmaps();
    // The kit still works after the burst.
    const after = (await kit.analyze(blobs[1]!)).faces.length;
    await kit.dispose();
    return {
      settled: settled.length,
      correct: settled.filter((s) => s.ok).length,
      queueFull: settled.filter((s) => s.error === 'QueueFullError').length,
      otherErrors: settled.filter((s) => !s.ok && s.error !== 'QueueFullError').map((s) => s.error),
      stats, open, decoded, after,
    };
  }, [imageUrl('faceonnx/verification/brad_1.jpg'), imageUrl('insightface/t1.jpg')]);
  expect(r.settled).toBe(500);
  expect(r.otherErrors).toEqual([]);
  expect(r.correct + r.queueFull).toBe(500);
  // The queue took 40 (plus any that freed a place meanwhile).
  expect(r.correct).toBeGreaterThanOrEqual(40);
  expect(r.queueFull).toBeGreaterThan(0);
  expect(r.stats.dispatched).toBe(r.correct); // every call a worker ran resolved correctly: none lost, none run twice
  expect(r.stats).toMatchObject({ queued: 0, inFlight: 0 });
  expect(r.open).toBe(0);
  // Refused before decoding: only admitted calls were decoded (the canvas half of 40, and any admitted later).
  expect(r.decoded).toBeLessThanOrEqual(r.correct);
  expect(r.after).toBe(6);
});

test('a bitmap crosses to the worker without a copy left behind, for every still-image call', async ({ page }) => {
  const r = await page.evaluate(async (url) => {
    const kit = await window.facekit.createFaceKit();
    const hooks = window.hooksOf(kit);
    hooks.trackBitmaps();
    const blob = await window.fetchBlob(url);
    const bmp = await createImageBitmap(blob);
    const canvas = new OffscreenCanvas(bmp.width, bmp.height);
    canvas.getContext('2d')!.drawImage(bmp, 0, 0);
    const open: number[] = [];
    const face = (await kit.detect(bmp)).faces[0]!; open.push(hooks.openBitmaps());
    await kit.analyze(canvas); open.push(hooks.openBitmaps());
    await kit.embed(bmp, face); open.push(hooks.openBitmaps());
    await kit.align(canvas, face); open.push(hooks.openBitmaps());
    await kit.dispose();
    return { open, caller: [bmp.width, canvas.width] };
  }, imageUrl('faceonnx/verification/brad_1.jpg'));
  expect(r.open).toEqual([0, 0, 0, 0]);
  expect(r.caller).toEqual([660, 660]); // the caller's own bitmap and canvas are untouched
});

test('aborting queued calls drops them unrun; aborting a running call rejects it at once', async ({ page }) => {
  const r = await page.evaluate(async (url) => {
    const kit = await window.facekit.createFaceKit();
    const hooks = window.hooksOf(kit);
    hooks.trackBitmaps();
    const blob = await window.fetchBlob(url);
    await kit.analyze(blob);
    const bmp = await createImageBitmap(blob);
    const before = hooks.pool().dispatched;
    const controllers = Array.from({ length: 10 }, () => new AbortController());
    // The order in which calls settle, and a timer queued at the abort: a worker's reply is a
    // message, so a rejection that comes before the timer came before any answer could.
    const order: string[] = [];
    const start = (i: number) => kit.analyze(i % 2 ? blob : bmp, { signal: controllers[i]!.signal })
      .then(() => 'resolved', (e: Error) => e.name).then((outcome) => { order.push(`call ${i}`); return outcome; });
    // Call 0 first, running; then 1–9 (bitmaps and blobs), which wait behind it.
    const calls = [start(0)];
    while (hooks.pool().inFlight === 0) await new Promise((res) => setTimeout(res, 1));
    for (let i = 1; i < 10; i++) calls.push(start(i));
    await new Promise((res) => setTimeout(res, 20));
    const queuedAtAbort = hooks.pool().queued;
    controllers.slice(1).forEach((c) => c.abort()); // call 0 is running; 1–9 wait
    const nextTask = new Promise((res) => setTimeout(res, 0)).then(() => order.push('next task'));
    const outcomes = await Promise.all(calls.slice(1));
    const first = await calls[0];
    await nextTask;
    const ran = hooks.pool().dispatched - before;
    const open = hooks.openBitmaps();
    await new Promise((res) => setTimeout(res, 200));
    const openLater = hooks.openBitmaps();
    await kit.dispose();
    return { queuedAtAbort, outcomes, order, first, ran, open, openLater, callerBitmapIntact: bmp.width > 0 };
  }, imageUrl('faceonnx/verification/brad_1.jpg'));
  expect(r.queuedAtAbort).toBe(9);
  expect(r.outcomes).toEqual(Array(9).fill('AbortedError'));
  // At once: all nine rejections arrive before the next task, so before the running call's answer.
  expect(r.order.slice(0, 9).sort()).toEqual(Array.from({ length: 9 }, (_, i) => `call ${i + 1}`).sort());
  expect(r.order.slice(9).sort()).toEqual(['call 0', 'next task']);
  expect(r.first).toBe('resolved');
  expect(r.ran).toBe(1);
  expect(r, JSON.stringify(r)).toMatchObject({ open: 0 });
  expect(r.callerBitmapIntact).toBe(true); // the caller's own bitmap is never closed
});

test('WebGPU device lost (destroy() on SwiftShader): the kit moves to WASM, says so in info, and the call in flight still settles with the right answer', async ({ page }) => {
  test.setTimeout(300_000);
  const r = await page.evaluate(async (url) => {
    const kit = await window.facekit.createFaceKit({ backend: 'webgpu' });
    const hooks = window.hooksOf(kit);
    const blob = await window.fetchBlob(url);
    const before = { backend: kit.info.backend, faces: (await kit.detect(blob, { inputSize: 320 })).faces.length };
    // Lost while a call runs: that call is run again on the replacement worker.
    const inFlight = kit.detect(blob, { inputSize: 320 }).then((d) => `resolved ${d.faces.length}`, (e: Error) => e.name);
    while (hooks.pool().inFlight === 0) await new Promise((res) => setTimeout(res, 5));
    hooks.crashWorker(0, 'device');
    const settled = await inFlight;
    const info = kit.info;
    const after = (await kit.detect(blob, { inputSize: 320 })).faces.length;
    const stats = hooks.pool();
    await kit.dispose();
    return { before, settled, backend: info.backend, reason: info.backendReason, warnings: info.warnings, after, stats };
  }, imageUrl('insightface/t1.jpg'));
  expect(r.before.backend).toBe('webgpu');
  expect(r.settled).toBe(`resolved ${r.before.faces}`);
  expect(r.backend).toBe('wasm');
  expect(r.reason).toMatch(/WebGPU device was lost.*moved to WASM/);
  expect(r.warnings.join('\n')).toMatch(/WebGPU device was lost/);
  expect(r.after).toBe(r.before.faces);
  expect(r.stats).toMatchObject({ respawned: 1, workers: 1 });
});
