// Node-side helpers for tests, evaluations and benchmarks: paths, image decoding and an
// onnxruntime-web (wasm) runtime for the core pipeline. Not part of the published package.
import { readFileSync, existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import * as ort from 'onnxruntime-web';
// The Node package's pixel reads and session runner, here on onnxruntime-web's WASM build.
import { cropPixels, letterboxRgba, pixelSource, type RgbaImage } from '@facekit/node/pixels';
import { runFirst, runNamed, type OrtModule } from '@facekit/node/session-runtime';

const ORT = ort as unknown as OrtModule;
import {
  alignmentsFor, runDetection, runRecognition, type DetectedFace, type RecognitionRun, type DetectOptions, type DetectionRun, type DetectionRuntime,
  type AttributeRuntime, type LetterboxPlan, type ModelSpec, type NamedOutputs, type TensorPool,
} from '@facekit/core';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
/** The shared folder (photos, data sets, model sources): `$FACEKIT_SHARED` or `../shared`. */
export const SHARED_DIR = resolve(process.env.FACEKIT_SHARED ?? resolve(REPO_ROOT, '../shared'));
/** The local model folder filled by `models/fetch-models.ts`: `$FACEKIT_MODELS` or `models/files`. */
export const MODEL_DIR = resolve(process.env.FACEKIT_MODELS ?? resolve(REPO_ROOT, 'models/files'));
export const IMAGES_DIR = resolve(SHARED_DIR, 'data/images');

/** Same/different-person photos of shared/data/images (MANIFEST.md): person → files under IMAGES_DIR. */
export const VERIFICATION_PEOPLE: Readonly<Record<string, readonly string[]>> = {
  brad: ['faceonnx/verification/brad_1.jpg', 'faceonnx/verification/brad_2.jpg', 'faceonnx/verification/brad_3.jpg'],
  nicole: ['faceonnx/verification/nicole_1.jpg', 'faceonnx/verification/nicole_2.jpg', 'faceonnx/verification/nicole_3.jpg'],
  sarah: ['faceonnx/verification/sarah_1.jpg', 'faceonnx/verification/sarah_2.jpg', 'faceonnx/verification/sarah_3.jpg'],
  haaland: ['ppu_uniface/image-haaland1.jpeg', 'ppu_uniface/image-haaland2.png'],
  kevin: ['ppu_uniface/image-kevin1.png', 'ppu_uniface/image-kevin2.jpg'],
  magnus: ['ppu_uniface/image-magnus1.png', 'ppu_uniface/image-magnus2.png'],
};

export function modelPath(spec: ModelSpec): string {
  const p = resolve(MODEL_DIR, spec.file);
  if (!existsSync(p)) throw new Error(`Model file ${p} is missing: run \`node models/fetch-models.mjs\` first`);
  return p;
}

export type { RgbaImage };

/** Decodes a JPEG or PNG file to RGBA (no colour management, as the browser path's `colorSpaceConversion: 'none'`). */
export function decodeImageFile(path: string): RgbaImage {
  const bytes = readFileSync(path);
  if (bytes[0] === 0x89 && bytes[1] === 0x50) {
    const png = PNG.sync.read(bytes);
    return { data: new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length), width: png.width, height: png.height };
  }
  const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 1024 });
  return { data: new Uint8ClampedArray(img.data.buffer, img.data.byteOffset, img.data.length), width: img.width, height: img.height };
}

/** The image resized to the plan's drawn size (the letterbox contract of `DetectionRuntime`). */
export const letterboxInNode = letterboxRgba;

/** An onnxruntime-web (wasm) session on a registered model file, in Node. */
export async function createSession(spec: ModelSpec, threads = 1): Promise<ort.InferenceSession> {
  ort.env.wasm.numThreads = threads;
  ort.env.logLevel = 'error';
  return ort.InferenceSession.create(readFileSync(modelPath(spec)), { executionProviders: ['wasm'], logSeverityLevel: 3 });
}

export interface NodeDetector {
  detect(image: RgbaImage, options?: DetectOptions): Promise<DetectionRun>;
  release(): Promise<void>;
}

/** The core detection pipeline on onnxruntime-web's wasm backend in Node (`tensors`: its input buffers). */
export async function createNodeDetector(spec: ModelSpec, threads = 1, tensors: TensorPool = new Map()): Promise<NodeDetector> {
  const session = await createSession(spec, threads);
  return {
    async detect(image, options) {
      const runtime: DetectionRuntime = {
        outputNames: session.outputNames,
        letterbox: (plan) => letterboxInNode(image, plan),
        infer: (tensor, width, height): Promise<NamedOutputs> => runNamed(ORT, session, tensor, [1, 3, height, width]),
      };
      return runDetection(image, spec, runtime, options, tensors);
    },
    release: () => session.release(),
  };
}

export { cropPixels };

export interface NodeRecognizer {
  /** Embeds each detected face (aligned by its keypoints). */
  embedFaces(image: RgbaImage, faces: readonly DetectedFace[], flip?: boolean): Promise<RecognitionRun>;
  release(): Promise<void>;
}

/** The core recognition pipeline on onnxruntime-web's wasm backend in Node. */
export async function createNodeRecognizer(spec: ModelSpec, threads = 1): Promise<NodeRecognizer> {
  const session = await createSession(spec, threads);
  const tensors: TensorPool = new Map();
  const { width, height } = spec.input;
  return {
    embedFaces(image, faces, flip = false) {
      return runRecognition(alignmentsFor(spec, faces), { width: image.width, height: image.height, read: (r) => cropPixels(image, r) }, spec, {
        infer: (tensor, batch) => runFirst(ORT, session, tensor, [batch, 3, height, width]),
      }, { flip }, tensors);
    },
    release: () => session.release(),
  };
}

/** An `AttributeRuntime` over onnxruntime-web (wasm) sessions, one per model, created on first use. */
export function createNodeAttributeRuntime(threads = 1): AttributeRuntime & { release(): Promise<void> } {
  const sessions = new Map<string, Promise<ort.InferenceSession>>();
  const session = (spec: ModelSpec) => {
    let s = sessions.get(spec.id);
    if (!s) sessions.set(spec.id, (s = createSession(spec, threads)));
    return s;
  };
  return {
    async infer(spec, tensor) {
      const { width, height, channels } = spec.input;
      return runNamed(ORT, await session(spec), tensor, [1, channels ?? 3, height, width]);
    },
    async release() {
      for (const s of sessions.values()) await (await s).release();
      sessions.clear();
    },
  };
}

export { pixelSource };
