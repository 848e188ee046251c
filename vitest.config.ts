import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'models/**/*.test.ts', 'demo/src/**/*.test.ts', 'examples/*/src/**/*.test.ts'],
    // Real models run in onnxruntime-web's wasm backend: give them time on 2 cores.
    testTimeout: 60_000,
    pool: 'forks',
  },
});
