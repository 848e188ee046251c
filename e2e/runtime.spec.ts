// The runtime around detection: model store and cache, typed errors, backends, threads, lifecycle.
import { expect, test, type Request } from '@playwright/test';
import { PORT_NO_ISOLATION } from '@facekit/test-support/config';
import { imageUrl, openHarness } from './harness-page.js';

const isModelRequest = (r: Request) => /\/models\/[^/]+\.onnx$/.test(new URL(r.url()).pathname);

test.describe('model store', () => {
  test('downloads once with progress, then loads from IndexedDB with zero model requests', async ({ page }) => {
    const requests: string[] = [];
    page.on('request', (r) => { if (isModelRequest(r)) requests.push(r.url()); });
    await openHarness(page);
    const first = await page.evaluate(async () => {
      const events: { status: string; loaded: number; total: number; overallLoaded: number; overallTotal: number }[] = [];
      const kit = await window.facekit.createFaceKit({ onProgress: (e) => events.push(e) });
      const cached = await kit.listCached();
      await kit.dispose();
      return { events, cached };
    });
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatch(/\/models\/det_500m\.onnx$/);
    const downloads = first.events.filter((e) => e.status === 'download');
    expect(downloads.length).toBeGreaterThan(1);
    for (let i = 1; i < downloads.length; i++) expect(downloads[i]!.loaded).toBeGreaterThanOrEqual(downloads[i - 1]!.loaded);
    expect(first.events.at(-1)).toMatchObject({ status: 'ready', loaded: 2_524_817, total: 2_524_817, overallLoaded: 2_524_817, overallTotal: 2_524_817 });
    expect(first.cached).toEqual([expect.objectContaining({ model: 'det_500m', sha256: '5e4447f50245bbd7966bd6c0fa52938c61474a04ec7def48753668a9d8b4ea3a', byteLength: 2_524_817 })]);

    // Second page load in the same browser profile: everything comes from IndexedDB.
    requests.length = 0;
    await openHarness(page);
    const second = await page.evaluate(async (url) => {
      const statuses: string[] = [];
      const kit = await window.facekit.createFaceKit({ onProgress: (e) => statuses.push(e.status) });
      const n = (await kit.detect(await window.fetchBlob(url))).faces.length;
      await kit.clearCache();
      const after = await window.facekit.listCachedModels();
      await kit.dispose();
      return { statuses, n, after };
    }, imageUrl('insightface/t1.jpg'));
    expect(requests).toEqual([]);
    expect(second.statuses).toEqual(['cached', 'ready']);
    expect(second.n).toBe(6);
    expect(second.after).toEqual([]);
  });

  test('a file with the wrong SHA-256 throws ModelIntegrityError and caches nothing', async ({ page }) => {
    await page.route('**/bad-models/det_500m.onnx', (route) => route.fulfill({ status: 200, body: Buffer.from('<html>not a model</html>'), contentType: 'application/octet-stream' }));
    await openHarness(page);
    const r = await page.evaluate(async () => {
      const err = await window.facekit.createFaceKit({ modelBaseUrl: '/bad-models/' }).then(() => null, (e: Error & Record<string, unknown>) => ({
        name: e.name, code: e.code, message: e.message, url: e.url, expected: e.expectedSha256, actual: e.actualSha256,
        isTyped: e instanceof window.facekit.ModelIntegrityError,
      }));
      return { err, cached: await window.facekit.listCachedModels() };
    });
    expect(r.err).toMatchObject({ name: 'ModelIntegrityError', code: 'MODEL_INTEGRITY', isTyped: true, expected: '5e4447f50245bbd7966bd6c0fa52938c61474a04ec7def48753668a9d8b4ea3a' });
    expect(r.err!.url).toMatch(/\/bad-models\/det_500m\.onnx$/);
    expect(r.err!.message).toContain('/bad-models/det_500m.onnx');
    expect(r.cached).toEqual([]);
  });

  test('HTTP and network failures throw ModelFetchError naming the URL; the cache survives', async ({ page }) => {
    await page.route('**/offline/**', (route) => route.abort('internetdisconnected'));
    await page.route('**/missing/**', (route) => route.fulfill({ status: 404, body: 'not found' }));
    await openHarness(page);
    const r = await page.evaluate(async () => {
      const kit = await window.facekit.createFaceKit(); // fills the cache
      await kit.dispose();
      const fail = (o: Parameters<typeof window.facekit.createFaceKit>[0]) =>
        window.facekit.createFaceKit(o).then(() => null, (e: Error & Record<string, unknown>) => ({ name: e.name, code: e.code, message: e.message, status: e.status }));
      return {
        missing: await fail({ modelBaseUrl: '/missing/', cacheName: 'other' }),
        // The preview server answers unknown paths with its HTML page (status 200).
        htmlPage: await fail({ modelBaseUrl: '/no-such-folder/', cacheName: 'other' }),
        offline: await fail({ modelBaseUrl: '/offline/', cacheName: 'other' }),
        cached: (await window.facekit.listCachedModels()).map((c) => c.model),
      };
    });
    expect(r.missing).toMatchObject({ name: 'ModelFetchError', code: 'MODEL_FETCH', status: 404 });
    expect(r.missing!.message).toContain('/missing/det_500m.onnx');
    expect(r.htmlPage).toMatchObject({ name: 'ModelIntegrityError' });
    expect(r.offline).toMatchObject({ name: 'ModelFetchError', status: null });
    expect(r.offline!.message).toContain('/offline/det_500m.onnx');
    expect(r.cached).toEqual(['det_500m']);
  });
});

