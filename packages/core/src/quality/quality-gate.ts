import type { Box } from '../geometry/box.js';
import { headPoseFromKeypoints, type HeadPose } from '../geometry/head-pose.js';
import type { Keypoints5 } from '../model-io/detection-types.js';
import type { LumaStats } from './measures.js';
import { InvalidOptionError } from '../errors.js';

/** Why a frame is not good enough for enrolment or verification. */
export type QualityCode =
  | 'no-face'
  | 'multiple-faces'
  | 'too-small'
  | 'too-close'
  | 'off-center'
  | 'blurry'
  | 'too-dark'
  | 'too-bright'
  | 'turned'
  | 'eyes-closed';

/** The order codes are reported in: the first is the one to tell the user about. */
export const QUALITY_CODE_ORDER: readonly QualityCode[] = Object.freeze([
  'no-face', 'multiple-faces', 'too-small', 'too-close', 'off-center', 'turned', 'too-dark', 'too-bright', 'blurry', 'eyes-closed',
] as const);

/** One detected face and what has been measured on it; an undefined measure skips its check. */
export interface FaceQualityInput {
  box: Box;
  keypoints: Keypoints5;
  /** `laplacianVariance` of the face crop's luma (the crop made as for the threshold's calibration). */
  sharpness?: number;
  /** `lumaStats` of the face crop. */
  luma?: LumaStats;
  /** How open the eyes are, in [0, 1]: `eyesOpenScore` of the two eyes' open probabilities. */
  eyesOpen?: number;
  /** Head pose in degrees; estimated from the keypoints when absent. */
  pose?: HeadPose;
}

export interface QualityThresholds {
  /**
   * Minimum distance between the eye keypoints, px (of a turned head, the eye–mouth distance
   * stands in: {@link faceSizeForGate}). The recognizer's own crop has them 35 px apart, so 40 px
   * is never upsampled. (Passport standards ask for more: ISO/IEC 19794-5's
   * smallest "token" image has 60 px, ICAO portraits 90+; 60 refused 1.8 % of lfw-dev pairs in a
   * 640×480 frame for no gain in TAR.) The people-facing thresholds (this, maxYaw, maxPitch,
   * minEyesOpen, multipleFaceRatio, bystanderDistance) are chosen by `pnpm calibrate:gate`, see
   * the README's "Quality gate" table.
   * @defaultValue 40
   */
  minInterocular: number;
  /**
   * Largest face box height over frame height ('too-close'). Engineering choice: beyond 0.8
   * the chin or forehead is usually cut off and the box is near the detector's largest anchors.
   * @defaultValue 0.8
   */
  maxFaceFraction: number;
  /**
   * The face box must keep this fraction of the frame's width/height from each edge (0: it
   * only has to lie inside the frame); a box cut by the edge is a face cut by the edge.
   * @defaultValue 0
   */
  edgeMargin: number;
  /**
   * The box centre must lie in the central `centerRegion` of the frame, in each axis (0.8: the
   * middle 80 %, i.e. within 40 % of the frame size of its centre). Engineering choice: tells
   * the user to come to the middle before they drift out of the frame, while leaving room for
   * how people sit before a webcam, face in the upper part of the frame (a face in the top
   * fifth of a 720p frame, measured on the shared photos, failed at 0.6).
   * @defaultValue 0.8
   */
  centerRegion: number;
  /**
   * Minimum `laplacianVariance` of the 112×112 aligned grey face crop ('blurry'). Calibrated by
   * `pnpm calibrate:quality` on 824 real faces (all lfw-dev images and 17 shared photos), as is
   * and Gaussian-blurred in crop pixels: as is, lfw-dev's 1st percentile is 37 (median 128; the
   * shared photos ≥ 704); blurred by σ = 1.5 px the 95th percentile is 26 and the 99th 35, by
   * σ = 2 px the 99th is 16. 25 keeps 99.5 % of LFW's (already soft) faces and refuses ≥ 95 %
   * of faces blurred by 1.5 px and all blurred by 2 px.
   * @defaultValue DEFAULT_MIN_SHARPNESS (25)
   */
  minSharpness: number;
  /**
   * Accepted mean luma of the face crop, 0–255. OFIQ's LuminanceMean quality (ISO/IEC 29794-5
   * reference implementation) is 100·σ((m − 0.2)/0.05)·(1 − σ((m − 0.8)/0.05)) of the mean m
   * (0 to 1): 50 of 100 at 51 and 204, 30 of 100 at 40 and 215. The range is where it stays above 30.
   * @defaultValue 40
   */
  minMeanLuma: number;
  /** @defaultValue 215 (see minMeanLuma) */
  maxMeanLuma: number;
  /**
   * Largest fraction of the crop crushed to black (luma ≤ 10). Engineering choice: a quarter of
   * the face in deep shadow hides features even when the mean is fine (side light).
   * @defaultValue 0.25
   */
  maxDarkFraction: number;
  /**
   * Largest fraction of the crop blown out (luma ≥ 245). OFIQ's OverExposurePrevention already
   * scores 50/100 at 1 % of face pixels ≥ 247; a live gate would nag about every specular
   * highlight on glasses or a forehead at that level, so 5 %.
   * @defaultValue 0.05
   */
  maxBrightFraction: number;
  /**
   * Largest |yaw|, degrees, of {@link headPoseFromKeypoints} (an estimate, which reads high:
   * under a webcam's perspective 30° reads ~34°). Face-capture guidance often uses 20–30°, but on
   * lfw-dev stills 25° refused 14.8 % of pairs and the pairs it let through matched no better
   * (TAR 94.5 % against 94.3 % ungated): the recognizer copes with turned faces; 50° refuses
   * 0.8 %. A guided user is told which way to turn ('turn-left' / 'turn-right').
   * @defaultValue 50
   */
  maxYaw: number;
  /** Largest |pitch|, degrees (as maxYaw; 25° refused 9.2 % of lfw-dev pairs, 35° 0.2 %). @defaultValue 35 */
  maxPitch: number;
  /**
   * Smallest `eyesOpen` (`eyesOpenScore`: both eyes' log-odds averaged, each averaged over three
   * crops: the form `pnpm eval:eyes` chose by person-disjoint CV). fr_eye is sure of closed eyes
   * and unsure of narrow, hooded or lowered ones: the old 0.5 on the lower eye refused 18 % of
   * lfw-dev faces. The shared closed-eye photo reads 7.5e-5 to 9e-5, and looking steeply down,
   * with the lids over the eyes, reads as low: at 3e-4 (the lowest value a log-odds unit above
   * the closed photo), 4 of 807 lfw-dev faces read closed, 3 of them looking down. In the live
   * loop a closure must also last 3 frames (`createEyesClosedFilter`). 0 turns the check off (as
   * a blink challenge needs).
   * @defaultValue 0.0003
   */
  minEyesOpen: number;
  /**
   * Another face blocks ('multiple-faces') only when its inter-ocular distance is at least this
   * fraction of the main face's: someone beside the user does, a small face in the background
   * is reported in `background` and does not. (Of large faces, only those near the user block:
   * see bystanderDistance.)
   * @defaultValue 0.6
   */
  multipleFaceRatio: number;
  /**
   * A large other face still does not block when its centre is farther from the frame centre
   * than the main face's by at least this many of the main face's inter-ocular distances: the
   * person in the middle is plainly the user, and someone at the edge of the picture is a
   * bystander (reported in `background`). 0: every large face blocks. Chosen by
   * `pnpm calibrate:gate` on lfw-dev (press photos where a neighbour's face, often cut by the
   * photo's edge, is nearly as large as the subject's).
   * @defaultValue 1
   */
  bystanderDistance: number;
}

