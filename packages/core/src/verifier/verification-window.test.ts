// The verifier's window and decision logic on hand-made frames: what joins, what the person is
// told, when a decision is due, and the liveness verdict from the loop's aggregate.
import { describe, expect, it } from 'vitest';
import { headPoseFromKeypoints } from '../geometry/head-pose.js';
import type { Keypoints5 } from '../model-io/detection-types.js';
import { DEFAULT_QUALITY_THRESHOLDS } from '../quality/quality-gate.js';
import { createVerificationWindow, livenessModeFlags, type LivenessMode, type VerificationWindowOptions, type WindowFace, type WindowFrame } from './verification-window.js';

/** Face points in half inter-ocular distances (x right, y down, z towards the camera), as in head-turn.test.ts. */
const MODEL: [number, number, number][] = [[-1, 0, 0], [1, 0, 0], [0, 1.1, 1.22], [-0.8, 2, 0.21], [0.8, 2, 0.21]];
function turned(yawDeg: number): Keypoints5 {
  const a = (yawDeg * Math.PI) / 180, distance = 12;
  return MODEL.map(([x, y, z]) => {
    const xr = x * Math.cos(a) + z * Math.sin(a), zr = -x * Math.sin(a) + z * Math.cos(a);
    const k = 60 * distance / (distance - zr);
    return [320 + xr * k, 200 + y * k];
  }) as Keypoints5;
}

const PERSON = Float32Array.from([1, 0, 0, 0]);
const OPEN = { left: 0.99, right: 0.98 };
const SHUT = { left: 1e-5, right: 1e-5 };

function face(o: Partial<WindowFace> & { yaw?: number } = {}): WindowFace {
  const keypoints = turned(o.yaw ?? 0);
  return { trackId: 1, keypoints, measures: { pose: headPoseFromKeypoints(keypoints) }, embedding: PERSON, eyes: OPEN, livenessMedian: 0.9, ...o };
}
const good = (t: number, main: WindowFace = face()): WindowFrame => ({ timestamp: t * 66, ok: true, hint: null, pose: main.measures.pose, main });

function windowOf(liveness: LivenessMode, extra: Partial<VerificationWindowOptions> = {}) {
  return createVerificationWindow<string>({
    needed: 3, liveness, livenessThreshold: 0.5, minEyesOpen: DEFAULT_QUALITY_THRESHOLDS.minEyesOpen,
    maxYaw: DEFAULT_QUALITY_THRESHOLDS.maxYaw, maxPitch: DEFAULT_QUALITY_THRESHOLDS.maxPitch, ...extra,
  });
}

