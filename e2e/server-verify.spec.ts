// examples/server-verify end to end: real Chromium with a fake camera made from a real photo
// opens the example's login page, which sends three JPEG camera frames with the server's
// one-time challenge; the server (in this process, on onnxruntime-node) re-runs detection,
// liveness and embedding and compares with the gallery in PostgreSQL (PGlite + pgvector through
// pglite-socket and pg). A match, a non-match, a spoof, a replayed challenge, an oversized body.
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { createFaceKit, createPgGallery, type NodeFaceKit, type PgGallery, type RecheckResult } from '@facekit/node';
import { createVerifyServer } from '../examples/server-verify/src/server.js';
import { openCameraPage } from './camera.js';
import { ROOT } from './config.js';
import { DATA_DIR, makeStream } from './streams.js';

const MAX_BODY = 2 * 1024 * 1024;
let kit: NodeFaceKit;
let gallery: PgGallery;
let server: ReturnType<typeof createVerifyServer>;
let baseURL: string;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  kit = await createFaceKit({ modelDir: resolve(ROOT, 'models/files'), threads: 2 });
  gallery = await createPgGallery({ db: 'memory:' });
  // Enrolled as `facekit enroll` does: the flip-test embedding of each photo's main face.
  for (const [id, photo] of [['brad', 'images/faceonnx/verification/brad_1.jpg'], ['trueface', 'spoof-dev/real/tf_near_shot_real_person.jpg']] as const) {
    const { faces } = await kit.analyze(resolve(DATA_DIR, photo), { flip: true });
    await gallery.add(id, faces[0]!.embedding, { source: photo });
  }
  server = createVerifyServer({ kit, gallery, maxBodyBytes: MAX_BODY });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

test.afterAll(async () => {
  await new Promise((done) => server?.close(done));
  await gallery?.close();
  await kit?.dispose();
});

/** Logs in as `id` on the example page with `photo` as the camera; the server's answer. */
async function loginWithCamera(photo: string, id: string, then?: (page: Page) => Promise<void>): Promise<{ status: number; body: RecheckResult }> {
  const cam = await openCameraPage(makeStream({ kind: 'still', image: photo }), { baseURL, path: '/' });
  try {
    await cam.page.fill('#id', id);
    await cam.page.click('button[type=submit]');
    await cam.page.waitForSelector('body[data-state=done]', { timeout: 60_000 });
    const result = await cam.page.evaluate(() => (window as unknown as { lastLoginResult: { status: number; body: RecheckResult } }).lastLoginResult);
    await then?.(cam.page);
    return result;
  } finally {
    await cam.close();
  }
}

test('a match: the enrolled person at the camera is verified, and replaying that request is refused', async () => {
  test.setTimeout(120_000);
  let replay: { status: number; body: { error: string; message: string } } | undefined;
  const r = await loginWithCamera('images/faceonnx/verification/brad_2.jpg', 'brad', async (page) => {
    // The exact request the page sent (same nonce, same frames), sent again.
    replay = await page.evaluate(async () => {
      const res = await fetch('/verify', { method: 'POST', body: (window as unknown as { lastLoginForm: FormData }).lastLoginForm });
      return { status: res.status, body: await res.json() };
    });
  });
  console.log(`match: similarity ${r.body.similarity?.toFixed(3)} (threshold ${r.body.threshold.toFixed(3)}), liveness ${r.body.livenessScore?.toFixed(3)}, ${r.body.durationMs.toFixed(0)} ms`);
  expect(r.status).toBe(200);
  expect(r.body.frames).toEqual(['ok', 'ok', 'ok']);
  expect(r.body.reasons).toEqual([]);
  expect(r.body.verified).toBe(true);
  expect(replay!.status).toBe(403);
  expect(replay!.body.error).toBe('nonce');
  expect(replay!.body.message).toMatch(/already used/);
});

test('a non-match: someone else claiming an enrolled id is refused', async () => {
  test.setTimeout(120_000);
  const r = await loginWithCamera('images/faceonnx/verification/nicole_1.jpg', 'brad');
  console.log(`non-match: similarity ${r.body.similarity?.toFixed(3)}, reasons ${r.body.reasons.join(',')}`);
  expect(r.status).toBe(200);
  expect(r.body.verified).toBe(false);
  expect(r.body.reasons).toContain('no-match');
  expect(r.body.similarity!).toBeLessThan(r.body.threshold);
});

test('a spoof: a phone-screen photo of an enrolled person is refused as not live', async () => {
  test.setTimeout(120_000);
  const r = await loginWithCamera('spoof-dev/spoof/tf_near_shot_fake_person.jpg', 'trueface');
  console.log(`spoof: liveness ${r.body.livenessScore?.toFixed(3)} (threshold ${r.body.livenessThreshold}), similarity ${r.body.similarity?.toFixed(3)}, reasons ${r.body.reasons.join(',')}`);
  expect(r.status).toBe(200);
  expect(r.body.verified).toBe(false);
  expect(r.body.reasons).toContain('not-live');
});

test('protocol: an oversized body (413), a forged or missing challenge (403 / 400) and a non-JPEG frame (415) are refused, and the server goes on', async () => {
  const challenge = async (): Promise<string> => ((await (await fetch(`${baseURL}/challenge`, { method: 'POST' })).json()) as { nonce: string }).nonce;
  const post = async (form: FormData) => {
    const res = await fetch(`${baseURL}/verify`, { method: 'POST', body: form });
    return { status: res.status, body: (await res.json()) as { error: string; message: string } };
  };
  const jpegLike = (bytes: number) => { const b = new Uint8Array(bytes); b.set([0xff, 0xd8, 0xff, 0xe0]); return new Blob([b], { type: 'image/jpeg' }); };
  const form = (fields: Record<string, string>, frames: Blob[]) => {
    const f = new FormData();
    for (const [k, v] of Object.entries(fields)) f.append(k, v);
    for (const b of frames) f.append('frame', b, 'f.jpg');
    return f;
  };

  const big = await post(form({ nonce: await challenge(), id: 'brad' }, [jpegLike(MAX_BODY + 1)]));
  expect(big.status).toBe(413);
  expect(big.body.error).toBe('too-large');
  expect((await post(form({ nonce: 'forged', id: 'brad' }, [jpegLike(1000)]))).status).toBe(403);
  expect((await post(form({ id: 'brad' }, [jpegLike(1000)]))).status).toBe(400);
  const png = await post(form({ nonce: await challenge(), id: 'brad' }, [new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47])])]));
  expect(png.status).toBe(415);
  // A JPEG header over garbage: the decoder's typed error becomes a 400, not a crash.
  const broken = await post(form({ nonce: await challenge(), id: 'brad' }, [jpegLike(5000)]));
  expect(broken.status).toBe(400);
  expect(broken.body.error).toBe('frames');
  // Still serving: a real photo through the API verifies.
  const photo = new Blob([await import('node:fs').then((fs) => fs.readFileSync(resolve(DATA_DIR, 'images/faceonnx/verification/brad_2.jpg')))]);
  const ok = await fetch(`${baseURL}/verify`, { method: 'POST', body: form({ nonce: await challenge(), id: 'brad' }, [photo]) });
  expect(((await ok.json()) as RecheckResult).verified).toBe(true);
});
