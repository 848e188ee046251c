// The static site's cross-origin isolation service worker (the coi-serviceworker technique),
// one classic script that is both the worker and, loaded by a <script> in each page's head,
// what registers it. demo/src/site/build-site.ts bundles it to coi-serviceworker.js beside the
// pages and adds the <script>; the dev server and `vite preview` send the headers themselves
// and never load it. Decisions are in isolation.ts.
import { answersRequest, headersToAdd, pageAction, RELOAD_MARK } from './isolation.js';

declare const self: ServiceWorkerGlobalScope;

function serveWorker(): void {
  // Take over at once: the page reloads as soon as the worker is ready and must be served by it.
  self.addEventListener('install', () => { void self.skipWaiting(); });
  self.addEventListener('activate', (event) => { event.waitUntil(self.clients.claim()); });
  self.addEventListener('fetch', (event) => {
    if (!answersRequest(event.request)) return;
    event.respondWith(fetch(event.request).then((response) => {
      const add = Object.entries(headersToAdd(response));
      if (add.length === 0) return response;
      const headers = new Headers(response.headers);
      for (const [name, value] of add) headers.set(name, value);
      // The body streams through unchanged (model downloads keep their progress).
      return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
    }));
  });
}

async function registerFromPage(): Promise<void> {
  // Read now: document.currentScript is only set while this script first runs.
  const script = (document.currentScript as HTMLScriptElement | null)?.src;
  const action = pageAction({
    isolated: window.crossOriginIsolated === true,
    secureContext: window.isSecureContext,
    hasServiceWorker: 'serviceWorker' in navigator,
    reloadedForIsolation: sessionStorage.getItem(RELOAD_MARK) !== null,
  });
  // A later load may try again (one reload at most each time).
  if (action !== 'register-and-reload') sessionStorage.removeItem(RELOAD_MARK);
  if (action === 'give-up') console.warn('facekit: this page is not cross-origin isolated even under its service worker; it runs without threads.');
  if (action !== 'register-and-reload' || !script) return;
  try {
    // Its scope is the script's folder: the site's pages, whatever base path the host gives them.
    await navigator.serviceWorker.register(script);
    await navigator.serviceWorker.ready;
  } catch (e) {
    console.warn(`facekit: the cross-origin isolation service worker did not start (${String(e)}); the page runs without threads.`);
    return;
  }
  sessionStorage.setItem(RELOAD_MARK, '1');
  window.location.reload();
}

if (typeof window === 'undefined') serveWorker();
else void registerFromPage();