test.describe('inputs', () => {
  test('every accepted input type gives the same faces', async ({ page }) => {
    await openHarness(page);
    const r = await page.evaluate(async (url) => {
      const kit = await window.facekit.createFaceKit();
      const blob = await window.fetchBlob(url);
      const img = await window.loadImage(url);
      const bitmap = await createImageBitmap(blob, { colorSpaceConversion: 'none' });
      const canvas = document.createElement('canvas');
      canvas.width = bitmap.width; canvas.height = bitmap.height;
      canvas.getContext('2d')!.drawImage(bitmap, 0, 0);
      const off = new OffscreenCanvas(bitmap.width, bitmap.height);
      off.getContext('2d')!.drawImage(bitmap, 0, 0);
      const imageData = canvas.getContext('2d')!.getImageData(0, 0, bitmap.width, bitmap.height);
      const frame = new VideoFrame(bitmap, { timestamp: 0 });
      const file = new File([blob], 'photo.jpg', { type: 'image/jpeg' });
      const inputs: Record<string, Parameters<typeof kit.detect>[0]> = { blob, file, img, bitmap, canvas, off, imageData, frame };
      const out: Record<string, number[][]> = {};
      for (const [k, v] of Object.entries(inputs)) out[k] = (await kit.detect(v)).faces.map((f) => f.box.map(Math.round));
      const stillOpen = bitmap.width > 0 && frame.codedWidth > 0; // the caller's objects are not consumed
      frame.close();
      await kit.dispose();
      return { out, stillOpen };
    }, imageUrl('insightface/t1.jpg'));
    expect(r.stillOpen).toBe(true);
    const ref = r.out.blob!;
    expect(ref).toHaveLength(6);
    for (const [k, boxes] of Object.entries(r.out)) {
      expect(boxes.length, k).toBe(6);
      boxes.forEach((b, i) => b.forEach((v, j) => expect(Math.abs(v - ref[i]![j]!), `${k} face ${i}`).toBeLessThanOrEqual(2)));
    }
  });

  test('a video element is accepted once it has a frame', async ({ page }) => {
    await openHarness(page);
    const n = await page.evaluate(async (url) => {
      const kit = await window.facekit.createFaceKit();
      const img = await window.loadImage(url);
      const canvas = document.createElement('canvas');
      canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(img, 0, 0);
      const video = document.createElement('video');
      video.muted = true;
      video.srcObject = canvas.captureStream(5);
      const early = await kit.detect(video).then(() => '', (e: Error) => e.name);
      await video.play();
      const draw = setInterval(() => ctx.drawImage(img, 0, 0), 50);
      while (video.readyState < 2 || video.videoWidth === 0) await new Promise((r) => setTimeout(r, 20));
      const faces = (await kit.detect(video)).faces.length;
      clearInterval(draw);
      await kit.dispose();
      return { early, faces };
    }, imageUrl('insightface/t1.jpg'));
    expect(n.early).toBe('InvalidInputError');
    expect(n.faces).toBe(6);
  });

  test('bad inputs throw InvalidInputError saying what was wrong, and the kit keeps working', async ({ page }) => {
    await openHarness(page);
    const r = await page.evaluate(async (url) => {
      const kit = await window.facekit.createFaceKit();
      const bitmap = await createImageBitmap(await window.fetchBlob(url));
      bitmap.close();
      const unloaded = new Image();
      const cases: Record<string, unknown> = {
        string: 'photo.jpg',
        number: 42,
        null: null,
        plainObject: { width: 10, height: 10 },
        emptyCanvas: Object.assign(document.createElement('canvas'), { width: 0, height: 0 }),
        emptyBlob: new Blob([]),
        textBlob: new Blob(['this is not an image'], { type: 'image/jpeg' }),
        closedBitmap: bitmap,
        unloadedImage: unloaded,
      };
      const out: Record<string, { name: string; code: string; message: string }> = {};
      for (const [k, v] of Object.entries(cases)) {
        out[k] = await kit.detect(v as never).then(() => ({ name: 'none', code: '', message: '' }), (e: Error & { code: string }) => ({ name: e.name, code: e.code, message: e.message }));
      }
      const after = (await kit.detect(await window.fetchBlob(url))).faces.length;
      await kit.dispose();
      return { out, after };
    }, imageUrl('insightface/t1.jpg'));
    for (const [k, e] of Object.entries(r.out)) {
      expect(e.name, k).toBe('InvalidInputError');
      expect(e.code, k).toBe('INVALID_INPUT');
    }
    expect(r.out.string!.message).toContain('Unsupported input type string');
    expect(r.out.emptyCanvas!.message).toContain('0×0');
    expect(r.out.emptyBlob!.message).toContain('empty');
    expect(r.out.textBlob!.message).toContain('could not be decoded');
    expect(r.out.closedBitmap!.message).toContain('closed');
    expect(r.out.unloadedImage!.message).toContain('not loaded');
    expect(r.after).toBe(6);
  });
});

