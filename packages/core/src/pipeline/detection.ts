import { nms } from '../geometry/nms.js';
import type { Box } from '../geometry/box.js';
import { fitInputToStride, planLetterbox, roundToStride, type LetterboxPlan } from '../image/letterbox.js';
import { rgbaToChw } from '../image/normalize.js';
import type { DetectionDecoder, Keypoints5, NamedOutputs } from '../model-io/detection-types.js';
import { decodeScrfd } from '../model-io/scrfd.js';
import { decodeYunet } from '../model-io/yunet.js';
import type { ModelFamily, ModelSpec } from '../registry/model-spec.js';
import { InvalidOptionError } from '../errors.js';

/** Options of one detection call. */
export interface DetectOptions {
  /**
   * Detector input size in pixels: the longer side of the image is scaled to it. Dynamic
   * models (det_500m, YuNet) round it to a multiple of 32; static models accept only their own size.
   * @defaultValue 640
   */
  inputSize?: number;
  /**
   * `'fit'`: a dynamic model's input is the scaled image rounded up to a multiple of 32 (a
   * 640×480 frame at 640 runs 640×480), so no compute goes to padding. `'square'`: always
   * inputSize × inputSize with the image top-left and zero padding, as InsightFace's `detect`.
   * Static models are always square.
   * @defaultValue 'fit'
   */
  inputShape?: 'fit' | 'square';
  /** Faces scoring below this are dropped. @defaultValue 0.5 */
  minScore?: number;
  /** Overlapping boxes above this IoU are merged into the best one. @defaultValue 0.4 */
  nmsIouThreshold?: number;
  /** Keep at most this many faces, best score first; 0 keeps all. @defaultValue 0 */
  maxFaces?: number;
  /**
   * When nothing is found, look once more with the image shrunk to half the input (as if
   * padded to twice its size). Faces that fill the frame (tight crops, LFW, passport photos)
   * are bigger than SCRFD's largest anchors and are missed at full scale.
   * @defaultValue true
   */
  retryTightCrops?: boolean;
}

export const DETECT_DEFAULTS: Required<DetectOptions> = {
  inputSize: 640, inputShape: 'fit', minScore: 0.5, nmsIouThreshold: 0.4, maxFaces: 0, retryTightCrops: true,
};

/** One detected face, in source-image pixels. */
export interface DetectedFace {
  /** `[x1, y1, x2, y2]`, not clipped to the image (a face cut by the border keeps its extent). */
  box: Box;
  /** Detector confidence in [0, 1]. */
  score: number;
  /** Left eye, right eye, nose, left mouth, right mouth, in image orientation. */
  keypoints: Keypoints5;
}

/** Milliseconds spent in each stage of one call. */
export interface StageTimings {
  decode: number;
  preprocess: number;
  inference: number;
  postprocess: number;
}

export interface DetectionRun {
  faces: DetectedFace[];
  /** The detector input size actually used (after any retry). */
  inputWidth: number;
  inputHeight: number;
  /** True when the first pass found nothing and the tight-crop retry ran. */
  retried: boolean;
  timings: Omit<StageTimings, 'decode'>;
}

/**
 * What the runtime provides: pixels on a letterbox and a model run. The browser worker
 * letterboxes on an OffscreenCanvas, Node with `resizeBilinearRGBA`; both share the rest.
 */
export interface DetectionRuntime {
  /** RGBA of the image resized to plan.drawWidth × plan.drawHeight (the padding is never read). */
  letterbox(plan: LetterboxPlan): Uint8ClampedArray | Promise<Uint8ClampedArray>;
  /** Runs the detector on a [1,3,H,W] tensor; outputs keyed by name. */
  infer(tensor: Float32Array, width: number, height: number): Promise<NamedOutputs>;
  readonly outputNames: readonly string[];
}

const DECODERS: Partial<Record<ModelFamily, DetectionDecoder>> = { scrfd: decodeScrfd, yunet: decodeYunet };

export function detectionDecoder(spec: ModelSpec): DetectionDecoder {
  const decoder = DECODERS[spec.family];
  if (!decoder || spec.task !== 'detection') throw new InvalidOptionError(`Model "${spec.id}" (${spec.family}) is not a face detector; pick a detection model (listModels() shows each model's task)`);
  return decoder;
}