describe('createVerificationWindow', () => {
  it('passive: ready after `needed` good frames, keeps the last ones, and reads liveness from the loop median', () => {
    const w = windowOf('passive');
    const steps = [0, 1, 2, 3].map((t) => w.update(good(t, face({ livenessMedian: [0.6, 0.7, 0.8, 0.9][t], embedding: Float32Array.of(t, 0, 0, 0) })), () => `img${t}`));
    expect(steps.map((s) => s.ready)).toEqual([false, false, true, true]);
    expect(steps.map((s) => s.goodFrames)).toEqual([1, 2, 3, 3]);
    expect(w.embeddings.map((e) => e[0])).toEqual([1, 2, 3]);
    expect(w.frames.map((f) => f.kept)).toEqual(['img1', 'img2', 'img3']);
    expect(steps[3]!.livenessScore).toBeCloseTo(0.9, 12);
    expect(w.verdict()).toMatchObject({ live: true, reasons: [], score: 0.9, livenessThreshold: 0.5 });
  });

  it('passive: a window whose liveness median is low says not-live', () => {
    const w = windowOf('passive');
    let last;
    for (let t = 0; t < 3; t++) last = w.update(good(t, face({ livenessMedian: 0.2 })));
    expect(last).toMatchObject({ ready: true, hint: 'not-live' });
    expect(w.verdict()).toMatchObject({ live: false, reasons: ['not-live'], score: 0.2 });
    expect(w.blocking()).toEqual([{ code: 'not-live', frames: 1 }]);
  });

  it('a new main track restarts the window', () => {
    const w = windowOf('off');
    w.update(good(0)); w.update(good(1));
    expect(w.update(good(2, face({ trackId: 2 }))).goodFrames).toBe(1);
    expect(w.embeddings).toHaveLength(1);
    expect(w.verdict()).toMatchObject({ live: true, score: undefined, livenessThreshold: undefined });
  });

  it('a failed gate joins nothing and says why; a turned head is told which way to move', () => {
    const w = windowOf('off');
    expect(w.update({ timestamp: 0, ok: false, hint: 'too-dark', main: face({ embedding: undefined }) })).toMatchObject({ hint: 'too-dark', joined: false, goodFrames: 0 });
    const away = face({ yaw: 70, embedding: undefined });
    const step = w.update({ timestamp: 66, ok: false, hint: 'turned', pose: away.measures.pose, main: away });
    expect(['turn-left', 'turn-right']).toContain(step.hint);
    expect(w.update({ timestamp: 132, ok: false, hint: 'no-face' })).toMatchObject({ hint: 'no-face', ready: false });
    expect(w.blocking().map((b) => b.code).sort()).toEqual(['no-face', 'too-dark', step.hint].sort());
  });

  it('blink: eyes below the gate\'s own minEyesOpen stay out of the window, and a full window waits for a blink', () => {
    const w = windowOf('blink');
    const shut = w.update(good(0, face({ eyes: SHUT })));
    expect(shut).toMatchObject({ joined: false, goodFrames: 0 });
    // A score just above the threshold joins: the cut is the gate's, not a second one.
    const p = 2 * DEFAULT_QUALITY_THRESHOLDS.minEyesOpen;
    expect(w.update(good(1, face({ eyes: { left: p, right: p } }))).joined).toBe(true);
    w.update(good(2)); // open: the detector is armed
    const full = w.update(good(3));
    expect(full).toMatchObject({ ready: false, hint: 'blink-now', blinked: false });
    w.update(good(4, face({ eyes: SHUT })));
    const after = w.update(good(5));
    expect(after).toMatchObject({ ready: true, blinked: true });
    expect(w.verdict()).toMatchObject({ live: true, blinked: true, score: undefined });
  });

  it('turn: asks to face the camera, then each side; turned frames serve the challenge and never join', () => {
    const w = windowOf('turn', { headTurn: { order: ['left', 'right'] } });
    const steps = [0, 0, 0, 30, -30].map((yaw, t) => w.update(good(t, face({ yaw }))));
    expect(steps.slice(0, 3).map((s) => s.joined)).toEqual([true, true, true]);
    expect(steps[2]).toMatchObject({ ready: false, hint: 'look-left' });
    expect(steps[3]).toMatchObject({ joined: false, hint: 'look-right' });
    expect(steps[4]).toMatchObject({ joined: false, turned: true, ready: true, goodFrames: 3 });
    expect(w.verdict()).toMatchObject({ live: true, turned: true });
  });

  it('turn: tells how far the head is turned towards the side asked (a fraction of the yaw that counts)', () => {
    const w = windowOf('turn', { headTurn: { order: ['left', 'right'] } });
    const steps = [0, 10, -10].map((yaw, t) => w.update(good(t, face({ yaw }))));
    // The face-camera frame sets the reference; then 'left' (yaw > 0) is asked.
    expect(steps[0]!.turnProgress).toBe(0);
    expect(steps[1]!.turnProgress).toBeGreaterThan(0.3);
    expect(steps[1]!.turnProgress).toBeLessThan(0.7);
    expect(steps[2]!.turnProgress).toBe(0); // turned the other way
    const none = windowOf('passive').update(good(0, face({ yaw: 10 })));
    expect(none.turnProgress).toBeUndefined();
  });

  it("turn: the burst keeps the challenge's own frames (the frontal reference, then each counted side), each payload made once", () => {
    const w = windowOf('turn', { headTurn: { order: ['left', 'right'] } });
    let made = 0;
    const OTHER = Float32Array.from([0, 1, 0, 0]);
    // A frontal frame, someone else (the challenge restarts), the person again, then both turns.
    const frames = [face(), face({ trackId: 2, embedding: OTHER }), face({ trackId: 3 }), face({ trackId: 3, yaw: 10 }), face({ trackId: 3, yaw: 30 }), face({ trackId: 3, yaw: -30 })];
    frames.forEach((f, t) => w.update(good(t, f), () => { made++; return `img${t}`; }));
    // The burst: the reference, then each counted side (the frames between are closer than 250 ms to the last kept).
    expect(w.burst.map((f) => f.kept)).toEqual(['img2', 'img4', 'img5']);
    expect(w.burst.map((f) => Math.sign(Math.round(f.yaw)))).toEqual([0, 1, -1]);
    // Frames 0–3 joined the window (frame 2 is both a window frame and the reference), 4 and 5 only the challenge.
    expect(made).toBe(6);
    expect(windowOf('passive').burst).toEqual([]);
  });

  it('turn: the burst spans the challenge from its reference to the second side, at least 250 ms apart, with the challenge frames in it, and stops when passed', () => {
    const w = windowOf('turn', { headTurn: { order: ['left', 'right'] } });
    // 15 fps: 1 s facing the camera, a turn to the left and back, then to the right, then facing again.
    const yaws = [...Array(15).fill(0), ...[5, 10, 15, 20, 25, 30, 25, 15, 5], ...[0, -5, -10, -15, -20, -25, -30, -20, -10], ...Array(15).fill(0)];
    let made = 0;
    yaws.forEach((yaw, i) => w.update({ ...good(0, face({ yaw })), timestamp: Math.round(i * 1000 / 15) }, () => { made++; return String(i); }));
    const burst = w.burst.map((f) => f.kept!);
    const times = burst.map((i) => Math.round(Number(i) * 1000 / 15));
    // It starts at the reference (frame 0 of the challenge) and ends on the frame the right side was counted on (yaw −20°, frame 28).
    expect(burst[0]).toBe('0');
    expect(burst.at(-1)).toBe('28');
    expect(burst).toContain('18'); // the left side counted (yaw 20°)
    expect(times.slice(1).every((t, k) => t > times[k]!)).toBe(true);
    expect(burst.length).toBeGreaterThanOrEqual(6);
    // Only kept frames had their picture made (the window's own frames are made too).
    expect(made).toBeLessThan(yaws.length);
  });

  it('refuses unknown modes and thresholds outside [0, 1]', () => {
    expect(() => livenessModeFlags('wink' as LivenessMode)).toThrow(/liveness must be one of/);
    expect(() => windowOf('passive', { livenessThreshold: 2 })).toThrow(/livenessThreshold/);
    expect(livenessModeFlags('passive+turn')).toEqual({ passive: true, blink: false, turn: true });
  });
});
