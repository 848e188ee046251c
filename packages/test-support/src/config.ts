// Shared by the Playwright tests and the eval/bench scripts: how Chromium is started here.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../../..');
export const SHARED_DIR = resolve(process.env.FACEKIT_SHARED ?? resolve(ROOT, '../shared'));
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p)) ?? '/usr/bin/chromium';
export const PORT = 4173;
export const PORT_NO_ISOLATION = 4174;
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
