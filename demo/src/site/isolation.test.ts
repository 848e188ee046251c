import { describe, expect, it } from 'vitest';
import { answersRequest, headersToAdd, ISOLATION_HEADERS, pageAction, type PageFacts } from './isolation.js';

const headers = (h: Record<string, string> = {}) => new Headers(h);

describe('headersToAdd', () => {
  it('adds COOP and COEP to a plain same-origin response', () => {
    expect(headersToAdd({ status: 200, type: 'basic', headers: headers({ 'Content-Type': 'text/html' }) })).toEqual(ISOLATION_HEADERS);
    expect(headersToAdd({ status: 404, type: 'basic', headers: headers() })).toEqual(ISOLATION_HEADERS);
    expect(headersToAdd({ status: 200, type: 'cors', headers: headers() })).toEqual(ISOLATION_HEADERS);
  });

  it('never touches an opaque response, a redirect it cannot read or a network error', () => {
    for (const type of ['opaque', 'opaqueredirect', 'error'] as const) expect(headersToAdd({ status: 0, type, headers: headers() })).toEqual({});
    expect(headersToAdd({ status: 0, type: 'basic', headers: headers() })).toEqual({});
  });

  it('keeps what the host sent (any case), adding only the missing header', () => {
    expect(headersToAdd({ status: 200, type: 'basic', headers: headers({ 'cross-origin-embedder-policy': 'credentialless' }) }))
      .toEqual({ 'Cross-Origin-Opener-Policy': 'same-origin' });
    expect(headersToAdd({ status: 200, type: 'basic', headers: headers(ISOLATION_HEADERS) })).toEqual({});
  });
});

describe('answersRequest', () => {
  it('leaves only-if-cached requests that are not same-origin to the browser', () => {
    expect(answersRequest({ cache: 'only-if-cached', mode: 'no-cors' })).toBe(false);
    expect(answersRequest({ cache: 'only-if-cached', mode: 'same-origin' })).toBe(true);
    expect(answersRequest({ cache: 'default', mode: 'navigate' })).toBe(true);
    expect(answersRequest({ cache: 'no-cache', mode: 'cors' })).toBe(true);
  });
});

describe('pageAction', () => {
  const page = (p: Partial<PageFacts> = {}): PageFacts => ({ isolated: false, secureContext: true, hasServiceWorker: true, reloadedForIsolation: false, ...p });

  it('does nothing on a page that is already isolated (the dev server, a host with the headers)', () => {
    expect(pageAction(page({ isolated: true }))).toBe('isolated');
    expect(pageAction(page({ isolated: true, reloadedForIsolation: true }))).toBe('isolated');
  });

  it('registers and reloads once on a static host', () => {
    expect(pageAction(page())).toBe('register-and-reload');
  });

  it('gives up after its reload did not isolate the page, so it can never loop', () => {
    expect(pageAction(page({ reloadedForIsolation: true }))).toBe('give-up');
  });

  it('cannot help without a service worker (plain http, or none in this browser)', () => {
    expect(pageAction(page({ secureContext: false }))).toBe('unsupported');
    expect(pageAction(page({ hasServiceWorker: false }))).toBe('unsupported');
  });
});
