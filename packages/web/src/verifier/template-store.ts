import { createStore, del, get, keys, set } from 'idb-keyval';
import { StorageError } from '../errors.js';

/** IndexedDB's own errors (quota, blocked storage, disk) as facekit's typed one. */
async function storage<T>(what: string, op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (e) {
    throw new StorageError(`IndexedDB could not ${what}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`, { cause: e });
  }
}

/** One enrolled face as stored in IndexedDB. */
export interface FaceTemplate {
  version: 1;
  id: string;
  /** Recognizer that made the embedding; a template only compares with the same model's embeddings. */
  model: string;
  /** L2-normalised mean of the enrollment frames' flip-test embeddings. */
  embedding: Float32Array;
  /** Frames averaged into it. */
  frames: number;
  /** Median passive liveness score at enrollment (absent when liveness was off). */
  livenessScore?: number;
  createdAt: number;
}

/** Enrolled templates in IndexedDB `<cacheName>-verifier-<name>`, one record per id (a failed write never touches another id). */
export function openTemplateStore(cacheName: string, name: string) {
  const store = createStore(`${cacheName}-verifier-${name}`, 'templates');
  const valid = (v: unknown, id: string): FaceTemplate | undefined => {
    const t = v as Partial<FaceTemplate> | undefined;
    if (!t || t.version !== 1 || !(t.embedding instanceof Float32Array) || typeof t.model !== 'string') return undefined;
    return { ...(t as FaceTemplate), id };
  };
  return {
    get: async (id: string): Promise<FaceTemplate | undefined> => valid(await storage(`read template "${id}"`, () => get(id, store)), id),
    put: (t: FaceTemplate): Promise<void> => storage(`store template "${t.id}" (any earlier one for that id is kept)`, () => set(t.id, t, store)),
    delete: (id: string): Promise<boolean> => storage(`delete template "${id}"`, async () => {
      const had = (await get(id, store)) !== undefined;
      await del(id, store);
      return had;
    }),
    list: async (): Promise<string[]> => (await storage('list templates', () => keys(store))).map(String).sort(),
    all: (): Promise<FaceTemplate[]> => storage('read templates', async () => {
      const out: FaceTemplate[] = [];
      for (const id of (await keys(store)).map(String)) {
        const t = valid(await get(id, store), id);
        if (t) out.push(t);
      }
      return out;
    }),
  };
}
