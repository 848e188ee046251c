// Loads onnxruntime-web in the worker. In the workspace (demo, tests) the app's bundler resolves
// the package's bundled builds, which carry their own glue and reference their .wasm for the
// bundler to emit. The published package swaps this module for ort-loader.dist.ts (see
// scripts/build/build-package.ts), which loads the copies shipped in the package's own ort/ folder.
import type { Backend } from '../runtime/backend.js';

export type Ort = typeof import('onnxruntime-web/wasm');

/** Only the build that is used gets downloaded: the WASM-only one unless WebGPU runs. */
export async function loadOrt(backend: Backend): Promise<Ort> {
  return (backend === 'webgpu' ? await import('onnxruntime-web/webgpu') : await import('onnxruntime-web/wasm')) as Ort;
}

/** Where ORT's glue (.mjs) and binary (.wasm) are, when not beside the ORT script: here, ORT finds them itself. */
export function ortFilePaths(_backend: Backend): { mjs: string; wasm: string } | undefined {
  return undefined;
}
