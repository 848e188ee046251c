// The kit's calls on one image (detect, analyze, align, embed): decode it once, send it to a
// worker (the bitmap transferred, not copied), and shape the reply. A call refused before it
// reaches a worker (queue full, aborted, disposed) releases the decoded pixels.
import { DEFAULT_LIVENESS_THRESHOLD, resolveDetectOptions, type DetectOptions } from '@facekit/core';
import { transfer, type Remote } from 'comlink';
import { attributeList, attributeNeeds } from './attribute-options.js';
import { DisposedError, InvalidOptionError, QueueFullError } from '../errors.js';
import type { FaceKit, FaceLike } from './face-kit.js';
import type { KitModels } from './kit-options.js';
import type { EmbedCallOptions } from './options.js';
import { sendImage, toWorkerImage, transferablesOf, type ImageInput } from '../media/input.js';
import { raceAbort } from '../pool/abort.js';
import type { WorkerPool } from '../pool/worker-pool.js';
import type { Reply, WorkerApi, WorkerImage } from '../worker/worker-protocol.js';

export interface StillImageContext {
  pool: Pick<WorkerPool, 'run' | 'stats'>;
  maxQueue: number;
  models: KitModels;
  ensure(spec: KitModels['detector']): Promise<void>;
  disposed(): boolean;
}

export type StillImageCalls = Pick<FaceKit, 'detect' | 'analyze' | 'align' | 'embed' | 'embedFaces'> & {
  /** The detector's options, checked (InvalidOptionError). */
  detectOptions(o: DetectOptions): Required<DetectOptions>;
  /** Test hook: counts the bitmaps decoded from now on, and those still holding pixels. */
  bitmaps: { start(): void; open(): number; decoded(): number };
};

export function checkFaces(faces: readonly FaceLike[]): void {
  faces.forEach((f, i) => {
    const k = f?.keypoints;
    if (!Array.isArray(k) || k.length !== 5 || !k.every((p) => Array.isArray(p) && p.length === 2 && p.every(Number.isFinite))) {
      throw new InvalidOptionError(`face ${i}: keypoints must be 5 [x, y] pairs of finite numbers (as detect() returns them)`);
    }
  });
}

