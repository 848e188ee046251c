// loadModelBytes against a scripted server: each request gets the next scripted answer, bodies
// are real ReadableStreams the test feeds chunk by chunk (erroring on abort, as fetch's do), and
// hashes are real SHA-256. Timeouts and backoff run on fake timers: no test waits on the clock.
import type { ModelSpec } from '@facekit/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AbortedError, ModelFetchError, ModelIntegrityError } from '../errors.js';
import { memoryModelCache, type CachedModel, type ModelCache } from './model-cache.js';
import { loadModelBytes, sha256Of, type ModelFetchPolicy, type ModelFileProgress } from './model-store.js';

const URL_ = 'https://models.example/det_test.onnx';
const POLICY: ModelFetchPolicy = { stallTimeoutMs: 30_000, retries: 2, retryDelayMs: 500 };

/** Deterministic bytes that are not all alike. */
function fileOf(n: number, seed = 1): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) { x = (x * 1103515245 + 12345) >>> 0; out[i] = x >>> 24; }
  return out;
}

const hexOf = async (bytes: Uint8Array<ArrayBuffer>) =>
  Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)), (b) => b.toString(16).padStart(2, '0')).join('');

async function specFor(file: Uint8Array<ArrayBuffer>, bytes: number | null = file.length): Promise<ModelSpec> {
  return { id: 'det_test', file: 'det_test.onnx', sha256: await hexOf(file), bytes } as ModelSpec;
}

/** A response body the test feeds; it errors when the request is aborted, as fetch's body does. */
class Body {
  readonly stream: ReadableStream<Uint8Array>;
  private controller!: ReadableStreamDefaultController<Uint8Array>;
  constructor(signal: AbortSignal | undefined) {
    this.stream = new ReadableStream<Uint8Array>({ start: (c) => { this.controller = c; } }, { highWaterMark: 0 });
    signal?.addEventListener('abort', () => { try { this.controller.error(signal.reason); } catch { /* closed */ } }, { once: true });
  }
  send(chunk: Uint8Array): void { this.controller.enqueue(chunk); }
  end(): void { this.controller.close(); }
}

type Answer = (signal: AbortSignal | undefined) => Promise<Response>;

/** The whole file in `chunks` pieces, at once. */
const serve = (file: Uint8Array, o: { chunks?: number; headers?: Record<string, string> } = {}): Answer => async (signal) => {
  const body = new Body(signal);
  const n = o.chunks ?? 1;
  const step = Math.ceil(file.length / n);
  for (let i = 0; i < file.length; i += step) body.send(file.slice(i, i + step));
  body.end();
  return new Response(body.stream, { headers: { 'content-length': String(file.length), ...o.headers } });
};
/** Headers now; the test sends the body through `body`. */
const streamed = (onBody: (body: Body) => void, headers: Record<string, string> = {}): Answer => async (signal) => {
  const body = new Body(signal);
  onBody(body);
  return new Response(body.stream, { headers });
};
const status = (code: number, text = ''): Answer => async () => new Response(null, { status: code, statusText: text });
const networkError: Answer = async () => { throw new TypeError('Failed to fetch'); };
/** No headers ever: rejects only when aborted, as fetch does. */
const noAnswer: Answer = (signal) => new Promise((_, reject) => {
  signal?.addEventListener('abort', () => reject(new DOMException('The operation was aborted.', 'AbortError')), { once: true });
});

/** A fetch that answers request i with answers[i], and tells the test when each arrives. */
function server(...answers: Answer[]) {
  const arrived: (() => void)[] = [];
  const waits: Promise<void>[] = answers.map((_, i) => new Promise<void>((r) => { arrived[i] = r; }));
  const fetch = vi.fn(async (url: RequestInfo | URL, init?: RequestInit) => {
    const i = fetch.mock.calls.length - 1;
    expect(url).toBe(URL_);
    expect(init?.credentials).toBe('same-origin');
    const answer = answers[i];
    if (!answer) throw new Error(`unexpected request ${i + 1}`);
    arrived[i]!();
    return answer(init?.signal ?? undefined);
  });
  /** Resolves when request `n` (1-based) has been made. */
  const request = (n: number) => waits[n - 1]!;
  return { fetch: fetch as unknown as typeof globalThis.fetch, calls: () => fetch.mock.calls.length, request };
}

