// Model downloads on a bad network, and IndexedDB that is full or blocked, in real Chromium. A
// second origin (a Node server, CORS) serves the real model files and misbehaves on purpose.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, expect, test } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH, PORT, ROOT } from '@facekit/test-support/config';
import { imageUrl, openHarness } from './harness-page.js';

const MODEL_DIR = resolve(process.env.FACEKIT_MODELS ?? resolve(ROOT, 'models/files'));

/**
 * `/<mode>/<file>`: ok · nocors (no Access-Control-Allow-Origin) · truncate (declares the full
 * length, sends half, drops the connection) · stall (sends 64 KB, then nothing) · `<mode>-once`
 * misbehaves on the first request for a file only, then serves it · 503-once.
 */
async function startFaultServer(): Promise<{ url: string; hits: (path: string) => number; close(): Promise<void> }> {
  const seen = new Map<string, number>();
  const sockets = new Set<import('node:net').Socket>();
  const server: Server = createServer((req, res) => {
    const [, mode = '', file = ''] = (req.url ?? '').split('?')[0]!.split('/');
    const path = `/${mode}/${file}`;
    const n = (seen.get(path) ?? 0) + 1;
    seen.set(path, n);
    const once = mode.endsWith('-once');
    const fault = once && n > 1 ? 'ok' : mode.replace(/-once$/, '');
    if (fault !== 'nocors') res.setHeader('Access-Control-Allow-Origin', '*');
    let body: Buffer;
    try { body = readFileSync(join(MODEL_DIR, file)); } catch { res.statusCode = 404; res.end(); return; }
    if (fault === '503') { res.statusCode = 503; res.end('busy'); return; }
    res.setHeader('Content-Type', 'application/octet-stream');
    res.setHeader('Content-Length', body.length);
    if (fault === 'truncate') { res.write(body.subarray(0, body.length >> 1), () => res.socket?.destroy()); return; }
    if (fault === 'stall') { res.write(body.subarray(0, 65536)); return; } // and never more
    res.end(body);
  });
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits: (path) => seen.get(path) ?? 0,
    close: () => new Promise((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
  };
}

test.describe('model downloads on a bad network', () => {
  let faults: Awaited<ReturnType<typeof startFaultServer>>;
  test.beforeAll(async () => { faults = await startFaultServer(); });
  test.afterAll(async () => { await faults.close(); });

  test('transient failures are retried with backoff, permanent ones are not; nothing wrong is cached; a fixed server works next time', async ({ page }) => {
    test.setTimeout(120_000);
    await openHarness(page);
    const r = await page.evaluate(async (base) => {
      const fk = window.facekit;
      const outcome = async (mode: string, cacheName: string, modelFetch: Record<string, number>) => {
        try {
          const kit = await fk.createFaceKit({ modelBaseUrl: `${base}/${mode}/`, cacheName, modelFetch });
          const cached = (await kit.listCached()).map((m) => m.model);
          await kit.dispose();
          return { ok: true, cached };
        } catch (e) {
          const err = e as Error & { code?: string; status?: number | null };
          const cached = (await fk.listCachedModels(cacheName)).map((m) => m.model);
          return { ok: false, name: err.name, code: err.code, status: err.status, message: err.message, typed: e instanceof fk.ModelFetchError, cached };
        }
      };
      const quick = { retries: 2, retryDelayMs: 50 };
      return {
        truncateOnce: await outcome('truncate-once', 'fault-truncate', quick),
        unavailableOnce: await outcome('503-once', 'fault-503', quick),
        truncated: await outcome('truncate', 'fault-truncate-always', quick),
        cors: await outcome('nocors', 'fault-cors', { retries: 1, retryDelayMs: 50 }),
        stall: await outcome('stall', 'fault-stall', { stallTimeoutMs: 1500, retries: 0 }),
        fixed: await outcome('ok', 'fault-truncate-always', quick),
      };
    }, faults.url);
    // A transient fault once, then the file: the kit starts, with the model verified and cached.
    expect(r.truncateOnce).toMatchObject({ ok: true, cached: ['det_500m'] });
    expect(faults.hits('/truncate-once/det_500m.onnx')).toBe(2);
    expect(r.unavailableOnce).toMatchObject({ ok: true, cached: ['det_500m'] });
    expect(faults.hits('/503-once/det_500m.onnx')).toBe(2);
    // Always truncated: three tries, a typed error that says so, and nothing cached.
    expect(r.truncated).toMatchObject({ ok: false, name: 'ModelFetchError', code: 'MODEL_FETCH', typed: true, cached: [] });
    expect(r.truncated.message).toMatch(/tried 3 times/);
    expect(faults.hits('/truncate/det_500m.onnx')).toBe(3);
    // CORS refused: the browser only says "network error"; retried once, then typed, with the CORS hint.
    expect(r.cors).toMatchObject({ ok: false, name: 'ModelFetchError', status: null, cached: [] });
    expect(r.cors.message).toMatch(/CORS/);
    expect(faults.hits('/nocors/det_500m.onnx')).toBe(2);
    // A stalled connection fails (the stall timeout ends it, not never: the test's own timeout
    // catches a hang), with one request, since retries: 0.
    expect(r.stall).toMatchObject({ ok: false, name: 'ModelFetchError', cached: [] });
    expect(r.stall.message).toMatch(/stalled/);
    expect(faults.hits('/stall/det_500m.onnx')).toBe(1);
    // The server is fixed: the same cache name now fills.
    expect(r.fixed).toMatchObject({ ok: true, cached: ['det_500m'] });
  });

  test('a 404 is not retried', async ({ page }) => {
    await openHarness(page);
    const r = await page.evaluate(async (base) => {
      try {
        await window.facekit.createFaceKit({ modelBaseUrl: `${base}/ok/nope/`, cacheName: 'fault-404', modelFetch: { retryDelayMs: 50 } });
        return 'resolved';
      } catch (e) {
        return `${(e as Error).name} ${(e as { status?: number }).status}`;
      }
    }, faults.url);
    expect(r).toBe('ModelFetchError 404');
    expect(faults.hits('/ok/nope')).toBe(1);
  });
});

test('a full storage quota evicts the least recently used model and keeps working; a gallery save that does not fit keeps the previous version', async ({ page }) => {
  test.setTimeout(120_000);
  const cdp = await page.context().newCDPSession(page);
  await openHarness(page);
  // 6 MB for this origin: det_500m (2.5 MB) fits, and fr_feature (4.9 MB) fits only without it.
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: `http://127.0.0.1:${PORT}`, quotaSize: 6 * 1024 * 1024 });
  const r = await page.evaluate(async (url) => {
    const kit = await window.facekit.createFaceKit({ cacheName: 'quota' });
    const before = (await kit.listCached()).map((m) => m.model);
    const a = await kit.analyze(await window.fetchBlob(url)); // loads fr_feature: the quota is full
    const after = (await kit.listCached()).map((m) => m.model);
    const warnings = kit.info.warnings;
    // A gallery of 5, saved; then one of 4,000 (8 MB of vectors) over it: too big for the quota.
    const unit = (seed: number) => { const v = new Float32Array(512); for (let i = 0; i < 512; i++) v[i] = Math.sin(seed * 7.1 + i); return v; };
    const small = kit.createGallery();
    for (let i = 0; i < 5; i++) small.add(`p${i}`, unit(i));
    await kit.saveGallery('people', small);
    const big = kit.createGallery();
    for (let i = 0; i < 4000; i++) big.add(`q${i}`, unit(i + 100));
    const saveBig = await kit.saveGallery('people', big).then(() => 'saved', (e: Error & { code?: string }) => `${e.name}/${e.code}`);
    const kept = (await kit.loadGallery('people'))?.size;
    // The kit still works.
    const again = (await kit.analyze(await window.fetchBlob(url))).faces.length;
    await kit.dispose();
    return { before, faces: a.faces.length, after, warnings, saveBig, kept, again };
  }, imageUrl('faceonnx/verification/brad_1.jpg'));
  expect(r.before).toEqual(['det_500m']);
  expect(r.faces).toBe(1);
  const warned = r.warnings.join('\n');
  // The least recently used model is always evicted to make room.
  expect(warned).toMatch(/evicted det_500m/);
  expect(r.after).not.toContain('det_500m');
  // Whether the freed room is counted in time is Chromium's business, not ours: a deleted
  // IndexedDB value's space is released by a cleanup Chromium runs when it chooses, and CI saw
  // it never counted within the cache's 12.7 s wait (about one suite run in six). Either way the
  // kit must say what happened: fr_feature cached, or a warning that it was not and why.
  if (r.after.length) expect(r.after, warned).toEqual(['fr_feature']);
  else expect(warned).toMatch(/fr_feature\.onnx was not cached .*QuotaExceededError.*downloaded again next time/);
  expect(r.saveBig).toBe('StorageError/STORAGE');
  expect(r.kept).toBe(5);
  expect(r.again).toBe(1);
});

