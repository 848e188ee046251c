// What the quality gate sees on every lfw-dev photo as the live verifier's camera shows it (a
// 640×480 frame, @facekit/test-support/streams's still rendering): analyzeFrame's full pass at the video's 320
// input with the gate's measures, eye state, and the main face's flip-test embedding. Cached in
// .cache/gate-features.json. The gate's thresholds are then chosen from it (calibrate-gate.ts).
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MODELS } from '@facekit/core';
import { analyzeFrame } from '@facekit/core';
import { DETECT_DEFAULTS } from '@facekit/core';
import { eyesOpenScore } from '@facekit/core';
import type { QualityMeasures } from '@facekit/core';
import type { Box } from '@facekit/core';
import type { Keypoints5 } from '@facekit/core';
import { createNodeFrameRuntime } from '@facekit/test-support/frame-runtime';
import { REPO_ROOT, SHARED_DIR } from '@facekit/test-support/node';
import { cameraFrame } from './eye-features.js';

export interface GateRecord {
  /** `Name/Name_NNNN.jpg`, as lfw pairs name it. */
  image: string;
  person: string;
  found: boolean;
  measures?: QualityMeasures & { eyesOpen: number };
  /** Every face the full pass found, the main one first, as the quality gate takes them. */
  faces: { box: Box; keypoints: Keypoints5 }[];
  embedding?: number[];
}

const CACHE = resolve(REPO_ROOT, '.cache/gate-features.json');
const VERSION = 4;

export async function collectGateFeatures(onProgress?: (done: number, total: number) => void): Promise<Map<string, GateRecord>> {
  if (existsSync(CACHE)) {
    const cached = JSON.parse(readFileSync(CACHE, 'utf8')) as { version: number; records: GateRecord[] };
    if (cached.version === VERSION) return new Map(cached.records.map((r) => [r.image, r]));
  }
  const lfw = join(SHARED_DIR, 'data/lfw-dev/images');
  const images = readdirSync(lfw).sort().flatMap((p) => readdirSync(join(lfw, p)).sort().map((f) => `${p}/${f}`));
  const runtime = await createNodeFrameRuntime({ detector: MODELS.det_500m, recognizer: MODELS.fr_feature, eyes: MODELS.fr_eye });
  const records: GateRecord[] = [];
  for (const [i, image] of images.entries()) {
    onProgress?.(i, images.length);
    const frame = cameraFrame(join(lfw, image));
    const a = await analyzeFrame(frame, runtime.on(frame), {
      detect: { ...DETECT_DEFAULTS, inputSize: 320 }, eyes: 'main', embed: 'main', flip: true,
      // Measure everything; decide nothing here.
      thresholds: { minInterocular: 0, minSharpness: 0, minEyesOpen: 0 },
    });
    const person = image.split('/')[0]!;
    const main = a.quality.main;
    if (main < 0) { records.push({ image, person, found: false, faces: [] }); continue; }
    const f = a.faces[main]!;
    records.push({
      image, person, found: true,
      measures: { ...a.quality.measures!, eyesOpen: eyesOpenScore(f.eyes!) },
      faces: [f, ...a.faces.filter((_, j) => j !== main)].map((o) => ({ box: o.box, keypoints: o.keypoints })),
      embedding: [...f.embedding!],
    });
  }
  onProgress?.(images.length, images.length);
  await runtime.release();
  mkdirSync(resolve(REPO_ROOT, '.cache'), { recursive: true });
  writeFileSync(CACHE, JSON.stringify({ version: VERSION, records }));
  return new Map(records.map((r) => [r.image, r]));
}
