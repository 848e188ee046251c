// The worker entry: owns one onnxruntime-web instance and its sessions, and runs the core
// pipeline stages on images handed over by the pool. Exposed with comlink.
import { expose } from 'comlink';
import { runDetection, type ModelSpec, type NamedOutputs, type TensorPool } from '@facekit/core';
import type { InferenceSession, Tensor } from 'onnxruntime-web';
import { BackendError, InvalidInputError, InvalidOptionError, serializeError } from '../api/errors.js';
import { openModelCache, type ModelCache } from '../store/model-cache.js';
import { loadModelBytes } from '../store/model-store.js';
import { createCanvasLetterbox } from './letterbox-canvas.js';
import type { DetectReply, DetectRequest, LoadedModel, Reply, WorkerApi, WorkerInit, WorkerReady } from './messages.js';

type Ort = typeof import('onnxruntime-web/wasm');

interface LoadedSession { spec: ModelSpec; session: InferenceSession }

async function guard<T>(fn: () => Promise<T>): Promise<Reply<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (e) {
    return { ok: false, error: serializeError(e) };
  }
}

async function decodeBlob(blob: Blob): Promise<ImageBitmap> {
  if (blob.size === 0) throw new InvalidInputError('The Blob is empty (0 bytes); pass an encoded image (JPEG, PNG, WebP, …).');
  try {
    return await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  } catch (e) {
    throw new InvalidInputError(`The Blob (${blob.type || 'no type'}, ${blob.size} bytes) could not be decoded as an image: ${(e as Error).message}`);
  }
}

function createWorkerApi(): WorkerApi {
  let ort: Ort | undefined;
  let backend: WorkerInit['backend'] = 'wasm';
  let cache: ModelCache | undefined;
  const sessions = new Map<string, LoadedSession>();
  const tensors: TensorPool = new Map();
  const letterbox = createCanvasLetterbox();
  // ORT sessions cannot run concurrently and the tensors are reused: one job at a time.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(job: () => Promise<T>): Promise<T> => {
    const next = queue.then(job, job);
    queue = next.catch(() => undefined);
    return next;
  };

  const requireOrt = (): Ort => {
    if (!ort) throw new BackendError('worker used before init()');
    return ort;
  };

  return {
    init: (init: WorkerInit) => guard(async (): Promise<WorkerReady> => {
      try {
        // Only the build that is used gets downloaded: the WASM-only one unless WebGPU runs.
        ort = (init.backend === 'webgpu' ? await import('onnxruntime-web/webgpu') : await import('onnxruntime-web/wasm')) as Ort;
      } catch (e) {
        throw new BackendError(`onnxruntime-web (${init.backend}) failed to load: ${(e as Error).message}`);
      }
      backend = init.backend;
      ort.env.wasm.numThreads = init.threads;
      ort.env.wasm.proxy = false; // this worker is the proxy: no ORT-managed extra worker
      ort.env.logLevel = 'error';
      if (init.wasmPaths) ort.env.wasm.wasmPaths = init.wasmPaths;
      cache = openModelCache(init.cacheName);
      return { backend: init.backend, threads: init.threads, crossOriginIsolated: globalThis.crossOriginIsolated === true };
    }),

    loadModel: (req, onProgress) => guard(async (): Promise<LoadedModel> => {
      const o = requireOrt();
      const existing = sessions.get(req.spec.id);
      if (existing) return { id: req.spec.id, fromCache: true, inputNames: [...existing.session.inputNames], outputNames: [...existing.session.outputNames] };
      const { bytes, fromCache } = await loadModelBytes(req.spec, req.url, { cache: cache!, onProgress: onProgress && ((p) => void onProgress(p)) });
      let session: InferenceSession;
      try {
        session = await o.InferenceSession.create(new Uint8Array(bytes), {
          executionProviders: [backend],
          graphOptimizationLevel: 'all',
          logSeverityLevel: 3,
        });
      } catch (e) {
        throw new BackendError(`Could not create an ORT session for ${req.spec.file}: ${(e as Error).message}`);
      }
      sessions.set(req.spec.id, { spec: req.spec, session });
      return { id: req.spec.id, fromCache, inputNames: [...session.inputNames], outputNames: [...session.outputNames] };
    }),

    detect: (req: DetectRequest) => guard(() => serial(async (): Promise<DetectReply> => {
      const o = requireOrt();
      const t0 = performance.now();
      const bitmap = req.image.kind === 'blob' ? await decodeBlob(req.image.blob) : req.image.bitmap;
      const decodeMs = req.image.kind === 'blob' ? performance.now() - t0 : req.image.decodeMs;
      try {
        if (bitmap.width === 0 || bitmap.height === 0) throw new InvalidInputError('The image is empty (0×0).');
        const loaded = sessions.get(req.detector);
        if (!loaded) throw new InvalidOptionError(`Detector "${req.detector}" is not loaded in this FaceKit`);
        const { session } = loaded;
        const inputName = session.inputNames[0]!;
        const run = await runDetection(bitmap, loaded.spec, {
          outputNames: session.outputNames,
          letterbox: (plan) => letterbox(bitmap, plan),
          async infer(tensor, width, height): Promise<NamedOutputs> {
            const result = await session.run({ [inputName]: new o.Tensor('float32', tensor, [1, 3, height, width]) });
            const outputs = new Map<string, Float32Array>();
            for (const name of session.outputNames) outputs.set(name, (result[name] as Tensor).data as Float32Array);
            return outputs;
          },
        }, req.options, tensors);
        return { ...run, width: bitmap.width, height: bitmap.height, decodeMs };
      } finally {
        bitmap.close();
      }
    })),

    dispose: () => guard(async () => {
      await queue;
      for (const { session } of sessions.values()) await session.release();
      sessions.clear();
      tensors.clear();
    }),
  };
}

expose(createWorkerApi());
