import type { Keypoints5 } from '../model-io/detection-types.js';
import { ARCFACE_TEMPLATE_112 } from './similarity-transform.js';
import { checkPoints } from './check-points.js';

/** Head orientation in degrees (image orientation, see {@link headPoseFromKeypoints}). */
export interface HeadPose {
  /** > 0: the face is turned towards the image's right (its nose points right). */
  yaw: number;
  /** > 0: looking up. */
  pitch: number;
  /** > 0: the head is tilted clockwise in the image (the eye line turns clockwise). */
  roll: number;
}

/**
 * Depth of the nose tip and of the mouth corners in front of the eyes, in half inter-ocular
 * distances, from MediaPipe's canonical face model (mediapipe/modules/face_geometry/data/
 * canonical_face_model.obj, Apache-2.0, in cm): nose tip (vertex 1) 3.85 cm and mouth corners
 * (61, 291) 0.66 cm in front of the mean of each eye's 16 contour vertices, whose centres are
 * 6.32 cm apart (3.16 cm = 1 unit). The yaw and pitch scale with these: a face with a
 * flatter nose than the model reads as turned less than it is.
 */
export const FACE_MODEL_NOSE_DEPTH = 1.22;
export const FACE_MODEL_MOUTH_DEPTH = 0.21;

interface Measured {
  roll: number;
  /** Half the inter-ocular distance, px. */
  half: number;
  /** Nose and mouth midpoint in the de-rolled frame: origin at the eyes' midpoint, u along the eye line, v down. */
  un: number; vn: number;
  um: number; vm: number;
}

function measure(kps: Readonly<Keypoints5>): Measured {
  const [le, re, n, lm, rm] = kps;
  const ex = (le[0] + re[0]) / 2, ey = (le[1] + re[1]) / 2;
  const dx = re[0] - le[0], dy = re[1] - le[1];
  const iod = Math.hypot(dx, dy);
  // Image y points down, so atan2(dy, dx) > 0 is a clockwise turn of the eye line.
  const roll = Math.atan2(dy, dx);
  const c = iod > 0 ? dx / iod : 1, s = iod > 0 ? dy / iod : 0;
  const mx = (lm[0] + rm[0]) / 2 - ex, my = (lm[1] + rm[1]) / 2 - ey;
  const nx = n[0] - ex, ny = n[1] - ey;
  return { roll, half: iod / 2, un: nx * c + ny * s, vn: -nx * s + ny * c, um: mx * c + my * s, vm: -mx * s + my * c };
}

/** The frontal face's 2-D layout, from the ArcFace template, in half inter-ocular distances. */
const TEMPLATE = (() => {
  const t = ARCFACE_TEMPLATE_112;
  const m = measure([t[0]!, t[1]!, t[2]!, t[3]!, t[4]!]);
  return { noseDrop: m.vn / m.half, mouthDrop: m.vm / m.half };
})();

/**
 * An estimate of the head pose from the 5 keypoints alone, with no fitting and no model run:
 * the face is taken to be a rigid 5-point model (the ArcFace template's frontal layout with the
 * depths FACE_MODEL_NOSE_DEPTH and FACE_MODEL_MOUTH_DEPTH) seen in orthographic
 * projection. It is an estimate: it assumes average proportions, so a person whose nose sits
 * lower or protrudes less than the model's reads a few degrees off, consistently (fine for
 * "is the face turned/tilted", not a measurement).
 *
 * - roll: the angle of the eye line.
 * - pitch: the eyes-to-mouth line is compared, after undoing the roll, with where the nose tip
 *   sits on it: looking up lifts the protruding nose towards the eye line. With r the nose's
 *   fraction of the eye-to-mouth drop, b and d the template's nose and mouth drops and zn, zm
 *   the depths: tan(pitch) = (b − r·d) / (zn − r·zm).
 * - yaw: the nose tip's horizontal offset from the eye-midpoint–mouth-midpoint line, over half
 *   the inter-ocular distance. That distance shrinks with cos(yaw), so the ratio goes as
 *   tan(yaw): tan(yaw) = offset / (iod/2) / √((b − r·d)² + (zn − r·zm)²).
 *
 * Exact for the model under any pose R = Rz(roll)·Ry(yaw)·Rx(pitch) (pitch about the head's
 * ear-to-ear axis first, then yaw about the image's vertical axis, then roll in the image
 * plane), up to ±90°. Measured on other faces (head-pose.test.ts): MediaPipe's canonical face,
 * whose nose sits lower, reads yaw within 0.8° and pitch 5.3° low (constant) in orthographic
 * projection; seen by a webcam (60° field of view, 60 cm), perspective enlarges the nearer nose
 * and it reads yaw within 5° (30° reads as 34–35°) and pitch within 10° over yaw ±30°, pitch ±15°.
 * Angles are in the image's orientation: for a mirrored (selfie) preview, flip the yaw's sign to
 * get the user's left/right.
 */
export function headPoseFromKeypoints(kps: Readonly<Keypoints5>): HeadPose {
  checkPoints(kps, 5, 'keypoints');
  const m = measure(kps);
  const { noseDrop: b, mouthDrop: d } = TEMPLATE;
  const zn = FACE_MODEL_NOSE_DEPTH, zm = FACE_MODEL_MOUTH_DEPTH;
  const h = m.vm;
  // The formulas above multiplied through by h (r = vn / h), so that h = 0 stays finite.
  const B = b * h - d * m.vn;
  const D = zn * h - zm * m.vn;
  const pitch = Math.atan2(B, D);
  const yaw = Math.atan2(m.un * h - m.um * m.vn, m.half * Math.hypot(B, D));
  const deg = 180 / Math.PI;
  return { yaw: yaw * deg, pitch: pitch * deg, roll: m.roll * deg };
}
