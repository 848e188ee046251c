import { describe, expect, it } from 'vitest';
import type { Keypoints5 } from '../model-io/detection-types.js';
import type { Box } from './box.js';
import { boxInKeypointFrame, keypointFaceBox, KEYPOINT_BOX_TEMPLATE } from './keypoint-box.js';
import { ARCFACE_TEMPLATE_112 } from './similarity-transform.js';

/** The ArcFace template's keypoints scaled by `s` and moved by (dx, dy): a face whose alignment is exactly that. */
const face = (s: number, dx: number, dy: number): Keypoints5 => ARCFACE_TEMPLATE_112.map(([x, y]) => [x * s + dx, y * s + dy]) as Keypoints5;
const close = (a: Box, b: Box) => a.forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 6));

describe('keypointFaceBox and boxInKeypointFrame', () => {
  it('place the template box by the keypoints\' scale and position, and take it back', () => {
    const kps = face(2, 100, 50);
    close(keypointFaceBox(kps, [0, 0, 112, 112]), [100, 50, 324, 274]);
    close(boxInKeypointFrame([100, 50, 324, 274], kps), [0, 0, 112, 112]);
    const box: Box = [120, 60, 300, 290];
    close(keypointFaceBox(kps, boxInKeypointFrame(box, kps)), box);
  });

  it('moves with the face: the same template gives the same box relative to the keypoints', () => {
    const a = keypointFaceBox(face(1.5, 0, 0)), b = keypointFaceBox(face(1.5, 40, -10));
    close(b, [a[0] + 40, a[1] - 10, a[2] + 40, a[3] - 10]);
    expect(a[2] - a[0]).toBeCloseTo((KEYPOINT_BOX_TEMPLATE[2] - KEYPOINT_BOX_TEMPLATE[0]) * 1.5, 6);
  });
});
