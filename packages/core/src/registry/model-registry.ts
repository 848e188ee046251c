import type { InputSpec, ModelLicence, ModelSource, ModelSpec } from './model-spec.js';
import { InvalidOptionError } from '../errors.js';

// Licences, stated once and referenced per model.
const INSIGHTFACE: ModelLicence = {
  id: 'InsightFace-non-commercial',
  commercialUse: false,
  note: 'InsightFace pretrained weights: non-commercial research only (InsightFace model zoo licence). Do not ship in a commercial product.',
};
const YUNET: ModelLicence = {
  id: 'MIT',
  commercialUse: true,
  note: 'OpenCV Zoo YuNet: MIT. Trained on WIDER FACE (CC BY-NC-ND); check your use of the training data.',
};
const FACEPLUGIN: ModelLicence = {
  id: 'MIT',
  commercialUse: true,
  note: 'Declared MIT by npm package faceplugin-face-recognition-js@0.0.1; training data and provenance are not documented. Check before commercial use.',
};
const MINIFASNET: ModelLicence = {
  id: 'Apache-2.0',
  commercialUse: true,
  note: 'minivision-ai Silent-Face-Anti-Spoofing weights (Apache-2.0), converted to ONNX by a third party.',
};

const SCRFD_INPUT: InputSpec = {
  width: 640, height: 640, dynamic: true, stride: 32, batch: 1,
  colorOrder: 'rgb', mean: [127.5, 127.5, 127.5], std: [128, 128, 128],
};
// InsightFace's w600k exports take any batch; fr_feature is fixed at 1 (see the entries).
const ARCFACE_INPUT: InputSpec = {
  width: 112, height: 112, dynamic: false, stride: 1, batch: 'dynamic',
  colorOrder: 'rgb', mean: [127.5, 127.5, 127.5], std: [127.5, 127.5, 127.5],
};

// ImageNet statistics on 0–255 pixels: (v / 255 − m) / s = (v − 255·m) / (255·s).
const IMAGENET_MEAN: [number, number, number] = [0.485 * 255, 0.456 * 255, 0.406 * 255];
const IMAGENET_STD: [number, number, number] = [0.229 * 255, 0.224 * 255, 0.225 * 255];
// fr_age and fr_gender: ImageNet mean/std on v / 255, as the package's fr_age.js; but BGR, as
// SSR_Net_Pytorch reads images with cv2 (the package's RGB reads gender worse: see
// FACEPLUGIN_CROPS.ssrnet). The statistics stay in R, G, B order on the B, G, R planes:
// torchvision's Normalize does not know the order of the planes it is given.
const SSR_NET_INPUT: InputSpec = {
  width: 64, height: 64, dynamic: false, stride: 1, batch: 1, colorOrder: 'bgr', mean: IMAGENET_MEAN, std: IMAGENET_STD,
};

const uniface = (file: string): ModelSource => ({
  kind: 'url', url: `https://github.com/yakhyo/uniface/releases/download/weights/${file}`,
});
const faceplugin = (file: string): ModelSource => ({
  kind: 'npm', package: 'faceplugin-face-recognition-js', version: '0.0.1', path: `package/model/${file}`,
});
/** What every model taken unchanged from the faceplugin npm package shares (all verified here). */
const fromFaceplugin = (file: string) => ({
  file, licence: FACEPLUGIN, verified: true, sources: [faceplugin(file)], localPath: `faceplugin_npm/${file}`,
}) as const;

/**
 * Every model facekit knows. Seeded from shared/models/MANIFEST.md: `verified: true` means the
 * file with this SHA-256 was obtained and exercised by facekit's tests; `false` means it is
 * registered by its published hash and its decoder follows the upstream format, unchecked here.
 */