test.describe('runtime', () => {
  test("'auto' skips the software WebGPU adapter, uses WASM threads when isolated, and loads only the WASM build", async ({ page }) => {
    const scripts: string[] = [];
    page.on('request', (r) => scripts.push(new URL(r.url()).pathname));
    await openHarness(page);
    const info = await page.evaluate(async () => {
      const kit = await window.facekit.createFaceKit();
      const i = kit.info;
      await kit.dispose();
      return i;
    });
    expect(info).toMatchObject({ backend: 'wasm', crossOriginIsolated: true, threadsPerWorker: 2, workers: 1 });
    expect(info.backendReason).toMatch(/software fallback/);
    expect(scripts.some((p) => /ort-wasm-simd-threaded-[\w-]+\.wasm$/.test(p))).toBe(true);
    expect(scripts.filter((p) => /asyncify|jsep|webgpu/.test(p))).toEqual([]);
  });

  test('without cross-origin isolation it runs 1 thread and says why', async ({ page }) => {
    await openHarness(page, `http://127.0.0.1:${PORT_NO_ISOLATION}`);
    const r = await page.evaluate(async (url) => {
      const kit = await window.facekit.createFaceKit({ threadsPerWorker: 2 });
      const n = (await kit.detect(await window.fetchBlob(url))).faces.length;
      const i = kit.info;
      await kit.dispose();
      return { i, n };
    }, imageUrl('insightface/t1.jpg'));
    expect(r.i).toMatchObject({ crossOriginIsolated: false, threadsPerWorker: 1 });
    expect(r.i.threadsReason).toMatch(/not crossOriginIsolated/);
    expect(r.n).toBe(6);
  });

  test('WebGPU backend (SwiftShader here) matches WASM for detection and embedding, and loads the WebGPU build', async ({ page }) => {
    test.setTimeout(300_000);
    const scripts: string[] = [];
    page.on('request', (r) => scripts.push(new URL(r.url()).pathname));
    await openHarness(page);
    const r = await page.evaluate(async ([url, faceUrl]) => {
      const blob = await window.fetchBlob(url!);
      const face = await window.fetchBlob(faceUrl!);
      const wasm = await window.facekit.createFaceKit({ backend: 'wasm' });
      const a = await wasm.detect(blob, { inputSize: 320 });
      const ea = (await wasm.analyze(face, { inputSize: 320 })).faces[0]!.embedding;
      await wasm.dispose();
      const gpu = await window.facekit.createFaceKit({ backend: 'webgpu' });
      const b = await gpu.detect(blob, { inputSize: 320 });
      const eb = (await gpu.analyze(face, { inputSize: 320 })).faces[0]!.embedding;
      const info = gpu.info;
      await gpu.dispose();
      return { a: a.faces, b: b.faces, info, embeddingCos: gpu.compare(ea, eb) };
    }, [imageUrl('uniface/src_meeting.jpg'), imageUrl('faceonnx/verification/brad_1.jpg')]);
    expect(r.info.backend).toBe('webgpu');
    expect(r.info.backendReason).toMatch(/webgpu requested/);
    expect(scripts.some((p) => /asyncify.*\.wasm$/.test(p))).toBe(true);
    expect(r.a.length).toBeGreaterThan(0);
    expect(r.b.length).toBe(r.a.length);
    r.a.forEach((f, i) => {
      expect(Math.abs(f.score - r.b[i]!.score)).toBeLessThan(5e-3);
      f.box.forEach((v, j) => expect(Math.abs(v - r.b[i]!.box[j]!)).toBeLessThan(2));
    });
    expect(r.embeddingCos).toBeGreaterThan(0.999); // the recognizer on WebGPU too
  });

  test('bad options are typed errors; dispose terminates the workers and later calls fail', async ({ page }) => {
    await openHarness(page);
    const before = page.workers().length;
    const r = await page.evaluate(async (url) => {
      const name = (p: Promise<unknown>) => p.then(() => 'resolved', (e: Error) => `${e.name}: ${e.message}`);
      const errors = {
        model: await name(window.facekit.createFaceKit({ detector: 'nope' })),
        notDetector: await name(window.facekit.createFaceKit({ detector: 'fr_feature' })),
        workers: await name(window.facekit.createFaceKit({ workers: 0 })),
        backend: await name(window.facekit.createFaceKit({ backend: 'cuda' as never })),
      };
      const kit = await window.facekit.createFaceKit({ workers: 2, threadsPerWorker: 1 });
      const blob = await window.fetchBlob(url);
      const counts = await Promise.all([kit.detect(blob), kit.detect(blob), kit.detect(blob)].map((p) => p.then((d) => d.faces.length)));
      const controller = new AbortController();
      controller.abort();
      const aborted = await name(kit.detect(blob, { signal: controller.signal }));
      // Aborted while in flight: the call rejects at once, the worker finishes and stays usable.
      const inFlight = new AbortController();
      const pending = name(kit.analyze(blob, { signal: inFlight.signal }));
      inFlight.abort();
      const abortedInFlight = await pending;
      const afterAbort = (await kit.detect(blob)).faces.length;
      (window as unknown as { kit: unknown }).kit = kit;
      return { errors, counts, aborted, abortedInFlight, afterAbort };
    }, imageUrl('insightface/t1.jpg'));
    expect(r.errors.model).toMatch(/^InvalidOptionError: detector: Unknown model "nope"/);
    expect(r.errors.notDetector).toMatch(/^InvalidOptionError: .*not a face detector/);
    expect(r.errors.workers).toMatch(/^InvalidOptionError: workers must be/);
    expect(r.errors.backend).toMatch(/^BackendError: Unknown backend "cuda"/);
    expect(r.counts).toEqual([6, 6, 6]);
    expect(r.aborted).toMatch(/^AbortedError/);
    expect(r.abortedInFlight).toMatch(/^AbortedError/);
    expect(r.afterAbort).toBe(6);
    expect(page.workers().length).toBeGreaterThanOrEqual(before + 2);
    const after = await page.evaluate(async () => {
      const kit = (window as unknown as { kit: Awaited<ReturnType<typeof window.facekit.createFaceKit>> }).kit;
      await kit.dispose();
      return kit.detect(new Blob(['x'])).then(() => 'resolved', (e: Error) => e.name);
    });
    expect(after).toBe('DisposedError');
    await expect.poll(() => page.workers().length).toBe(before);
  });
});
