import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../errors.js';
import { rng } from '@facekit/test-support/random';
import type { Box } from '../geometry/box.js';
import type { Keypoints5 } from '../model-io/detection-types.js';
import { createFaceTracker, resolveTrackerOptions } from './tracker.js';

interface Face { box: Box; keypoints: Keypoints5; name: string }

/** A face of size `s` centred at (cx, cy), with keypoints where a frontal face has them. */
function face(name: string, cx: number, cy: number, s = 80): Face {
  const x = cx - s / 2, y = cy - s / 2;
  return {
    name,
    box: [x, y, x + s, y + s],
    keypoints: [[x + 0.34 * s, y + 0.4 * s], [x + 0.66 * s, y + 0.4 * s], [x + 0.5 * s, y + 0.58 * s], [x + 0.37 * s, y + 0.76 * s], [x + 0.63 * s, y + 0.76 * s]],
  };
}

/** Deterministic uniform noise in [-1, 1]. */
const noise = (seed: number): (() => number) => { const r = rng(seed); return () => 2 * r() - 1; };

function shuffle<T>(a: T[], r: () => number): T[] {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(((r() + 1) / 2) * (i + 1)) % (i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

const FRAME_MS = 1000 / 30;

/** Counts, per name, how often its track id changed; a name seen under a new id is a switch. */
function idSwitches(history: Map<string, number[]>): number {
  let n = 0;
  for (const ids of history.values()) for (let i = 1; i < ids.length; i++) if (ids[i] !== ids[i - 1]) n++;
  return n;
}

function record(history: Map<string, number[]>, tracked: readonly { name: string; trackId: number }[]): void {
  for (const t of tracked) {
    const list = history.get(t.name) ?? [];
    list.push(t.trackId);
    history.set(t.name, list);
  }
}

describe('createFaceTracker', () => {
  it('keeps the ids of 6 jittered faces panning for 200 frames (0 switches), full and region passes alike', () => {
    const tracker = createFaceTracker<Face>();
    const r = noise(7);
    const history = new Map<string, number[]>();
    let fullPasses = 0;
    for (let f = 0; f < 200; f++) {
      const faces: Face[] = [];
      for (let k = 0; k < 6; k++) {
        // A camera pan: everyone moves 5 px/frame right and 1.5 down (150 px/s), ±3 px jitter,
        // faces 120 px apart (centres) with ±4 px size noise.
        const cx = 100 + (k % 3) * 120 + f * 5 + 3 * r();
        const cy = 150 + Math.floor(k / 3) * 120 + f * 1.5 + 3 * r();
        faces.push(face(`f${k}`, cx, cy, 80 + 4 * r()));
      }
      const mode = tracker.shouldRunFull() ? 'full' : 'regions';
      if (mode === 'full') fullPasses++;
      const out = tracker.update(shuffle(faces, r), f * FRAME_MS, mode);
      expect(out).toHaveLength(6);
      record(history, out);
    }
    expect(idSwitches(history)).toBe(0);
    expect(new Set([...history.values()].map((ids) => ids[0])).size).toBe(6);
    expect(fullPasses).toBe(20); // one in `fullEvery` (10): no track was ever lost
    expect(tracker.tracks).toHaveLength(6);
  });

  it('keeps the ids of two faces of different sizes crossing each other', () => {
    const tracker = createFaceTracker<Face>();
    const r = noise(3);
    const history = new Map<string, number[]>();
    for (let f = 0; f < 60; f++) {
      const a = face('near', 100 + f * 8 + r(), 200 + r(), 110);
      const b = face('far', 580 - f * 8 + r(), 190 + r(), 70);
      record(history, tracker.update([b, a], f * FRAME_MS, 'full'));
    }
    expect(idSwitches(history)).toBe(0);
    expect(history.get('near')).toHaveLength(60);
  });

  it('keeps the ids when the far face is occluded for 4 frames at the crossing (coasting on its velocity)', () => {
    const tracker = createFaceTracker<Face>({ maxMissed: 5 });
    const history = new Map<string, number[]>();
    for (let f = 0; f < 50; f++) {
      const a = face('near', 100 + f * 8, 200, 110);
      const b = face('far', 580 - f * 12, 195, 80); // 360 px/s: 60 px between sightings, IoU 0.14
      const hidden = f >= 23 && f <= 26; // the centres cross at f = 24
      record(history, tracker.update(hidden ? [a] : [a, b], f * FRAME_MS, 'full'));
      if (hidden) expect(tracker.tracks.find((t) => t.name === 'far')?.missed).toBe(f - 22);
    }
    expect(idSwitches(history)).toBe(0);
    expect(history.get('far')).toHaveLength(46);
  });

  it('gives a face that leaves and comes back a new id (never a reused one)', () => {
    const tracker = createFaceTracker<Face>();
    const first = tracker.update([face('a', 200, 200)], 0, 'full')[0]!.trackId;
    for (let f = 1; f <= 3; f++) expect(tracker.update([], f * FRAME_MS, 'full')).toEqual([]);
    expect(tracker.tracks).toHaveLength(0);
    const second = tracker.update([face('a', 200, 200)], 4 * FRAME_MS, 'full')[0]!.trackId;
    expect(second).toBeGreaterThan(first);
    tracker.reset();
    const third = tracker.update([face('a', 200, 200)], 0, 'full')[0]!.trackId;
    expect(third).toBeGreaterThan(second);
  });

  it('bridges fewer than maxMissed misses', () => {
    const tracker = createFaceTracker<Face>({ maxMissed: 3 });
    const id = tracker.update([face('a', 200, 200)], 0, 'full')[0]!.trackId;
    tracker.update([], FRAME_MS, 'full');
    tracker.update([], 2 * FRAME_MS, 'full');
    expect(tracker.tracks.map((t) => [t.trackId, t.missed])).toEqual([[id, 2]]);
    const back = tracker.update([face('a', 203, 200)], 3 * FRAME_MS, 'full')[0]!;
    expect(back.trackId).toBe(id);
    expect(back.age).toBe(2);
    expect(back.missed).toBe(0);
  });

  it('predicts with the track’s velocity: regions() leads the last box; the prediction is clamped', () => {
    const tracker = createFaceTracker<Face>();
    for (let f = 0; f < 5; f++) tracker.update([face('a', 100 + 10 * f, 200)], f * FRAME_MS, 'full');
    const [reg] = tracker.regions();
    expect((reg!.box[0] + reg!.box[2]) / 2).toBeCloseTo(150, 6); // one frame on from x = 140
    const far = tracker.regions(10_000)[0]!.box; // 10 s on: clamped to half a box width
    expect((far[0] + far[2]) / 2).toBeCloseTo(140 + 40, 6);
  });

  it('matches a fast diagonal jump whose IoU is under the threshold when the centres are close', () => {
    const tracker = createFaceTracker<Face>();
    const id = tracker.update([face('a', 200, 200)], 0, 'full')[0]!.trackId;
    // 0.33 box sizes right and down: IoU 0.29 < 0.3, centre distance 0.47 widths < 0.5.
    const out = tracker.update([face('a', 200 + 26.4, 200 + 26.4)], FRAME_MS, 'full');
    expect(out[0]!.trackId).toBe(id);
    // 0.4 box sizes right and down (distance 0.57 widths, IoU 0.22): a different face.
    const t2 = createFaceTracker<Face>();
    const id2 = t2.update([face('a', 200, 200)], 0, 'full')[0]!.trackId;
    expect(t2.update([face('a', 232, 232)], FRAME_MS, 'full')[0]!.trackId).not.toBe(id2);
  });

  it('breaks IoU ties by centre distance', () => {
    const tracker = createFaceTracker<Face>();
    const [a] = tracker.update([face('a', 100, 100, 40)], 0, 'full');
    // Two detections with IoU 0 against the track; the nearer centre wins.
    const out = tracker.update([face('x', 128, 100, 10), face('y', 119, 100, 10)], FRAME_MS, 'full');
    expect(out.find((f) => f.name === 'y')!.trackId).toBe(a!.trackId);
    expect(out.find((f) => f.name === 'x')!.trackId).not.toBe(a!.trackId);
  });

  it('schedules full passes: no tracks, every fullEvery updates, and after a miss in a region pass', () => {
    const tracker = createFaceTracker<Face>({ fullEvery: 4 });
    expect(tracker.shouldRunFull()).toBe(true); // nothing tracked
    const two = [face('a', 100, 100), face('b', 400, 100)];
    tracker.update(two, 0, 'full');
    const schedule: boolean[] = [];
    for (let f = 1; f <= 8; f++) {
      const full = tracker.shouldRunFull();
      schedule.push(full);
      tracker.update(two, f * FRAME_MS, full ? 'full' : 'regions');
    }
    expect(schedule).toEqual([false, false, false, true, false, false, false, true]);
    // A region pass that misses 'b' forces a full pass next.
    tracker.update([face('a', 100, 100)], 9 * FRAME_MS, 'regions');
    expect(tracker.shouldRunFull()).toBe(true);
    const out = tracker.update(two, 10 * FRAME_MS, 'full');
    expect(out).toHaveLength(2);
    expect(tracker.shouldRunFull()).toBe(false);
    tracker.update([], 11 * FRAME_MS, 'full');
    expect(tracker.shouldRunFull()).toBe(true);
  });

  it('returns one tracked face per input face, in input order, in both modes', () => {
    const tracker = createFaceTracker<Face>();
    tracker.update([face('a', 100, 100), face('b', 300, 100)], 0, 'full');
    const out = tracker.update([face('new', 500, 300), face('b', 302, 100), face('a', 101, 100)], FRAME_MS, 'regions');
    expect(out.map((f) => f.name)).toEqual(['new', 'b', 'a']);
    expect(out.map((f) => f.trackId)).toEqual([3, 2, 1]);
    expect(out.map((f) => f.age)).toEqual([1, 2, 2]);
  });

  it('returns the input’s own fields, the input face, and smoothed keypoints and box', () => {
    const tracker = createFaceTracker<Face>();
    const input = face('a', 100, 100);
    const [out] = tracker.update([input], 0, 'full');
    expect(out!.name).toBe('a');
    expect(out!.face).toBe(input);
    expect(out!.smoothedBox).toEqual(input.box);
    expect(out!.smoothedKeypoints).toEqual(input.keypoints);
    const moved = face('a', 110, 100);
    const [next] = tracker.update([moved], FRAME_MS, 'full');
    expect(next!.smoothedBox[0]).toBeGreaterThan(input.box[0]);
    expect(next!.smoothedBox[0]).toBeLessThan(moved.box[0]);
    expect(next!.smoothedKeypoints[0][0]).toBeLessThan(moved.keypoints[0][0]);
  });

  it('a still face jittering by a pixel gets the same region crop whatever the frame timing (dead band); a moving one is still predicted', () => {
    // Frames taken at `times` (ms); the crop asked for one typical interval after each.
    const crops = (times: number[], jitter: number, step: number): Box[] => {
      const tracker = createFaceTracker<Face>();
      const n = noise(3);
      return times.map((t, i) => {
        tracker.update([face('a', 200 + i * step + jitter * n(), 150 + jitter * n(), 100)], t, 'full');
        return tracker.regions()[0]!.box;
      });
    };
    const even = Array.from({ length: 8 }, (_, i) => i * 33);
    // A busy machine: the frames the loop gets to are 33 to 300 ms apart.
    const busy = [0, 33, 300, 366, 400, 700, 733, 1000];
    expect(crops(busy, 1.5, 0)).toEqual(crops(even, 1.5, 0));
    // 6 px a frame is real motion (6 % of the box): the prediction leads the last box.
    const moving = crops(even, 0, 6).at(-1)!;
    expect(moving[0]).toBeGreaterThan(200 + 7 * 6 - 50 + 3);
  });

  it('completes partial smoothing options with the pixel defaults', () => {
    expect(resolveTrackerOptions({ smoothing: { minCutoff: 2 } }).smoothing).toEqual({ minCutoff: 2, beta: 0.05, dCutoff: 1 });
  });

  it('rejects nonsense options', () => {
    expect(() => resolveTrackerOptions({ iouThreshold: 0 })).toThrow(InvalidOptionError);
    expect(() => resolveTrackerOptions({ maxMissed: 0.5 })).toThrow(InvalidOptionError);
    expect(() => resolveTrackerOptions({ fullEvery: 0 })).toThrow(InvalidOptionError);
    expect(() => resolveTrackerOptions({ maxPredictShift: -1 })).toThrow(InvalidOptionError);
    expect(() => resolveTrackerOptions({ predictDeadBand: 1 })).toThrow(InvalidOptionError);
    expect(() => createFaceTracker({ smoothing: { minCutoff: -1 } })).toThrow(InvalidOptionError);
  });
});

describe('track hints (a region pass knows whose crop a face came from)', () => {
  it('a face found in a track\'s crop keeps that track even when the prediction is far off', () => {
    const tr = createFaceTracker<{ box: Box; keypoints: Keypoints5 }>();
    const at = (x: number): { box: Box; keypoints: Keypoints5 } => ({ box: [x, 100, x + 40, 150], keypoints: [[x + 12, 115], [x + 28, 115], [x + 20, 125], [x + 14, 138], [x + 26, 138]] });
    const [a] = tr.update([at(100)], 0, 'full');
    tr.update([at(104)], 33, 'regions', [a!.trackId]);
    // A long stall, then the face is 60 px away (more than a box): IoU alone would start a new track.
    const [b] = tr.update([at(164)], 1000, 'regions', [a!.trackId]);
    expect(b!.trackId).toBe(a!.trackId);
    const [c] = tr.update([at(400)], 1033, 'full');
    expect(c!.trackId).not.toBe(a!.trackId);
  });
});
