import { resolve } from 'node:path';
import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH, PORT, PORT_NO_ISOLATION, SHARED_DIR } from '@facekit/test-support/config';

const root = resolve(import.meta.dirname, '..');
const server = (port: number, isolated: boolean) => ({
  command: `pnpm exec vite preview --port ${port} --strictPort`,
  cwd: root,
  url: `http://127.0.0.1:${port}/harness.html`,
  reuseExistingServer: false,
  timeout: 60_000,
  env: { FACEKIT_SERVE_DATA: resolve(SHARED_DIR, 'data'), FACEKIT_COI: isolated ? '1' : '0' },
});

export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  // Real models on a 2-core machine: one browser test at a time, generous per-test limits.
  workers: 1,
  timeout: 180_000,
  expect: { timeout: 30_000 },
  reporter: [['list']],
  outputDir: '../.cache/test-results',
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    headless: true,
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
  },
  webServer: [server(PORT, true), server(PORT_NO_ISOLATION, false)],
});
