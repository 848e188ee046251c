// A page with a fake camera: Chromium launched with a y4m file (see streams.ts) as its webcam.
// The fake device reads one file per browser launch and loops it, so each stream needs its own
// launch; launches that share `userDataDir` share IndexedDB (enroll with one stream, verify
// with another).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH, PORT } from '@facekit/test-support/config';

export const CAMERA_BASE_URL = `http://127.0.0.1:${PORT}`;

/**
 * Chromium flags that make `stream` (an absolute .y4m or .mjpeg path) the only camera; with null,
 * Chromium's own fake cameras (a moving test pattern, no face; `device-count=N` gives N of them).
 */
export function cameraArgs(stream: string | null, deviceCount = 1): string[] {
  return [
    deviceCount > 1 ? `--use-fake-device-for-media-stream=device-count=${deviceCount}` : '--use-fake-device-for-media-stream',
    '--use-fake-ui-for-media-stream', // grants camera permission without a prompt
    ...(stream ? [`--use-file-for-fake-video-capture=${stream}`] : []),
    // performance.measureUserAgentSpecificMemory() answers at once instead of at the next GC.
    '--enable-blink-features=ForceEagerMeasureMemory',
  ];
}

export interface CameraPageOptions {
  /** Browser profile to use (and keep); default a fresh temporary one, deleted by close(). */
  userDataDir?: string;
  /** Page to open; default '/harness.html' (waits for `window.harnessReady`). */
  path?: string;
  /** Server to open it on; default http://127.0.0.1:4173 (cross-origin isolated preview server). */
  baseURL?: string;
  /** Every request the browser makes (pages and workers) is appended here, from the first one. */
  requests?: string[];
  /** More Chromium switches. */
  extraArgs?: string[];
  /** With a null stream: how many fake cameras (a file-backed camera is always one). */
  deviceCount?: number;
}

export interface CameraPage {
  page: Page;
  context: BrowserContext;
  /** The profile directory in use. */
  userDataDir: string;
  /** Closes the browser; deletes the profile if it was a temporary one. */
  close(): Promise<void>;
}

/** Launches Chromium with `stream` as its camera (null: Chromium's test pattern) and opens the harness page (or `options.path`). */
export async function openCameraPage(stream: string | null, options: CameraPageOptions = {}): Promise<CameraPage> {
  const temporary = options.userDataDir === undefined;
  const userDataDir = options.userDataDir ?? mkdtempSync(join(tmpdir(), 'facekit-camera-'));
  const baseURL = options.baseURL ?? CAMERA_BASE_URL;
  const removeTemporary = () => { if (temporary) rmSync(userDataDir, { recursive: true, force: true }); };
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      args: [...CHROMIUM_ARGS, ...cameraArgs(stream, options.deviceCount), ...(options.extraArgs ?? [])],
      headless: true,
      baseURL,
    });
  } catch (e) {
    removeTemporary();
    throw e;
  }
  const close = async () => {
    await context.close();
    removeTemporary();
  };
  if (options.requests) {
    const log = options.requests;
    context.on('request', (r) => { log.push(r.url()); });
  }
  try {
    const page = context.pages()[0] ?? await context.newPage();
    const path = options.path ?? '/harness.html';
    await page.goto(path);
    if (new URL(path, baseURL).pathname.endsWith('/harness.html')) await page.waitForFunction(() => window.harnessReady === true);
    return { page, context, userDataDir, close };
  } catch (e) {
    await close();
    throw e;
  }
}
