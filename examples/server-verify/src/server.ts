// The trustworthy login flow, in plain node:http:
//   1. POST /challenge   → { nonce, expiresAt }: a one-time challenge;
//   2. POST /verify      ← multipart/form-data: nonce, id, frame (1–5 JPEGs the page verified on);
//   3. the server re-runs detection, liveness and embedding on the frames (recheckFrames) and
//      compares them with id's templates in PostgreSQL → { verified, reasons, frames }.
// The answer carries no scores: a similarity or liveness score sent back is an oracle that lets
// an attacker tune a photo or a mask step by step, and a missing similarity would tell which ids
// exist. The full result goes to `onResult`, on the server, for the audit log.
// A verdict computed in the browser can be forged by whoever controls the browser; this one
// cannot. The page's own verdict is only for a fast UI.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { dirname, extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FaceKitError, recheckFrames, type NodeFaceKit, type PgGallery, type RecheckOptions, type RecheckResult } from '@facekit/node';
import { createNonceStore, type NonceStore } from './nonce-store.js';
import { BodyTooLargeError, readBody } from './read-body.js';

export interface VerifyServerOptions {
  kit: NodeFaceKit;
  gallery: PgGallery;
  /** Model files for the page's own facekit (served at /facekit/models/). */
  modelDir: string;
  /** Largest request body accepted. @defaultValue 3 MB (5 frames of a 640×480 JPEG with room to spare) */
  maxBodyBytes?: number;
  /** How long a challenge stays valid. @defaultValue 120000 */
  nonceTtlMs?: number;
  /** Re-checks running or waiting at once; more get 503. @defaultValue 8 */
  maxConcurrent?: number;
  /** Thresholds and frame counts of the re-check. @defaultValue { minFrames: 1, maxFrames: 5 } */
  recheck?: RecheckOptions;
  /** Called with every re-check's full result (scores, thresholds, timing), for an audit log; the client gets only a {@link LoginAnswer}. */
  onResult?: (event: { id: string; result: RecheckResult; remoteAddress: string | undefined }) => void;
}

/** What POST /verify tells the client: the verdict and why, without any score. */
export interface LoginAnswer {
  verified: boolean;
  /** Every check that failed (empty when verified); an unknown id reads `no-match`, as a wrong face does. */
  reasons: RecheckResult['reasons'];
  /** Per frame: 'ok', or why it was not usable (for the page's guidance). */
  frames: RecheckResult['frames'];
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
const MAX_ID_LENGTH = 256;

/** A JSON answer that says what was wrong and what to do. */
class HttpError extends Error {
  constructor(readonly status: number, readonly error: string, message: string) { super(message); }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': String(Buffer.byteLength(json)),
    ...headers,
  });
  res.end(json);
}

const isJpeg = (b: Uint8Array): boolean => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;

/** The request's form fields, checked: the nonce is used up before anything costly runs. */
async function readLogin(req: IncomingMessage, nonces: NonceStore, maxBodyBytes: number, maxFrames: number): Promise<{ id: string; frames: Buffer[] }> {
  const type = req.headers['content-type'] ?? '';
  if (!/^multipart\/form-data;/i.test(type)) {
    throw new HttpError(415, 'content-type', 'Send multipart/form-data with the fields nonce, id and frame (one per JPEG).');
  }
  const body = await readBody(req, maxBodyBytes);
  let form: FormData;
  try {
    form = await new Request('http://localhost/', { method: 'POST', headers: { 'content-type': type }, body: new Uint8Array(body.buffer as ArrayBuffer, body.byteOffset, body.length) }).formData();
  } catch {
    throw new HttpError(400, 'form', 'The multipart body could not be parsed.');
  }
  const nonce = form.get('nonce');
  if (typeof nonce !== 'string' || nonce === '') throw new HttpError(400, 'nonce', 'The field nonce is missing: POST /challenge first and send its nonce.');
  const check = nonces.consume(nonce);
  if (check !== 'ok') {
    throw new HttpError(403, 'nonce', check === 'expired'
      ? 'The challenge expired: POST /challenge for a new one and send the frames again.'
      : 'Unknown or already used challenge (a replayed request?): POST /challenge for a new one.');
  }
  const id = form.get('id');
  if (typeof id !== 'string' || id === '' || id.length > MAX_ID_LENGTH) {
    throw new HttpError(400, 'id', `The field id must be the claimed identity, 1 to ${MAX_ID_LENGTH} characters.`);
  }
  const files = form.getAll('frame');
  if (files.length === 0 || files.length > maxFrames) throw new HttpError(400, 'frames', `Send 1 to ${maxFrames} frame fields, got ${files.length}.`);
  const frames: Buffer[] = [];
  for (const f of files) {
    if (typeof f === 'string') throw new HttpError(400, 'frames', 'Each frame must be a file (a JPEG blob), not text.');
    const bytes = Buffer.from(await f.arrayBuffer());
    if (!isJpeg(bytes)) throw new HttpError(415, 'frames', 'Each frame must be a JPEG (canvas.toBlob(cb, "image/jpeg")).');
    frames.push(bytes);
  }
  return { id, frames };
}

