// Face attributes from the pixels the frame already holds: per requested attribute, the model's
// crop warped straight from the source, the model run, its decoder. One model may answer two
// attributes (InsightFace genderage: age and gender); it then runs once per face.
import type { Box, Point } from '../geometry/box.js';
import type { HeadPose } from '../geometry/head-pose.js';
import { alignedSquareAffine, faceSquare, insightfaceCropAffine, scaleSquare, squareAffine, type Square } from '../attributes/face-crops.js';
import type { Keypoints5, NamedOutputs } from '../model-io/detection-types.js';
import { decodeExpression, type ExpressionResult } from '../model-io/expression.js';
import { decodeGenderAge } from '../model-io/genderage.js';
import { hopenetAngle } from '../model-io/hopenet.js';
import { decodeLandmark106, decodeLandmark68 } from '../model-io/landmarks.js';
import { decodeSsrNet, SSR_NET_AGE_RANGE, SSR_NET_GENDER_RANGE } from '../model-io/ssr-net.js';
import type { ModelFamily, ModelSpec } from '../registry/model-spec.js';
import { tensorFor, type TensorPool } from './detection.js';
import { runEyeState, type EyeState } from './eye-state.js';
import { flipPlanes } from '../image/pool-planes.js';
import { supersampleFor, writeModelCrop, type SupersampledCrop } from './model-crop.js';
import type { ReadPixels } from './recognition.js';
import { FaceKitError, InvalidOptionError } from '../errors.js';
import { genderFromMale, stackedMale, type GenderHead } from '../attributes/gender-head.js';

/** What `analyze` / the live loop can add to a face. */
export type AttributeKind = 'age' | 'gender' | 'expression' | 'pose' | 'eyes' | 'landmarks';
export const ATTRIBUTE_KINDS: readonly AttributeKind[] = ['age', 'gender', 'expression', 'pose', 'eyes', 'landmarks'];

export interface GenderResult {
  label: 'female' | 'male';
  /**
   * Confidence in `label`, 0.5–1. By default (fr_gender with fr_feature's embedding) a calibrated
   * probability from the stacked head, for a population half women, half men: of faces read
   * 0.9, about 9 in 10 are right (ECE 0.03 cross-validated, README). With the gender model alone:
   * SSR-Net's 0 (female) … 1 (male) value (clamped) for 'male', 1 − it for 'female'
   * (over-confident: ECE 0.08); for genderage, the softmax probability.
   */
  probability: number;
}

/** Attributes of one face. Each is present when asked for. */
export interface FaceAttributes {
  /** Apparent age in years (SSR-Net gives no confidence). */
  age?: number;
  gender?: GenderResult;
  /** The most probable of 7 expressions, its probability, and all 7 probabilities. */
  expression?: ExpressionResult;
  /** Head pose from the pose model, degrees, in the same convention as the keypoint estimate ({@link HeadPose}). */
  pose?: HeadPose;
  /** Eye-open probabilities (0–1), left and right in image orientation. */
  eyes?: EyeState;
  /** Dense landmarks in source pixels: 68 (iBUG order) or 106 (InsightFace), by model. */
  landmarks?: Point[];
}

/** The model that answers each attribute. */
export type AttributeModels = Partial<Record<AttributeKind, ModelSpec>>;

export interface AttributeRuntime {
  /** Runs `spec`'s model on one `[1, c, h, w]` input; every output by name. */
  infer(spec: ModelSpec, tensor: Float32Array): Promise<NamedOutputs>;
  /**
   * Stack the gender model's reading with the face's embedding (attributes/gender-head.ts).
   * `embeddings` gives the head's recognizer's embedding of each face (reused or computed).
   */
  genderHead?: { head: GenderHead; embeddings(faces: readonly FaceIn[]): Promise<readonly ArrayLike<number>[]> };
}

export interface AttributeRun {
  faces: FaceAttributes[];
  /** Milliseconds per model id (crop, inference and decoding, all faces). */
  timings: Record<string, number>;
}

/** A face attributes are read for; `embedding`, where known, is the kit recognizer's. */
export type FaceIn = { box: Box; keypoints: Keypoints5; embedding?: Float32Array };

interface FamilyHandler {
  /** Which attributes this family can answer. */
  kinds: readonly AttributeKind[];
  /** The crops (views) the model runs on, one run each. */
  crops(face: FaceIn, spec: ModelSpec): SupersampledCrop[];
  /** Also run each crop mirrored (right after it). */
  mirror?: boolean;
  /** Decodes the runs, one per view, in order. */
  decode(outputs: readonly NamedOutputs[], face: FaceIn, spec: ModelSpec, into: FaceAttributes, kinds: ReadonlySet<AttributeKind>): void;
}

