import { clear, createStore, del, get, set, values, type UseStore } from 'idb-keyval';

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
}

/** Model bytes in IndexedDB, keyed by SHA-256. Works in windows and workers. */
export interface ModelCache {
  readonly name: string;
  get(sha256: string): Promise<ArrayBuffer | undefined>;
  put(entry: CachedModel, bytes: ArrayBuffer): Promise<void>;
  delete(sha256: string): Promise<void>;
  list(): Promise<CachedModel[]>;
  clear(): Promise<void>;
}

/**
 * Opens (lazily) the cache named `name`: two IndexedDB databases, `<name>-models` for the bytes
 * and `<name>-model-index` for the entries, so listing never reads megabytes.
 * @param name @defaultValue 'facekit'
 */
export function openModelCache(name = 'facekit'): ModelCache {
  const bytes: UseStore = createStore(`${name}-models`, 'bytes');
  const index: UseStore = createStore(`${name}-model-index`, 'entries');
  return {
    name,
    async get(sha256) {
      const value: unknown = await get(sha256, bytes);
      return value instanceof ArrayBuffer ? value : undefined;
    },
    async put(entry, data) {
      // Bytes first: an entry in the index always has its bytes.
      await set(entry.sha256, data, bytes);
      await set(entry.sha256, entry, index);
    },
    async delete(sha256) {
      await del(sha256, index);
      await del(sha256, bytes);
    },
    async list() {
      return (await values(index)) as CachedModel[];
    },
    async clear() {
      await clear(index);
      await clear(bytes);
    },
  };
}
