// Shared by the Playwright tests and the eval/bench scripts: how Chromium is started here.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../../..');
export const SHARED_DIR = resolve(process.env.FACEKIT_SHARED ?? resolve(ROOT, '../shared'));
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p)) ?? '/usr/bin/chromium';
/**
 * The e2e preview servers' ports: the cross-origin isolated one, and the next for the one without
 * isolation. FACEKIT_E2E_PORT moves both, so that a second test run can go on beside another.
 */
export const PORT = Number(process.env.FACEKIT_E2E_PORT ?? 4173);
export const PORT_NO_ISOLATION = PORT + 1;
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  // Exposes WebGPU (a SwiftShader fallback adapter here) so 'auto' and 'webgpu' are exercised.
  '--enable-unsafe-webgpu',
];