/** A square crop, supersampled when the square is wider than the input (see model-crop.ts). */
function squareCrop(s: Square, size: number): SupersampledCrop {
  const k = supersampleFor(s.side, size);
  return { matrix: squareAffine(s, size * k), supersample: k };
}

const first = (outputs: NamedOutputs, spec: ModelSpec): Float32Array => {
  const v = outputs.values().next().value;
  if (!v) throw new FaceKitError('INTERNAL', `Model "${spec.id}" returned no output; the model file does not match its registry entry (a facekit bug)`);
  return v;
};

/** The crop margins (× the ArcFace template) SSR-Net's answer is averaged over. */
export const SSR_NET_MARGINS = [1.2, 1.3, 1.4] as const;

/** The crop each faceplugin model was run on by its package, from the face square (face-crops.ts). */
export const FACEPLUGIN_CROPS = {
  /**
   * fr_age / fr_gender: not the package's crop (1.4× the square): these SSR-Net exports
   * (SSR_Net_Pytorch, per the graph's trace) read that crop badly. On lfw-dev (805 labelled images,
   * det_500m) the package's crop in the package's RGB gave 64 % gender accuracy on a balanced
   * subset of 120, in BGR 78 %; the ArcFace-aligned square 1.3× the template, BGR, gives 93.4 %
   * on all 805 (1.4×: 92.7 %, 1.5×: 92.5 %; the same crop in RGB 87.1 %). The model's answer
   * moves with small changes of the crop, so it is averaged over six views: margins 1.2, 1.3 and
   * 1.4, each also mirrored (93.4 % → 95.8 %; mirrored 1.3 alone: 94.9 %).
   */
  ssrnet: (keypoints: Readonly<Keypoints5>, size: number): SupersampledCrop[] => SSR_NET_MARGINS.map((m) => alignedSquareAffine(keypoints, m, size)),
  /** fr_expression: 1.2× the square's side from its top-left corner (the package's ROI). */
  expression: (box: Readonly<Box>): Square => {
    const s = faceSquare(box);
    return { cx: s.cx - s.side / 2 + 0.6 * s.side, cy: s.cy - s.side / 2 + 0.6 * s.side, side: 1.2 * s.side };
  },
  /** fr_pose: the square grown by a quarter on every side. */
  hopenet: (box: Readonly<Box>) => scaleSquare(faceSquare(box), 1.5),
  /** fr_landmark: the square itself. */
  landmark68: (box: Readonly<Box>) => faceSquare(box),
};

const ssrnet = (range: number, kind: 'age' | 'gender'): FamilyHandler => ({
  kinds: [kind],
  crops: (f, spec) => FACEPLUGIN_CROPS.ssrnet(f.keypoints, spec.input.width),
  mirror: true,
  decode(outputs, _f, _spec, into) {
    const v = outputs.reduce((s, o) => s + decodeSsrNet(o, range), 0) / outputs.length;
    if (kind === 'age') into.age = v;
    else into.gender = genderFromMale(Math.min(1, Math.max(0, v)));
  },
});

const HANDLERS: Partial<Record<ModelFamily, FamilyHandler>> = {
  'ssrnet-age': ssrnet(SSR_NET_AGE_RANGE, 'age'),
  'ssrnet-gender': ssrnet(SSR_NET_GENDER_RANGE, 'gender'),
  expression7: {
    kinds: ['expression'],
    crops: (f, spec) => [squareCrop(FACEPLUGIN_CROPS.expression(f.box), spec.input.width)],
    decode([outputs], _f, spec, into) { into.expression = decodeExpression(first(outputs!, spec)); },
  },
  hopenet: {
    kinds: ['pose'],
    crops: (f, spec) => [squareCrop(FACEPLUGIN_CROPS.hopenet(f.box), spec.input.width)],
    decode([outputs], _f, spec, into) {
      const [yaw, pitch, roll] = [...outputs!.values()];
      if (!yaw || !pitch || !roll) throw new FaceKitError('INTERNAL', `Model "${spec.id}" did not return yaw, pitch and roll bins; the model file does not match its registry entry (a facekit bug)`);
      // HopeNet's yaw is positive when the face turns to the image's left (its own right): the
      // opposite of HeadPose's; pitch (up) and roll (clockwise) agree. See attributes.test.ts.
      into.pose = { yaw: -hopenetAngle(yaw), pitch: hopenetAngle(pitch), roll: hopenetAngle(roll) };
    },
  },
  landmark68: {
    kinds: ['landmarks'],
    crops: (f, spec) => [squareCrop(FACEPLUGIN_CROPS.landmark68(f.box), spec.input.width)],
    decode([outputs], f, spec, into) { into.landmarks = decodeLandmark68(first(outputs!, spec), FACEPLUGIN_CROPS.landmark68(f.box)); },
  },
  // InsightFace formats: point-sampled as face_align.transform's cv2.warpAffine (registered, unverified here).
  genderage: {
    kinds: ['age', 'gender'],
    crops: (f, spec) => [{ matrix: insightfaceCropAffine(f.box, spec.input.width), supersample: 1 }],
    decode([outputs], _f, spec, into, kinds) {
      const { male, age } = decodeGenderAge(first(outputs!, spec));
      if (kinds.has('age')) into.age = age;
      if (kinds.has('gender')) into.gender = genderFromMale(male);
    },
  },
  landmark106: {
    kinds: ['landmarks'],
    crops: (f, spec) => [{ matrix: insightfaceCropAffine(f.box, spec.input.width), supersample: 1 }],
    decode([outputs], f, spec, into) { into.landmarks = decodeLandmark106(first(outputs!, spec), insightfaceCropAffine(f.box, spec.input.width), spec.input.width); },
  },
};