/** The sharpness threshold (see {@link QualityThresholds.minSharpness} for its calibration). */
export const DEFAULT_MIN_SHARPNESS = 25;

export const DEFAULT_QUALITY_THRESHOLDS: Readonly<QualityThresholds> = Object.freeze({
  minInterocular: 40,
  maxFaceFraction: 0.8,
  edgeMargin: 0,
  centerRegion: 0.8,
  minSharpness: DEFAULT_MIN_SHARPNESS,
  minMeanLuma: 40,
  maxMeanLuma: 215,
  maxDarkFraction: 0.25,
  maxBrightFraction: 0.05,
  maxYaw: 50,
  maxPitch: 35,
  minEyesOpen: 0.0003,
  multipleFaceRatio: 0.6,
  bystanderDistance: 1,
});

/** Fills in the defaults and checks the values; an InvalidOptionError names the first that cannot work. */
export function resolveQualityThresholds(partial: Partial<QualityThresholds> = {}): QualityThresholds {
  const t: QualityThresholds = { ...DEFAULT_QUALITY_THRESHOLDS };
  for (const [k, v] of Object.entries(partial) as [keyof QualityThresholds, number | undefined][]) {
    if (v === undefined) continue;
    if (!Object.hasOwn(DEFAULT_QUALITY_THRESHOLDS, k)) throw new InvalidOptionError(`Unknown quality threshold "${k}"; use ${Object.keys(DEFAULT_QUALITY_THRESHOLDS).join(', ')}`);
    if (typeof v !== 'number' || Number.isNaN(v)) throw new InvalidOptionError(`Quality threshold ${k} must be a number, got ${String(v)}`);
    t[k] = v;
  }
  const within = (k: keyof QualityThresholds, lo: number, hi: number, what: string) => {
    if (!(t[k] >= lo && t[k] <= hi)) throw new InvalidOptionError(`Quality threshold ${k} must be ${what}, got ${t[k]}`);
  };
  within('minInterocular', 0, Number.MAX_VALUE, 'a finite number ≥ 0 (px)');
  within('maxFaceFraction', Number.MIN_VALUE, Infinity, '> 0 (face height / frame height)');
  within('edgeMargin', 0, 0.49, 'in [0, 0.49] (a fraction of the frame)');
  within('centerRegion', Number.MIN_VALUE, 1, 'in (0, 1] (a fraction of the frame)');
  within('minSharpness', 0, Number.MAX_VALUE, 'a finite number ≥ 0');
  within('minMeanLuma', 0, 255, 'in [0, 255]');
  within('maxMeanLuma', 0, 255, 'in [0, 255]');
  if (t.minMeanLuma > t.maxMeanLuma) throw new InvalidOptionError(`minMeanLuma (${t.minMeanLuma}) must not exceed maxMeanLuma (${t.maxMeanLuma})`);
  within('maxDarkFraction', 0, 1, 'in [0, 1]');
  within('maxBrightFraction', 0, 1, 'in [0, 1]');
  within('maxYaw', 0, 180, 'in [0, 180] degrees');
  within('maxPitch', 0, 180, 'in [0, 180] degrees');
  within('minEyesOpen', 0, 1, 'in [0, 1]');
  within('multipleFaceRatio', Number.MIN_VALUE, Infinity, '> 0 (Infinity: other faces never block)');
  within('bystanderDistance', 0, Infinity, '≥ 0 (inter-ocular distances; 0: every large face blocks)');
  return t;
}