/** A memory cache with spies, and optionally a broken `put`. */
function cache(o: { get?: ModelCache['get']; put?: ModelCache['put'] } = {}) {
  const c = memoryModelCache('test');
  if (o.get) c.get = o.get;
  if (o.put) c.put = o.put;
  return { cache: c, put: vi.spyOn(c, 'put'), del: vi.spyOn(c, 'delete') };
}

const statuses = (events: ModelFileProgress[]) => events.map((e) => `${e.status} ${e.loaded}/${e.total}`);

// A download that is never ended shows as a hang: fail in seconds, not the suite's minute.
vi.setConfig({ testTimeout: 10_000 });

afterEach(() => { vi.useRealTimers(); });

describe('sha256Of', () => {
  it('is the SHA-256 of the bytes, in lower-case hex, with or without crypto.subtle', async () => {
    const abc = new TextEncoder().encode('abc').buffer as ArrayBuffer;
    const expected = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
    expect(await sha256Of(abc)).toBe(expected);
    const big = fileOf(100_000);
    const bigHex = await hexOf(big);
    // A page served over plain http has no crypto.subtle: the core's own SHA-256 answers.
    vi.stubGlobal('crypto', {});
    try {
      expect(await sha256Of(abc)).toBe(expected);
      expect(await sha256Of(big.buffer as ArrayBuffer)).toBe(bigHex);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe('loadModelBytes: cache', () => {
  it('answers from the cache when it holds the verified bytes, without a request', async () => {
    const file = fileOf(1000);
    const spec = await specFor(file);
    const { cache: c } = cache();
    await c.put({ sha256: spec.sha256 } as CachedModel, file.slice().buffer);
    const s = server();
    const events: ModelFileProgress[] = [];
    const got = await loadModelBytes(spec, URL_, { cache: c, fetch: s.fetch, onProgress: (p) => events.push(p) });
    expect(got.fromCache).toBe(true);
    expect(new Uint8Array(got.bytes)).toEqual(file);
    expect(s.calls()).toBe(0);
    expect(statuses(events)).toEqual(['cached 1000/1000', 'ready 1000/1000']);
    expect(events[0]).toMatchObject({ model: 'det_test', file: 'det_test.onnx' });
  });

  it('drops a corrupted cache entry and downloads the file again', async () => {
    const file = fileOf(1000);
    const spec = await specFor(file);
    const { cache: c, del, put } = cache();
    await c.put({ sha256: spec.sha256 } as CachedModel, fileOf(1000, 2).buffer as ArrayBuffer);
    const s = server(serve(file));
    const got = await loadModelBytes(spec, URL_, { cache: c, fetch: s.fetch });
    expect(got.fromCache).toBe(false);
    expect(del).toHaveBeenCalledWith(spec.sha256);
    expect(new Uint8Array((await c.get(spec.sha256))!)).toEqual(file);
    expect(put).toHaveBeenCalledTimes(2);
  });

  it('downloads when the cache cannot be read', async () => {
    const file = fileOf(1000);
    const { cache: c } = cache({ get: async () => { throw new Error('IndexedDB broke'); } });
    const got = await loadModelBytes(await specFor(file), URL_, { cache: c, fetch: server(serve(file)).fetch });
    expect(new Uint8Array(got.bytes)).toEqual(file);
  });

  it('stores what it downloaded, keyed by hash, with where it came from', async () => {
    const file = fileOf(1000);
    const spec = await specFor(file);
    const { cache: c, put } = cache();
    const before = Date.now();
    await loadModelBytes(spec, URL_, { cache: c, fetch: server(serve(file)).fetch });
    const [entry, bytes] = put.mock.calls[0]!;
    expect(entry).toMatchObject({ sha256: spec.sha256, model: 'det_test', file: 'det_test.onnx', byteLength: 1000, url: URL_ });
    expect(entry.storedAt).toBeGreaterThanOrEqual(before);
    expect(new Uint8Array(bytes)).toEqual(file);
  });

  it('still returns verified bytes when they cannot be cached, and says why', async () => {
    const file = fileOf(1000);
    const { cache: c } = cache({ put: async () => { throw new Error('quota exceeded'); } });
    const events: ModelFileProgress[] = [];
    const got = await loadModelBytes(await specFor(file), URL_, { cache: c, fetch: server(serve(file)).fetch, onProgress: (p) => events.push(p) });
    expect(new Uint8Array(got.bytes)).toEqual(file);
    expect(got.cacheProblem).toMatch(/det_test\.onnx was not cached \(quota exceeded\); it will be downloaded again next time/);
    expect(statuses(events).at(-1)).toBe('ready 1000/1000');
  });

  it('passes on the models the cache evicted to make room', async () => {
    const file = fileOf(1000);
    const { cache: c } = cache({ put: async () => ['rec_old'] });
    const got = await loadModelBytes(await specFor(file), URL_, { cache: c, fetch: server(serve(file)).fetch });
    expect(got.evicted).toEqual(['rec_old']);
  });
});

describe('loadModelBytes: download', () => {
  it('reports progress per chunk against the registry size', async () => {
    const file = fileOf(1000);
    const events: ModelFileProgress[] = [];
    // The server says gzip: its Content-Length is not the file's size, the registry's is.
    const s = server(serve(file, { chunks: 4, headers: { 'content-length': '300', 'content-encoding': 'gzip' } }));
    const got = await loadModelBytes(await specFor(file), URL_, { cache: cache().cache, fetch: s.fetch, onProgress: (p) => events.push(p) });
    expect(new Uint8Array(got.bytes)).toEqual(file);
    expect(statuses(events)).toEqual(['download 0/1000', 'download 250/1000', 'download 500/1000', 'download 750/1000', 'download 1000/1000', 'ready 1000/1000']);
  });

  it('uses Content-Length when the registry size is unknown, else reports total 0', async () => {
    const file = fileOf(1000);
    const spec = await specFor(file, null);
    const withLength: ModelFileProgress[] = [];
    await loadModelBytes(spec, URL_, { cache: cache().cache, fetch: server(serve(file)).fetch, onProgress: (p) => withLength.push(p) });
    expect(withLength[0]).toMatchObject({ status: 'download', total: 1000 });
    const without: ModelFileProgress[] = [];
    const s = server(streamed((b) => { b.send(file); b.end(); }));
    await loadModelBytes(spec, URL_, { cache: cache().cache, fetch: s.fetch, onProgress: (p) => without.push(p) });
    expect(statuses(without)).toEqual(['download 0/0', 'download 1000/0', 'ready 1000/1000']);
  });

  it('assembles a body of unknown size larger than its first buffer', async () => {
    const file = fileOf(3 * (1 << 20) + 17);
    const s = server(streamed((b) => { for (let i = 0; i < file.length; i += 300_000) b.send(file.slice(i, i + 300_000)); b.end(); }));
    const got = await loadModelBytes(await specFor(file, null), URL_, { cache: cache().cache, fetch: s.fetch });
    expect(got.bytes.byteLength).toBe(file.length);
    // (Buffer.equals: a deep toEqual over 3 MB takes seconds.)
    expect(Buffer.from(got.bytes).equals(file)).toBe(true);
  });

  it('reads a response without a body stream', async () => {
    const file = fileOf(100);
    const bodiless: Answer = async () => ({ ok: true, status: 200, headers: new Headers(), body: null, arrayBuffer: async () => file.slice().buffer } as unknown as Response);
    const got = await loadModelBytes(await specFor(file), URL_, { cache: cache().cache, fetch: server(bodiless).fetch });
    expect(new Uint8Array(got.bytes)).toEqual(file);
  });

  it('refuses bytes with the wrong hash, caches nothing and does not retry', async () => {
    const file = fileOf(1000);
    const html = new TextEncoder().encode('<!doctype html><title>Not found</title>');
    const { cache: c, put } = cache();
    const s = server(serve(html));
    const spec = await specFor(file, null);
    const err = await loadModelBytes(spec, URL_, { cache: c, fetch: s.fetch }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelIntegrityError);
    expect(err).toMatchObject({ url: URL_, expectedSha256: spec.sha256, actualSha256: await hexOf(html) });
    expect(put).not.toHaveBeenCalled();
    expect(s.calls()).toBe(1);
  });

  it('does not retry an HTTP error that will not go away', async () => {
    const s = server(status(404, 'Not Found'));
    const err = await loadModelBytes(await specFor(fileOf(10)), URL_, { cache: cache().cache, fetch: s.fetch, policy: POLICY }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelFetchError);
    expect(err).toMatchObject({ status: 404, url: URL_ });
    expect((err as Error).message).toContain('HTTP 404 Not Found');
    expect((err as Error).message).not.toContain('tried');
    expect(s.calls()).toBe(1);
  });
});

describe('loadModelBytes: retries', () => {
  it('retries transient HTTP errors with a doubling delay', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const file = fileOf(1000);
    const s = server(status(503), status(429), serve(file));
    const loading = loadModelBytes(await specFor(file), URL_, { cache: cache().cache, fetch: s.fetch, policy: POLICY });
    await s.request(1);
    await vi.advanceTimersByTimeAsync(499);
    expect(s.calls()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    await s.request(2);
    await vi.advanceTimersByTimeAsync(999);
    expect(s.calls()).toBe(2);
    await vi.advanceTimersByTimeAsync(1);
    await s.request(3);
    expect(new Uint8Array((await loading).bytes)).toEqual(file);
  });

  it('gives up after the last retry with the last failure and the number of tries', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const s = server(networkError, status(502), status(503, 'Service Unavailable'));
    const loading = loadModelBytes(await specFor(fileOf(10)), URL_, { cache: cache().cache, fetch: s.fetch, policy: POLICY }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(500 + 1000);
    const err = await loading;
    expect(err).toBeInstanceOf(ModelFetchError);
    expect(err).toMatchObject({ status: 503 });
    expect((err as Error).message).toContain('HTTP 503 Service Unavailable; tried 3 times');
    expect(s.calls()).toBe(3);
  });

  it('retries a network error, and says what failed', async () => {
    const err = await loadModelBytes(await specFor(fileOf(10)), URL_, {
      cache: cache().cache, fetch: server(networkError).fetch, policy: { ...POLICY, retries: 0 },
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: null });
    expect((err as Error).message).toContain('network error (Failed to fetch)');
  });

  it('fails a request whose headers never come after the stall timeout, and tries again', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const file = fileOf(1000);
    const s = server(noAnswer, serve(file));
    const loading = loadModelBytes(await specFor(file), URL_, { cache: cache().cache, fetch: s.fetch, policy: POLICY });
    await s.request(1);
    await vi.advanceTimersByTimeAsync(29_999);
    expect(s.calls()).toBe(1);
    await vi.advanceTimersByTimeAsync(1 + 500);
    await s.request(2);
    expect(new Uint8Array((await loading).bytes)).toEqual(file);
  });

  it('counts the stall from the last chunk: a slow body that keeps coming is not stalled', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const file = fileOf(1000);
    let body!: Body;
    const s = server(streamed((b) => { body = b; }, { 'content-length': '1000' }));
    const loading = loadModelBytes(await specFor(file), URL_, { cache: cache().cache, fetch: s.fetch, policy: POLICY });
    await s.request(1);
    for (let i = 0; i < 1000; i += 250) {
      await vi.advanceTimersByTimeAsync(20_000);
      body.send(file.slice(i, i + 250));
    }
    body.end();
    expect(new Uint8Array((await loading).bytes)).toEqual(file);
    expect(s.calls()).toBe(1);
  });

  it('fails a body that stops arriving after the stall timeout, and says so', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const file = fileOf(1000);
    const s = server(streamed((b) => b.send(file.slice(0, 400)), { 'content-length': '1000' }));
    const events: ModelFileProgress[] = [];
    const loading = loadModelBytes(await specFor(file), URL_, {
      cache: cache().cache, fetch: s.fetch, policy: { ...POLICY, retries: 0 }, onProgress: (p) => events.push(p),
    }).catch((e: unknown) => e);
    await s.request(1);
    await vi.advanceTimersByTimeAsync(30_000);
    const err = await loading;
    expect(err).toBeInstanceOf(ModelFetchError);
    expect((err as Error).message).toContain('no data for 30 s (the connection stalled)');
    expect(statuses(events)).toEqual(['download 0/1000', 'download 400/1000']);
  });

  it('retries a body that ends before its Content-Length', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const file = fileOf(1000);
    const s = server(streamed((b) => { b.send(file.slice(0, 600)); b.end(); }, { 'content-length': '1000' }), serve(file));
    const first = loadModelBytes(await specFor(file, null), URL_, { cache: cache().cache, fetch: s.fetch, policy: POLICY });
    await s.request(1);
    await vi.advanceTimersByTimeAsync(500);
    await s.request(2);
    expect(new Uint8Array((await first).bytes)).toEqual(file);

    const once = server(streamed((b) => { b.send(file.slice(0, 600)); b.end(); }, { 'content-length': '1000' }));
    const err = await loadModelBytes(await specFor(file, null), URL_, { cache: cache().cache, fetch: once.fetch, policy: { ...POLICY, retries: 0 } }).catch((e: unknown) => e);
    expect((err as Error).message).toContain('the download ended early: 600 of 1000 bytes');
  });

  it('leaves a short gzip body to the hash check (Content-Length is the compressed size)', async () => {
    const file = fileOf(1000);
    const s = server(streamed((b) => { b.send(file.slice(0, 600)); b.end(); }, { 'content-length': '1000', 'content-encoding': 'gzip' }));
    const err = await loadModelBytes(await specFor(file, null), URL_, { cache: cache().cache, fetch: s.fetch, policy: POLICY }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelIntegrityError);
    expect(s.calls()).toBe(1);
  });
});

describe('loadModelBytes: abort', () => {
  it('refuses to start when the signal has fired', async () => {
    const s = server();
    await expect(loadModelBytes(await specFor(fileOf(10)), URL_, { cache: cache().cache, fetch: s.fetch, signal: AbortSignal.abort() }))
      .rejects.toBeInstanceOf(AbortedError);
    expect(s.calls()).toBe(0);
  });

  // Fake timers here: the stall watchdog cannot fire, so only the caller's abort can end these.
  it('stops a download mid-body with AbortedError, and does not retry', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const file = fileOf(1000);
    const controller = new AbortController();
    const s = server(streamed((b) => b.send(file.slice(0, 100)), { 'content-length': '1000' }), serve(file));
    const events: ModelFileProgress[] = [];
    const loading = loadModelBytes(await specFor(file), URL_, {
      cache: cache().cache, fetch: s.fetch, signal: controller.signal, onProgress: (p) => { events.push(p); if (p.loaded === 100) controller.abort(); },
    });
    await expect(loading).rejects.toBeInstanceOf(AbortedError);
    expect(s.calls()).toBe(1);
  });

  it('stops while waiting for headers', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const controller = new AbortController();
    const s = server(noAnswer);
    const loading = loadModelBytes(await specFor(fileOf(10)), URL_, { cache: cache().cache, fetch: s.fetch, signal: controller.signal });
    await s.request(1);
    controller.abort();
    await expect(loading).rejects.toBeInstanceOf(AbortedError);
  });

  it('stops during the wait before a retry, without waiting it out', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const controller = new AbortController();
    const s = server(status(503), status(503));
    const loading = loadModelBytes(await specFor(fileOf(10)), URL_, { cache: cache().cache, fetch: s.fetch, signal: controller.signal, policy: POLICY });
    loading.catch(() => undefined);
    await s.request(1);
    await vi.advanceTimersByTimeAsync(100);
    controller.abort();
    await expect(loading).rejects.toBeInstanceOf(AbortedError);
    expect(s.calls()).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });
});
