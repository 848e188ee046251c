// The trustworthy login flow, in plain node:http:
//   1. POST /challenge  ← JSON { id }  → { nonce, expiresAt, turns }: a one-time challenge for
//      this id and this client, with the head turn the frames must show (a random order of the
//      person's own left and right);
//   2. POST /verify     ← multipart/form-data: nonce, id, frame × 5–16 (the JPEGs the page's
//      verifier.capture(stream, { turns }) returned: a burst over the turn, in capture order);
//   3. the server re-runs detection, liveness and embedding on the frames (recheckFrames), checks
//      the turn, that the frames come from one camera at one moment, that the challenge's frames
//      are not copies and that they are not an earlier login's, and compares them with id's
//      templates in PostgreSQL → { verified }.
// The answer is the verdict alone: which check failed, or a score, is an oracle that lets an
// attacker tune a photo or a mask step by step, and tells which ids exist. The full result goes
// to `onResult`, on the server, for the audit log.
// Attempts are limited per claimed id and per client address (backoff, then lockout), counted when
// the re-check starts, so a burst of logins sent at once is no faster than one at a time. A
// client's open challenges and uploads are limited too; only a client that holds a live challenge
// may upload at all; bodies must arrive within a short time; frames are refused from their header
// when larger than a camera gives, before any decoding. When every upload or re-check slot is
// taken, a login waits in line (first come, first served) instead of being turned away, so stalled
// uploads delay an honest login by at most one body timeout.
// A verdict computed in the browser can be forged by whoever controls the browser; this one
// cannot. The page's own verdict is only for a fast UI.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { dirname, extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  FaceKitError, createAttemptLimiter, createReplayMemory, decodeImage, recheckFrames,
  type AttemptLimiter, type AttemptLimiterOptions, type NodeFaceKit, type PgGallery, type RecheckOptions, type RecheckResult, type RgbaImage,
} from '@facekit/node';
import { createChallengeStore } from './challenge-store.js';
import { HttpError, checkLoginId, parseLoginForm } from './login-request.js';
import { BodyTimeoutError, BodyTooLargeError, readBody } from './read-body.js';
import { createSlotQueue, type ReleaseSlot, type SlotQueue } from './slot-queue.js';

export interface VerifyServerOptions {
  kit: NodeFaceKit;
  gallery: PgGallery;
  /** Model files for the page's own facekit (served at /facekit/models/). */
  modelDir: string;
  /** Largest /verify body accepted. @defaultValue 5 MB (a burst of 15 frames of a 1280×720 JPEG with room to spare) */
  maxBodyBytes?: number;
  /** Time a request body has to arrive in full; a slower one gets 408 and its connection closed. @defaultValue 10000 */
  bodyTimeoutMs?: number;
  /** Most pixels a frame may have (read from its header, before decoding). @defaultValue 2100000 (a 1080p camera frame) */
  maxFramePixels?: number;
  /** How long a challenge stays valid. @defaultValue 120000 */
  challengeTtlMs?: number;
  /** Live challenges one client address may hold; more get 429. @defaultValue 3 */
  challengesPerClient?: number;
  /** Live challenges in all; more get 503. @defaultValue 10000 */
  maxChallenges?: number;
  /** /verify uploads one client address may have open at once; more get 429. @defaultValue 2 */
  uploadsPerClient?: number;
  /** /verify uploads being received at once in all; more wait in line for a slot. @defaultValue 32 */
  maxUploads?: number;
  /** Re-checks (decoding and inference) running at once; more wait in line. @defaultValue 8 */
  maxConcurrent?: number;
  /** Logins that may wait in line for an upload or a re-check slot; more get 503. @defaultValue 256 */
  maxWaiting?: number;
  /** Backoff and lockout per claimed id: a failed login makes the id wait. @defaultValue 5 failures, then 15 min (see AttemptLimiterOptions) */
  idLimits?: AttemptLimiterOptions;
  /** Backoff and lockout per client address. @defaultValue { maxFailures: 20 } */
  clientLimits?: AttemptLimiterOptions;
  /** Thresholds of the re-check. @defaultValue recheckFrames' own with `turns`: 5 to 16 frames, the scene check on */
  recheck?: Omit<RecheckOptions, 'turns' | 'replay'>;
  /** Called with every re-check's full result (scores, thresholds, reasons, timing), for an audit log; the client gets only a {@link LoginAnswer}. */
  onResult?: (event: { id: string; result: RecheckResult; client: string }) => void;
}

/** What POST /verify tells the client: the verdict, nothing else. */
export interface LoginAnswer {
  verified: boolean;
}