export const MODELS = {
  det_500m: {
    id: 'det_500m', task: 'detection', family: 'scrfd', file: 'det_500m.onnx',
    sha256: '5e4447f50245bbd7966bd6c0fa52938c61474a04ec7def48753668a9d8b4ea3a', bytes: 2_524_817,
    input: SCRFD_INPUT, licence: INSIGHTFACE, verified: true,
    sources: [uniface('scrfd_500m_kps.onnx')], localPath: 'insightface/det_500m.onnx',
    description: 'SCRFD-500MF with 5 keypoints (InsightFace buffalo_s / buffalo_sc v0.7), dynamic input.',
  },
  'scrfd_2.5g_kps': {
    id: 'scrfd_2.5g_kps', task: 'detection', family: 'scrfd', file: 'scrfd_2.5g_kps.onnx',
    sha256: '32d20c77b9e2dc1d07e94c2ab9d25bdd5cd05eddbe0b46e7b38e7a1eca22e99a', bytes: 3_291_017,
    input: { ...SCRFD_INPUT, dynamic: false }, licence: INSIGHTFACE, verified: true,
    sources: [{ kind: 'url', url: 'https://github.com/hpc203/scrfd-opencv/raw/eee7bf1ee0dbe9615d8d8caaa53702e0d2dca001/weights/scrfd_2.5g_kps.onnx' }],
    localPath: 'scrfd_static_reexport/scrfd_2.5g_kps.onnx',
    description: 'SCRFD-2.5GF with 5 keypoints, a static 640×640 re-export (hpc203/scrfd-opencv); stand-in for buffalo_m det_2.5g.',
  },
  det_10g: {
    id: 'det_10g', task: 'detection', family: 'scrfd', file: 'det_10g.onnx',
    sha256: '5838f7fe053675b1c7a08b633df49e7af5495cee0493c7dcf6697200b85b5b91', bytes: null,
    input: SCRFD_INPUT, licence: INSIGHTFACE, verified: false,
    sources: [uniface('scrfd_10g_kps.onnx')],
    description: 'SCRFD-10GF with 5 keypoints (InsightFace buffalo_l v0.7), ~16.9 MB. Not obtainable here: unverified.',
  },
  yunet_2026may: {
    id: 'yunet_2026may', task: 'detection', family: 'yunet', file: 'face_detection_yunet_2026may.onnx',
    sha256: 'ebafce4e3c118d6554634be5c27ab333b4c047a9a8c3faf1d7cf93101c22f0f0', bytes: 229_738,
    input: { width: 640, height: 640, dynamic: true, stride: 32, batch: 1, colorOrder: 'bgr', mean: [0, 0, 0], std: [1, 1, 1] },
    licence: YUNET, verified: true,
    sources: [{ kind: 'url', url: 'https://github.com/opencv/opencv_zoo/raw/main/models/face_detection_yunet/face_detection_yunet_2026may.onnx' }],
    localPath: 'yunet/face_detection_yunet_2026may.onnx',
    description: 'OpenCV Zoo YuNet (2026may): tiny detector with 5 keypoints, MIT licence, usable commercially.',
  },
  fr_feature: {
    id: 'fr_feature', task: 'recognition', family: 'arcface', embeddingSize: 512, ...fromFaceplugin('fr_feature.onnx'),
    sha256: '87aacdfe57510db2af90c0251df680e8eec88f122ee94712121d09bcaaaf3581', bytes: 4_884_269,
    input: { ...ARCFACE_INPUT, batch: 1 },
    description: '512-d face embedding on ArcFace-aligned 112×112 crops (faceplugin npm package).',
  },
  w600k_mbf: {
    id: 'w600k_mbf', task: 'recognition', family: 'arcface', embeddingSize: 512, file: 'w600k_mbf.onnx',
    sha256: '9cc6e4a75f0e2bf0b1aed94578f144d15175f357bdc05e815e5c4a02b319eb4f', bytes: 13_616_099,
    input: ARCFACE_INPUT, licence: INSIGHTFACE, verified: false,
    sources: [uniface('w600k_mbf.onnx')],
    description: 'ArcFace MobileFaceNet trained on WebFace600K (buffalo_s / buffalo_sc v0.7). Not obtainable here: unverified.',
  },
  w600k_r50: {
    id: 'w600k_r50', task: 'recognition', family: 'arcface', embeddingSize: 512, file: 'w600k_r50.onnx',
    sha256: '4c06341c33c2ca1f86781dab0e829f88ad5b64be9fba56e56bc9ebdefc619e43', bytes: null,
    input: ARCFACE_INPUT, licence: INSIGHTFACE, verified: false,
    sources: [uniface('w600k_r50.onnx')],
    description: 'ArcFace ResNet-50 trained on WebFace600K (buffalo_l v0.7), ~174 MB. Not obtainable here: unverified.',
  },
  fr_eye: {
    id: 'fr_eye', task: 'eyestate', family: 'eyestate', ...fromFaceplugin('fr_eye.onnx'),
    sha256: '1afcea006abc1ccac3c517022abde0aa092bed74ff3c9fe6878483ef9e6e38de', bytes: 207_130,
    // The package's fr_eye.js: a square eye crop resized to 24×24, grey, v / 255.
    input: { width: 24, height: 24, dynamic: false, stride: 1, batch: 1, channels: 1, colorOrder: 'rgb', mean: [0, 0, 0], std: [255, 255, 255] },
    description: 'Eye open/closed on a 24×24 grey eye crop, v / 255; softmax, index 1 = open (faceplugin npm package).',
  },
  fr_age: {
    id: 'fr_age', task: 'attributes', family: 'ssrnet-age', ...fromFaceplugin('fr_age.onnx'),
    sha256: '74c9b01700cb9ef96f7190a2230218414ff99d231415c4b091a755780cad5e8a', bytes: 201_280,
    input: SSR_NET_INPUT,
    description: 'Age in years, SSR-Net (three stages, soft stagewise regression, V = 101) on a 64×64 crop (faceplugin npm package).',
  },
  fr_gender: {
    id: 'fr_gender', task: 'attributes', family: 'ssrnet-gender', ...fromFaceplugin('fr_gender.onnx'),
    sha256: 'a003e8392a617ca834c7ca2c01e0895f5c354217fb56cd0373935e6e9b9c396e', bytes: 343_725,
    input: SSR_NET_INPUT,
    description: 'Gender, SSR-Net (V = 1: 0 female … 1 male) on a 64×64 crop (faceplugin npm package).',
  },
  fr_expression: {
    id: 'fr_expression', task: 'attributes', family: 'expression7', ...fromFaceplugin('fr_expression.onnx'),
    sha256: '88959314d9dc14d6c968cca31dc068e4350bf1944154e3bdd2eece5d0f318d05', bytes: 28_156_839,
    // The package's fr_expression.js: 1.2× the face square from its top-left corner, 224×224, RGB, v / 255.
    input: { width: 224, height: 224, dynamic: false, stride: 1, batch: 1, colorOrder: 'rgb', mean: [0, 0, 0], std: [255, 255, 255] },
    description: 'Facial expression, 7 classes, on a 224×224 crop (faceplugin npm package); 28 MB, loaded only when asked for.',
  },
  fr_pose: {
    id: 'fr_pose', task: 'headpose', family: 'hopenet', ...fromFaceplugin('fr_pose.onnx'),
    sha256: '72d032ec941b7153bf8d3f2c03a4c165453cc7e63d479041ec7c6ef087e5839d', bytes: 5_811_723,
    // The package's fr_pose.js: the face square grown by half, 224×224, ImageNet mean/std. RGB, as
    // HopeNet is trained (the package ends up feeding BGR, which read mirrored faces less consistently here).
    input: { width: 224, height: 224, dynamic: false, stride: 1, batch: 1, colorOrder: 'rgb', mean: IMAGENET_MEAN, std: IMAGENET_STD },
    description: 'Head pose, HopeNet-style: 66 bins of 3° each for yaw, pitch and roll, on a 224×224 crop (faceplugin npm package).',
  },
  fr_landmark: {
    id: 'fr_landmark', task: 'landmarks', family: 'landmark68', ...fromFaceplugin('fr_landmark.onnx'),
    sha256: 'f10b0ba1d2a8a099adefede1ebf3733e44fe370715e7303dbeb7f59c02142258', bytes: 1_163_742,
    // The package's fr_landmark.js: the face square, 64×64 grey, v / 256; output 68 (x, y) in 0–1 of the square.
    input: { width: 64, height: 64, dynamic: false, stride: 1, batch: 1, channels: 1, colorOrder: 'rgb', mean: [0, 0, 0], std: [256, 256, 256] },
    description: '68-point landmarks (iBUG 300-W order) on a 64×64 grey crop of the face square (faceplugin npm package).',
  },
  '2d106det': {
    id: '2d106det', task: 'landmarks', family: 'landmark106', file: '2d106det.onnx',
    sha256: 'f001b856447c413801ef5c42091ed0cd516fcd21f2d6b79635b1e733a7109dbf', bytes: null,
    input: { width: 192, height: 192, dynamic: false, stride: 1, batch: 'dynamic', colorOrder: 'rgb', mean: [0, 0, 0], std: [1, 1, 1] },
    licence: INSIGHTFACE, verified: false,
    sources: [uniface('2d106det.onnx')],
    description: '106-point 2D landmarks (buffalo_l v0.7), ~5 MB. Not obtainable here: unverified.',
  },
  genderage: {
    id: 'genderage', task: 'attributes', family: 'genderage', file: 'genderage.onnx',
    sha256: '4fde69b1c810857b88c64a335084f1c3fe8f01246c9a191b48c7bb756d6652fb', bytes: null,
    input: { width: 96, height: 96, dynamic: false, stride: 1, batch: 'dynamic', colorOrder: 'rgb', mean: [0, 0, 0], std: [1, 1, 1] },
    licence: INSIGHTFACE, verified: false,
    sources: [uniface('genderage.onnx')],
    description: 'Gender and age (buffalo_l v0.7), ~1.3 MB. Not obtainable here: unverified.',
  },
  '1k3d68': {
    id: '1k3d68', task: 'landmarks', family: 'landmark3d68', file: '1k3d68.onnx',
    sha256: 'df5c06b8a0c12e422b2ed8947b8869faa4105387f199c477af038aa01f9a45cc', bytes: null,
    input: { width: 192, height: 192, dynamic: false, stride: 1, batch: 'dynamic', colorOrder: 'rgb', mean: [0, 0, 0], std: [1, 1, 1] },
    licence: INSIGHTFACE, verified: false,
    sources: [],
    description: '68-point 3D landmarks (buffalo_l v0.7), ~137 MB; only inside buffalo_l.zip. Not obtainable here: unverified.',
  },
  minifasnet_v2: {
    id: 'minifasnet_v2', task: 'antispoof', family: 'minifasnet', file: '2.7_80x80_MiniFASNetV2.onnx',
    sha256: '7886c41bcbcc1be00cf8700eddbd8cbd4b1ad138e69010790de2a57a3b01d7e5', bytes: 1_743_495,
    input: { width: 80, height: 80, dynamic: false, stride: 1, batch: 1, colorOrder: 'bgr', mean: [0, 0, 0], std: [1, 1, 1] },
    licence: MINIFASNET, verified: true,
    sources: [{ kind: 'url', url: 'https://github.com/PragatheeshP/Facial_recognition_Attendance_System-with-SCRFD-MobileFaceNet-MiniFASNet/raw/e8fb986504d07c121ebed35340e9fc1fe43dec2b/resources/anti_spoof_models/2.7_80x80_MiniFASNetV2.onnx' }],
    localPath: 'minifasnet/2.7_80x80_MiniFASNetV2.onnx',
    description: 'MiniFASNetV2 anti-spoofing (Silent-Face): crop 2.7× the face box, 80×80 BGR 0–255; softmax, class 1 = real.',
  },
  minifasnet_v1se: {
    id: 'minifasnet_v1se', task: 'antispoof', family: 'minifasnet', file: '4_0_0_80x80_MiniFASNetV1SE.onnx',
    sha256: 'e67aedf72df3e1912dbf6baa5f7406b8b30c3cb43234170a70dd9d143fea358e', bytes: 1_742_663,
    input: { width: 80, height: 80, dynamic: false, stride: 1, batch: 1, colorOrder: 'bgr', mean: [0, 0, 0], std: [1, 1, 1] },
    licence: MINIFASNET, verified: true,
    sources: [{ kind: 'url', url: 'https://github.com/PragatheeshP/Facial_recognition_Attendance_System-with-SCRFD-MobileFaceNet-MiniFASNet/raw/e8fb986504d07c121ebed35340e9fc1fe43dec2b/resources/anti_spoof_models/4_0_0_80x80_MiniFASNetV1SE.onnx' }],
    localPath: 'minifasnet/4_0_0_80x80_MiniFASNetV1SE.onnx',
    description: 'MiniFASNetV1SE anti-spoofing (Silent-Face): crop 4.0× the face box, 80×80 BGR 0–255; softmax, class 1 = real.',
  },
} as const satisfies Record<string, ModelSpec>;

