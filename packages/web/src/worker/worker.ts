// The worker entry: owns one onnxruntime-web instance and its sessions, and runs the core
// pipeline stages on images handed over by the pool. Exposed with comlink.
import { expose, releaseProxy, transfer } from 'comlink';
import {
  ENCODED_SIZE_PROBE_BYTES, alignmentsFor, checkImageSize, letterboxFromPixels, analyzeFrame, arcfaceAlignment, checkAttributeModel, loadGenderHead, encodedImageSize, runAttributes, runDetection, readForWarp, runPassiveLiveness, runRecognition, warpAffineToRgba,
  type Affine2x3, type AttributeKind, type AttributeModels, type AttributeRuntime, type DetectOptions, type FrameRuntime, type ModelSpec, type NamedOutputs, type TensorPool,
} from '@facekit/core';
import type { InferenceSession, Tensor } from 'onnxruntime-web';
import { BackendError, InvalidInputError, InvalidOptionError, serializeError } from '../errors.js';
import { DEVICE_LOST } from './worker-protocol.js';
import { probeModelCache, type ModelCache } from '../store/model-cache.js';
import { DEFAULT_FETCH_POLICY, loadModelBytes, type ModelFetchPolicy } from '../store/model-store.js';
import { createPixelReader } from './pixel-reader.js';
import { loadOrt, ortFilePaths, type Ort } from './ort-loader.js';
import type {
  AlignedCrop, AnalyzeReply, DetectReply, EmbedReply, FrameReply, LoadedModel, Reply, WorkerApi, WorkerImage, WorkerInit, WorkerReady,
} from './worker-protocol.js';


interface LoadedSession { spec: ModelSpec; session: InferenceSession }

/** The part of a GPUDevice used here (the package's declarations build without the WebGPU types). */
interface LosableDevice { lost: Promise<{ reason: string; message: string }>; destroy(): void }

/** Settles with the loss message once this worker's WebGPU device is lost (set by watchDevice). */
let deviceLost: Promise<string> | undefined;

async function guard<T>(fn: () => Promise<T>, transferables?: (value: T) => Transferable[]): Promise<Reply<T>> {
  try {
    const value = await fn();
    const reply: Reply<T> = { ok: true, value };
    return transferables ? transfer(reply, transferables(value)) : reply;
  } catch (e) {
    // A trap inside ORT's WebAssembly (out of memory, abort) leaves its runtime unusable.
    if (e instanceof WebAssembly.RuntimeError) return { ok: false, error: serializeError(e), fatal: true };
    // A run that failed because the device went away: the loss may be reported a moment after
    // the run fails, so wait for it briefly; the pool then runs the call again elsewhere.
    if (deviceLost) {
      const lost = await Promise.race([deviceLost, new Promise<undefined>((r) => setTimeout(r, 200))]);
      if (lost) return { ok: false, error: serializeError(e), deviceLost: lost };
    }
    return { ok: false, error: serializeError(e) };
  }
}

async function decodeBlob(blob: Blob): Promise<ImageBitmap> {
  if (blob.size === 0) throw new InvalidInputError('The Blob is empty (0 bytes); pass an encoded image (JPEG, PNG, WebP, …).');
  // The declared size first: decoding a huge image allocates all of it before anything can fail.
  const size = encodedImageSize(new Uint8Array(await blob.slice(0, ENCODED_SIZE_PROBE_BYTES).arrayBuffer()));
  if (size) checkImageSize(size.width, size.height, `The ${size.format.toUpperCase()}`);
  try {
    return await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  } catch (e) {
    throw new InvalidInputError(`The Blob (${blob.type || 'no type'}, ${blob.size} bytes) could not be decoded as an image: ${(e as Error).message}`);
  }
}

/**
 * A camera frame, copied to a bitmap and released at once: camera frames come from a small
 * pool of capture buffers, and holding one for a whole pipeline run stalls the camera (measured:
 * the next frame delivered was then one frame interval newer, not one run newer). The copy also
 * converts I420 to RGBA once, instead of at every draw.
 */
