// The model cache on an in-memory IndexedDB (fake-indexeddb, a fresh factory per test). The
// origin quota is modelled on top of it: a write of model bytes that would exceed `limit`
// throws QuotaExceededError, as the browser's does, and freed space may be counted late (as
// Chromium does after deleting a blob). Dates and waits run on fake timers.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { createStore, set } from 'idb-keyval';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StorageError } from '../errors.js';
import { memoryModelCache, openModelCache, probeModelCache, type CachedModel, type ModelCache } from './model-cache.js';

const T0 = Date.UTC(2026, 0, 1);

const entry = (sha256: string, model: string, byteLength: number, storedAt = T0): CachedModel =>
  ({ sha256, model, file: `${model}.onnx`, byteLength, url: `https://models.example/${model}.onnx`, storedAt });
const bytes = (n: number, fill = 1) => new Uint8Array(n).fill(fill).buffer as ArrayBuffer;

/**
 * An origin quota over the model bytes (the `*-models` databases). `lagMs`: deleted bytes count
 * as free only that long (on the fake clock) after the delete. `overwriteCountsTwice`: a write over
 * an existing key needs room for both copies until it commits.
 */
function quota(limit: number, lagMs = 0, overwriteCountsTwice = false) {
  const used = new Map<string, { bytes: number; freedAt: number }>();
  const total = () => [...used.values()].reduce((a, u) => a + (u.freedAt <= Date.now() ? 0 : u.bytes), 0);
  const free = (id: string) => { const u = used.get(id); if (u) u.freedAt = Math.min(u.freedAt, Date.now() + lagMs); };
  const isModels = (store: IDBObjectStore) => store.transaction.db.name.endsWith('-models');
  const { put, delete: del, clear } = IDBObjectStore.prototype;
  const puts = vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
    if (isModels(this) && value instanceof ArrayBuffer) {
      const id = String(key);
      const same = used.get(id);
      const current = same && same.freedAt > Date.now() && !overwriteCountsTwice ? same.bytes : 0;
      if (total() - current + value.byteLength > limit) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      used.set(id, { bytes: value.byteLength, freedAt: Infinity });
    }
    return put.call(this, value, key);
  });
  vi.spyOn(IDBObjectStore.prototype, 'delete').mockImplementation(function (this: IDBObjectStore, key: IDBValidKey | IDBKeyRange) {
    if (isModels(this)) free(String(key));
    return del.call(this, key);
  });
  vi.spyOn(IDBObjectStore.prototype, 'clear').mockImplementation(function (this: IDBObjectStore) {
    if (isModels(this)) for (const id of [...used.keys()]) free(id);
    return clear.call(this);
  });
  return { used: total, puts };
}

/** Resolves once the cache has set a timer (its wait before trying a write again). */
async function timerSet(): Promise<void> {
  while (vi.getTimerCount() === 0) await new Promise((r) => setImmediate(r));
}

const ids = async (cache: ModelCache) => (await cache.list()).map((m) => m.model).sort();

// A wait that never comes shows as a hang: fail in seconds, not the suite's minute.
vi.setConfig({ testTimeout: 10_000 });

