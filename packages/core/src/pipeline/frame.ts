// One video frame (or still image) through everything the live path needs, with the pixels read
// once: detection over the whole frame or only in crops around known faces, then, per face, the
// quality measures on its aligned crop, eye state, passive liveness and the embedding. The
// browser worker and Node tests provide the runtime; the rest is shared.
import { iou, type Box } from '../geometry/box.js';
import { headPoseFromKeypoints } from '../geometry/head-pose.js';
import { nms } from '../geometry/nms.js';
import { arcfaceAlignment } from '../geometry/similarity-transform.js';
import type { LetterboxPlan } from '../image/letterbox.js';
import { warpAffineToRgba } from '../image/warp.js';
import type { Keypoints5, NamedOutputs } from '../model-io/detection-types.js';
import { assessQuality, interocularDistance, mainFaceIndex, type QualityReport, type QualityThresholds } from '../quality/quality-gate.js';
import { laplacianVariance, lumaStats, rgbaToGray } from '../quality/measures.js';
import type { ModelSpec } from '../registry/model-spec.js';
import { runDetection, type DetectOptions, type DetectedFace, type TensorPool } from './detection.js';
import { runAttributes, type AttributeKind, type AttributeModels, type AttributeRuntime, type FaceAttributes } from './attributes.js';
import { runEyeState } from './eye-state.js';
import { eyesOpenScore } from '../model-io/fr-eye.js';
import { runPassiveLiveness } from './liveness.js';
import { livenessBox, type LivenessAnchor } from '../liveness/crop-anchor.js';
import { alignmentsFor, readForWarp, runRecognition, type PixelRect, type ReadPixels } from './recognition.js';

/** Which faces of a frame get a costly stage: none, the main one (largest), or all. */
export type FaceSelection = 'none' | 'main' | 'all';

export interface FrameRequest {
  /** Full-frame detection options (resolved: `inputSize` is the video input size). */
  detect: Required<DetectOptions>;
  /**
   * Boxes of known faces: when given, detection runs only in a square crop around each (2× its
   * size) at `regionInputSize`, instead of over the whole frame.
   */
  regions?: readonly Box[];
  /** Detector input for a region crop. @defaultValue 160 */
  regionInputSize?: number;
  /** Measure sharpness and brightness on each face's aligned crop. @defaultValue true */
  measure?: boolean;
  /** Quality gate thresholds (defaults: see quality-gate.ts). */
  thresholds?: Partial<QualityThresholds>;
  eyes?: FaceSelection;
  liveness?: FaceSelection;
  embed?: FaceSelection;
  /** Flip-test embeddings. @defaultValue false */
  flip?: boolean;
  /** Attribute models to run, and on which faces (they are not gated by `onlyWhenOk`). */
  attributes?: { kinds: readonly AttributeKind[]; faces: FaceSelection };
  /** Embed (and run liveness) only when the quality gate passes: saves the costliest stages on frames that will be discarded. @defaultValue false */
  onlyWhenOk?: boolean;
  /**
   * The live tracks' liveness anchors (`createCropAnchor`): a face one of them claims gets its
   * liveness crop from the anchor, so full and region passes feed MiniFASNet the same crop.
   * Without one, a face's own box is used.
   */
  livenessAnchors?: readonly LivenessAnchor[];
}

export interface FrameRuntime {
  /** RGBA of `rect` of the source (default: all of it) resized to plan.drawWidth × plan.drawHeight. */
  letterbox(plan: LetterboxPlan, rect?: PixelRect): Uint8ClampedArray | Promise<Uint8ClampedArray>;
  /** Full-resolution RGBA of a rectangle of the source. */
  read: ReadPixels;
  detector: { spec: ModelSpec; outputNames: readonly string[]; infer(tensor: Float32Array, width: number, height: number): Promise<NamedOutputs> };
  recognizer?: { spec: ModelSpec; infer(tensor: Float32Array, batch: number): Promise<Float32Array> };
  antispoof?: { specs: readonly ModelSpec[]; infer(modelId: string, tensor: Float32Array): Promise<Float32Array> };
  eyes?: { spec: ModelSpec; infer(tensor: Float32Array): Promise<Float32Array> };
  attributes?: { models: AttributeModels; runtime: AttributeRuntime };
}

export interface FaceMeasures {
  /** Distance between the eye keypoints, in source pixels. */
  interocular: number;
  /** Head pose estimated from the 5 keypoints, degrees. */
  pose: { yaw: number; pitch: number; roll: number };
  /** Variance of the Laplacian of the 112×112 aligned grey crop. */
  sharpness?: number;
  /** Luma of the face's skin region in the aligned crop: mean 0–255 and clipped fractions. */
  luma?: { mean: number; darkFraction: number; brightFraction: number };
}

