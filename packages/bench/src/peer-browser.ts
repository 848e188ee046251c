// What every peer run shares (peers.ts times them, peer-gender.ts reads their gender): one
// local cross-origin-isolated server with the pages, the libraries, their models and tfjs-wasm's
// binaries; one headless Chromium that cannot resolve any other host; and pages opened in fresh
// contexts that record console warnings, page errors and any request to another origin.
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '@facekit/test-support/config';
import { startStaticServer, type StaticServer } from '@facekit/test-support/static-server';

export const PKG = resolve(import.meta.dirname, '..');
export const modulesDir = (name: string) => resolve(PKG, 'node_modules', name);
export const versionOf = (name: string) => (JSON.parse(readFileSync(resolve(modulesDir(name), 'package.json'), 'utf8')) as { version: string }).version;

export interface PeerSession {
  server: StaticServer;
  browser: Browser;
  origin: string;
  /** Paths of the .wasm binaries fetched since the last openPeerPage (workers' fetches included). */
  wasmSeen: string[];
}

/**
 * Serves `/pages/` (packages/bench/pages), `/human/`, `/face-api/` (the npm packages, models
 * included), `/tfjs-wasm/` (tfjs-backend-wasm's dist) and `extraRoots`, on a random port, with
 * COOP/COEP: tfjs-wasm only starts threads when the page is crossOriginIsolated, and a default run
 * must get whatever the library would pick there. Closes the browser, then the server.
 */
export async function withPeerSession<T>(extraRoots: Record<string, string>, fn: (s: PeerSession) => Promise<T>): Promise<T> {
  const wasmSeen: string[] = [];
  let server: StaticServer | undefined;
  let browser: Browser | undefined;
  try {
    server = await startStaticServer({
      isolated: true,
      roots: {
        '/pages/': resolve(PKG, 'pages'),
        '/human/': modulesDir('@vladmandic/human'),
        '/face-api/': modulesDir('@vladmandic/face-api'),
        '/tfjs-wasm/': resolve(modulesDir('@tensorflow/tfjs-backend-wasm'), 'dist'),
        ...extraRoots,
      },
      onRequest: (path) => { if (path.endsWith('.wasm')) wasmSeen.push(path); },
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      // Belt and braces for "nothing from the internet": every host but ours fails to resolve.
      args: [...CHROMIUM_ARGS, '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'],
      headless: true,
    });
    return await fn({ server, browser, origin: server.url, wasmSeen });
  } finally {
    await browser?.close();
    await server?.close();
  }
}

export interface PeerPage {
  context: BrowserContext;
  page: Page;
  /** Console warnings and errors the page printed (deduplicated). */
  warnings: Set<string>;
  /** Throws on the page's first uncaught error, or when it asked for anything from another origin. */
  assertClean(label: string): void;
  /** Adds "server: <path> -> <status>" to warnings for each of this page's requests that failed. */
  noteFailedRequests(): void;
  /** The .wasm binaries (basenames, comma-separated) fetched since the page was opened; '' if none. */
  wasmFile(): string;
}

export interface OpenPeerPageOptions {
  /** Emulated navigator.hardwareConcurrency (tfjs-wasm caps its pool at half of it). */
  hardwareConcurrencyOverride?: number;
  /** Lines the page sends through window.benchProgress. */
  onProgress?: (line: string) => void;
}

/**
 * A fresh context (no shared HTTP cache, storage or tf state) with `path` loaded and its
 * `window.benchReady` set. The caller closes `context`. Concurrent pages share the session's
 * request log, so noteFailedRequests and wasmFile describe one page only when pages run one at a time.
 */
export async function openPeerPage(s: PeerSession, path: string, o: OpenPeerPageOptions = {}): Promise<PeerPage> {
  s.wasmSeen.length = 0;
  const requestsBefore = s.server.requests.length;
  const context = await s.browser.newContext();
  try {
    const page = await context.newPage();
    if (o.hardwareConcurrencyOverride !== undefined) {
      const cdp = await context.newCDPSession(page);
      await cdp.send('Emulation.setHardwareConcurrencyOverride', { hardwareConcurrency: o.hardwareConcurrencyOverride });
    }
    const warnings = new Set<string>();
    const external: string[] = [];
    let pageError: Error | undefined;
    page.on('console', (m) => { if (m.type() === 'warning' || m.type() === 'error') warnings.add(`${m.type()}: ${m.text().slice(0, 300)}`); });
    page.on('pageerror', (e) => { pageError ??= e; });
    page.on('request', (r) => { const u = r.url(); if (/^https?:/.test(u) && !u.startsWith(s.origin)) external.push(u); });
    await page.exposeFunction('benchProgress', (line: string) => { o.onProgress?.(line); });
    await page.goto(`${s.origin}${path}`);
    await page.waitForFunction(() => (window as unknown as { benchReady?: boolean }).benchReady === true);
    return {
      context,
      page,
      warnings,
      assertClean: (label) => {
        if (pageError) throw new Error(`${label}: page error: ${pageError.message}`);
        if (external.length) throw new Error(`${label}: the page tried to fetch from outside: ${[...new Set(external)].join(', ')}`);
      },
      noteFailedRequests: () => { for (const q of s.server.requests.slice(requestsBefore)) if (q.status >= 400) warnings.add(`server: ${q.path} -> ${q.status}`); },
      wasmFile: () => [...new Set(s.wasmSeen.map((p) => basename(p)))].join(','),
    };
  } catch (e) {
    await context.close();
    throw e;
  }
}
