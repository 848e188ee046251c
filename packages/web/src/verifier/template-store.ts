import { createStore, del, get, keys, set } from 'idb-keyval';

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
    get: async (id: string): Promise<FaceTemplate | undefined> => valid(await get(id, store), id),
    put: (t: FaceTemplate): Promise<void> => set(t.id, t, store),
    delete: async (id: string): Promise<boolean> => {
      const had = (await get(id, store)) !== undefined;
      await del(id, store);
      return had;
    },
    list: async (): Promise<string[]> => (await keys(store)).map(String).sort(),
    all: async (): Promise<FaceTemplate[]> => {
      const out: FaceTemplate[] = [];
      for (const id of (await keys(store)).map(String)) {
        const t = valid(await get(id, store), id);
        if (t) out.push(t);
      }
      return out;
    },
  };
}