/** The example's HTTP server (not yet listening): call `listen()` on it. */
export function createVerifyServer(options: VerifyServerOptions): Server & { nonces: NonceStore } {
  const { kit, gallery } = options;
  const maxBodyBytes = options.maxBodyBytes ?? 3 * 1024 * 1024;
  const maxConcurrent = options.maxConcurrent ?? 8;
  const recheck = { minFrames: 1, maxFrames: 5, ...options.recheck };
  const nonces = createNonceStore({ ttlMs: options.nonceTtlMs ?? 120_000 });
  const packageDir = browserPackageDir();
  const modelDir = resolve(options.modelDir);
  let running = 0;

  const serveFile = async (res: ServerResponse, file: string | undefined, type: string | undefined): Promise<void> => {
    const body = file && type ? await readFile(file).catch(() => undefined) : undefined;
    if (!body) return send(res, 404, { error: 'not-found', message: 'No such file.' });
    res.writeHead(200, { 'content-type': type!, ...PAGE_HEADERS, 'cross-origin-resource-policy': 'same-origin' });
    res.end(body);
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
    if (req.method === 'POST' && path === '/challenge') {
      const c = nonces.issue();
      if (!c) return send(res, 503, { error: 'busy', message: 'Too many open challenges; try again shortly.' }, { 'retry-after': '5' });
      return send(res, 200, c);
    }
    if (req.method === 'POST' && path === '/verify') {
      if (running >= maxConcurrent) {
        return send(res, 503, { error: 'busy', message: 'Too many logins being checked; try again shortly.' }, { 'retry-after': '2', connection: 'close' });
      }
      running++;
      try {
        const { id, frames } = await readLogin(req, nonces, maxBodyBytes, recheck.maxFrames);
        const result = await recheckFrames(kit, gallery, id, frames, recheck);
        options.onResult?.({ id, result, remoteAddress: req.socket.remoteAddress });
        const answer: LoginAnswer = { verified: result.verified, reasons: result.reasons, frames: result.frames };
        return send(res, 200, answer);
      } finally {
        running--;
      }
    }
    send(res, 404, { error: 'not-found', message: 'Routes: GET /, GET /facekit/…, POST /challenge, POST /verify.' });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (res.headersSent) { res.destroy(); return; }
      if (e instanceof BodyTooLargeError) {
        // Stop reading: answer, then close the connection instead of draining the rest.
        res.on('finish', () => req.destroy());
        send(res, 413, { error: 'too-large', message: `${e.message} Send fewer or smaller JPEG frames.` }, { connection: 'close' });
        return;
      }
      if (e instanceof HttpError) return send(res, e.status, { error: e.error, message: e.message });
      // A frame the decoder refuses (corrupt, too small, too large) is the client's fault.
      if (e instanceof FaceKitError && (e.code === 'INVALID_INPUT' || e.code === 'INVALID_OPTION')) {
        return send(res, 400, { error: 'frames', message: e.message });
      }
      console.error('verify server:', e);
      send(res, 500, { error: 'internal', message: 'The server could not check this login.' });
    });
  });
  // A client that sends its body slowly holds one of the maxConcurrent slots: not for long.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  return Object.assign(server, { nonces });
}