export interface FrameFace extends DetectedFace {
  /** In a region pass: the index (in `FrameRequest.regions`) of the crop this face was found in. */
  region?: number;
  measures: FaceMeasures;
  /** Eye-open probabilities (0–1), left and right in image orientation. */
  eyes?: { left: number; right: number };
  /** Passive liveness: fused real-face probability and each model's. */
  liveness?: { score: number; perModel: Record<string, number> };
  /** L2-normalised embedding. */
  embedding?: Float32Array;
  /** The attributes asked for in `FrameRequest.attributes`. */
  attributes?: FaceAttributes;
}

export interface FrameTimings {
  /** Detector stages (all passes together). */
  detect: { preprocess: number; inference: number; postprocess: number };
  quality: number;
  eyes: number;
  liveness: number;
  embed: number;
  /** Attribute models, all faces (0 when none ran). */
  attributes: number;
}

export interface FrameAnalysis {
  /** Faces, best detector score first. */
  faces: FrameFace[];
  quality: QualityReport;
  mode: 'full' | 'regions';
  /** Detector input size of the full pass (or of the region crops). */
  inputSize: number;
  timings: FrameTimings;
}

const CROP = 112;
/**
 * Where brightness is measured: the skin between the brows and the chin in the ArcFace crop
 * (eyes at y ≈ 51, mouth at y ≈ 92, x 38–74), not the whole crop, whose corners are background
 * (a white wall would read as a blown-out face).
 */
const SKIN = { x: 28, y: 36, width: 56, height: 68 };

function subRect(rgba: Uint8ClampedArray, width: number, r: PixelRect): Uint8ClampedArray {
  const out = new Uint8ClampedArray(r.width * r.height * 4);
  for (let y = 0; y < r.height; y++) out.set(rgba.subarray(((r.y + y) * width + r.x) * 4, ((r.y + y) * width + r.x + r.width) * 4), y * r.width * 4);
  return out;
}

/** The 112×112 RGBA ArcFace-aligned crop the quality measures are made on (`CROP`). */
export async function alignedFaceCrop(source: { width: number; height: number; read: ReadPixels }, keypoints: Keypoints5): Promise<Uint8ClampedArray> {
  const src = await readForWarp(source, arcfaceAlignment(keypoints, CROP), CROP, CROP);
  return warpAffineToRgba(src.pixels, src.width, src.height, src.matrix, CROP, CROP);
}

/** The square, frame-clipped crop around a face box that a region pass looks in. */
export function regionRect(box: Readonly<Box>, width: number, height: number, factor = 2): PixelRect {
  const cx = (box[0] + box[2]) / 2, cy = (box[1] + box[3]) / 2;
  const side = factor * Math.max(box[2] - box[0], box[3] - box[1]);
  const x0 = Math.max(0, Math.floor(cx - side / 2)), y0 = Math.max(0, Math.floor(cy - side / 2));
  const x1 = Math.min(width, Math.ceil(cx + side / 2)), y1 = Math.min(height, Math.ceil(cy + side / 2));
  return { x: x0, y: y0, width: Math.max(1, x1 - x0), height: Math.max(1, y1 - y0) };
}

async function detectFrame(source: { width: number; height: number }, runtime: FrameRuntime, request: FrameRequest, tensors: TensorPool) {
  const timings = { preprocess: 0, inference: 0, postprocess: 0 };
  const add = (t: typeof timings) => { timings.preprocess += t.preprocess; timings.inference += t.inference; timings.postprocess += t.postprocess; };
  const { spec, outputNames, infer } = runtime.detector;
  if (!request.regions) {
    const run = await runDetection(source, spec, { outputNames, infer, letterbox: (plan) => runtime.letterbox(plan) }, request.detect, tensors);
    add(run.timings);
    return { faces: run.faces, timings, inputSize: run.inputWidth };
  }
  const size = request.regionInputSize ?? 160;
  const found: (DetectedFace & { region: number })[] = [];
  for (const [region, box] of request.regions.entries()) {
    const rect = regionRect(box, source.width, source.height);
    const run = await runDetection(rect, spec, { outputNames, infer, letterbox: (plan) => runtime.letterbox(plan, rect) },
      { ...request.detect, inputSize: size, retryTightCrops: false, maxFaces: 0 }, tensors);
    add(run.timings);
    // The face this crop was made for: the one overlapping the expected box most.
    let best: DetectedFace | undefined, bestIou = 0;
    for (const f of run.faces) {
      const shifted: DetectedFace = {
        box: [f.box[0] + rect.x, f.box[1] + rect.y, f.box[2] + rect.x, f.box[3] + rect.y],
        score: f.score,
        keypoints: f.keypoints.map(([x, y]) => [x + rect.x, y + rect.y]) as Keypoints5,
      };
      const o = iou(shifted.box, box);
      if (o > bestIou) { best = shifted; bestIou = o; }
    }
    if (best) found.push({ ...best, region });
  }
  // Two crops can find the same face: keep one.
  const keep = nms(found.map((f) => f.box), found.map((f) => f.score), request.detect.nmsIouThreshold, Infinity);
  return { faces: keep.map((i) => found[i]!), timings, inputSize: size };
}

