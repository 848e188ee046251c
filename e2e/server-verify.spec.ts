// examples/server-verify end to end: real Chromium with a fake camera made from a real photo
// opens the example's login page. facekit runs in the page (the built package, served by the
// example server) and captures three good, live frames as JPEGs (verifier.capture()); the page
// sends them with the server's one-time challenge; the server (in this process, on
// onnxruntime-node) re-runs detection, liveness and embedding and compares with the gallery in
// PostgreSQL (PGlite + pgvector through pglite-socket and pg). A match, a non-match, a spoof (the
// page refuses it, and a tampered page that sends it anyway is refused by the server), a
// replayed challenge, an oversized body.
import { execFileSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { createFaceKit, createPgGallery, type NodeFaceKit, type PgGallery, type RecheckResult } from '@facekit/node';
import { createVerifyServer, type LoginAnswer } from '@facekit/example-server-verify/server';
import { openCameraPage } from './fake-camera.js';
import { ROOT } from '@facekit/test-support/config';
import { DATA_DIR, makeStream, type PhotoLook } from '@facekit/test-support/streams';

const MAX_BODY = 2 * 1024 * 1024;
let kit: NodeFaceKit;
let gallery: PgGallery;
let server: ReturnType<typeof createVerifyServer>;
let baseURL: string;
/** The server's full re-check results (its audit log), newest last: the client never sees the scores. */
const audit: { id: string; result: RecheckResult }[] = [];

test.beforeAll(async () => {
  test.setTimeout(180_000);
  // The browser package the page imports (packages/web/dist).
  execFileSync('pnpm', ['build:package'], { cwd: ROOT, stdio: 'pipe' });
  kit = await createFaceKit({ modelDir: resolve(ROOT, 'models/files'), threads: 2 });
  gallery = await createPgGallery({ db: 'memory:' });
  // Enrolled as `facekit-node enroll` does: the flip-test embedding of each photo's main face.
  for (const [id, photo] of [['kevin', 'images/ppu_uniface/image-kevin2.jpg'], ['trueface', 'spoof-dev/real/tf_near_shot_real_person.jpg']] as const) {
    const { faces } = await kit.analyze(resolve(DATA_DIR, photo), { flip: true });
    await gallery.add(id, faces[0]!.embedding, { source: photo });
  }
  server = createVerifyServer({ kit, gallery, modelDir: resolve(ROOT, 'models/files'), maxBodyBytes: MAX_BODY, onResult: (e) => audit.push(e) });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

test.afterAll(async () => {
  await new Promise((done) => server?.close(done));
  await gallery?.close();
  await kit?.dispose();
});

interface LoginResult { status: number; body: LoginAnswer & { error?: string; code?: string } }

/** Logs in as `id` on the example page with `photo` as the camera; the server's answer (status 0: the page stopped first). */
async function loginWithCamera(photo: string, id: string, then?: (page: Page) => Promise<void>, path = '/', requests?: string[], look: PhotoLook = {}): Promise<LoginResult> {
  // A 720p webcam, as e2e/verify.spec.ts: the page's quality gate wants eyes ≥ 60 px apart.
  const cam = await openCameraPage(makeStream({ kind: 'still', image: photo, ...look, width: 1280, height: 720 }), { baseURL, path, ...(requests ? { requests } : {}) });
  try {
    await cam.page.fill('#id', id);
    await cam.page.click('button[type=submit]');
    await cam.page.waitForSelector('body[data-state=done]', { timeout: 60_000 });
    const result = await cam.page.evaluate(() => (window as unknown as { lastLoginResult: LoginResult }).lastLoginResult);
    if (result.status === 0) console.log(`the page stopped before sending: ${JSON.stringify(result.body)}`);
    await then?.(cam.page);
    return result;
  } finally {
    await cam.close();
  }
}

test('a match: the enrolled person at the camera is verified, and replaying that request is refused', async () => {
  test.setTimeout(120_000);
  let replay: { status: number; body: { error: string; message: string } } | undefined;
  // Enrolled from another photo (kevin2); kevin1 shown whole is a webcam-sized face.
  const r = await loginWithCamera('images/ppu_uniface/image-kevin1.png', 'kevin', async (page) => {
    // The exact request the page sent (same nonce, same frames), sent again.
    replay = await page.evaluate(async () => {
      const res = await fetch('/verify', { method: 'POST', body: (window as unknown as { lastLoginForm: FormData }).lastLoginForm });
      return { status: res.status, body: await res.json() };
    });
  });
  const { result } = audit.at(-1)!;
  console.log(`match: similarity ${result.similarity?.toFixed(3)} (threshold ${result.threshold.toFixed(3)}), liveness ${result.livenessScore?.toFixed(3)}, ${result.durationMs.toFixed(0)} ms`);
  expect(r.status).toBe(200);
  // The verdict and why, no score: a score would be an oracle for tuning a spoof.
  expect(Object.keys(r.body).sort()).toEqual(['frames', 'reasons', 'verified']);
  expect(r.body.frames).toEqual(['ok', 'ok', 'ok']);
  expect(r.body.reasons).toEqual([]);
  expect(r.body.verified).toBe(true);
  expect(replay!.status).toBe(403);
  expect(replay!.body.error).toBe('nonce');
  expect(replay!.body.message).toMatch(/already used/);
});

test('a non-match: someone else claiming an enrolled id is refused', async () => {
  test.setTimeout(120_000);
  const r = await loginWithCamera('images/ppu_uniface/image-magnus1.png', 'kevin');
  const { result } = audit.at(-1)!;
  console.log(`non-match: similarity ${result.similarity?.toFixed(3)}, reasons ${r.body.reasons.join(',')}`);
  expect(r.status).toBe(200);
  expect(r.body.verified).toBe(false);
  expect(r.body.reasons).toContain('no-match');
  expect(result.similarity!).toBeLessThan(result.threshold);
});

test('a spoof: the page refuses a recaptured photo, and when a tampered page sends a phone-screen photo of an enrolled person the server refuses it as not live', async () => {
  test.setTimeout(180_000);
  const requests: string[] = [];
  const page = await loginWithCamera('spoof-dev/spoof/vm_fake_001.jpg', 'kevin', undefined, '/', requests);
  expect(page.status).toBe(0);
  expect(page.body.error).toBe('LivenessError');
  expect(requests.filter((u) => u.endsWith('/verify'))).toEqual([]);

  // Shown smaller: whole, the phone fills the frame and the gate says too-close.
  const r = await loginWithCamera('spoof-dev/spoof/tf_near_shot_fake_person.jpg', 'trueface', undefined, '/?liveness=off', undefined, { scale: 0.6 });
  const { result } = audit.at(-1)!;
  console.log(`spoof sent anyway: liveness ${result.livenessScore?.toFixed(3)} (threshold ${result.livenessThreshold}), similarity ${result.similarity?.toFixed(3)}, reasons ${r.body.reasons.join(',')}`);
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

  const big = await post(form({ nonce: await challenge(), id: 'kevin' }, [jpegLike(MAX_BODY + 1)]));
  expect(big.status).toBe(413);
  expect(big.body.error).toBe('too-large');
  expect((await post(form({ nonce: 'forged', id: 'kevin' }, [jpegLike(1000)]))).status).toBe(403);
  expect((await post(form({ id: 'kevin' }, [jpegLike(1000)]))).status).toBe(400);
  const png = await post(form({ nonce: await challenge(), id: 'kevin' }, [new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47])])]));
  expect(png.status).toBe(415);
  // A JPEG header over garbage: the decoder's typed error becomes a 400, not a crash.
  const broken = await post(form({ nonce: await challenge(), id: 'kevin' }, [jpegLike(5000)]));
  expect(broken.status).toBe(400);
  expect(broken.body.error).toBe('frames');
  // Still serving: a real photo through the API verifies.
  const photo = new Blob([await import('node:fs').then((fs) => fs.readFileSync(resolve(DATA_DIR, 'images/ppu_uniface/image-kevin2.jpg')))]);
  const ok = await fetch(`${baseURL}/verify`, { method: 'POST', body: form({ nonce: await challenge(), id: 'kevin' }, [photo]) });
  expect(((await ok.json()) as LoginAnswer).verified).toBe(true);
  // An id nobody enrolled reads exactly as a wrong face: the answer does not tell which ids exist.
  const unknown = await fetch(`${baseURL}/verify`, { method: 'POST', body: form({ nonce: await challenge(), id: 'nobody' }, [photo]) });
  const wrongFace = await fetch(`${baseURL}/verify`, { method: 'POST', body: form({ nonce: await challenge(), id: 'trueface' }, [photo]) });
  expect(await unknown.json()).toEqual({ verified: false, reasons: ['no-match'], frames: ['ok'] });
  expect(await wrongFace.json()).toEqual({ verified: false, reasons: ['no-match'], frames: ['ok'] });
});
