// Eye-state features of every lfw-dev face as the live verifier sees it: the photo drawn into a
// 640×480 fake-camera frame (ffmpeg, as @facekit/test-support/streams renders a still: bicubic, I420), det_500m
// at the video's 320 input (a full pass) and again at 160 in the crop around the box (a region
// pass), then fr_eye on each pass's keypoints at several crop scales, and the 68-landmark eye
// aspect ratio. Cached in .cache/eye-features.json (slow to make, quick to re-read).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MODELS } from '@facekit/core';
import { regionRect } from '@facekit/core';
import { mainFaceIndex } from '@facekit/core';
import { headPoseFromKeypoints } from '@facekit/core';
import { eyeCrops, eyeOpenLogit } from '@facekit/core';
import { writeModelCrop } from '@facekit/core';
import { runAttributes } from '@facekit/core';
import { eyeAspectRatios } from '@facekit/core';
import type { Keypoints5 } from '@facekit/core';
import type { TensorPool } from '@facekit/core';
import { createNodeModel, imageSource } from '@facekit/test-support/liveness-runtime';
import { createNodeDetector, cropPixels, IMAGES_DIR, REPO_ROOT, SHARED_DIR, type RgbaImage } from '@facekit/test-support/node';

export const EYE_SCALES = [0.5, 0.6, 0.7, 0.8, 1.0] as const;

export interface EyePass {
  keypoints: Keypoints5;
  /** fr_eye's open-vs-closed logit (class 1 − class 0) [left, right] at each of EYE_SCALES. */
  open: Record<string, [number, number]>;
}

export interface EyeRecord {
  file: string;
  person: string;
  /** 'lfw' (open eyes, nearly all) or a shared photo's expected state per eye. */
  set: 'lfw' | 'photo';
  expected?: [boolean, boolean];
  yaw: number;
  pitch: number;
  full: EyePass;
  region?: EyePass;
  /** 68-landmark eye aspect ratios [left, right] (image orientation). */
  ear: [number, number];
}

const CACHE = resolve(REPO_ROOT, '.cache/eye-features.json');
const VERSION = 2;

/** The photo in a `width`×`height` frame as the fake camera shows it ('contain' on grey, or 'cover'; bicubic, yuv420p). */
export function cameraFrame(path: string, width = 640, height = 480, fit: 'contain' | 'cover' = 'contain'): RgbaImage {
  const place = fit === 'cover'
    ? `scale=${width}:${height}:force_original_aspect_ratio=increase:flags=bicubic,crop=${width}:${height}`
    : `scale=${width}:${height}:force_original_aspect_ratio=decrease:flags=bicubic,pad=${width}:${height}:(ow-iw)/2:(oh-ih)/2:0x808080`;
  const vf = `${place},format=yuv420p,format=rgba`;
  const r = spawnSync('ffmpeg', ['-v', 'error', '-nostdin', '-i', path, '-vf', vf, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgba', '-'], { maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`ffmpeg failed on ${path}: ${r.stderr.toString()}`);
  return { data: new Uint8ClampedArray(r.stdout.buffer, r.stdout.byteOffset, r.stdout.length), width, height };
}

export async function collectEyeFeatures(onProgress?: (done: number, total: number) => void): Promise<EyeRecord[]> {
  if (existsSync(CACHE)) {
    const cached = JSON.parse(readFileSync(CACHE, 'utf8')) as { version: number; records: EyeRecord[] };
    if (cached.version === VERSION) return cached.records;
  }
  const lfwDir = join(SHARED_DIR, 'data/lfw-dev/images');
  const files: { path: string; file: string; person: string; set: EyeRecord['set']; expected?: [boolean, boolean]; frame: [number, number] }[] = [];
  for (const person of readdirSync(lfwDir).sort()) {
    for (const f of readdirSync(join(lfwDir, person)).sort()) files.push({ path: join(lfwDir, person, f), file: f, person, set: 'lfw', frame: [640, 480] });
  }
  const photos: [string, [boolean, boolean]][] = [
    ['faceonnx/landmarks/eyes_closed_closed.jpg', [false, false]],
    ['faceonnx/landmarks/eyes_closed_open.jpg', [false, true]],
    ['faceonnx/landmarks/eyes_open_open.jpg', [true, true]],
  ];
  for (const [rel, expected] of photos) {
    for (const frame of [[640, 480], [1280, 720]] as [number, number][]) {
      files.push({ path: join(IMAGES_DIR, rel), file: `${rel}@${frame[0]}x${frame[1]}`, person: rel, set: 'photo', expected, frame });
    }
  }

  const det = await createNodeDetector(MODELS.det_500m, 2);
  const eye = await createNodeModel(MODELS.fr_eye, 2);
  const lm = await createNodeModel(MODELS.fr_landmark, 2);
  const tensors: TensorPool = new Map();
  const eyeTensor = new Float32Array(24 * 24);
  const records: EyeRecord[] = [];
  const eyePass = async (image: RgbaImage, keypoints: Keypoints5): Promise<EyePass> => {
    const source = imageSource(image);
    const open: EyePass['open'] = {};
    for (const s of EYE_SCALES) {
      const ps: number[] = [];
      for (const crop of eyeCrops(keypoints, 24, s)) {
        await writeModelCrop(source, crop, MODELS.fr_eye.input, eyeTensor, 0, tensors);
        ps.push(eyeOpenLogit(await eye.run(eyeTensor, [1, 1, 24, 24])));
      }
      open[String(s)] = [ps[0]!, ps[1]!];
    }
    return { keypoints, open };
  };
  for (const [i, f] of files.entries()) {
    onProgress?.(i, files.length);
    const image = cameraFrame(f.path, f.frame[0], f.frame[1]);
    const faces = (await det.detect(image, { inputSize: 320 })).faces;
    const m = mainFaceIndex(faces);
    if (m < 0) continue;
    const face = faces[m]!;
    const rect = regionRect(face.box, image.width, image.height);
    const crop: RgbaImage = { data: cropPixels(image, rect), width: rect.width, height: rect.height };
    const regionFaces = (await det.detect(crop, { inputSize: 160, retryTightCrops: false })).faces;
    const rm = mainFaceIndex(regionFaces);
    const region = rm >= 0 ? await eyePass(image, regionFaces[rm]!.keypoints.map(([x, y]) => [x + rect.x, y + rect.y]) as Keypoints5) : undefined;
    const attrs = await runAttributes([face], imageSource(image), ['landmarks'], { landmarks: MODELS.fr_landmark },
      { infer: async (_spec, t) => new Map([['out', await lm.run(t, [1, 1, 64, 64])]]) }, tensors);
    const pose = headPoseFromKeypoints(face.keypoints);
    records.push({
      file: f.file, person: f.person, set: f.set, ...(f.expected ? { expected: f.expected } : {}),
      yaw: pose.yaw, pitch: pose.pitch, full: await eyePass(image, face.keypoints), ...(region ? { region } : {}),
      ear: eyeAspectRatios(attrs.faces[0]!.landmarks!),
    });
  }
  onProgress?.(files.length, files.length);
  await det.release(); await eye.release(); await lm.release();
  mkdirSync(resolve(REPO_ROOT, '.cache'), { recursive: true });
  writeFileSync(CACHE, JSON.stringify({ version: VERSION, records }));
  return records;
}