export type ModelId = keyof typeof MODELS;

/** A named set of models that work together, as InsightFace's buffalo packs. */
export interface ModelPack {
  readonly id: string;
  readonly detector: ModelId;
  readonly recognizer: ModelId;
  readonly extras: readonly ModelId[];
  readonly description: string;
  /** The upstream zip the pack is published as, with its reference hash (not verified here). */
  readonly archive?: { readonly url: string; readonly sha256: string; readonly bytes: number };
}

const insightfaceRelease = (name: string): string => `https://github.com/deepinsight/insightface/releases/download/v0.7/${name}`;

export const PACKS = {
  /** The pack verified end to end here: InsightFace detector + faceplugin embedder. */
  facekit_s: { id: 'facekit_s', detector: 'det_500m', recognizer: 'fr_feature', extras: [], description: 'det_500m + fr_feature (both verified here). Default.' },
  buffalo_s: { id: 'buffalo_s', detector: 'det_500m', recognizer: 'w600k_mbf', extras: [], description: 'InsightFace buffalo_s (recognizer unverified here).' },
  buffalo_sc: { id: 'buffalo_sc', detector: 'det_500m', recognizer: 'w600k_mbf', extras: [], description: 'InsightFace buffalo_sc (recognizer unverified here).' },
  buffalo_l: {
    id: 'buffalo_l', detector: 'det_10g', recognizer: 'w600k_r50', extras: ['2d106det', 'genderage', '1k3d68'], description: 'InsightFace buffalo_l (unverified here).',
    archive: { url: insightfaceRelease('buffalo_l.zip'), sha256: '80ffe37d8a5940d59a7384c201a2a38d4741f2f3c51eef46ebb28218a7b0ca2f', bytes: 288_621_354 },
  },
  buffalo_m: {
    id: 'buffalo_m', detector: 'scrfd_2.5g_kps', recognizer: 'w600k_r50', extras: ['2d106det', 'genderage'],
    description: "InsightFace buffalo_m; its det_2.5g.onnx was not obtained, so the detector is the static SCRFD-2.5G re-export (unverified recognizer).",
    archive: { url: insightfaceRelease('buffalo_m.zip'), sha256: 'd98264bd8f2dc75cbc2ddce2a14e636e02bb857b3051c234b737bf3b614edca9', bytes: 275_951_529 },
  },
  commercial_s: { id: 'commercial_s', detector: 'yunet_2026may', recognizer: 'fr_feature', extras: [], description: 'YuNet (MIT) + fr_feature: no InsightFace weights.' },
} as const satisfies Record<string, ModelPack>;

export type PackId = keyof typeof PACKS;

export function getPack(id: string): ModelPack {
  if (!Object.prototype.hasOwnProperty.call(PACKS, id)) throw new InvalidOptionError(`Unknown pack "${String(id)}". Known packs: ${Object.keys(PACKS).join(', ')}.`);
  return PACKS[id as PackId];
}

export function isModelId(id: string): id is ModelId {
  return Object.prototype.hasOwnProperty.call(MODELS, id);
}

/** The spec of a registered model; otherwise an InvalidOptionError listing the valid ids. */
export function getModel(id: string): ModelSpec {
  if (!isModelId(id)) {
    throw new InvalidOptionError(`Unknown model "${String(id)}". Known models: ${Object.keys(MODELS).join(', ')}.`);
  }
  return MODELS[id];
}

export function listModels(): ModelSpec[] {
  return Object.values(MODELS);
}
