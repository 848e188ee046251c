// The static site (`pnpm build:site`) as a plain static host serves it: no COOP/COEP, under a base
// path that is not the root. Its service worker makes the pages cross-origin isolated after one
// reload; the Verify page enrolls and verifies on the fake camera; a Photo page sample is analysed
// with one click.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { ROOT } from '@facekit/test-support/config';
import { startStaticServer, type StaticServer } from '@facekit/test-support/static-server';
import { makeStream, type StillSpec } from '@facekit/test-support/streams';
import { openCameraPage } from './fake-camera.js';

const SITE = resolve(ROOT, '.cache/site-e2e');
/** Any base path: the site's URLs are all relative. */
const BASE = '/some/base/facekit/';
// kevin1, whole, on a 720p camera (what openCamera asks for), as in demo.spec.ts.
const KEVIN1: StillSpec = { kind: 'still', image: 'images/ppu_uniface/image-kevin1.png', width: 1280, height: 720 };

let server: StaticServer;

test.beforeAll(async () => {
  execFileSync('pnpm', ['build:site', '--out', SITE], { cwd: ROOT, stdio: 'inherit' });
  server = await startStaticServer({ roots: { [BASE]: SITE } }); // plain: no isolation headers
});
test.afterAll(async () => { await server?.close(); });

function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

/** Whether the page is isolated; false while it reloads (its context is gone). */
const isolated = (page: Page) => page.evaluate(() => globalThis.crossOriginIsolated).catch(() => false);

/** How many times the server was asked for the page at `path`. */
const loadsOf = (path: string) => server.requests.filter((r) => r.path === `GET ${path}`).length;

test('a host without COOP/COEP: crossOriginIsolated after one reload by the service worker, and threads', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto(`${server.url}${BASE}photo.html`);
  await expect.poll(() => isolated(page)).toBe(true);
  expect(loadsOf(`${BASE}photo.html`)).toBe(2); // the first load registers the worker, its reload is served by it
  expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toBe(`${server.url}${BASE}coi-serviceworker.js`);
  expect(await page.evaluate(() => typeof SharedArrayBuffer)).toBe('function');
  await expect(page.locator('#status')).toContainText('Ready: wasm', { timeout: 60_000 });
  await expect(page.locator('#status')).not.toContainText('not crossOriginIsolated');
  // A later visit is served by the worker from its start: isolated with no further reload.
  await page.goto(`${server.url}${BASE}embed.html`);
  expect(await isolated(page)).toBe(true);
  expect(loadsOf(`${BASE}embed.html`)).toBe(1);
  expect(errors).toEqual([]);
});

test('a host that sends COOP/COEP itself: the page is isolated at once, no worker, no reload', async ({ page }) => {
  const isolating = await startStaticServer({ roots: { [BASE]: SITE }, isolated: true });
  try {
    const errors = collectErrors(page);
    await page.goto(`${isolating.url}${BASE}photo.html`);
    expect(await isolated(page)).toBe(true);
    await expect(page.locator('#status')).toContainText('Ready: wasm', { timeout: 60_000 });
    expect(isolating.requests.filter((r) => r.path === `GET ${BASE}photo.html`)).toHaveLength(1);
    expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).length)).toBe(0);
    expect(errors).toEqual([]);
  } finally {
    await isolating.close();
  }
});

test('verify page from the static site: enroll kevin from the fake camera, then verify him', async () => {
  const cam = await openCameraPage(makeStream(KEVIN1), { baseURL: server.url, path: `${BASE}index.html` });
  try {
    const { page } = cam;
    await expect.poll(() => isolated(page)).toBe(true); // after this, no reload is coming
    const errors = collectErrors(page);
    const verdict = page.locator('#verdict');
    await expect(page.locator('#status')).toContainText('Ready:', { timeout: 120_000 });
    await expect(page.locator('#enroll')).toBeEnabled({ timeout: 60_000 });
    await page.fill('#person-id', 'kevin');
    await page.click('#enroll');
    await expect(verdict).toHaveClass(/\bok\b/, { timeout: 90_000 });
    await expect(verdict).toContainText('Enrolled “kevin”');
    await expect(page.locator('#enrolled li[data-id="kevin"]')).toBeVisible();

    await page.click('#verify');
    await expect(verdict).toHaveClass(/\b(ok|fail)\b/, { timeout: 90_000 });
    await expect(verdict).toContainText(/^(Verified: this is|Not verified as) “kevin”/);
    // The same face: the match itself holds (a still photo may still fail liveness).
    const [, similarity, threshold] = /Similarity\s*(\d\.\d{3}) vs threshold (\d\.\d{3})/.exec(await verdict.innerText()) ?? [];
    expect(Number(similarity)).toBeGreaterThanOrEqual(Number(threshold));
    expect(errors).toEqual([]);
  } finally {
    await cam.close();
  }
});

test('photo page from the static site: one click on a sample analyses it', async ({ page }) => {
  await page.goto(`${server.url}${BASE}photo.html`);
  await expect.poll(() => isolated(page)).toBe(true);
  const errors = collectErrors(page);
  const samples = page.locator('#samples button.sample');
  await expect(samples).toHaveCount(3);
  await expect(page.locator('#status')).toContainText('Ready: wasm', { timeout: 60_000 });
  await page.locator('#samples button[data-file="group.jpg"]').click();
  await expect(page.locator('#status')).toContainText('6 face(s) in 1280×886', { timeout: 60_000 });
  await expect(page.locator('#faces li')).toHaveCount(6);
  await expect(page.locator('#canvas')).toHaveAttribute('width', '1280');
  await expect(page.locator('#hint')).toBeHidden();
  expect(errors).toEqual([]);
});