export function createStillImageCalls(ctx: StillImageContext): StillImageCalls {
  const { pool, maxQueue, models: { detector, recognizer, antispoof } } = ctx;
  let tracked: Set<ImageBitmap> | undefined;
  /** Calls admitted and being decoded, not yet queued. */
  let decoding = 0;

  const detectOptions = (o: DetectOptions): Required<DetectOptions> => {
    try {
      return resolveDetectOptions(detector, o);
    } catch (e) {
      throw new InvalidOptionError((e as Error).message);
    }
  };

  /**
   * Sends one image to a worker. `send` marks the request so that its bitmap is transferred
   * (comlink transfers only what a top-level argument lists).
   */
  async function withImage<T>(image: ImageInput, signal: AbortSignal | undefined, call: (remote: Remote<WorkerApi>, img: WorkerImage, send: <R extends object>(request: R) => R) => Promise<Reply<T>>): Promise<T> {
    if (ctx.disposed()) throw new DisposedError();
    // Refused before decoding: calls being decoded count as queued, so a burst beyond the queue
    // costs no pixels.
    if (pool.stats().queued + decoding >= maxQueue) throw new QueueFullError(maxQueue);
    decoding++;
    let workerImage: WorkerImage;
    try {
      workerImage = await toWorkerImage(image);
    } finally {
      decoding--;
    }
    if (workerImage.kind === 'bitmap') tracked?.add(workerImage.bitmap);
    return pool.run((remote) => sendImage(workerImage, () => call(remote, workerImage, (request) => transfer(request, transferablesOf(workerImage)))), {
      ...(signal ? { signal } : {}),
      onDropped: () => { if (workerImage.kind === 'bitmap') workerImage.bitmap.close(); },
    });
  }

  async function embedMany(image: ImageInput, faces: readonly FaceLike[] | undefined, o: EmbedCallOptions): Promise<Float32Array[]> {
    if (faces) checkFaces(faces);
    if (ctx.disposed()) throw new DisposedError();
    await raceAbort(ctx.ensure(recognizer), o.signal);
    const reply = await withImage(image, o.signal, (remote, img, send) => remote.embed(send({
      image: img, recognizer: recognizer.id, flip: o.flip ?? false,
      ...(faces ? { faces: faces.map((f) => ({ keypoints: f.keypoints })) } : {}),
    })));
    return reply.embeddings;
  }

  return {
    detectOptions,
    async detect(image, callOptions = {}) {
      const { signal, ...rest } = callOptions;
      const resolved = detectOptions(rest);
      const reply = await withImage(image, signal, (remote, img, send) => remote.detect(send({ image: img, detector: detector.id, options: resolved })));
      return {
        faces: reply.faces, width: reply.width, height: reply.height, inputSize: Math.max(reply.inputWidth, reply.inputHeight), retried: reply.retried,
        timings: { decode: reply.decodeMs, ...reply.timings },
      };
    },
    async analyze(image, callOptions = {}) {
      const { signal, flip, liveness, livenessThreshold, attributes: asked, ...rest } = callOptions;
      const resolved = detectOptions(rest);
      const attributes = attributeList(asked, 'attributes');
      const attr = attributeNeeds(ctx.models, attributes);
      const livenessAt = livenessThreshold ?? DEFAULT_LIVENESS_THRESHOLD;
      if (!(livenessAt >= 0 && livenessAt <= 1)) throw new InvalidOptionError(`livenessThreshold must be in [0, 1], got ${livenessAt}`);
      if (ctx.disposed()) throw new DisposedError();
      for (const m of [recognizer, ...(liveness ? antispoof : []), ...attr.specs]) await raceAbort(ctx.ensure(m), signal);
      const reply = await withImage(image, signal, (remote, img, send) => remote.analyze(send({
        image: img, detector: detector.id, options: resolved, recognizer: recognizer.id, flip: flip ?? false,
        ...(liveness ? { liveness: antispoof.map((m) => m.id) } : {}),
        ...(attributes.length ? { attributes: { kinds: attributes, models: attr.ids, ...(attr.genderHead ? { genderHead: attr.genderHead } : {}) } } : {}),
      })));
      return {
        faces: reply.faces.map((f, i) => ({
          ...f, embedding: reply.embeddings[i]!,
          ...(reply.liveness ? { liveness: { score: reply.liveness[i]!.score, isReal: reply.liveness[i]!.score >= livenessAt, perModel: reply.liveness[i]!.perModel } } : {}),
          ...(reply.attributes ? { attributes: reply.attributes[i]! } : {}),
        })),
        width: reply.width, height: reply.height, inputSize: Math.max(reply.inputWidth, reply.inputHeight), retried: reply.retried,
        recognizer: recognizer.id,
        timings: { decode: reply.decodeMs, ...reply.timings },
        embeddingTimings: reply.embeddingTimings,
        ...(reply.livenessMs !== undefined ? { livenessMs: reply.livenessMs } : {}),
        ...(reply.attributeTimings ? { attributeTimings: reply.attributeTimings } : {}),
      };
    },
    async align(image, face, o = {}) {
      checkFaces([face]);
      const size = o.size ?? recognizer.input.width;
      if (!Number.isInteger(size) || size <= 0 || (size % 112 !== 0 && size % 128 !== 0)) {
        throw new InvalidOptionError(`size must be a positive multiple of 112 or 128, got ${size}`);
      }
      const [crop] = await withImage(image, o.signal, (remote, img, send) => remote.align(send({ image: img, faces: [{ keypoints: face.keypoints }], size })));
      return { image: new ImageData(crop!.data as Uint8ClampedArray<ArrayBuffer>, crop!.size, crop!.size), matrix: crop!.matrix };
    },
    async embed(image, face, o = {}) {
      const [e] = await embedMany(image, face ? [face] : undefined, o);
      return e!;
    },
    embedFaces: (image, faces, o = {}) => (faces.length === 0 ? Promise.resolve([]) : embedMany(image, faces, o)),
    bitmaps: {
      start: () => { tracked = new Set(); },
      open: () => [...tracked ?? []].filter((b) => b.width > 0).length,
      decoded: () => tracked?.size ?? 0,
    },
  };
}