/** What the checks were made on: the main face's measures. */
export interface QualityMeasures {
  /** Distance between the eye keypoints, px. */
  interocular: number;
  /** Face box height / frame height. */
  faceFraction: number;
  pose: HeadPose;
  sharpness?: number;
  luma?: LumaStats;
  eyesOpen?: number;
}

export interface QualityReport {
  /** No code: the frame is good for enrolment or verification. */
  ok: boolean;
  /** Every failed check, in QUALITY_CODE_ORDER. */
  codes: QualityCode[];
  /** Index of the main face in the input (mainFaceIndex with the frame); -1 without faces. */
  main: number;
  /** Indices of the other faces that did not block: too small, or bystanders at the edge. */
  background: number[];
  /** The main face's measures; absent without faces. */
  measures?: QualityMeasures;
}

export function interocularDistance(kps: Readonly<Keypoints5>): number {
  return Math.hypot(kps[1][0] - kps[0][0], kps[1][1] - kps[0][1]);
}

/** Eye-midpoint to mouth-midpoint distance over the eye distance in the ArcFace template (40.6 / 35.2 px). */
export const EYE_MOUTH_PER_INTEROCULAR = 1.15;

/**
 * The face's size for the 'too-small' rule, in inter-ocular pixels: the eye distance, or the
 * eye–mouth distance over {@link EYE_MOUTH_PER_INTEROCULAR} when larger. A head turned by θ
 * brings its eyes closer in the picture (× cos θ) but not its eyes and mouth, so a face turned
 * 45° is not 'too-small' where the same face frontal is not (the head-turn challenge needs those
 * frames). The recognizer's alignment fits all five points, so its crop scales with both.
 */
export function faceSizeForGate(kps: Readonly<Keypoints5>): number {
  const eyeMouth = Math.hypot((kps[3][0] + kps[4][0] - kps[0][0] - kps[1][0]) / 2, (kps[3][1] + kps[4][1] - kps[0][1] - kps[1][1]) / 2);
  return Math.max(interocularDistance(kps), eyeMouth / EYE_MOUTH_PER_INTEROCULAR);
}

/** Distance of a face's centre (its box's, else its eyes' midpoint) from the frame centre, px. */
function offCentre(f: { keypoints: Readonly<Keypoints5>; box?: Readonly<Box> }, frame: { width: number; height: number }): number {
  const [x, y] = f.box ? [(f.box[0] + f.box[2]) / 2, (f.box[1] + f.box[3]) / 2] : [(f.keypoints[0][0] + f.keypoints[1][0]) / 2, (f.keypoints[0][1] + f.keypoints[1][1]) / 2];
  return Math.hypot(x - frame.width / 2, y - frame.height / 2);
}

