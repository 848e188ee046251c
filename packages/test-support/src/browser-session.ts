// Starts the built demo's preview server and a headless Chromium on the harness page, for
// the evaluation and benchmark scripts (the e2e tests use Playwright's own runner).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chromium, type Browser, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH, ROOT } from './config.js';

export interface BrowserSession {
  page: Page;
  baseUrl: string;
  close(): Promise<void>;
}

async function waitFor(url: string, server: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (server.exitCode !== null) throw new Error(`preview server exited with ${server.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`preview server did not answer at ${url}`);
}

/** Builds the demo, serves it (with `dataDir` at /__data/) and opens the harness page. */
export async function openBrowserSession(options: { dataDir?: string; port?: number; build?: boolean; extraArgs?: string[] } = {}): Promise<BrowserSession> {
  const port = options.port ?? 4180;
  // A server left over from a killed run would answer in place of ours, with its own data folder.
  const busy = await fetch(`http://127.0.0.1:${port}/`).then(() => true, () => false);
  if (busy) throw new Error(`port ${port} is already served (a server left by an interrupted run?): stop it, or pass another port`);
  if (options.build ?? true) {
    const b = spawnSync('pnpm', ['exec', 'vite', 'build', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
    if (b.status !== 0) throw new Error('vite build failed');
  }
  const server = spawn('pnpm', ['exec', 'vite', 'preview', '--port', String(port), '--strictPort'], {
    cwd: ROOT,
    env: { ...process.env, ...(options.dataDir ? { FACEKIT_SERVE_DATA: options.dataDir } : {}) },
    stdio: 'ignore',
    detached: true,
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  let browser: Browser | undefined;
  const stop = async () => {
    await browser?.close();
    try { process.kill(-server.pid!, 'SIGTERM'); } catch { /* already gone */ }
  };
  try {
    await waitFor(`${baseUrl}/harness.html`, server);
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...(options.extraArgs ?? [])], headless: true });
    const page = await browser.newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    await page.goto(`${baseUrl}/harness.html`);
    await page.waitForFunction(() => window.harnessReady === true);
    return { page, baseUrl, close: stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** `--name value` and `--flag` from argv (after pnpm's `--`). */
export function parseArgs(argv: string[]): Map<string, string | true> {
  const out = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--') || a === '--') continue;
    const next = argv[i + 1];
    if (next !== undefined && !next.startsWith('--')) { out.set(a.slice(2), next); i++; }
    else out.set(a.slice(2), true);
  }
  return out;
}

export { median, percentile } from '@facekit/core';