test('IndexedDB blocked (site data refused): models live in memory, info says why, storage calls fail typed, analysis works', async () => {
  test.setTimeout(120_000);
  const profile = mkdtempSync(join(tmpdir(), 'facekit-blocked-'));
  // Chromium's own setting "Don't allow sites to save data": IndexedDB refuses every open.
  mkdirSync(join(profile, 'Default'), { recursive: true });
  writeFileSync(join(profile, 'Default', 'Preferences'), JSON.stringify({ profile: { default_content_setting_values: { cookies: 2 } } }));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
  try {
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${PORT}/harness.html`);
    await page.waitForFunction(() => window.harnessReady === true);
    const r = await page.evaluate(async (url) => {
      const kit = await window.facekit.createFaceKit({ cacheName: 'blocked' });
      const info = kit.info;
      const faces = (await kit.analyze(await window.fetchBlob(url))).faces.length;
      const g = kit.createGallery();
      const save = await kit.saveGallery('g', g).then(() => 'saved', (e: Error & { code?: string }) => `${e.name}/${e.code}`);
      await kit.dispose();
      return { storage: info.storage, warnings: info.warnings, faces, save };
    }, imageUrl('faceonnx/verification/brad_1.jpg'));
    expect(r.storage).toBe('memory');
    expect(r.warnings.join('\n')).toMatch(/IndexedDB failed .*kept in memory/);
    expect(r.faces).toBe(1);
    expect(r.save).toBe('StorageError/STORAGE');
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
});
