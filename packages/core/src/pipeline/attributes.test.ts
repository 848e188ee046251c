// Attributes on the real models (faceplugin fr_age, fr_gender, fr_expression, fr_pose,
// fr_landmark, fr_eye) with det_500m faces, on the shared photos, in Node.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createNodeAttributeRuntime, createNodeDetector, decodeImageFile, IMAGES_DIR, pixelSource, type NodeDetector, type RgbaImage,
} from '@facekit/test-support/node';
import { headPoseFromKeypoints } from '../geometry/head-pose.js';
import type { DetectedFace } from './detection.js';
import type { Keypoints5, NamedOutputs } from '../model-io/detection-types.js';
import { SSR_NET_OUTPUTS } from '../model-io/ssr-net.js';
import { genderFromMale, stackedMale, type GenderHead } from '../attributes/gender-head.js';
import { keypointAgreement, keypointsFrom68 } from '../model-io/landmarks.js';
import { MODELS } from '../registry/model-registry.js';
import { ATTRIBUTE_KINDS, runAttributes, type AttributeModels, type AttributeRuntime, type FaceAttributes, type FaceIn } from './attributes.js';

/** Every single-face photo of shared/data/images (MANIFEST.md), but the two phone-screen spoofs. */
const SINGLE = [
  'faceonnx/landmarks/bruce.jpg', 'faceonnx/landmarks/eyes_closed_closed.jpg', 'faceonnx/landmarks/eyes_closed_open.jpg',
  'faceonnx/landmarks/eyes_open_open.jpg', 'faceonnx/landmarks/jake.jpg', 'faceonnx/landmarks/kid.jpg',
  'faceonnx/verification/brad_1.jpg', 'faceonnx/verification/brad_2.jpg', 'faceonnx/verification/brad_3.jpg',
  'faceonnx/verification/nicole_1.jpg', 'faceonnx/verification/nicole_2.jpg', 'faceonnx/verification/nicole_3.jpg',
  'faceonnx/verification/sarah_2.jpg', 'faceonnx/verification/sarah_3.jpg',
  'ppu_uniface/image-haaland1.jpeg', 'ppu_uniface/image-haaland2.png', 'ppu_uniface/image-kevin1.png', 'ppu_uniface/image-kevin2.jpg',
  'ppu_uniface/image-magnus1.png', 'ppu_uniface/image-magnus2.png',
  'uniface/einstein.png', 'uniface/image5.jpg', 'uniface/src_man1.jpg', 'uniface/src_man2.jpg', 'uniface/src_man3.jpg', 'uniface/src_portrait1.jpg',
];
const MODELS_FOR: AttributeModels = {
  age: MODELS.fr_age, gender: MODELS.fr_gender, expression: MODELS.fr_expression, pose: MODELS.fr_pose, eyes: MODELS.fr_eye, landmarks: MODELS.fr_landmark,
};

function mirror(im: RgbaImage): RgbaImage {
  const data = new Uint8ClampedArray(im.data.length);
  const row = im.width * 4;
  for (let y = 0; y < im.height; y++) for (let x = 0; x < im.width; x++) data.set(im.data.subarray(y * row + x * 4, y * row + x * 4 + 4), y * row + (im.width - 1 - x) * 4);
  return { ...im, data };
}

interface Result { face: DetectedFace; attributes: FaceAttributes }

