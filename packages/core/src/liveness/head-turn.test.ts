// The head-turn challenge on keypoints of a 3-D face model turned in front of a pinhole camera,
// and of a flat picture of the same face moved by plane-to-plane maps.
import { describe, expect, it } from 'vitest';
import { headPoseFromKeypoints } from '../geometry/head-pose.js';
import type { Keypoints5 } from '../model-io/detection-types.js';
import { createHeadTurnChallenge, noseParallax, type HeadTurnSample } from './head-turn.js';

/** Face points in half inter-ocular distances (x right, y down, z towards the camera), MediaPipe's proportions. */
const MODEL: [number, number, number][] = [[-1, 0, 0], [1, 0, 0], [0, 1.1, 1.22], [-0.8, 2, 0.21], [0.8, 2, 0.21]];

/**
 * The model turned by `yawDeg` about the vertical axis (positive: nose to the image's right), seen
 * by a pinhole camera `distance` units away, 60 px a unit; `flat`: a frontal photo of it (all
 * points in one plane) turned the same way, as a print tilted in front of the camera.
 */
function turned(yawDeg: number, { distance = 12, flat = false } = {}): Keypoints5 {
  const a = (yawDeg * Math.PI) / 180;
  return MODEL.map(([x, y, z0]) => {
    const z = flat ? 0 : z0;
    const xr = x * Math.cos(a) + z * Math.sin(a), zr = -x * Math.sin(a) + z * Math.cos(a);
    const k = 60 * distance / (distance - zr);
    return [320 + xr * k, 200 + y * k];
  }) as Keypoints5;
}
/** A print tilted by `deg` close to the camera (3 units): the strongest perspective a hand can give it. */
const print = (deg: number) => turned(deg, { distance: 3, flat: true });

/** Unit embeddings: two people (orthogonal, cosine 0). */
const axis = (i: number) => Float32Array.from({ length: 8 }, (_, j) => (j === i ? 1 : 0));
const PERSON = axis(0), OTHER = axis(1);
const run = (c: ReturnType<typeof createHeadTurnChallenge>, frames: HeadTurnSample[]) => frames.map((f, i) => c.update(f, i * 66));

describe('noseParallax', () => {
  it('a turned head moves its nose off the eyes-and-mouth plane; a flat picture does not', () => {
    expect(noseParallax(turned(0), turned(25))!).toBeGreaterThan(0.12);
    expect(noseParallax(turned(0), turned(-25))!).toBeLessThan(-0.12);
    expect(Math.abs(noseParallax(print(0), print(70))!)).toBeLessThan(1e-6);
    // The keypoint pose estimate already reads such a print as barely turned (12.7° at 70°).
    expect(Math.abs(headPoseFromKeypoints(print(70)).yaw)).toBeLessThan(15);
  });
});

describe('createHeadTurnChallenge', () => {
  const sample = (kps: Keypoints5, embedding = PERSON): HeadTurnSample => ({ keypoints: kps, embedding });

  it('asks for the sides in its order and passes when both are turned with parallax', () => {
    const c = createHeadTurnChallenge({ order: ['right', 'left'] });
    expect(c.state.phase).toBe('face-camera');
    const states = run(c, [sample(turned(0)), sample(turned(30)), sample(turned(-30)), sample(turned(0)), sample(turned(30))]);
    expect(states[0]).toMatchObject({ phase: 'turn', asked: 'right' });
    // yaw +30 is the person's left: not asked yet, ignored.
    expect(states[1]).toMatchObject({ phase: 'turn', asked: 'right', done: [] });
    expect(states[2]).toMatchObject({ phase: 'turn', asked: 'left', done: ['right'] });
    expect(states[4]).toMatchObject({ phase: 'passed', done: ['right', 'left'], passedAtMs: 4 * 66 });
    expect(c.passed).toBe(true);
    // Someone else's face after the pass (a photo shown once a real person turned) takes it back:
    // the challenge starts over with that face as the reference.
    expect(c.update(sample(turned(0), OTHER), 5 * 66)).toMatchObject({ phase: 'turn', done: [], identityBreaks: 1 });
    expect(c.passed).toBe(false);
  });

  it('a print tilted both ways never counts: too little yaw, and where a low threshold lets the yaw pass, no parallax', () => {
    const tilts = [0, 40, 70, 40, 0, -40, -70, -40, 0].map((d) => sample(print(d)));
    const c = createHeadTurnChallenge({ order: ['left', 'right'] });
    expect(run(c, tilts).at(-1)).toMatchObject({ phase: 'turn', asked: 'left', done: [], flatTurns: 0 });
    const low = createHeadTurnChallenge({ order: ['left', 'right'], yawThreshold: 8, returnBelow: 3 });
    const s = run(low, tilts).at(-1)!;
    expect(s).toMatchObject({ phase: 'turn', done: [] });
    expect(s.flatTurns).toBeGreaterThan(0);
  });

  it('a still face never turns; a face that is not the reference person restarts it', () => {
    const still = createHeadTurnChallenge({ order: ['left', 'right'] });
    expect(run(still, Array(20).fill(sample(turned(2)))).at(-1)).toMatchObject({ phase: 'turn', done: [] });
    const c = createHeadTurnChallenge({ order: ['left', 'right'] });
    const states = run(c, [sample(turned(0)), sample(turned(30)), sample(turned(-30), OTHER), sample(turned(-30))]);
    expect(states[1]!.done).toEqual(['left']);
    // Another face: back to the start (it is turned, so it cannot become the reference).
    expect(states[2]).toMatchObject({ phase: 'face-camera', done: [], identityBreaks: 1 });
    expect(c.passed).toBe(false);
  });

  it('picks a random order and checks its options', () => {
    expect(createHeadTurnChallenge({ random: () => 0.2 }).update(sample(turned(0)), 0).asked).toBe('left');
    expect(createHeadTurnChallenge({ random: () => 0.7 }).update(sample(turned(0)), 0).asked).toBe('right');
    expect(() => createHeadTurnChallenge({ yawThreshold: 10, returnBelow: 10 })).toThrow(/returnBelow/);
    expect(() => createHeadTurnChallenge({ order: ['left', 'left'] })).toThrow(/both sides/);
  });
});