async function frameToBitmap(frame: VideoFrame): Promise<ImageBitmap> {
  try {
    return await createImageBitmap(frame, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  } catch (e) {
    throw new InvalidInputError(`The video frame could not be read: ${(e as Error).message}`);
  } finally {
    frame.close();
  }
}

const buffersOf = (arrays: readonly { buffer: ArrayBufferLike }[]): Transferable[] => arrays.map((a) => a.buffer as ArrayBuffer);

function createWorkerApi(): WorkerApi {
  let ort: Ort | undefined;
  let backend: WorkerInit['backend'] = 'wasm';
  let cache: ModelCache | undefined;
  let fetchPolicy: ModelFetchPolicy = DEFAULT_FETCH_POLICY;
  const sessions = new Map<string, LoadedSession>();
  const tensors: TensorPool = new Map();
  const pixelReader = createPixelReader();
  // ORT sessions cannot run concurrently and the tensors are reused: one job at a time.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(job: () => Promise<T>): Promise<T> => {
    const next = queue.then(job, job);
    queue = next.catch(() => undefined);
    return next;
  };

  // A lost WebGPU device (driver reset, GPU removed, destroy()) leaves every session on it dead,
  // and a run on it may never settle. The worker reports it as an uncaught error: the pool
  // replaces the worker, the kit moves to WASM, and the calls in flight run again there.
  let watching = false;
  const watchDevice = async (o: Ort) => {
    if (watching) return;
    watching = true;
    const device = (await o.env.webgpu.device) as unknown as LosableDevice;
    deviceLost = device.lost.then((info) => {
      const message = `${DEVICE_LOST}: ${info.reason}${info.message ? ` (${info.message})` : ''}`;
      setTimeout(() => { throw new Error(message); });
      return message;
    });
  };

  const requireOrt = (): Ort => {
    if (!ort) throw new BackendError('worker used before init()');
    return ort;
  };

  const model = (id: string, task: ModelSpec['task']): LoadedSession => {
    const loaded = sessions.get(id);
    if (!loaded) throw new InvalidOptionError(`Model "${id}" is not loaded in this FaceKit`);
    if (loaded.spec.task !== task) throw new InvalidOptionError(`Model "${id}" is a ${loaded.spec.task} model, not ${task}`);
    return loaded;
  };

  /** Decodes or copies (if needed) and hands the bitmap to `job`, closing it afterwards whatever happens. */
  async function withBitmap<T>(image: WorkerImage, job: (bitmap: ImageBitmap, decodeMs: number) => Promise<T>): Promise<T> {
    const t0 = performance.now();
    const bitmap = image.kind === 'blob' ? await decodeBlob(image.blob) : image.kind === 'frame' ? await frameToBitmap(image.frame) : image.bitmap;
    const decodeMs = image.kind === 'bitmap' ? image.decodeMs : performance.now() - t0;
    try {
      if (bitmap.width === 0 || bitmap.height === 0) throw new InvalidInputError('The image is empty (0×0).');
      checkImageSize(bitmap.width, bitmap.height, 'The image');
      return await job(bitmap, decodeMs);
    } finally {
      bitmap.close();
    }
  }

  /** Runs a single-input model on `[batch, c, h, w]`; every output by name. */
  async function runModel(session: InferenceSession, tensor: Float32Array, dims: number[]): Promise<NamedOutputs> {
    const o = requireOrt();
    const result = await session.run({ [session.inputNames[0]!]: new o.Tensor('float32', tensor, dims) });
    const outputs = new Map<string, Float32Array>();
    for (const name of session.outputNames) outputs.set(name, (result[name] as Tensor).data as Float32Array);
    return outputs;
  }
  const firstOutput = async (session: InferenceSession, tensor: Float32Array, dims: number[]) =>
    (await runModel(session, tensor, dims)).get(session.outputNames[0]!)!;

  function detectorRuntime(detector: string) {
    const { spec, session } = model(detector, 'detection');
    return {
      spec,
      outputNames: session.outputNames,
      infer: (tensor: Float32Array, width: number, height: number) => runModel(session, tensor, [1, 3, height, width]),
    };
  }
  function recognizerRuntime(recognizer: string) {
    const { spec, session } = model(recognizer, 'recognition');
    const { width, height } = spec.input;
    return { spec, infer: (tensor: Float32Array, batch: number) => firstOutput(session, tensor, [batch, 3, height, width]) };
  }
  function antispoofRuntime(ids: readonly string[]) {
    const loaded = ids.map((id) => model(id, 'antispoof'));
    return {
      specs: loaded.map((l) => l.spec),
      infer(modelId: string, tensor: Float32Array) {
        const l = loaded.find((m) => m.spec.id === modelId)!;
        return firstOutput(l.session, tensor, [1, 3, l.spec.input.height, l.spec.input.width]);
      },
    };
  }
  function eyesRuntime(id: string) {
    const { spec, session } = model(id, 'eyestate');
    return { spec, infer: (tensor: Float32Array) => firstOutput(session, tensor, [1, 1, spec.input.height, spec.input.width]) };
  }

  /**
   * The attribute models (ids by attribute, each loaded) and a runtime over their sessions; with
   * `genderHead` (a loaded recognizer), the gender head that stacks its embedding, computed here
   * for faces that do not carry one.
   */
  async function attributesRuntime(ids: Partial<Record<AttributeKind, string>>, source: ReturnType<typeof sourceOf>, genderHead?: string) {
    const models: AttributeModels = {};
    for (const [kind, id] of Object.entries(ids) as [AttributeKind, string][]) {
      const loaded = sessions.get(id);
      if (!loaded) throw new InvalidOptionError(`Model "${id}" is not loaded in this FaceKit`);
      try {
        checkAttributeModel(kind, loaded.spec);
      } catch (e) {
        throw new InvalidOptionError((e as Error).message);
      }
      models[kind] = loaded.spec;
    }
    const runtime: AttributeRuntime = {
      infer: (spec: ModelSpec, tensor: Float32Array) => runModel(sessions.get(spec.id)!.session, tensor, [1, spec.input.channels ?? 3, spec.input.height, spec.input.width]),
    };
    if (genderHead && models.gender) {
      const head = await loadGenderHead(models.gender.id, genderHead);
      if (!head) throw new InvalidOptionError(`No gender head ships for ${models.gender.id} with ${genderHead}`);
      const spec = recognizerRuntime(genderHead).spec;
      runtime.genderHead = {
        head,
        async embeddings(faces) {
          const missing = faces.flatMap((f, i) => (f.embedding ? [] : [i]));
          const made = missing.length ? (await embedOn(source, genderHead, alignmentsFor(spec, missing.map((i) => faces[i]!)), false)).embeddings : [];
          const out = faces.map((f) => f.embedding);
          missing.forEach((i, j) => { out[i] = made[j]; });
          return out as Float32Array[];
        },
      };
    }
    return { models, runtime };
  }

  /** The bitmap as the stages read it: drawn once, however many rectangles they read. */
  const sourceOf = (bitmap: ImageBitmap) => ({ width: bitmap.width, height: bitmap.height, read: pixelReader(bitmap) });

  async function detectOn(source: ReturnType<typeof sourceOf>, detector: string, options: DetectOptions) {
    const d = detectorRuntime(detector);
    return runDetection(source, d.spec, { outputNames: d.outputNames, infer: d.infer, letterbox: letterboxFromPixels(source) }, options, tensors);
  }

  async function embedOn(source: ReturnType<typeof sourceOf>, recognizer: string, matrices: Affine2x3[], flip: boolean) {
    const r = recognizerRuntime(recognizer);
    return runRecognition(matrices, source, r.spec, { infer: r.infer }, { flip }, tensors);
  }

  return {
    crashForTest: async (how) => {
      if (how === 'device') ((await requireOrt().env.webgpu.device) as unknown as LosableDevice).destroy();
      else setTimeout(() => { throw new Error('facekit test crash'); });
    },

    init: (init: WorkerInit) => guard(async (): Promise<WorkerReady> => {
      try {
        ort = await loadOrt(init.backend);
      } catch (e) {
        throw new BackendError(`onnxruntime-web (${init.backend}) failed to load: ${(e as Error).message}`);
      }
      backend = init.backend;
      ort.env.wasm.numThreads = init.threads;
      ort.env.wasm.proxy = false; // this worker is the proxy: no ORT-managed extra worker
      ort.env.logLevel = 'error';
      const shipped = ortFilePaths(init.backend);
      if (init.wasmPaths) ort.env.wasm.wasmPaths = init.wasmPaths;
      else if (shipped) ort.env.wasm.wasmPaths = shipped;
      const storage = await probeModelCache(init.cacheName);
      cache = storage.cache;
      fetchPolicy = init.fetchPolicy;
      return {
        backend: init.backend, threads: init.threads, crossOriginIsolated: globalThis.crossOriginIsolated === true,
        storage: cache.kind, ...(storage.problem ? { storageProblem: storage.problem } : {}),
      };
    }),

    loadModel: (req, onProgress) => guard(async (): Promise<LoadedModel> => {
      const o = requireOrt();
      const existing = sessions.get(req.spec.id);
      if (existing) return { id: req.spec.id, fromCache: true, inputNames: [...existing.session.inputNames], outputNames: [...existing.session.outputNames] };
      let loaded;
      try {
        loaded = await loadModelBytes(req.spec, req.url, { cache: cache!, policy: fetchPolicy, onProgress: onProgress && ((p) => void onProgress(p)) });
      } finally {
        // The callback is a comlink proxy with its own MessageChannel: close it when done.
        (onProgress as { [releaseProxy]?: () => void } | undefined)?.[releaseProxy]?.();
      }
      const { bytes, fromCache, evicted, cacheProblem } = loaded;
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
      if (backend === 'webgpu') await watchDevice(o);
      return {
        id: req.spec.id, fromCache, inputNames: [...session.inputNames], outputNames: [...session.outputNames],
        ...(evicted ? { evicted } : {}), ...(cacheProblem ? { cacheProblem } : {}),
      };
    }),

    detect: (req) => guard(() => serial(() => withBitmap(req.image, async (bitmap, decodeMs): Promise<DetectReply> => {
      const run = await detectOn(sourceOf(bitmap), req.detector, req.options);
      return { ...run, width: bitmap.width, height: bitmap.height, decodeMs };
    }))),

    analyze: (req) => guard(() => serial(() => withBitmap(req.image, async (bitmap, decodeMs): Promise<AnalyzeReply> => {
      const source = sourceOf(bitmap);
      const run = await detectOn(source, req.detector, req.options);
      const rec = await embedOn(source, req.recognizer, alignmentsFor(model(req.recognizer, 'recognition').spec, run.faces), req.flip);
      const reply: AnalyzeReply = { ...run, width: bitmap.width, height: bitmap.height, decodeMs, embeddings: rec.embeddings, embeddingTimings: rec.timings };
      if (req.liveness?.length) {
        const t = performance.now();
        const a = antispoofRuntime(req.liveness);
        const live = await runPassiveLiveness(run.faces.map((f) => f.box), source, a.specs, { infer: a.infer }, tensors);
        reply.liveness = live.faces;
        reply.livenessMs = performance.now() - t;
      }
      if (req.attributes?.kinds.length) {
        const a = await attributesRuntime(req.attributes.models, source, req.attributes.genderHead);
        // The faces carry their embeddings where the gender head reads the same recognizer's.
        const faces = req.attributes.genderHead === req.recognizer ? run.faces.map((f, i) => ({ ...f, embedding: rec.embeddings[i]! })) : run.faces;
        const attrs = await runAttributes(faces, source, req.attributes.kinds, a.models, a.runtime, tensors);
        reply.attributes = attrs.faces;
        reply.attributeTimings = attrs.timings;
      }
      return reply;
    })), (v) => buffersOf(v.embeddings)),

    processFrame: (req) => guard(() => serial(() => withBitmap(req.image, async (image, decodeMs): Promise<FrameReply> => {
      const t0 = performance.now();
      const source = sourceOf(image);
      const runtime: FrameRuntime = {
        letterbox: letterboxFromPixels(source),
        read: source.read,
        detector: detectorRuntime(req.detector),
        ...(req.recognizer ? { recognizer: recognizerRuntime(req.recognizer) } : {}),
        ...(req.antispoof?.length ? { antispoof: antispoofRuntime(req.antispoof) } : {}),
        ...(req.eyes ? { eyes: eyesRuntime(req.eyes) } : {}),
        ...(req.attributes ? { attributes: await attributesRuntime(req.attributes, source, req.genderHead) } : {}),
      };
      const result = await analyzeFrame(image, runtime, req.request, tensors);
      return { ...result, width: image.width, height: image.height, decodeMs, workerMs: performance.now() - t0 };
    })), (v) => buffersOf(v.faces.flatMap((f) => (f.embedding ? [f.embedding] : [])))),

    embed: (req) => guard(() => serial(() => withBitmap(req.image, async (bitmap, decodeMs): Promise<EmbedReply> => {
      const { spec } = model(req.recognizer, 'recognition');
      const { width, height } = spec.input;
      // Without faces the image is an aligned crop: scale it to the model's crop size.
      const matrices: Affine2x3[] = req.faces
        ? alignmentsFor(spec, req.faces)
        : [[width / bitmap.width, 0, 0, 0, height / bitmap.height, 0]];
      const rec = await embedOn(sourceOf(bitmap), req.recognizer, matrices, req.flip);
      return { embeddings: rec.embeddings, matrices, timings: { decode: decodeMs, ...rec.timings } };
    })), (v) => buffersOf(v.embeddings)),

    align: (req) => guard(() => serial(() => withBitmap(req.image, async (bitmap): Promise<AlignedCrop[]> => {
      const source = sourceOf(bitmap);
      const crops: AlignedCrop[] = [];
      for (const face of req.faces) {
        const matrix = arcfaceAlignment(face.keypoints, req.size);
        const src = await readForWarp(source, matrix, req.size, req.size);
        crops.push({ data: warpAffineToRgba(src.pixels, src.width, src.height, src.matrix, req.size, req.size), size: req.size, matrix });
      }
      return crops;
    })), (v) => buffersOf(v.map((c) => c.data))),

    dispose: () => guard(async () => {
      await queue;
      for (const { session } of sessions.values()) await session.release();
      sessions.clear();
      tensors.clear();
    }),
  };
}

expose(createWorkerApi());