describe('attributes on the shared single-face photos', { timeout: 300_000 }, () => {
  let detector: NodeDetector;
  const runtime = createNodeAttributeRuntime();
  const results = new Map<string, Result>();
  const mirrored = new Map<string, Result>();

  const analyze = async (image: RgbaImage): Promise<Result> => {
    const faces = (await detector.detect(image)).faces;
    expect(faces.length).toBeGreaterThanOrEqual(1);
    const face = faces[0]!;
    const run = await runAttributes([face], pixelSource(image), ATTRIBUTE_KINDS, MODELS_FOR, runtime);
    return { face, attributes: run.faces[0]! };
  };

  beforeAll(async () => {
    detector = await createNodeDetector(MODELS.det_500m);
    for (const f of SINGLE) {
      const image = decodeImageFile(join(IMAGES_DIR, f));
      results.set(f, await analyze(image));
      mirrored.set(f, await analyze(mirror(image)));
    }
  }, 600_000);
  afterAll(async () => {
    await detector?.release();
    await runtime.release();
  });

  it('gives every attribute, in range', () => {
    for (const [f, { attributes: a }] of results) {
      expect(a.age, f).toBeGreaterThan(1);
      expect(a.age, f).toBeLessThan(100);
      expect(a.gender!.probability, f).toBeGreaterThanOrEqual(0.5);
      expect(Object.values(a.expression!.probabilities).reduce((s, p) => s + p, 0), f).toBeCloseTo(1, 5);
      expect(a.landmarks, f).toHaveLength(68);
      for (const v of [a.pose!.yaw, a.pose!.pitch, a.pose!.roll]) expect(Math.abs(v), f).toBeLessThan(99);
    }
  });

  it('age: the child is younger than every adult', () => {
    const kid = results.get('faceonnx/landmarks/kid.jpg')!.attributes.age!;
    for (const [f, r] of results) if (!f.endsWith('kid.jpg')) expect(r.attributes.age!, f).toBeGreaterThan(kid + 5);
    expect(kid).toBeLessThan(18);
  });

  it('gender: the people whose photos the MANIFEST names', () => {
    const who: Record<string, 'female' | 'male'> = {
      'faceonnx/verification/brad_1.jpg': 'male', 'faceonnx/verification/brad_2.jpg': 'male', 'faceonnx/verification/brad_3.jpg': 'male',
      'faceonnx/verification/nicole_1.jpg': 'female', 'faceonnx/verification/nicole_2.jpg': 'female', 'faceonnx/verification/nicole_3.jpg': 'female',
      'faceonnx/verification/sarah_2.jpg': 'female', 'faceonnx/verification/sarah_3.jpg': 'female',
      'ppu_uniface/image-haaland1.jpeg': 'male', 'ppu_uniface/image-haaland2.png': 'male', 'ppu_uniface/image-kevin1.png': 'male',
      'ppu_uniface/image-kevin2.jpg': 'male', 'ppu_uniface/image-magnus1.png': 'male', 'ppu_uniface/image-magnus2.png': 'male',
      'uniface/einstein.png': 'male',
    };
    for (const [f, g] of Object.entries(who)) {
      expect(results.get(f)!.attributes.gender!.label, f).toBe(g);
      expect(mirrored.get(f)!.attributes.gender!.label, `${f} mirrored`).toBe(g);
    }
  });

  it('eyes: open-open, closed-closed, and the wink closes the right eye', () => {
    const e = (f: string) => results.get(`faceonnx/landmarks/${f}`)!.attributes.eyes!;
    expect(Math.min(e('eyes_open_open.jpg').left, e('eyes_open_open.jpg').right)).toBeGreaterThan(0.9);
    expect(Math.max(e('eyes_closed_closed.jpg').left, e('eyes_closed_closed.jpg').right)).toBeLessThan(0.1);
    // closed_open: the eye on the image's left is the closed one.
    expect(e('eyes_closed_open.jpg').left).toBeLessThan(0.1);
    expect(e('eyes_closed_open.jpg').right).toBeGreaterThan(0.9);
  });

  it('expression: the broad smiles are happy', () => {
    for (const f of ['faceonnx/verification/brad_2.jpg', 'faceonnx/verification/nicole_2.jpg', 'ppu_uniface/image-haaland1.jpeg', 'ppu_uniface/image-magnus1.png', 'uniface/src_man3.jpg']) {
      expect(results.get(f)!.attributes.expression!.label, f).toBe('happy');
    }
    expect(results.get('uniface/src_man1.jpg')!.attributes.expression!.label).toBe('neutral');
  });

  it('pose: yaw and roll of the frontal photos (keypoint yaw within ±12°) stay within ±15°', () => {
    let n = 0;
    for (const [f, r] of results) {
      if (Math.abs(headPoseFromKeypoints(r.face.keypoints).yaw) > 12) continue;
      n++;
      expect(Math.abs(r.attributes.pose!.yaw), f).toBeLessThanOrEqual(15);
      expect(Math.abs(r.attributes.pose!.roll), f).toBeLessThanOrEqual(15);
    }
    expect(n).toBeGreaterThanOrEqual(12);
  });

  it('pose: a mirrored turned face gives yaw of the opposite sign and about the same size', () => {
    // Faces the keypoints see turned by 15° or more.
    const turned = [...results].filter(([, r]) => Math.abs(headPoseFromKeypoints(r.face.keypoints).yaw) >= 15);
    expect(turned.length).toBeGreaterThanOrEqual(4);
    const agree = turned.filter(([f, r]) => {
      const a = r.attributes.pose!.yaw, b = mirrored.get(f)!.attributes.pose!.yaw;
      return Math.sign(a) === -Math.sign(b) && Math.abs(a + b) <= 12;
    });
    // HopeNet reads one of them (eyes_closed_open.jpg, a wink) as frontal once mirrored: see docs/attributes.md.
    expect(agree.length).toBeGreaterThanOrEqual(turned.length - 1);
  });

  it('landmarks: eye centres, nose tip and mouth corners agree with the detector keypoints (in inter-ocular distances)', () => {
    const errors = [...results, ...[...mirrored].map(([f, r]) => [`${f} mirrored`, r] as const)]
      .map(([f, r]) => [f, keypointAgreement(keypointsFrom68(r.attributes.landmarks!), r.face.keypoints)] as const);
    for (const [f, e] of errors) expect(e, f).toBeLessThan(0.09);
    // The bar is 8 % on every photo; fr_landmark misses it on a few (kid, kevin2, image5:
    // 8.2–8.4 %), however its crop is placed (docs/attributes.md).
    expect(errors.filter(([, e]) => e < 0.08).length / errors.length).toBeGreaterThan(0.85);
    expect(errors.reduce((s, [, e]) => s + e, 0) / errors.length).toBeLessThan(0.06);
  });

  it('runs only what is asked for; refuses a model that cannot give an attribute, or none', async () => {
    const image = decodeImageFile(join(IMAGES_DIR, 'uniface/src_man1.jpg'));
    const face = results.get('uniface/src_man1.jpg')!.face;
    const calls: string[] = [];
    const counting = { infer: (spec: (typeof MODELS)['fr_age'], t: Float32Array) => { calls.push(spec.id); return runtime.infer(spec, t); } };
    const run = await runAttributes([face], pixelSource(image), ['age'], MODELS_FOR, counting);
    expect(Object.keys(run.faces[0]!)).toEqual(['age']);
    // SSR-Net: three margins, each also mirrored.
    expect(calls).toEqual(Array(6).fill('fr_age'));
    calls.length = 0;
    await expect(runAttributes([face], pixelSource(image), ['age', 'gender'], { age: MODELS.fr_age, gender: MODELS.fr_age }, counting)).rejects.toThrow(/cannot give "gender"/);
    await expect(runAttributes([face], pixelSource(image), ['age'], {}, counting)).rejects.toThrow(/No model given/);
  });
});

