// The published package's ORT loader (swapped in for ort-loader.ts by scripts/build/build-package.ts):
// onnxruntime-web's builds ship in the package's ort/ folder, next to worker.js. Every file is
// named by a literal `new URL('./ort/…', import.meta.url)` so that an app's bundler (Vite,
// webpack 5, …) copies it along when it bundles the worker; without a bundler the URLs resolve
// next to worker.js. The explicit .mjs and .wasm paths make ORT load those copies instead of
// looking beside wherever its own script ended up.
import type { Backend } from '../runtime/backend.js';
import type { Ort } from './ort-loader.js';

export type { Ort };

export async function loadOrt(backend: Backend): Promise<Ort> {
  return (backend === 'webgpu'
    // @ts-expect-error -- exists only in the built package, next to worker.js
    ? await import('./ort/ort.webgpu.min.mjs')
    // @ts-expect-error -- exists only in the built package, next to worker.js
    : await import('./ort/ort.wasm.min.mjs')) as Ort;
}

export function ortFilePaths(backend: Backend): { mjs: string; wasm: string } {
  return backend === 'webgpu'
    ? { mjs: new URL('./ort/ort-wasm-simd-threaded.asyncify.mjs', import.meta.url).href, wasm: new URL('./ort/ort-wasm-simd-threaded.asyncify.wasm', import.meta.url).href }
    : { mjs: new URL('./ort/ort-wasm-simd-threaded.mjs', import.meta.url).href, wasm: new URL('./ort/ort-wasm-simd-threaded.wasm', import.meta.url).href };
}
