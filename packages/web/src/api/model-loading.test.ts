// Model loading with fake workers (a comlink remote is only its methods here): the URL each
// model is fetched from, one progress stream summed over a load, warnings passed on once per
// kind, and lazy loads made once per model and tried again after a failure.
import { getModel, type ModelSpec } from '@facekit/core';
import type { Remote } from 'comlink';
import { describe, expect, it } from 'vitest';
import { createModelLoader, overallProgress } from './model-loading.js';
import type { ProgressEvent } from './result-types.js';
import type { PoolWorker } from '../pool/worker-pool.js';
import type { LoadedModel, LoadModelRequest, Reply, WorkerApi } from '../worker/worker-protocol.js';
import type { ModelFileProgress } from '../store/model-store.js';

const det = getModel('det_500m'), fr = getModel('fr_feature'), eye = getModel('fr_eye');

/** A worker whose loadModel streams progress in two halves, then answers `answer(spec)`. */
function fakeWorker(index: number, answer: (spec: ModelSpec) => Reply<LoadedModel> = (spec) => ({ ok: true, value: { id: spec.id, fromCache: false, inputNames: [], outputNames: [] } })) {
  const requests: LoadModelRequest[] = [];
  const remote = {
    async loadModel(req: LoadModelRequest, onProgress?: (p: ModelFileProgress) => void) {
      requests.push(req);
      const total = req.spec.bytes ?? 100;
      onProgress?.({ model: req.spec.id, file: req.spec.file, status: 'download', loaded: total / 2, total });
      onProgress?.({ model: req.spec.id, file: req.spec.file, status: 'ready', loaded: total, total });
      return answer(req.spec);
    },
  };
  return { worker: { index, remote: remote as unknown as Remote<WorkerApi> } satisfies PoolWorker, requests };
}

describe('overallProgress', () => {
  it('sums the files heard from and counts the registered size of the others', () => {
    const files = new Map([[det.id, { loaded: 10, total: 20 }]]);
    expect(overallProgress([det, fr], files)).toEqual({ overallLoaded: 10, overallTotal: 20 + fr.bytes! });
  });
});

describe('createModelLoader', () => {
  it('loads each model from modelBase; worker 0 reports progress summed over the load, the others stay quiet', async () => {
    const events: ProgressEvent[] = [];
    const loader = createModelLoader({ modelBase: 'https://cdn.example/m/', initial: [], warn: () => undefined, extend: async () => undefined, onProgress: (e) => events.push(e) });
    const first = fakeWorker(0), second = fakeWorker(1);
    await loader.loadOn([det, fr])(first.worker);
    await loader.loadOn([det, fr])(second.worker);
    expect(first.requests.map((r) => r.url)).toEqual([`https://cdn.example/m/${det.file}`, `https://cdn.example/m/${fr.file}`]);
    expect(second.requests).toHaveLength(2);
    expect(events).toHaveLength(4);
    const all = det.bytes! + fr.bytes!;
    expect(events.map((e) => [e.model, e.status, e.overallLoaded, e.overallTotal])).toEqual([
      [det.id, 'download', det.bytes! / 2, all], [det.id, 'ready', det.bytes!, all],
      [fr.id, 'download', det.bytes! + fr.bytes! / 2, all], [fr.id, 'ready', all, all],
    ]);
  });

  it('passes on the cache\'s problems as warnings, and throws the worker\'s typed error', async () => {
    const warnings: string[] = [];
    const loader = createModelLoader({ modelBase: 'https://cdn.example/m/', initial: [], warn: (w) => warnings.push(w), extend: async () => undefined });
    const w = fakeWorker(0, (spec) => ({ ok: true, value: { id: spec.id, fromCache: false, inputNames: [], outputNames: [], cacheProblem: 'quota', evicted: ['a', 'b'] } }));
    await loader.loadOn([fr])(w.worker);
    expect(warnings).toEqual(['quota', `The storage quota was full: evicted a, b from the model cache to keep ${fr.id}.`]);
    const failing = fakeWorker(0, () => ({ ok: false, error: { name: 'ModelIntegrityError', code: 'MODEL_INTEGRITY', message: 'bad hash', details: { url: 'u', expectedSha256: 'a', actualSha256: 'b' } } }));
    await expect(loader.loadOn([fr])(failing.worker)).rejects.toMatchObject({ name: 'ModelIntegrityError', code: 'MODEL_INTEGRITY' });
  });

  it('ensure: initial models are not loaded again, others once however many callers wait, and again after a failure', async () => {
    const steps: ((w: PoolWorker) => Promise<void>)[] = [];
    let fail = true;
    const loader = createModelLoader({
      modelBase: 'https://cdn.example/m/', initial: [det], warn: () => undefined,
      extend: async (step) => {
        steps.push(step);
        if (fail) { fail = false; throw new Error('worker died'); }
      },
    });
    await loader.ensure(det);
    expect(steps).toHaveLength(0);
    await expect(loader.ensure(eye)).rejects.toThrow('worker died');
    await Promise.all([loader.ensure(eye), loader.ensure(eye), loader.ensure(eye)]);
    await loader.ensure(eye);
    expect(steps).toHaveLength(2);
    const w = fakeWorker(0);
    await steps[1]!(w.worker);
    expect(w.requests.map((r) => r.spec.id)).toEqual([eye.id]);
  });
});
