import { del, get, set, createStore } from 'idb-keyval';
import { galleryFromJSON, type Gallery } from '@facekit/core';

/** Galleries in IndexedDB (`<name>-galleries`), stored as their versioned JSON and validated on load. */
export function openGalleryStore(cacheName = 'facekit') {
  const store = createStore(`${cacheName}-galleries`, 'galleries');
  return {
    save: async (name: string, gallery: Gallery): Promise<void> => { await set(name, gallery.toJSON(), store); },
    load: async (name: string): Promise<Gallery | undefined> => {
      const json: unknown = await get(name, store);
      return json === undefined ? undefined : galleryFromJSON(json);
    },
    delete: (name: string): Promise<void> => del(name, store),
  };
}
