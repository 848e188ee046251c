import { sha256Hex, type ModelSpec } from '@facekit/core';
import { AbortedError, ModelFetchError, ModelIntegrityError } from '../errors.js';
import type { ModelCache } from './model-cache.js';

/** Progress of one model file. `total` is 0 when the size is not known in advance. */
export interface ModelFileProgress {
  model: string;
  file: string;
  /** `download`: bytes arriving; `cached`: read from IndexedDB; `ready`: verified and usable. */
  status: 'download' | 'cached' | 'ready';
  loaded: number;
  total: number;
}

/** How model downloads cope with a bad network. */
export interface ModelFetchPolicy {
  /** A download that receives nothing for this long (headers or body) fails as stalled. @defaultValue 30000 */
  stallTimeoutMs: number;
  /** Further tries after a transient failure (network error, stall, truncated body, HTTP 408/429/5xx). @defaultValue 2 */
  retries: number;
  /** Wait before the first retry; doubled for each next one. @defaultValue 500 */
  retryDelayMs: number;
}

export const DEFAULT_FETCH_POLICY: ModelFetchPolicy = { stallTimeoutMs: 30_000, retries: 2, retryDelayMs: 500 };

export interface LoadModelBytesOptions {
  cache: ModelCache;
  onProgress?: (p: ModelFileProgress) => void;
  signal?: AbortSignal;
  fetch?: typeof fetch;
  policy?: ModelFetchPolicy;
}

export interface LoadedModelBytes {
  bytes: ArrayBuffer;
  fromCache: boolean;
  /** Models evicted from the cache to make room for this one. */
  evicted?: string[];
  /** Why the verified bytes could not be cached (they are still returned). */
  cacheProblem?: string;
}

export async function sha256Of(bytes: ArrayBuffer): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (subtle) {
    const digest = new Uint8Array(await subtle.digest('SHA-256', bytes));
    return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
  }
  return sha256Hex(new Uint8Array(bytes)); // not a secure context: no crypto.subtle
}

/** Thrown inside a download attempt when nothing arrived for the stall timeout. */
class Stalled extends Error {}

/** A failed download attempt, before it becomes the ModelFetchError the caller sees. */
class FetchFailure extends Error {
  constructor(readonly status: number | null, readonly detail: string) { super(detail); }
}

async function readWithProgress(res: Response, total: number, onChunk: (loaded: number) => void, watchdog: () => void, signal?: AbortSignal): Promise<ArrayBuffer> {
  if (!res.body) {
    const buf = await res.arrayBuffer();
    onChunk(buf.byteLength);
    return buf;
  }
  const reader = res.body.getReader();
  // Preallocate when the size is known, so a 30 MB model is not copied chunk by chunk twice.
  let out = new Uint8Array(total > 0 ? total : 1 << 20);
  let loaded = 0;
  for (;;) {
    if (signal?.aborted) { await reader.cancel().catch(() => undefined); throw new AbortedError(); }
    const { done, value } = await reader.read();
    if (done) break;
    watchdog();
    if (loaded + value.length > out.length) {
      const grown = new Uint8Array(Math.max(out.length * 2, loaded + value.length));
      grown.set(out.subarray(0, loaded));
      out = grown;
    }
    out.set(value, loaded);
    loaded += value.length;
    onChunk(loaded);
  }
  return loaded === out.length ? out.buffer : out.slice(0, loaded).buffer;
}

const TRANSIENT_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);

