import { clear, createStore, del, get, set, values, type UseStore } from 'idb-keyval';
import { StorageError } from '../errors.js';

/** What the cache knows of one stored model file (without its bytes). */
export interface CachedModel {
  /** Lower-case hex SHA-256: the cache key. */
  sha256: string;
  /** Registry id (`det_500m`). */
  model: string;
  file: string;
  byteLength: number;
  /** Where the bytes came from. */
  url: string;
  /** `Date.now()` when stored. */
  storedAt: number;
  /** `Date.now()` when last read; the least recently used go first when the quota is full. */
  usedAt?: number;
}

/** Model bytes in IndexedDB, keyed by SHA-256. Works in windows and workers. */
export interface ModelCache {
  readonly name: string;
  /** 'memory' when IndexedDB is unusable here (see `probeModelCache`). */
  readonly kind: 'indexeddb' | 'memory';
  get(sha256: string): Promise<ArrayBuffer | undefined>;
  /**
   * Stores a file. When the origin's quota is full, evicts the least recently used other files
   * and tries again; throws StorageError when it still does not fit or IndexedDB fails.
   * Resolves with the ids of the models it evicted.
   */
  put(entry: CachedModel, bytes: ArrayBuffer): Promise<string[]>;
  delete(sha256: string): Promise<void>;
  list(): Promise<CachedModel[]>;
  clear(): Promise<void>;
}

const isQuotaError = (e: unknown): boolean =>
  e instanceof DOMException && (e.name === 'QuotaExceededError' || /quota/i.test(e.message));

/**
 * Waits for freed space to be counted after an eviction (12.7 s in all), before a put gives up.
 * 3.1 s was not enough with two busy loops beside the browser: the suite saw a 4.9 MB model
 * refused under a 6 MB quota after every other model was evicted. Waiting narrows this but
 * cannot close it: Chromium releases a deleted value's space when its own cleanup runs, and
 * sometimes that is later still; the model then loads uncached, with a warning that says so
 * (store-faults.spec checks both outcomes).
 */
const QUOTA_SETTLE_WAITS_MS = [100, 200, 400, 800, 1600, 3200, 6400];

/** The file is larger than the origin's whole quota, where the browser tells it: it never fits, so no waiting. */
async function largerThanQuota(bytes: number): Promise<boolean> {
  try {
    const quota = (await (globalThis as { navigator?: { storage?: { estimate?: () => Promise<{ quota?: number }> } } }).navigator?.storage?.estimate?.())?.quota;
    return quota !== undefined && bytes > quota;
  } catch {
    return false;
  }
}

const storageError = (what: string, e: unknown) =>
  new StorageError(`IndexedDB could not ${what}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`, { cause: e });

/**
 * Opens (lazily) the cache named `name`: two IndexedDB databases, `<name>-models` for the bytes
 * and `<name>-model-index` for the entries, so listing never reads megabytes.
 * @param name @defaultValue 'facekit'
 */
export function openModelCache(name = 'facekit'): ModelCache {
  const bytes: UseStore = createStore(`${name}-models`, 'bytes');
  const index: UseStore = createStore(`${name}-model-index`, 'entries');
  const list = async () => (await values(index)) as CachedModel[];
  const remove = async (sha256: string) => {
    await del(sha256, index);
    await del(sha256, bytes);
  };
  return {
    name,
    kind: 'indexeddb',
    async get(sha256) {
      const value: unknown = await get(sha256, bytes);
      if (!(value instanceof ArrayBuffer)) return undefined;
      // Stamp the use for LRU eviction; a failed stamp only costs eviction order.
      const entry = (await get(sha256, index).catch(() => undefined)) as CachedModel | undefined;
      if (entry) await set(sha256, { ...entry, usedAt: Date.now() }, index).catch(() => undefined);
      return value;
    },
    async put(entry, data) {
      const evicted: string[] = [];
      for (let settleWaits = 0; ; ) {
        try {
          // Bytes first: an entry in the index always has its bytes.
          await set(entry.sha256, data, bytes);
          await set(entry.sha256, { ...entry, usedAt: entry.storedAt }, index);
          return evicted;
        } catch (e) {
          if (!isQuotaError(e)) throw storageError(`store ${entry.file}`, e);
          const others = (await list().catch(() => [])).filter((m) => m.sha256 !== entry.sha256);
          if (!others.length) {
            // CI once saw this write refused right after evicting enough room, most likely because
            // Chromium counts a deleted blob's space as free only after its cleanup runs, which lags
            // on a busy machine; so after evicting, wait for the usage to catch up before giving up.
            const worthWaiting = evicted.length > 0 && settleWaits < QUOTA_SETTLE_WAITS_MS.length && (settleWaits > 0 || !(await largerThanQuota(entry.byteLength)));
            if (worthWaiting) {
              await new Promise((r) => setTimeout(r, QUOTA_SETTLE_WAITS_MS[settleWaits++]));
              continue;
            }
            throw storageError(`store ${entry.file} (${entry.byteLength} bytes), even with every other model evicted`, e);
          }
          const oldest = others.sort((a, b) => (a.usedAt ?? a.storedAt) - (b.usedAt ?? b.storedAt))[0]!;
          await remove(oldest.sha256).catch((err: unknown) => { throw storageError('evict a model to make room', err); });
          evicted.push(oldest.model);
        }
      }
    },
    delete: remove,
    list,
    async clear() {
      await clear(index);
      await clear(bytes);
    },
  };
}

/** The same interface over a Map: where IndexedDB is unusable, models live as long as the worker. */
export function memoryModelCache(name: string): ModelCache {
  const files = new Map<string, { entry: CachedModel; bytes: ArrayBuffer }>();
  return {
    name,
    kind: 'memory',
    get: async (sha256) => files.get(sha256)?.bytes,
    put: async (entry, bytes) => { files.set(entry.sha256, { entry, bytes }); return []; },
    delete: async (sha256) => { files.delete(sha256); },
    list: async () => [...files.values()].map((f) => f.entry),
    clear: async () => { files.clear(); },
  };
}

/**
 * The IndexedDB cache if IndexedDB works here, else a memory cache and why. IndexedDB is missing
 * or throws in some private modes, under blocked storage, and on disk errors; an open that never
 * answers (blocked by another connection) counts as failing after `timeoutMs`.
 */
export async function probeModelCache(name: string, timeoutMs = 3000): Promise<{ cache: ModelCache; problem?: string }> {
  if (typeof indexedDB === 'undefined') return { cache: memoryModelCache(name), problem: 'IndexedDB is not available in this context' };
  const cache = openModelCache(name);
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      cache.list(),
      new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs); }),
    ]);
    return { cache };
  } catch (e) {
    return { cache: memoryModelCache(name), problem: `IndexedDB failed (${e instanceof Error ? e.message : String(e)})` };
  } finally {
    clearTimeout(timer);
  }
}
