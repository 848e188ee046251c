// facekit in Node: the browser kit's detect / analyze / embed / verify, on onnxruntime-node,
// with every pre- and post-processing step from @facekit/core (the same lines the browser runs).
import { availableParallelism } from 'node:os';
import * as ortNode from 'onnxruntime-node';
import type { InferenceSession } from 'onnxruntime-common';
import {
  DEFAULT_LIVENESS_THRESHOLD, DisposedError, InvalidInputError, InvalidOptionError, alignmentsFor, cosineSimilarity, intOption, modelOption, runDetection,
  runPassiveLiveness, runRecognition, thresholdFor,
  type DetectOptions, type DetectedFace, type Keypoints5, type ModelSpec, type TensorPool,
} from '@facekit/core';
import { decodeImage, type NodeImageInput } from './decode.js';
import { chooseModelDir } from './model-dir.js';
import { readModelFile } from './read-model-file.js';
import { letterboxRgba, pixelSource, type RgbaImage } from './pixels.js';
import { runFirst, runNamed, type OrtModule } from './session-runtime.js';

export interface NodeFaceKitOptions {
  /** Folder holding the registry's model files (checked against their SHA-256); `npx @facekit/node models` fills it. @defaultValue `$FACEKIT_MODELS`, else DEFAULT_MODEL_DIR ('./facekit/models') */
  modelDir?: string;
  /** @defaultValue 'det_500m' */
  detector?: string;
  /** @defaultValue 'fr_feature' */
  recognizer?: string;
  /** Anti-spoofing models for `analyze(…, { liveness: true })`. @defaultValue ['minifasnet_v2', 'minifasnet_v1se'] */
  livenessModels?: string[];
  /** onnxruntime-node intra-op threads. @defaultValue min(4, available cores) */
  threads?: number;
}

export interface NodeAnalyzedFace extends DetectedFace {
  embedding: Float32Array;
  liveness?: { score: number; isReal: boolean; perModel: Record<string, number> };
}

export interface NodeFaceKit {
  readonly info: { runtime: 'onnxruntime-node'; threads: number; detector: string; recognizer: string; livenessModels: string[] };
  /** Faces with boxes, scores and 5 keypoints, in image pixels. */
  detect(image: NodeImageInput, options?: DetectOptions): Promise<{ faces: DetectedFace[]; width: number; height: number }>;
  /** Detect, align and embed each face (and passive liveness with `liveness: true`). */
  analyze(image: NodeImageInput, options?: DetectOptions & { flip?: boolean; liveness?: boolean; livenessThreshold?: number }): Promise<{ faces: NodeAnalyzedFace[]; width: number; height: number }>;
  /** Embeddings of the given faces (by their keypoints), or of the whole image as an aligned crop. */
  embed(image: NodeImageInput, faces?: readonly { keypoints: Keypoints5 }[], options?: { flip?: boolean }): Promise<Float32Array[]>;
  compare(a: Float32Array, b: Float32Array): number;
  /** Same person? At the recognizer's calibrated threshold for `far` (default 1e-4), or `threshold`. */
  verify(a: Float32Array, b: Float32Array, options?: { far?: number; threshold?: number; flip?: boolean }): { similarity: number; threshold: number; isMatch: boolean };
  dispose(): Promise<void>;
}