/** Worth another try: the network, not the file, failed. */
const isTransient = (e: unknown): boolean => e instanceof FetchFailure && (e.status === null || TRANSIENT_STATUS.has(e.status));

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    const onAbort = () => { clearTimeout(t); reject(new AbortedError()); };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** One download: headers, then the body, with a watchdog that fails a stalled connection. */
async function download(spec: ModelSpec, url: string, o: LoadModelBytesOptions, policy: ModelFetchPolicy, report: (loaded: number, total: number) => void): Promise<ArrayBuffer> {
  const attempt = new AbortController();
  let stalled = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const watchdog = () => {
    clearTimeout(timer);
    timer = setTimeout(() => { stalled = true; attempt.abort(new Stalled()); }, policy.stallTimeoutMs);
  };
  const onAbort = () => attempt.abort(o.signal?.reason);
  o.signal?.addEventListener('abort', onAbort, { once: true });
  const stallError = () => new FetchFailure(null, `no data for ${policy.stallTimeoutMs / 1000} s (the connection stalled)`);
  try {
    watchdog();
    let res: Response;
    try {
      res = await (o.fetch ?? fetch)(url, { signal: attempt.signal, credentials: 'same-origin' });
    } catch (e) {
      if (o.signal?.aborted) throw new AbortedError();
      if (stalled) throw stallError();
      // A CORS refusal looks like this too: the browser hides why.
      throw new FetchFailure(null, `network error (${(e as Error).message})`);
    }
    if (!res.ok) throw new FetchFailure(res.status, `HTTP ${res.status} ${res.statusText}`.trim());
    const header = Number(res.headers.get('content-length'));
    // Content-Length is the compressed size when the server gzips: trust the registry first.
    const total = spec.bytes ?? (Number.isFinite(header) && header > 0 ? header : 0);
    report(0, total);
    let bytes: ArrayBuffer;
    try {
      bytes = await readWithProgress(res, total, (loaded) => report(loaded, total), watchdog, attempt.signal);
    } catch (e) {
      if (o.signal?.aborted) throw new AbortedError();
      if (stalled) throw stallError();
      throw new FetchFailure(null, `download interrupted (${(e as Error).message})`);
    }
    // Fewer bytes than the server declared: the connection ended early (a proxy, a dropped
    // link). A complete but wrong response (an HTML error page) is not this: the hash says so.
    const declared = res.headers.get('content-encoding') ? 0 : (Number.isFinite(header) ? header : 0);
    if (declared > 0 && bytes.byteLength < declared) {
      throw new FetchFailure(null, `the download ended early: ${bytes.byteLength} of ${declared} bytes`);
    }
    return bytes;
  } finally {
    clearTimeout(timer);
    o.signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * The verified bytes of a model: from the cache when it holds them (re-checked), otherwise
 * downloaded with progress, checked against the registry SHA-256 and then cached. Transient
 * failures (network, stall, truncation, HTTP 408/429/5xx) are retried with backoff; the last
 * one is thrown as `ModelFetchError`. A hash mismatch throws `ModelIntegrityError`. Nothing
 * unverified is ever cached; a failed cache write only costs the cache (`cacheProblem`).
 */
export async function loadModelBytes(spec: ModelSpec, url: string, o: LoadModelBytesOptions): Promise<LoadedModelBytes> {
  const policy = o.policy ?? DEFAULT_FETCH_POLICY;
  const report = (status: ModelFileProgress['status'], loaded: number, total: number) =>
    o.onProgress?.({ model: spec.id, file: spec.file, status, loaded, total });

  const cached = await o.cache.get(spec.sha256).catch(() => undefined);
  if (cached) {
    if ((await sha256Of(cached)) === spec.sha256) {
      report('cached', cached.byteLength, cached.byteLength);
      report('ready', cached.byteLength, cached.byteLength);
      return { bytes: cached, fromCache: true };
    }
    await o.cache.delete(spec.sha256).catch(() => undefined); // corrupted entry: fetch again
  }

  let bytes: ArrayBuffer | undefined;
  for (let attempt = 0; !bytes; attempt++) {
    if (o.signal?.aborted) throw new AbortedError();
    try {
      bytes = await download(spec, url, o, policy, (loaded, total) => report('download', loaded, total));
    } catch (e) {
      if (!(e instanceof FetchFailure)) throw e;
      if (!isTransient(e) || attempt >= policy.retries) {
        throw new ModelFetchError(url, e.status, attempt > 0 ? `${e.detail}; tried ${attempt + 1} times` : e.detail);
      }
      await sleep(policy.retryDelayMs * 2 ** attempt, o.signal);
    }
  }
  const actual = await sha256Of(bytes);
  if (actual !== spec.sha256) throw new ModelIntegrityError(url, spec.sha256, actual);
  const loaded: LoadedModelBytes = { bytes, fromCache: false };
  try {
    const evicted = await o.cache.put({ sha256: spec.sha256, model: spec.id, file: spec.file, byteLength: bytes.byteLength, url, storedAt: Date.now() }, bytes);
    if (evicted.length) loaded.evicted = evicted;
  } catch (e) {
    loaded.cacheProblem = `${spec.file} was not cached (${e instanceof Error ? e.message : String(e)}); it will be downloaded again next time`;
  }
  report('ready', bytes.byteLength, bytes.byteLength);
  return loaded;
}
