import { BackendError } from '../errors.js';

/** Which execution backend runs the models. @defaultValue 'auto' */
export type BackendOption = 'auto' | 'wasm' | 'webgpu';
export type Backend = 'wasm' | 'webgpu';

export interface BackendChoice {
  backend: Backend;
  /** Why this backend was chosen, in words. */
  reason: string;
  /** The WebGPU adapter's description, when one was found. */
  adapter?: string;
}

interface AdapterInfoLike { vendor?: string; architecture?: string; description?: string; isFallbackAdapter?: boolean }
interface AdapterLike { info?: AdapterInfoLike; isFallbackAdapter?: boolean }
interface GpuLike { requestAdapter(options?: { powerPreference?: string }): Promise<AdapterLike | null> }

/**
 * Resolves the backend. `'auto'` takes WebGPU only with a real (non-fallback) adapter, since a
 * software adapter (SwiftShader) is 100–200× slower than WASM; otherwise WASM-SIMD.
 * `'webgpu'` insists on WebGPU (any adapter) and throws a BackendError when there is none.
 */
export async function resolveBackend(requested: BackendOption, gpu: GpuLike | undefined = (globalThis.navigator as { gpu?: GpuLike } | undefined)?.gpu): Promise<BackendChoice> {
  if (requested !== 'auto' && requested !== 'wasm' && requested !== 'webgpu') {
    throw new BackendError(`Unknown backend "${String(requested)}". Use one of: auto, wasm, webgpu.`);
  }
  if (requested === 'wasm') return { backend: 'wasm', reason: 'wasm requested' };
  let adapter: AdapterLike | null = null;
  let why = 'this browser has no WebGPU (navigator.gpu is missing)';
  if (gpu) {
    try {
      adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
      if (!adapter) why = 'no WebGPU adapter is available';
    } catch (e) {
      why = `requesting a WebGPU adapter failed (${(e as Error).message})`;
    }
  }
  if (!adapter) {
    if (requested === 'webgpu') throw new BackendError(`backend 'webgpu' was requested but ${why}. Use backend 'auto' or 'wasm'.`);
    return { backend: 'wasm', reason: `${why}: using WASM-SIMD` };
  }
  const info = adapter.info ?? {};
  const fallback = info.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false;
  const name = [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') || 'unknown adapter';
  if (requested === 'webgpu') {
    return { backend: 'webgpu', reason: fallback ? `webgpu requested (software fallback adapter: ${name}; expect it to be slow)` : 'webgpu requested', adapter: name };
  }
  if (fallback) return { backend: 'wasm', reason: `the WebGPU adapter is a software fallback (${name}): using WASM-SIMD, which is faster`, adapter: name };
  return { backend: 'webgpu', reason: `WebGPU adapter found (${name})`, adapter: name };
}

export interface ThreadChoice { threads: number; reason: string }

/**
 * Threads per worker. WASM threads need SharedArrayBuffer, i.e. a cross-origin isolated page
 * (COOP: same-origin + COEP: require-corp); without it ORT would silently use 1.
 */
export function resolveThreads(requested: number | undefined, workers: number, isolated: boolean, cores: number): ThreadChoice {
  if (!isolated) {
    return { threads: 1, reason: 'page is not crossOriginIsolated (serve it with COOP: same-origin and COEP: require-corp for WASM threads): 1 thread per worker' };
  }
  if (requested !== undefined) return { threads: requested, reason: 'threadsPerWorker requested' };
  const threads = Math.max(1, Math.min(4, Math.floor(cores / workers)));
  return { threads, reason: `${cores} cores shared by ${workers} worker(s)` };
}