/** Resolves options against defaults and the model; throws an InvalidOptionError on values that cannot work. */
export function resolveDetectOptions(spec: ModelSpec, options: DetectOptions = {}): Required<DetectOptions> {
  const o = { ...DETECT_DEFAULTS, ...stripUndefined(options) };
  const { input } = spec;
  if (typeof o.inputSize !== 'number' || !Number.isFinite(o.inputSize) || o.inputSize < 32) throw new InvalidOptionError(`inputSize must be a number ≥ 32 (e.g. 640), got ${String(o.inputSize)}`);
  if (o.inputShape !== 'fit' && o.inputShape !== 'square') throw new InvalidOptionError(`inputShape must be 'fit' or 'square', got ${String(o.inputShape)}`);
  if (input.dynamic) o.inputSize = roundToStride(o.inputSize, input.stride);
  else if (o.inputSize !== input.width) {
    if (options.inputSize !== undefined) throw new InvalidOptionError(`Model "${spec.id}" has a static ${input.width}×${input.height} input; inputSize ${o.inputSize} is not possible (leave it out, or use a detector with a dynamic input)`);
    o.inputSize = input.width;
  }
  if (!(o.minScore >= 0 && o.minScore <= 1)) throw new InvalidOptionError(`minScore must be in [0, 1], got ${String(o.minScore)}`);
  if (!(o.nmsIouThreshold > 0 && o.nmsIouThreshold <= 1)) throw new InvalidOptionError(`nmsIouThreshold must be in (0, 1], got ${String(o.nmsIouThreshold)}`);
  if (!(Number.isInteger(o.maxFaces) && o.maxFaces >= 0)) throw new InvalidOptionError(`maxFaces must be an integer ≥ 0 (0: no limit), got ${String(o.maxFaces)}`);
  return o;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Reusable input buffers, one per crop shape (`c×h×w`), owned by the caller (one per worker). */
export type TensorPool = Map<string, Float32Array>;

/**
 * A `[n, c, h, w]` tensor from the pool: one buffer per crop shape, grown (doubling) when a
 * larger batch comes, so a changing face count reuses it instead of allocating per call.
 */
export function tensorFor(pool: TensorPool, n: number, c: number, h: number, w: number, purpose = 'input'): Float32Array {
  // Keyed by purpose too: a scratch buffer must never share memory with the input it fills.
  const key = `${purpose}:${c}x${h}x${w}`;
  const size = n * c * h * w;
  let t = pool.get(key);
  if (!t || t.length < size) pool.set(key, (t = new Float32Array(Math.max(size, 2 * (t?.length ?? 0)))));
  return t.length === size ? t : t.subarray(0, size);
}

/**
 * Detection on one image: letterbox → normalize → infer → decode → NMS → source pixels, with
 * the tight-crop retry. Calls on one runtime must not overlap (the tensors are reused).
 */
export async function runDetection(
  source: { width: number; height: number },
  spec: ModelSpec,
  runtime: DetectionRuntime,
  options: DetectOptions = {},
  tensors: TensorPool = new Map(),
): Promise<DetectionRun> {
  const o = resolveDetectOptions(spec, options);
  const decode = detectionDecoder(spec);
  const timings = { preprocess: 0, inference: 0, postprocess: 0 };

  const pass = async (size: number, fit: number) => {
    // A static model keeps its size; the retry then shrinks the image inside it.
    const square = planLetterbox(source.width, source.height, size, size, fit);
    const plan = spec.input.dynamic && o.inputShape === 'fit' ? fitInputToStride(square, spec.input.stride) : square;
    const { inputWidth: w, inputHeight: h } = plan;
    let t = performance.now();
    const rgba = await runtime.letterbox(plan);
    // One buffer for every detector shape ('fit' makes one per aspect ratio): grown, never multiplied.
    const tensor = rgbaToChw(rgba, plan.drawWidth, plan.drawHeight, spec.input, tensorFor(tensors, h * w, 3, 1, 1, 'detector'), w, h);
    timings.preprocess += performance.now() - (t);
    t = performance.now();
    const outputs = await runtime.infer(tensor, w, h);
    timings.inference += performance.now() - t;
    t = performance.now();
    const candidates = decode({ outputs, outputNames: runtime.outputNames, inputWidth: w, inputHeight: h, minScore: o.minScore });
    const keep = nms(candidates.map((c) => c.box), candidates.map((c) => c.score), o.nmsIouThreshold, o.maxFaces || Infinity);
    const faces = keep.map((i): DetectedFace => {
      const c = candidates[i]!;
      const sx = plan.scaleX, sy = plan.scaleY;
      return {
        box: [c.box[0] / sx, c.box[1] / sy, c.box[2] / sx, c.box[3] / sy],
        score: c.score,
        keypoints: c.keypoints.map(([x, y]) => [x / sx, y / sy]) as Keypoints5,
      };
    });
    timings.postprocess += performance.now() - t;
    used = [w, h];
    return faces;
  };

  let used: [number, number] = [0, 0];
  let size = o.inputSize;
  let faces = await pass(size, 1);
  let retried = false;
  if (faces.length === 0 && o.retryTightCrops) {
    retried = true;
    // Half the input at full fit is the same face scale as a 2× pad, at a quarter of the cost.
    if (spec.input.dynamic && size / 2 >= spec.input.stride) {
      size = roundToStride(size / 2, spec.input.stride);
      faces = await pass(size, 1);
    } else {
      faces = await pass(size, 0.5);
    }
  }
  return { faces, inputWidth: used[0], inputHeight: used[1], retried, timings };
}
