// Privacy, checked from the browser's side: through a whole enroll → verify flow on the demo and
// on the <facekit-verify> embedding page, every request the browser makes (pages and workers)
// goes to the page's own origin, for the app, the runtime and the models: nothing else, no
// telemetry. Templates live in the origin's IndexedDB, and clearAll() leaves no facekit record.
import { expect, test, type Page } from '@playwright/test';
import { openCameraPage } from './fake-camera.js';
import { PORT } from '@facekit/test-support/config';
import { makeStream, type StillSpec } from '@facekit/test-support/streams';

const KEVIN1: StillSpec = { kind: 'still', image: 'images/ppu_uniface/image-kevin1.png', width: 1280, height: 720 };
const ORIGIN = `http://127.0.0.1:${PORT}`;
// What the app itself is made of: its pages, its bundle (scripts, worker, ORT's .wasm), the models.
const OWN = /^\/(?:(?:index|photo|embed|bench|harness)\.html|assets\/[^/]+|models\/[^/]+\.onnx|favicon\.ico|)$/;

/** Requests that leave the origin, or that are not the app, its runtime or a model. */
function unexpected(urls: string[]): string[] {
  return urls.filter((u) => {
    if (u.startsWith('blob:') || u.startsWith('data:')) return false;
    const url = new URL(u);
    return url.origin !== ORIGIN || !OWN.test(url.pathname);
  });
}

/** Records per IndexedDB database of this origin, counted from the page (not through facekit). */
function countRecords(page: Page): Promise<Record<string, number>> {
  return page.evaluate(async () => {
    const out: Record<string, number> = {};
    for (const { name } of await indexedDB.databases()) {
      if (!name) continue;
      const db = await new Promise<IDBDatabase>((res, rej) => { const r = indexedDB.open(name); r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error); });
      let n = 0;
      for (const store of Array.from(db.objectStoreNames)) {
        n += await new Promise<number>((res, rej) => { const r = db.transaction(store).objectStore(store).count(); r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error); });
      }
      db.close();
      out[name] = n;
    }
    return out;
  });
}

test('the demo: enroll → verify sends nothing off-origin; the template is in IndexedDB; clearAll() removes every facekit record', async () => {
  test.setTimeout(300_000);
  const requests: string[] = [];
  const cam = await openCameraPage(makeStream(KEVIN1), { path: '/', requests });
  try {
    const { page } = cam;
    const sockets: string[] = [];
    page.on('websocket', (ws) => sockets.push(ws.url()));
    const verdict = page.locator('#verdict');
    await expect(page.locator('#status')).toContainText('Ready:', { timeout: 120_000 });
    await expect(page.locator('#enroll')).toBeEnabled({ timeout: 60_000 });
    await page.fill('#person-id', 'kevin');
    await page.click('#enroll');
    await expect(verdict).toContainText('Enrolled “kevin”', { timeout: 90_000 });
    await page.click('#verify');
    await expect(verdict).toHaveClass(/\b(ok|fail)\b/, { timeout: 90_000 });

    // The flow ran in a worker: its model and runtime requests are among those recorded.
    expect(requests.some((u) => u.endsWith('/models/det_500m.onnx'))).toBe(true);
    expect(requests.some((u) => u.endsWith('.wasm'))).toBe(true);
    expect(unexpected(requests)).toEqual([]);
    expect(sockets).toEqual([]);

    const before = await countRecords(page);
    expect(before['facekit-verifier-default']).toBe(1); // kevin's template, and nothing else stored about him
    expect(before['facekit-models']).toBeGreaterThan(0);

    // clearAll() from a page of the same origin (the harness exposes the package).
    await page.goto('/harness.html');
    await page.waitForFunction(() => window.harnessReady === true);
    const cleared = await page.evaluate(async () => {
      const kit = await window.facekit.createFaceKit({ backend: 'wasm' });
      const out = await kit.clearAll();
      await kit.dispose();
      return out;
    });
    expect(cleared).toContain('facekit-verifier-default');
    const after = await countRecords(page);
    const left = Object.entries(after).filter(([name, n]) => name.startsWith('facekit-') && n > 0);
    expect(left).toEqual([]);
    expect(unexpected(requests)).toEqual([]);
  } finally {
    await cam.close();
  }
});

test('the embedding page: <facekit-verify> enrolls with nothing off-origin', async () => {
  test.setTimeout(240_000);
  const requests: string[] = [];
  const cam = await openCameraPage(makeStream(KEVIN1), { path: '/embed.html', requests });
  try {
    const { page } = cam;
    const element = page.locator('facekit-verify');
    await page.fill('#embed-id', 'kevin');
    await page.selectOption('#embed-mode', 'enroll');
    await element.locator('button').click();
    await expect(page.locator('#embed-log li', { hasText: 'facekit-enrolled' })).toHaveCount(1, { timeout: 120_000 });
    expect(requests.some((u) => u.endsWith('/models/det_500m.onnx'))).toBe(true);
    expect(unexpected(requests)).toEqual([]);
  } finally {
    await cam.close();
  }
});
