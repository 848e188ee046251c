// The decisions of the static site's cross-origin isolation service worker (coi-serviceworker.ts),
// kept pure so they are unit-tested. Static hosts (GitHub Pages and most others) cannot send
// COOP/COEP; without them the page is not crossOriginIsolated, SharedArrayBuffer is missing and
// onnxruntime-web runs on one thread. A service worker may add the headers to the responses it
// serves, so the page is isolated from its first load under the worker's control (one reload).

/** The headers that make a document (and its workers) cross-origin isolated. */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** What the worker reads of a request. */
export interface RequestFacts { mode: RequestMode; cache: RequestCache }

/**
 * Whether the worker answers the request itself; false leaves it to the browser. Chromium rejects
 * fetch() of an `only-if-cached` request whose mode is not same-origin (DevTools makes them).
 */
export function answersRequest(request: RequestFacts): boolean {
  return !(request.cache === 'only-if-cached' && request.mode !== 'same-origin');
}

/** What the worker reads of a response. */
export interface ResponseFacts { status: number; type: ResponseType; headers: { has(name: string): boolean } }

/**
 * The headers to add to a response: none to an opaque one (its headers can be neither read nor
 * changed) or a network error, and never one the host sent itself (the host's own policy wins).
 */
export function headersToAdd(response: ResponseFacts): Record<string, string> {
  if (response.status === 0 || response.type === 'opaque' || response.type === 'opaqueredirect' || response.type === 'error') return {};
  return Object.fromEntries(Object.entries(ISOLATION_HEADERS).filter(([name]) => !response.headers.has(name)));
}

/** What the page knows when the registering script runs. */
export interface PageFacts {
  /** `crossOriginIsolated`: the host sent the headers, or the worker already serves this page. */
  isolated: boolean;
  /** Service workers need a secure context (https, or http on localhost). */
  secureContext: boolean;
  hasServiceWorker: boolean;
  /** This tab reloaded for isolation just before this load (a session flag). */
  reloadedForIsolation: boolean;
}

/**
 * - `isolated`: nothing to do (the dev server, a host that sends the headers, a page the worker serves).
 * - `unsupported`: no service worker here; the page runs without threads.
 * - `give-up`: the reload did not isolate the page (e.g. a hard reload bypasses the worker, or the
 *   browser refuses); do not reload again, so a page can never loop.
 * - `register-and-reload`: register the worker, then reload once under its control.
 */
export type PageAction = 'isolated' | 'unsupported' | 'give-up' | 'register-and-reload';

export function pageAction(page: PageFacts): PageAction {
  if (page.isolated) return 'isolated';
  if (!page.secureContext || !page.hasServiceWorker) return 'unsupported';
  if (page.reloadedForIsolation) return 'give-up';
  return 'register-and-reload';
}

/** The sessionStorage key that marks a reload made for isolation. */
export const RELOAD_MARK = 'facekit-coi-reloaded';