function pick(selection: FaceSelection | undefined, main: number, n: number): number[] {
  if (selection === 'all') return Array.from({ length: n }, (_, i) => i);
  if (selection === 'main' && main >= 0) return [main];
  return [];
}

/**
 * Detects the faces of one frame and measures what the quality gate, liveness and verification
 * need. Calls on one runtime must not overlap (tensors are reused).
 */
export async function analyzeFrame(
  source: { width: number; height: number },
  runtime: FrameRuntime,
  request: FrameRequest,
  tensors: TensorPool = new Map(),
): Promise<FrameAnalysis> {
  // Plain fields: `source` may be an ImageBitmap, whose size lives in prototype getters.
  const src = { width: source.width, height: source.height, read: runtime.read };
  const det = await detectFrame(source, runtime, request, tensors);
  const timings: FrameTimings = { detect: det.timings, quality: 0, eyes: 0, liveness: 0, embed: 0, attributes: 0 };
  let t = performance.now();
  const measure = request.measure ?? true;
  const faces: FrameFace[] = [];
  for (const f of det.faces) {
    const measures: FaceMeasures = { interocular: interocularDistance(f.keypoints), pose: headPoseFromKeypoints(f.keypoints) };
    if (measure) {
      const crop = await alignedFaceCrop(src, f.keypoints);
      measures.sharpness = laplacianVariance(rgbaToGray(crop, CROP, CROP), CROP, CROP);
      measures.luma = lumaStats(subRect(crop, CROP, SKIN), SKIN.width, SKIN.height);
    }
    faces.push({ ...f, measures });
  }
  timings.quality = performance.now() - t;

  // Eye state is part of the gate, so it runs on the main face before the gate's verdict.
  const main = mainFaceIndex(faces, source);
  const eyeFaces = runtime.eyes ? pick(request.eyes, main, faces.length) : [];
  if (eyeFaces.length) {
    t = performance.now();
    const run = await runEyeState(eyeFaces.map((i) => faces[i]!), src, runtime.eyes!.spec, { infer: runtime.eyes!.infer }, tensors);
    run.faces.forEach((e, j) => { faces[eyeFaces[j]!]!.eyes = e; });
    timings.eyes = performance.now() - t;
  }
  const quality = assessQuality(faces.map((f) => ({
    box: f.box, keypoints: f.keypoints, pose: f.measures.pose,
    ...(f.measures.sharpness !== undefined ? { sharpness: f.measures.sharpness } : {}),
    ...(f.measures.luma ? { luma: f.measures.luma } : {}),
    ...(f.eyes ? { eyesOpen: eyesOpenScore(f.eyes) } : {}),
  })), source, request.thresholds);
  const gated = request.onlyWhenOk && !quality.ok;

  const liveFaces = runtime.antispoof && !gated ? pick(request.liveness, quality.main, faces.length) : [];
  if (liveFaces.length) {
    t = performance.now();
    const run = await runPassiveLiveness(liveFaces.map((i) => livenessBox(faces[i]!, request.livenessAnchors)), src, runtime.antispoof!.specs, { infer: runtime.antispoof!.infer }, tensors);
    run.faces.forEach((l, j) => { faces[liveFaces[j]!]!.liveness = l; });
    timings.liveness = performance.now() - t;
  }
  const embedFaces = runtime.recognizer && !gated ? pick(request.embed, quality.main, faces.length) : [];
  if (embedFaces.length) {
    t = performance.now();
    const rec = runtime.recognizer!;
    const run = await runRecognition(alignmentsFor(rec.spec, embedFaces.map((i) => faces[i]!)), src, rec.spec, { infer: rec.infer }, { flip: request.flip ?? false }, tensors);
    run.embeddings.forEach((e, j) => { faces[embedFaces[j]!]!.embedding = e; });
    timings.embed = performance.now() - t;
  }
  const attrFaces = runtime.attributes && request.attributes ? pick(request.attributes.faces, quality.main, faces.length) : [];
  if (attrFaces.length) {
    t = performance.now();
    const selected = attrFaces.map((i) => faces[i]!);
    // Eye state already measured for the gate is not measured again.
    const reuseEyes = selected.every((f) => f.eyes);
    const kinds = request.attributes!.kinds.filter((k) => !(k === 'eyes' && reuseEyes));
    const run = await runAttributes(selected, src, kinds, runtime.attributes!.models, runtime.attributes!.runtime, tensors);
    run.faces.forEach((a, j) => {
      const f = selected[j]!;
      f.attributes = reuseEyes && request.attributes!.kinds.includes('eyes') ? { ...a, eyes: f.eyes! } : a;
    });
    timings.attributes = performance.now() - t;
  }
  return { faces, quality, mode: request.regions ? 'regions' : 'full', inputSize: det.inputSize, timings };
}