const PUBLIC_DIR = resolve(import.meta.dirname, '../public');
const STATIC: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/login.js': { file: 'login.js', type: 'text/javascript; charset=utf-8' },
};
const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8', '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream', '.map': 'application/json',
};
/** The browser package's built files (facekit.js, worker.js, ort/): `pnpm build:package` in this repository, or node_modules/facekit/dist once installed. */
function browserPackageDir(): string {
  const entry = fileURLToPath(import.meta.resolve('facekit'));
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(resolve(dir, 'package.json'))) return resolve(dir, 'dist');
  }
  throw new Error(`No package.json above ${entry}: is the facekit package installed?`);
}
/** The file under `root` that `rel` names, or undefined when it would leave `root`. */
function inside(root: string, rel: string): string | undefined {
  const file = resolve(root, rel);
  return file.startsWith(root + sep) ? file : undefined;
}
// The page runs facekit itself, with threads: cross-origin isolation, and a CSP that allows
// only this origin and WebAssembly compilation.
const PAGE_HEADERS = {
  'content-security-policy': "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; img-src 'self' blob:; media-src 'self' blob:; frame-ancestors 'none'",
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
  'x-content-type-options': 'nosniff',
};
const SESSION_COOKIE = 'fk_client';
const CHALLENGE_BODY_BYTES = 1024;

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string | string[]> = {}): void {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': String(Buffer.byteLength(json)),
    ...headers,
  });
  res.end(json);
}

const SESSION_PATTERN = new RegExp(`(?:^|;\\s*)${SESSION_COOKIE}=([\\w-]{22,64})(?:;|$)`);
/** The client's session id, from its cookie (undefined without one). */
function sessionOf(req: IncomingMessage): string | undefined {
  return SESSION_PATTERN.exec(req.headers.cookie ?? '')?.[1];
}

/** 429 with Retry-After when any of `checks` (a limiter, a key, what the key is) must still wait: the longest wait. */
function checkLimits(...checks: [AttemptLimiter, string, string][]): void {
  const waits = checks.map(([limiter, key, what]) => ({ wait: limiter.retryAfterMs(key), locked: limiter.lockedOut(key), what }));
  const { wait, locked, what } = waits.reduce((a, b) => (b.wait > a.wait ? b : a));
  if (wait <= 0) return;
  const seconds = Math.ceil(wait / 1000);
  throw new HttpError(429, 'too-many', locked
    ? `Too many failed logins ${what}: locked out for ${seconds} s.`
    : `A login ${what} failed just now: wait ${seconds} s before the next try.`, { 'retry-after': String(seconds) });
}


/**
 * Answers an error before the body was read, then closes the connection: what the client still
 * sends is read and dropped for up to 2 s first (a lingering close), since closing with unread
 * data resets the connection, and a reset can lose the answer before the client reads it.
 */
function refuseAndClose(req: IncomingMessage, res: ServerResponse, status: number, body: unknown): void {
  send(res, status, body, { connection: 'close' });
  const timer = setTimeout(() => req.destroy(), 2000);
  req.once('end', () => clearTimeout(timer)).once('close', () => clearTimeout(timer)).resume();
}

/** What the server holds now, for monitoring. */
export interface VerifyServerStats {
  /** /verify bodies being received. */
  uploading: number;
  /** Logins being decoded and re-checked. */
  checking: number;
  /** Logins waiting in line for an upload slot. */
  waitingToUpload: number;
  /** Logins waiting in line for a re-check slot. */
  waitingToCheck: number;
  /** Live challenges. */
  challenges: number;
}