/** Throws unless `spec` can answer `kind`. */
export function checkAttributeModel(kind: AttributeKind, spec: ModelSpec): void {
  const ok = kind === 'eyes' ? spec.task === 'eyestate' : HANDLERS[spec.family]?.kinds.includes(kind);
  if (!ok) throw new InvalidOptionError(`Model "${spec.id}" (${spec.family}) cannot give "${kind}"; pick a model that can (listModels() shows each model's task)`);
}

/**
 * Attributes of each face. `kinds` lists what to compute; `models` names the model for each
 * (a model that answers two kinds runs once). Calls on one runtime must not overlap.
 */
export async function runAttributes(
  faces: readonly FaceIn[],
  source: { width: number; height: number; read: ReadPixels },
  kinds: readonly AttributeKind[],
  models: AttributeModels,
  runtime: AttributeRuntime,
  tensors: TensorPool = new Map(),
): Promise<AttributeRun> {
  const out: FaceAttributes[] = faces.map(() => ({}));
  const timings: Record<string, number> = {};
  if (faces.length === 0) return { faces: out, timings };
  // Group the asked kinds by model.
  const byModel = new Map<string, { spec: ModelSpec; kinds: Set<AttributeKind> }>();
  for (const kind of new Set(kinds)) {
    const spec = models[kind];
    if (!spec) throw new InvalidOptionError(`No model given for the attribute "${kind}"; add one to the models map`);
    checkAttributeModel(kind, spec);
    const g = byModel.get(spec.id) ?? { spec, kinds: new Set<AttributeKind>() };
    g.kinds.add(kind);
    byModel.set(spec.id, g);
  }
  const written = faces.map(() => new Map<string, Float32Array>());
  for (const { spec, kinds: asked } of byModel.values()) {
    const t = performance.now();
    if (asked.has('eyes')) {
      const run = await runEyeState(faces, source, spec, { infer: async (tensor) => first(await runtime.infer(spec, tensor), spec) }, tensors);
      run.faces.forEach((e, i) => { out[i]!.eyes = e; });
    } else {
      const handler = HANDLERS[spec.family]!;
      const { width: w, height: h } = spec.input;
      const c = spec.input.channels ?? 3;
      const tensor = tensorFor(tensors, 1, c, h, w);
      const inputKey = JSON.stringify(spec.input);
      for (const [i, face] of faces.entries()) {
        const outputs: NamedOutputs[] = [];
        for (const crop of handler.crops(face, spec)) {
          // Two models with the same crop and input (fr_age, fr_gender) share one warp.
          const key = `${crop.matrix.join()}|${crop.supersample}|${inputKey}`;
          const done = written[i]!.get(key);
          if (done) tensor.set(done);
          else {
            await writeModelCrop(source, crop, spec.input, tensor, 0, tensors);
            written[i]!.set(key, tensor.slice());
          }
          outputs.push(await runtime.infer(spec, tensor));
          if (handler.mirror) {
            // Mirroring the pooled input equals warping the mirrored crop (blocks map to blocks).
            flipPlanes(tensor, w, h, c);
            outputs.push(await runtime.infer(spec, tensor));
          }
        }
        handler.decode(outputs, face, spec, out[i]!, asked);
      }
    }
    timings[spec.id] = performance.now() - t;
  }
  const stack = runtime.genderHead;
  if (stack && kinds.includes('gender') && models.gender?.id === stack.head.genderModel) {
    const t = performance.now();
    const embeddings = await stack.embeddings(faces);
    out.forEach((a, i) => {
      const g = a.gender!;
      a.gender = genderFromMale(stackedMale(stack.head, g.label === 'male' ? g.probability : 1 - g.probability, embeddings[i]!));
    });
    timings['gender-head'] = performance.now() - t;
  }
  return { faces: out, timings };
}