/**
 * Index of the main face, -1 without faces: the largest inter-ocular distance (the first on a
 * tie); with `frame`, of the faces at least `nearlyAsLarge` times that large, the one nearest the
 * frame centre. Two people almost the same size would otherwise swap as "main" from frame to
 * frame with the detector's jitter (restarting a verifier's window each time), while the person
 * in the middle is the one using the camera.
 */
export function mainFaceIndex(faces: readonly { keypoints: Readonly<Keypoints5>; box?: Readonly<Box> }[], frame?: { width: number; height: number }, nearlyAsLarge = 0.9): number {
  let main = -1, best = -Infinity;
  const iods = faces.map((f) => interocularDistance(f.keypoints));
  iods.forEach((d, i) => { if (d > best) { best = d; main = i; } });
  if (!frame || main < 0) return main;
  let nearest = Infinity;
  iods.forEach((d, i) => {
    if (d < nearlyAsLarge * best) return;
    const c = offCentre(faces[i]!, frame);
    if (c < nearest) { nearest = c; main = i; }
  });
  return main;
}

/**
 * Checks the faces of one frame against the thresholds (defaults: {@link
 * DEFAULT_QUALITY_THRESHOLDS}). The main face is {@link mainFaceIndex}'s (the largest, or of
 * nearly-largest faces the most central); every check is made on it, and every failure is reported.
 */
export function assessQuality(
  faces: readonly FaceQualityInput[],
  frame: { width: number; height: number },
  thresholds: Partial<QualityThresholds> = {},
): QualityReport {
  const t = resolveQualityThresholds(thresholds);
  if (faces.length === 0) return { ok: false, codes: ['no-face'], main: -1, background: [] };

  const iods = faces.map((f) => interocularDistance(f.keypoints));
  const main = mainFaceIndex(faces, frame);
  const failed = new Set<QualityCode>();
  const background: number[] = [];
  const mainOffCentre = offCentre(faces[main]!, frame);
  for (let i = 0; i < faces.length; i++) {
    if (i === main) continue;
    const large = iods[i]! >= t.multipleFaceRatio * iods[main]!;
    const bystander = t.bystanderDistance > 0 && offCentre(faces[i]!, frame) - mainOffCentre >= t.bystanderDistance * iods[main]!;
    if (large && !bystander) failed.add('multiple-faces');
    else background.push(i);
  }

  const face = faces[main]!;
  const [x1, y1, x2, y2] = face.box;
  const interocular = iods[main]!;
  const faceFraction = (y2 - y1) / frame.height;
  const pose = face.pose ?? headPoseFromKeypoints(face.keypoints);
  if (faceSizeForGate(face.keypoints) < t.minInterocular) failed.add('too-small');
  if (faceFraction > t.maxFaceFraction) failed.add('too-close');
  const mx = t.edgeMargin * frame.width, my = t.edgeMargin * frame.height;
  const inside = x1 >= mx && y1 >= my && x2 <= frame.width - mx && y2 <= frame.height - my;
  const cx = (x1 + x2) / 2 - frame.width / 2, cy = (y1 + y2) / 2 - frame.height / 2;
  const centred = Math.abs(cx) <= (t.centerRegion / 2) * frame.width && Math.abs(cy) <= (t.centerRegion / 2) * frame.height;
  if (!inside || !centred) failed.add('off-center');
  if (Math.abs(pose.yaw) > t.maxYaw || Math.abs(pose.pitch) > t.maxPitch) failed.add('turned');
  if (face.luma) {
    if (face.luma.mean < t.minMeanLuma || face.luma.darkFraction > t.maxDarkFraction) failed.add('too-dark');
    if (face.luma.mean > t.maxMeanLuma || face.luma.brightFraction > t.maxBrightFraction) failed.add('too-bright');
  }
  if (face.sharpness !== undefined && face.sharpness < t.minSharpness) failed.add('blurry');
  if (face.eyesOpen !== undefined && face.eyesOpen < t.minEyesOpen) failed.add('eyes-closed');

  const measures: QualityMeasures = { interocular, faceFraction, pose };
  if (face.sharpness !== undefined) measures.sharpness = face.sharpness;
  if (face.luma) measures.luma = face.luma;
  if (face.eyesOpen !== undefined) measures.eyesOpen = face.eyesOpen;
  const codes = QUALITY_CODE_ORDER.filter((c) => failed.has(c));
  return { ok: codes.length === 0, codes, main, background, measures };
}

/** `report` with `code` added (in {@link QUALITY_CODE_ORDER}) and `ok` false: a check made outside `assessQuality`, over frames. */
export function withQualityCode(report: QualityReport, code: QualityCode): QualityReport {
  if (report.codes.includes(code)) return report;
  const codes = QUALITY_CODE_ORDER.filter((c) => c === code || report.codes.includes(c));
  return { ...report, ok: false, codes };
}
