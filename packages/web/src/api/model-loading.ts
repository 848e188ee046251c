// Loading models into the pool's workers: the first ones while the kit starts, the others on
// first use (once per model, however many calls wait for it), with one progress stream summed
// over the files of a load and the cache's warnings passed on.
import type { ModelSpec } from '@facekit/core';
import { proxy } from 'comlink';
import type { ProgressEvent } from './result-types.js';
import { unwrapReply, type PoolWorker } from '../pool/worker-pool.js';
import type { ModelFileProgress } from '../store/model-store.js';

export interface ModelLoaderOptions {
  /** Folder the model files are fetched from (absolute, ending in '/'). */
  modelBase: string;
  /** Already loaded by every worker's preparation. */
  initial: readonly ModelSpec[];
  onProgress?: (event: ProgressEvent) => void;
  /** A storage problem worth telling the app (said once however many workers meet it). */
  warn(message: string): void;
  /** Runs a load step on every worker (the pool's `extend`). */
  extend(step: (worker: PoolWorker) => Promise<void>): Promise<void>;
}

export interface ModelLoader {
  /** The step that loads `specs` on one worker; only worker 0 reports progress (the others read the cache it filled). */
  loadOn(specs: readonly ModelSpec[]): (worker: PoolWorker) => Promise<void>;
  /** Loads `spec` on every worker unless it is loaded or loading; a failed load is tried again next time. */
  ensure(spec: ModelSpec): Promise<void>;
}

/** Bytes of every file of `load` so far and in all; a file not heard from yet counts its registered size. */
export function overallProgress(load: readonly ModelSpec[], files: ReadonlyMap<string, { loaded: number; total: number }>): { overallLoaded: number; overallTotal: number } {
  let overallLoaded = 0, overallTotal = 0;
  for (const m of load) {
    const f = files.get(m.id);
    overallLoaded += f?.loaded ?? 0;
    overallTotal += f?.total || m.bytes || 0;
  }
  return { overallLoaded, overallTotal };
}

export function createModelLoader(o: ModelLoaderOptions): ModelLoader {
  const files = new Map<string, { loaded: number; total: number }>();
  const report = (load: readonly ModelSpec[]) => (p: ModelFileProgress) => {
    files.set(p.model, { loaded: p.loaded, total: p.total });
    o.onProgress?.({ ...p, ...overallProgress(load, files) });
  };
  const loadOn = (load: readonly ModelSpec[]) => async (w: PoolWorker) => {
    for (const spec of load) {
      const onProgress = w.index === 0 && o.onProgress ? proxy(report(load)) : undefined;
      const loaded = unwrapReply(await w.remote.loadModel({ spec, url: new URL(spec.file, o.modelBase).href }, onProgress));
      if (loaded.cacheProblem) o.warn(loaded.cacheProblem);
      if (loaded.evicted) o.warn(`The storage quota was full: evicted ${loaded.evicted.join(', ')} from the model cache to keep ${spec.id}.`);
    }
  };
  const loading = new Map<string, Promise<void>>(o.initial.map((m) => [m.id, Promise.resolve()]));
  return {
    loadOn,
    ensure(spec) {
      let p = loading.get(spec.id);
      if (!p) {
        p = o.extend(loadOn([spec]));
        loading.set(spec.id, p);
        p.catch(() => loading.delete(spec.id));
      }
      return p;
    },
  };
}