describe('runAttributes on a fake runtime', () => {
  it('one model answering two attributes (InsightFace genderage) runs once per face, on its 96×96 crop', async () => {
    const calls: number[] = [];
    const source = { width: 300, height: 300, read: (r: { width: number; height: number }) => new Uint8ClampedArray(r.width * r.height * 4).fill(128) };
    const face = { box: [100, 100, 180, 200] as [number, number, number, number], keypoints: [[120, 140], [160, 140], [140, 160], [125, 180], [155, 180]] as Keypoints5 };
    const run = await runAttributes([face], source, ['age', 'gender'], { age: MODELS.genderage, gender: MODELS.genderage }, {
      async infer(spec, t) {
        calls.push(t.length);
        expect(spec.id).toBe('genderage');
        return new Map([['fc1', Float32Array.from([0, Math.log(3), 0.31])]]);
      },
    });
    expect(calls).toEqual([3 * 96 * 96]);
    expect(run.faces[0]).toEqual({ age: expect.closeTo(31, 4), gender: { label: 'male', probability: expect.closeTo(0.75, 6) } });
  });
});

describe('runAttributes with the stacked gender head, on a fake SSR-Net', () => {
  const source = { width: 300, height: 300, read: (r: { width: number; height: number }) => new Uint8ClampedArray(r.width * r.height * 4).fill(128) };
  const faces: FaceIn[] = [
    { box: [40, 40, 120, 140], keypoints: [[60, 80], [100, 80], [80, 100], [65, 120], [95, 120]] },
    { box: [160, 100, 240, 200], keypoints: [[180, 140], [220, 140], [200, 160], [185, 180], [215, 180]] },
  ];
  /** SSR-Net outputs whose stagewise regression (V = 1) is `v`: stage 1's first bin, shifted by 3v. */
  const ssrOutputs = (v: number): NamedOutputs => new Map(SSR_NET_OUTPUTS.p.flatMap((p, k) => [
    [p, Float32Array.from([1, 0, 0])],
    [SSR_NET_OUTPUTS.eta[k]!, Float32Array.from([k === 0 ? 3 * v : 0, 0, 0])],
    [SSR_NET_OUTPUTS.delta[k]!, Float32Array.from([0])],
  ] as [string, Float32Array][]));
  /** The six views of each face (three margins, each mirrored): face 0 reads 0.3 on average (female), face 1 0.55 (male). */
  const VIEWS = [[0.2, 0.3, 0.25, 0.35, 0.3, 0.4], [0.5, 0.6, 0.55, 0.5, 0.6, 0.55]];
  const fakeSsrNet = (): AttributeRuntime => {
    let call = 0;
    return { infer: async () => { const v = VIEWS[Math.floor(call / 6)]![call % 6]!; call++; return ssrOutputs(v); } };
  };
  /** Male prototypes on axes 0 and 1, female on 2 and 3; the prototypes outweigh the model's reading. */
  const head: GenderHead = {
    genderModel: 'fr_gender', recognizer: 'fr_feature', dims: 4,
    male: Float32Array.from([1, 0, 0, 0, 0, 1, 0, 0]), female: Float32Array.from([0, 0, 1, 0, 0, 0, 0, 1]),
    temperature: 0.1, stack: { ssr: 1, prototype: 5, bias: 0.1 },
    linear: { weights: Float32Array.from([0.3, 0.1, -0.2, -0.4]), bias: 0.05, stackWeight: 0.5 },
  };
  // Face 0 (the model reads female) looks like the male prototypes; face 1 (male) like the female ones.
  const EMBEDDINGS = [Float32Array.from([0.96, 0.28, 0, 0]), Float32Array.from([0, 0, 0.6, 0.8])];
  const withHead = () => {
    const embeddings = vi.fn(async (fs: readonly FaceIn[]) => fs.map((_, i) => EMBEDDINGS[i]!));
    return { runtime: { ...fakeSsrNet(), genderHead: { head, embeddings } }, embeddings };
  };

  it('stacks the model\'s P(male) with each face\'s embedding', async () => {
    const plain = await runAttributes(faces, source, ['gender'], { gender: MODELS.fr_gender }, fakeSsrNet());
    const modelMale = plain.faces.map((f) => (f.gender!.label === 'male' ? f.gender!.probability : 1 - f.gender!.probability));
    // The fake's six views are averaged: face 0 reads 0.3, face 1 0.55.
    expect(modelMale[0]).toBeCloseTo(0.3, 6);
    expect(modelMale[1]).toBeCloseTo(0.55, 6);
    expect(plain.faces.map((f) => f.gender!.label)).toEqual(['female', 'male']);
    expect(plain.timings).not.toHaveProperty('gender-head');

    const { runtime, embeddings } = withHead();
    const run = await runAttributes(faces, source, ['gender'], { gender: MODELS.fr_gender }, runtime);
    expect(embeddings).toHaveBeenCalledTimes(1);
    expect(embeddings).toHaveBeenCalledWith(faces);
    run.faces.forEach((f, i) => {
      const expected = genderFromMale(stackedMale(head, modelMale[i]!, EMBEDDINGS[i]!));
      expect(f.gender, `face ${i}`).toEqual({ label: expected.label, probability: expect.closeTo(expected.probability, 9) });
    });
    // The embeddings outweigh the model here, so both labels turn.
    expect(run.faces.map((f) => f.gender!.label)).toEqual(['male', 'female']);
    expect(typeof run.timings['gender-head']).toBe('number');
    expect(run.timings).toHaveProperty('fr_gender');
  });

  it('leaves gender to the model when the gender model is not the head\'s, or gender is not asked for', async () => {
    const other = { ...MODELS.fr_gender, id: 'fr_gender_other' };
    const plain = await runAttributes(faces, source, ['gender'], { gender: other }, fakeSsrNet());
    const { runtime, embeddings } = withHead();
    const run = await runAttributes(faces, source, ['gender'], { gender: other }, runtime);
    expect(embeddings).not.toHaveBeenCalled();
    expect(run.faces).toEqual(plain.faces);
    expect(run.faces.map((f) => f.gender!.label)).toEqual(['female', 'male']);
    expect(run.timings).not.toHaveProperty('gender-head');

    const ageOnly = withHead();
    const ages = await runAttributes(faces, source, ['age'], { age: MODELS.fr_age, gender: MODELS.fr_gender }, ageOnly.runtime);
    expect(ageOnly.embeddings).not.toHaveBeenCalled();
    expect(ages.faces.map((f) => Object.keys(f))).toEqual([['age'], ['age']]);
    expect(ages.faces[0]!.age).toBeCloseTo(0.3 * 101, 3);
    expect(ages.timings).not.toHaveProperty('gender-head');
  });
});
