import { clear, createStore } from 'idb-keyval';
import { StorageError } from '../errors.js';

// Every IndexedDB database facekit writes, by name: `<cacheName>-<kind>` and its object store.
const FIXED: Record<string, string> = { models: 'bytes', 'model-index': 'entries', galleries: 'galleries' };

function storeOf(cacheName: string, db: string): string | undefined {
  const kind = db.slice(cacheName.length + 1);
  if (kind in FIXED) return FIXED[kind];
  if (kind.startsWith('verifier-')) return 'templates';
  return undefined;
}

/**
 * Removes every record facekit stored under `cacheName`: cached models, saved galleries and
 * enrolled templates of every verifier. Resolves with the databases it emptied. The databases
 * stay (empty): deleting one would wait for every open tab and worker to let go of it.
 * @param cacheName @defaultValue 'facekit'
 */
export async function clearAllData(cacheName = 'facekit'): Promise<string[]> {
  const prefix = `${cacheName}-`;
  let names: string[];
  try {
    names = typeof indexedDB.databases === 'function'
      ? (await indexedDB.databases()).map((d) => d.name ?? '').filter((n) => n.startsWith(prefix))
      : Object.keys(FIXED).map((k) => prefix + k); // without databases(): the fixed ones (verifiers by name: verifier.clear())
  } catch (e) {
    throw new StorageError(`IndexedDB could not list its databases: ${(e as Error).message}`, { cause: e });
  }
  const cleared: string[] = [];
  for (const db of names) {
    const store = storeOf(cacheName, db);
    if (!store) continue;
    try {
      await clear(createStore(db, store));
    } catch (e) {
      throw new StorageError(`IndexedDB could not clear ${db}: ${(e as Error).message}`, { cause: e });
    }
    cleared.push(db);
  }
  return cleared;
}