/** The example's HTTP server (not yet listening): call `listen()` on it. */
export function createVerifyServer(options: VerifyServerOptions): Server & { stats(): VerifyServerStats } {
  const { kit, gallery } = options;
  const maxBodyBytes = options.maxBodyBytes ?? 5 * 1024 * 1024;
  const bodyTimeoutMs = options.bodyTimeoutMs ?? 10_000;
  const maxFramePixels = options.maxFramePixels ?? 2_100_000;
  const uploadsPerClient = options.uploadsPerClient ?? 2;
  const maxWaiting = options.maxWaiting ?? 256;
  const recheck = { minFrames: 5, maxFrames: 16, ...options.recheck };
  const challenges = createChallengeStore({
    ...(options.challengeTtlMs !== undefined ? { ttlMs: options.challengeTtlMs } : {}),
    perClient: options.challengesPerClient ?? 3,
    ...(options.maxChallenges !== undefined ? { max: options.maxChallenges } : {}),
  });
  const idLimits = createAttemptLimiter(options.idLimits);
  const clientLimits = createAttemptLimiter({ maxFailures: 20, ...options.clientLimits });
  // Every verified login's frame fingerprints: the same frames never get in twice (in memory only).
  const replay = createReplayMemory();
  const packageDir = browserPackageDir();
  const modelDir = resolve(options.modelDir);
  // A login waits at most one body timeout (and a little) for an upload slot: by then every
  // upload ahead of it has finished or been cut off. A re-check takes about a second.
  const uploadSlots = createSlotQueue({ slots: options.maxUploads ?? 32, maxWaiting, maxWaitMs: bodyTimeoutMs + 5000 });
  const checkSlots = createSlotQueue({ slots: options.maxConcurrent ?? 8, maxWaiting, maxWaitMs: 20_000 });
  const uploads = new Map<string, number>();

  const serveFile = async (res: ServerResponse, file: string | undefined, type: string | undefined): Promise<void> => {
    const body = file && type ? await readFile(file).catch(() => undefined) : undefined;
    if (!body) return send(res, 404, { error: 'not-found', message: 'No such file.' });
    res.writeHead(200, { 'content-type': type!, ...PAGE_HEADERS, 'cross-origin-resource-policy': 'same-origin' });
    res.end(body);
  };

  const issueChallenge = async (req: IncomingMessage, res: ServerResponse, client: string): Promise<void> => {
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
      throw new HttpError(415, 'content-type', 'Send application/json: { "id": the claimed identity }.');
    }
    let body: unknown;
    try {
      body = JSON.parse((await readBody(req, CHALLENGE_BODY_BYTES, bodyTimeoutMs)).toString('utf8'));
    } catch (e) {
      if (e instanceof BodyTooLargeError || e instanceof BodyTimeoutError) throw e;
      throw new HttpError(400, 'json', 'The body is not JSON: send { "id": the claimed identity }.');
    }
    const id = checkLoginId((body as { id?: unknown } | null)?.id);
    checkLimits([clientLimits, client, 'from this address'], [idLimits, id, 'for this id']);
    // A browser without a session gets one with its first challenge.
    const known = sessionOf(req);
    const session = known ?? randomBytes(24).toString('base64url');
    const c = challenges.issue(id, client, session);
    if (c === 'client-full') throw new HttpError(429, 'too-many', 'This address holds too many open challenges: use one, or wait until they expire.', { 'retry-after': '30' });
    if (c === 'full') throw new HttpError(503, 'busy', 'Too many open challenges; try again shortly.', { 'retry-after': '5' });
    send(res, 200, c, known ? {} : { 'set-cookie': `${SESSION_COOKIE}=${session}; Path=/; HttpOnly; SameSite=Strict` });
  };

  /** The login's frames, decoded (at most maxFramePixels each); any frame the decoder refuses is one generic error, not libvips's text. */
  const decodeFrames = async (frames: Buffer[]): Promise<RgbaImage[]> => {
    try {
      return await Promise.all(frames.map((f) => decodeImage(f, { maxPixels: maxFramePixels })));
    } catch (e) {
      if (e instanceof FaceKitError && e.code === 'INVALID_INPUT') throw new HttpError(400, 'frames', 'A frame could not be read as a JPEG image.');
      throw e;
    }
  };

  /** A slot of `slots`, waiting in line while the client stays connected; 503 when the line is full or the wait runs out. */
  const takeSlot = async (slots: SlotQueue, res: ServerResponse, busy: string): Promise<ReleaseSlot> => {
    const gone = new AbortController();
    const onClose = (): void => gone.abort();
    res.once('close', onClose);
    const release = await slots.acquire(gone.signal).finally(() => res.off('close', onClose));
    if (!release) throw new HttpError(503, 'busy', busy, { 'retry-after': '5' });
    return release;
  };

  const verify = async (req: IncomingMessage, res: ServerResponse, client: string): Promise<void> => {
    checkLimits([clientLimits, client, 'from this address']);
    if (!/^multipart\/form-data;/i.test(req.headers['content-type'] ?? '')) {
      throw new HttpError(415, 'content-type', 'Send multipart/form-data with the fields nonce, id and frame (one per JPEG).');
    }
    // A login can only succeed with a live challenge of this client and session, so nobody else's
    // upload is worth reading (or worth a slot).
    const session = sessionOf(req) ?? '';
    if (!challenges.holds(client, session)) {
      clientLimits.fail(client);
      throw new HttpError(403, 'challenge', 'No open challenge for this client: POST /challenge first, then send its frames with the same cookie.');
    }
    const open = uploads.get(client) ?? 0;
    if (open >= uploadsPerClient) throw new HttpError(429, 'too-many', `This address has ${open} logins uploading; finish those first.`, { 'retry-after': '5' });
    uploads.set(client, open + 1);
    let form: Awaited<ReturnType<typeof parseLoginForm>>;
    try {
      const release = await takeSlot(uploadSlots, res, 'Too many logins uploading; try again shortly.');
      try {
        const body = await readBody(req, maxBodyBytes, bodyTimeoutMs);
        form = await parseLoginForm(body, req.headers['content-type']!, { ...recheck, maxFramePixels });
      } catch (e) {
        // A malformed, oversized or trickled login is this client's failed try, as a wrong face is.
        if (e instanceof HttpError || e instanceof BodyTooLargeError || e instanceof BodyTimeoutError) clientLimits.fail(client);
        throw e;
      } finally {
        release();
      }
    } finally {
      const n = (uploads.get(client) ?? 1) - 1;
      if (n > 0) uploads.set(client, n); else uploads.delete(client);
    }
    const { nonce, id, frames } = form;
    // Decoding and inference are what cost: only they hold a re-check slot. A login waits for one
    // before its nonce is used up, so a full line (503) leaves the page free to send the same frames again.
    const release = await takeSlot(checkSlots, res, 'Too many logins being checked; try again shortly.');
    let result: RecheckResult;
    try {
      // Without a session cookie no challenge can match: '' is never issued.
      const check = challenges.consume(nonce, id, client, session);
      if (!check.ok) {
        clientLimits.fail(client);
        throw new HttpError(403, 'challenge', check.why === 'expired'
          ? 'The challenge expired: POST /challenge for a new one and capture again.'
          : 'Unknown or already used challenge, or one issued to another id or client: POST /challenge for a new one.');
      }
      // The id's attempt counts from here, as a failure until the verdict says otherwise: checked
      // and counted in one synchronous step, so logins for one id sent at once cannot all pass
      // the check before the first is counted.
      checkLimits([clientLimits, client, 'from this address'], [idLimits, id, 'for this id']);
      idLimits.begin(id);
      const images = await decodeFrames(frames).catch((e: unknown) => { clientLimits.fail(client); throw e; });
      result = await recheckFrames(kit, gallery, id, images, { ...recheck, turns: check.challenge.turns, replay });
    } finally {
      release();
    }
    options.onResult?.({ id, result, client });
    if (result.verified) idLimits.succeed(id);
    else clientLimits.fail(client);
    send(res, 200, { verified: result.verified } satisfies LoginAnswer);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    if (req.method === 'GET' && Object.hasOwn(STATIC, path)) {
      const { file, type } = STATIC[path]!;
      return serveFile(res, resolve(PUBLIC_DIR, file), type);
    }
    if (req.method === 'GET' && path.startsWith('/facekit/models/')) {
      const name = path.slice('/facekit/models/'.length);
      return serveFile(res, /^[\w.-]+\.onnx$/.test(name) ? inside(modelDir, name) : undefined, TYPES['.onnx']);
    }
    if (req.method === 'GET' && path.startsWith('/facekit/')) {
      return serveFile(res, inside(packageDir, path.slice('/facekit/'.length)), TYPES[extname(path)]);
    }
    // The client is its address as the socket sees it. Behind a reverse proxy, take it from the
    // proxy's header instead, and only from a proxy you run: a client sets X-Forwarded-For at will.
    const client = req.socket.remoteAddress ?? 'unknown';
    if (req.method === 'POST' && path === '/challenge') return issueChallenge(req, res, client);
    if (req.method === 'POST' && path === '/verify') return verify(req, res, client);
    send(res, 404, { error: 'not-found', message: 'Routes: GET /, GET /facekit/…, POST /challenge, POST /verify.' });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (res.headersSent) { res.destroy(); return; }
      // A body too large or too slow is not read on: answer, then close the connection.
      if (e instanceof BodyTooLargeError) {
        return refuseAndClose(req, res, 413, { error: 'too-large', message: `${e.message} A login is 3 to 5 JPEG frames from the camera.` });
      }
      if (e instanceof BodyTimeoutError) return refuseAndClose(req, res, 408, { error: 'timeout', message: `${e.message} Send the frames in one go.` });
      if (e instanceof HttpError) return send(res, e.status, { error: e.error, message: e.message }, e.headers);
      console.error('verify server:', e);
      send(res, 500, { error: 'internal', message: 'The server could not check this login.' });
    });
  });
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  return Object.assign(server, { stats: (): VerifyServerStats => ({
    uploading: uploadSlots.used, checking: checkSlots.used, waitingToUpload: uploadSlots.waiting, waitingToCheck: checkSlots.waiting, challenges: challenges.size,
  }) });
}