beforeEach(() => {
  vi.stubGlobal('indexedDB', new IDBFactory());
  // Only the clock and setTimeout: fake-indexeddb schedules its work with (real) setImmediate.
  vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'] });
  vi.setSystemTime(T0);
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

describe('openModelCache', () => {
  it('stores bytes and their entry in two databases named after the cache', async () => {
    const cache = openModelCache('kit');
    expect(cache).toMatchObject({ name: 'kit', kind: 'indexeddb' });
    expect(await cache.put(entry('aa', 'det', 4), bytes(4, 7)), 'nothing evicted').toEqual([]);
    expect(new Uint8Array((await cache.get('aa'))!)).toEqual(new Uint8Array([7, 7, 7, 7]));
    expect(await cache.list()).toEqual([{ ...entry('aa', 'det', 4), usedAt: T0 }]);
    expect((await indexedDB.databases()).map((d) => d.name).sort()).toEqual(['kit-model-index', 'kit-models']);
  });

  it("defaults to the name 'facekit'", async () => {
    const cache = openModelCache();
    await cache.put(entry('aa', 'det', 1), bytes(1));
    expect(cache.name).toBe('facekit');
    expect((await indexedDB.databases()).map((d) => d.name).sort()).toEqual(['facekit-model-index', 'facekit-models']);
  });

  it('answers undefined for a file it does not hold, or holds in another shape', async () => {
    const cache = openModelCache('kit');
    expect(await cache.get('missing')).toBeUndefined();
    // Not an ArrayBuffer (an older or foreign value under the same key): not a model file.
    await set('bb', new Uint8Array(4), createStore('kit-models', 'bytes'));
    expect(await cache.get('bb')).toBeUndefined();
  });

  it('stamps each read, for least-recently-used eviction', async () => {
    const cache = openModelCache('kit');
    await cache.put(entry('aa', 'det', 1), bytes(1));
    vi.setSystemTime(T0 + 60_000);
    await cache.get('aa');
    expect((await cache.list())[0]).toMatchObject({ storedAt: T0, usedAt: T0 + 60_000 });
  });

  it('deletes one file, or clears them all, entry and bytes', async () => {
    const cache = openModelCache('kit');
    await cache.put(entry('aa', 'det', 1), bytes(1));
    await cache.put(entry('bb', 'rec', 1), bytes(1));
    await cache.delete('aa');
    expect(await ids(cache)).toEqual(['rec']);
    expect(await cache.get('aa')).toBeUndefined();
    await cache.clear();
    expect(await cache.list()).toEqual([]);
    expect(await cache.get('bb')).toBeUndefined();
  });

  it('keeps caches of different names apart', async () => {
    const a = openModelCache('a'), b = openModelCache('b');
    await a.put(entry('aa', 'det', 1), bytes(1));
    expect(await b.list()).toEqual([]);
    expect(await b.get('aa')).toBeUndefined();
  });

  it('turns a failed write into a StorageError that says what failed', async () => {
    const cause = new DOMException('The disk is full of errors.', 'UnknownError');
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(() => { throw cause; });
    const err = await openModelCache('kit').put(entry('aa', 'det', 1), bytes(1)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageError);
    expect((err as Error).message).toBe('IndexedDB could not store det.onnx: UnknownError: The disk is full of errors.');
    expect((err as Error).cause).toBe(cause);
  });
});

describe('openModelCache: a full quota', () => {
  it('evicts the least recently used other files until the new one fits, and says which', async () => {
    const q = quota(300);
    const cache = openModelCache('kit');
    await cache.put(entry('aa', 'det', 100, T0), bytes(100));
    await cache.put(entry('bb', 'rec', 100, T0 + 1), bytes(100));
    await cache.put(entry('cc', 'eye', 100, T0 + 2), bytes(100));
    // det is the oldest stored but was read last: rec and then eye go first.
    vi.setSystemTime(T0 + 10);
    await cache.get('aa');
    expect(await cache.put(entry('dd', 'age', 200, T0 + 20), bytes(200))).toEqual(['rec', 'eye']);
    expect(await ids(cache)).toEqual(['age', 'det']);
    expect(await cache.get('bb')).toBeUndefined();
    expect(q.used()).toBe(300);
  });

  it('evicts only as much as it needs', async () => {
    quota(300);
    const cache = openModelCache('kit');
    await cache.put(entry('aa', 'det', 100, T0), bytes(100));
    await cache.put(entry('bb', 'rec', 100, T0 + 1), bytes(100));
    await cache.put(entry('cc', 'eye', 100, T0 + 2), bytes(100));
    expect(await cache.put(entry('dd', 'age', 100, T0 + 3), bytes(100))).toEqual(['det']);
    expect(await ids(cache)).toEqual(['age', 'eye', 'rec']);
  });

  it('never evicts the file it is writing, even when it is the least recently used', async () => {
    quota(250, 0, true);
    const cache = openModelCache('kit');
    await cache.put(entry('aa', 'det', 100, T0), bytes(100));
    await cache.put(entry('bb', 'rec', 100, T0 + 1), bytes(100));
    expect(await cache.put(entry('aa', 'det', 100, T0 + 5), bytes(100, 2))).toEqual(['rec']);
    expect(new Uint8Array((await cache.get('aa'))!)[0]).toBe(2);
  });

  it('throws StorageError at once when a file is larger than the whole quota and there is nothing to evict', async () => {
    const q = quota(100);
    const err = await openModelCache('kit').put(entry('aa', 'big', 101), bytes(101)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageError);
    expect((err as Error).message).toMatch(/^IndexedDB could not store big\.onnx \(101 bytes\), even with every other model evicted: QuotaExceededError/);
    expect(q.puts).toHaveBeenCalledTimes(1);
  });

  it('waits for freed space to be counted after evicting, then stores the file', async () => {
    // The browser counts the evicted bytes as free 250 ms after the delete.
    quota(100, 250);
    const cache = openModelCache('kit');
    await cache.put(entry('aa', 'det', 100), bytes(100));
    let result: string[] | undefined;
    const putting = cache.put(entry('bb', 'rec', 100, T0 + 1), bytes(100)).then((r) => { result = r; });
    // Refused, det evicted, refused again (the space is not free yet): waits 100 ms, then 200 ms.
    await timerSet();
    await vi.advanceTimersByTimeAsync(99);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    await timerSet();
    expect(result).toBeUndefined();
    await vi.advanceTimersByTimeAsync(200);
    await putting;
    expect(result).toEqual(['det']);
    expect(await ids(cache)).toEqual(['rec']);
  });

  it('does not wait for space when the file is larger than the whole quota', async () => {
    quota(100, 60_000);
    vi.stubGlobal('navigator', { storage: { estimate: async () => ({ quota: 150, usage: 100 }) } });
    const cache = openModelCache('kit');
    await cache.put(entry('aa', 'det', 100), bytes(100));
    await expect(cache.put(entry('bb', 'rec', 200, T0 + 1), bytes(200))).rejects.toThrow(/even with every other model evicted/);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('gives up with StorageError when the space never frees, after 12.7 s of waits', async () => {
    quota(100, 60_000);
    vi.stubGlobal('navigator', { storage: { estimate: async () => ({ quota: 150, usage: 100 }) } });
    const cache = openModelCache('kit');
    await cache.put(entry('aa', 'det', 100), bytes(100));
    let err: unknown;
    const putting = cache.put(entry('bb', 'rec', 100, T0 + 1), bytes(100)).catch((e: unknown) => { err = e; });
    for (const ms of [100, 200, 400, 800, 1600, 3200, 6400]) {
      await timerSet();
      expect(err).toBeUndefined();
      await vi.advanceTimersByTimeAsync(ms - 1);
      expect(vi.getTimerCount()).toBe(1);
      await vi.advanceTimersByTimeAsync(1);
    }
    await putting;
    expect(err).toBeInstanceOf(StorageError);
    expect((err as Error).message).toContain('even with every other model evicted');
    // det is gone all the same: eviction is not undone.
    expect(await cache.list()).toEqual([]);
  });

  it('recognises a quota error by its message too (browsers name it differently)', async () => {
    const { put } = IDBObjectStore.prototype;
    let refusals = 1;
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
      if (value instanceof ArrayBuffer && this.transaction.db.name === 'kit-models' && key === 'bb' && refusals-- > 0) {
        throw new DOMException('Quota exceeded for this origin', 'UnknownError');
      }
      return put.call(this, value, key);
    });
    const cache = openModelCache('kit');
    await cache.put(entry('aa', 'det', 1), bytes(1));
    expect(await cache.put(entry('bb', 'rec', 1, T0 + 1), bytes(1))).toEqual(['det']);
  });

  it('throws StorageError when an eviction itself fails', async () => {
    quota(100);
    const cache = openModelCache('kit');
    await cache.put(entry('aa', 'det', 100), bytes(100));
    vi.spyOn(IDBObjectStore.prototype, 'delete').mockImplementation(() => { throw new DOMException('Transaction failed', 'UnknownError'); });
    const err = await cache.put(entry('bb', 'rec', 100, T0 + 1), bytes(100)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageError);
    expect((err as Error).message).toBe('IndexedDB could not evict a model to make room: UnknownError: Transaction failed');
  });
});

describe('memoryModelCache', () => {
  it('keeps files in memory with the same interface', async () => {
    const cache = memoryModelCache('kit');
    expect(cache).toMatchObject({ name: 'kit', kind: 'memory' });
    const data = bytes(3, 9);
    expect(await cache.put(entry('aa', 'det', 3), data)).toEqual([]);
    expect(await cache.get('aa')).toBe(data);
    expect(await cache.list()).toEqual([entry('aa', 'det', 3)]);
    await cache.put(entry('bb', 'rec', 3), data);
    await cache.delete('aa');
    expect(await ids(cache)).toEqual(['rec']);
    await cache.clear();
    expect(await cache.list()).toEqual([]);
    expect(await cache.get('bb')).toBeUndefined();
  });
});

describe('probeModelCache', () => {
  it('uses IndexedDB when it answers', async () => {
    const { cache, problem } = await probeModelCache('kit');
    expect(cache.kind).toBe('indexeddb');
    expect(problem).toBeUndefined();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('falls back to memory where there is no IndexedDB', async () => {
    vi.stubGlobal('indexedDB', undefined);
    const { cache, problem } = await probeModelCache('kit');
    expect(cache).toMatchObject({ kind: 'memory', name: 'kit' });
    expect(problem).toBe('IndexedDB is not available in this context');
  });

  it('falls back to memory, and says why, when IndexedDB throws (private mode, blocked storage)', async () => {
    vi.spyOn(indexedDB, 'open').mockImplementation(() => { throw new DOMException('The operation is insecure.', 'SecurityError'); });
    const { cache, problem } = await probeModelCache('kit');
    expect(cache.kind).toBe('memory');
    expect(problem).toBe('IndexedDB failed (The operation is insecure.)');
  });

  it('falls back to memory when opening never answers (blocked by another connection)', async () => {
    // An open request that never fires success or error.
    vi.spyOn(indexedDB, 'open').mockImplementation(() => ({}) as IDBOpenDBRequest);
    let result: Awaited<ReturnType<typeof probeModelCache>> | undefined;
    const probing = probeModelCache('kit', 500).then((r) => { result = r; });
    await vi.advanceTimersByTimeAsync(499);
    expect(result).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    await probing;
    expect(result!.cache.kind).toBe('memory');
    expect(result!.problem).toBe('IndexedDB failed (no answer within 500 ms)');
  });
});