export async function createFaceKit(options: NodeFaceKitOptions = {}): Promise<NodeFaceKit> {
  const ort = ortNode as unknown as OrtModule;
  const modelDir = chooseModelDir(options.modelDir);
  const detector = modelOption(options.detector ?? 'det_500m', 'detector', 'detection');
  const recognizer = modelOption(options.recognizer ?? 'fr_feature', 'recognizer', 'recognition');
  const antispoof = (options.livenessModels ?? ['minifasnet_v2', 'minifasnet_v1se']).map((id) => modelOption(id, 'livenessModels', 'antispoof'));
  const threads = intOption(options.threads, 'threads', { max: 64 }) ?? Math.min(4, availableParallelism());

  const sessions = new Map<string, Promise<InferenceSession>>();
  const session = (spec: ModelSpec): Promise<InferenceSession> => {
    let s = sessions.get(spec.id);
    if (!s) {
      s = readModelFile(spec, modelDir).then((bytes) => ort.InferenceSession.create(bytes, { intraOpNumThreads: threads, graphOptimizationLevel: 'all', logSeverityLevel: 3 }));
      sessions.set(spec.id, s);
      s.catch(() => sessions.delete(spec.id)); // a later call may try again
    }
    return s;
  };
  await session(detector);

  // One call at a time: the tensor buffers are reused across calls, as in a browser worker.
  const tensors: TensorPool = new Map();
  let queue: Promise<unknown> = Promise.resolve();
  let disposed = false;
  const serial = <T>(job: () => Promise<T>): Promise<T> => {
    if (disposed) return Promise.reject(new DisposedError());
    const next = queue.then(job, job);
    queue = next.catch(() => undefined);
    return next;
  };

  const detectOn = async (image: RgbaImage, o: DetectOptions = {}) => {
    const s = await session(detector);
    return runDetection(image, detector, {
      outputNames: s.outputNames,
      letterbox: (plan) => letterboxRgba(image, plan),
      infer: (tensor, width, height) => runNamed(ort, s, tensor, [1, 3, height, width]),
    }, o, tensors);
  };
  const embedOn = async (image: RgbaImage, faces: readonly { keypoints: Keypoints5 }[] | undefined, flip: boolean) => {
    const s = await session(recognizer);
    const { width, height } = recognizer.input;
    const matrices = faces ? alignmentsFor(recognizer, faces) : [[width / image.width, 0, 0, 0, height / image.height, 0] as [number, number, number, number, number, number]];
    return runRecognition(matrices, pixelSource(image), recognizer, {
      infer: (tensor, batch) => runFirst(ort, s, tensor, [batch, 3, height, width]),
    }, { flip }, tensors);
  };

  return {
    info: { runtime: 'onnxruntime-node', threads, detector: detector.id, recognizer: recognizer.id, livenessModels: antispoof.map((m) => m.id) },
    detect: (input, o) => serial(async () => {
      const image = await decodeImage(input);
      const run = await detectOn(image, o);
      return { faces: run.faces, width: image.width, height: image.height };
    }),
    analyze: (input, o = {}) => serial(async () => {
      const { flip = false, liveness = false, livenessThreshold = DEFAULT_LIVENESS_THRESHOLD, ...detect } = o;
      if (!(livenessThreshold >= 0 && livenessThreshold <= 1)) throw new InvalidOptionError(`livenessThreshold must be in [0, 1], got ${livenessThreshold}`);
      const image = await decodeImage(input);
      const run = await detectOn(image, detect);
      const rec = await embedOn(image, run.faces, flip);
      let live: { score: number; perModel: Record<string, number> }[] | undefined;
      if (liveness && run.faces.length) {
        const specs = await Promise.all(antispoof.map(async (m) => ({ m, s: await session(m) })));
        const byId = new Map(specs.map(({ m, s }) => [m.id, s]));
        live = (await runPassiveLiveness(run.faces.map((f) => f.box), pixelSource(image), antispoof, {
          infer: (modelId, tensor) => {
            const spec = antispoof.find((m) => m.id === modelId)!;
            return runFirst(ort, byId.get(modelId)!, tensor, [1, 3, spec.input.height, spec.input.width]);
          },
        }, tensors)).faces;
      }
      return {
        faces: run.faces.map((f, i) => ({
          ...f, embedding: rec.embeddings[i]!,
          ...(live ? { liveness: { score: live[i]!.score, isReal: live[i]!.score >= livenessThreshold, perModel: live[i]!.perModel } } : {}),
        })),
        width: image.width, height: image.height,
      };
    }),
    embed: (input, faces, o = {}) => serial(async () => {
      if (faces && (!Array.isArray(faces) || faces.some((f) => !f || !Array.isArray(f.keypoints) || f.keypoints.length !== 5))) {
        throw new InvalidInputError('faces must be an array of { keypoints } with 5 [x, y] points each, as detect() returns them.');
      }
      const image = await decodeImage(input);
      if (faces && faces.length === 0) return [];
      return (await embedOn(image, faces, o.flip ?? false)).embeddings;
    }),
    compare: (a, b) => cosineSimilarity(a, b),
    verify(a, b, o = {}) {
      const similarity = cosineSimilarity(a, b);
      let threshold: number;
      if (o.threshold !== undefined) {
        if (!Number.isFinite(o.threshold)) throw new InvalidOptionError(`threshold must be a finite number, got ${o.threshold}`);
        threshold = o.threshold;
      } else {
        threshold = thresholdFor(recognizer.id, o.far, o.flip);
      }
      return { similarity, threshold, isMatch: similarity >= threshold };
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      await queue;
      for (const s of sessions.values()) await (await s.catch(() => undefined))?.release();
      sessions.clear();
    },
  };
}
