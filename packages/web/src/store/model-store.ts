import { sha256Hex, type ModelSpec } from '@facekit/core';
import { AbortedError, ModelFetchError, ModelIntegrityError } from '../api/errors.js';
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

export interface LoadModelBytesOptions {
  cache: ModelCache;
  onProgress?: (p: ModelFileProgress) => void;
  signal?: AbortSignal;
  fetch?: typeof fetch;
}

export interface LoadedModelBytes {
  bytes: ArrayBuffer;
  fromCache: boolean;
}

export async function sha256Of(bytes: ArrayBuffer): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (subtle) {
    const digest = new Uint8Array(await subtle.digest('SHA-256', bytes));
    return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
  }
  return sha256Hex(new Uint8Array(bytes)); // not a secure context: no crypto.subtle
}

async function readWithProgress(res: Response, total: number, onChunk: (loaded: number) => void, signal?: AbortSignal): Promise<ArrayBuffer> {
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
    if (signal?.aborted) { await reader.cancel(); throw new AbortedError(); }
    const { done, value } = await reader.read();
    if (done) break;
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

/**
 * The verified bytes of a model: from the cache when it holds them (re-checked), otherwise
 * downloaded with progress, checked against the registry SHA-256 and then cached. A mismatch
 * throws `ModelIntegrityError` and caches nothing; a failed cache write only costs the cache.
 */
export async function loadModelBytes(spec: ModelSpec, url: string, o: LoadModelBytesOptions): Promise<LoadedModelBytes> {
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

  if (o.signal?.aborted) throw new AbortedError();
  let res: Response;
  try {
    res = await (o.fetch ?? fetch)(url, { signal: o.signal, credentials: 'same-origin' });
  } catch (e) {
    if (o.signal?.aborted) throw new AbortedError();
    throw new ModelFetchError(url, null, `network error (${(e as Error).message})`);
  }
  if (!res.ok) throw new ModelFetchError(url, res.status, `HTTP ${res.status} ${res.statusText}`.trim());
  const header = Number(res.headers.get('content-length'));
  // Content-Length is the compressed size when the server gzips: trust the registry first.
  const total = spec.bytes ?? (Number.isFinite(header) && header > 0 ? header : 0);
  report('download', 0, total);
  let bytes: ArrayBuffer;
  try {
    bytes = await readWithProgress(res, total, (loaded) => report('download', loaded, total), o.signal);
  } catch (e) {
    if (e instanceof AbortedError) throw e;
    throw new ModelFetchError(url, res.status, `download interrupted (${(e as Error).message})`);
  }
  const actual = await sha256Of(bytes);
  if (actual !== spec.sha256) throw new ModelIntegrityError(url, spec.sha256, actual);
  await o.cache
    .put({ sha256: spec.sha256, model: spec.id, file: spec.file, byteLength: bytes.byteLength, url, storedAt: Date.now() }, bytes)
    .catch((e: unknown) => console.warn(`facekit: could not cache ${spec.file} in IndexedDB (${String(e)}); it will be downloaded again next time.`));
  report('ready', bytes.byteLength, bytes.byteLength);
  return { bytes, fromCache: false };
}
