import { del, get, set, createStore } from 'idb-keyval';
import { galleryFromJSON, type Gallery } from '@facekit/core';
import { StorageError } from '../errors.js';

const failed = (what: string, e: unknown) => new StorageError(`IndexedDB could not ${what}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`, { cause: e });

/**
 * Galleries in IndexedDB (`<name>-galleries`), stored as their versioned JSON and validated on
 * load. A save is one IndexedDB put, so it is atomic: if it fails (quota, disk), the previous
 * version of that gallery is still what `load` returns.
 */
export function openGalleryStore(cacheName = 'facekit') {
  const store = createStore(`${cacheName}-galleries`, 'galleries');
  return {
    save: async (name: string, gallery: Gallery): Promise<void> => {
      const json = gallery.toJSON();
      try { await set(name, json, store); } catch (e) { throw failed(`save gallery "${name}" (the previous version is kept)`, e); }
    },
    load: async (name: string): Promise<Gallery | undefined> => {
      let json: unknown;
      try { json = await get(name, store); } catch (e) { throw failed(`read gallery "${name}"`, e); }
      return json === undefined ? undefined : galleryFromJSON(json);
    },
    delete: async (name: string): Promise<void> => {
      try { await del(name, store); } catch (e) { throw failed(`delete gallery "${name}"`, e); }
    },
  };
}
