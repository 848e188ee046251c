import { iou, type Box } from '../geometry/box.js';
import type { Keypoints5 } from '../model-io/detection-types.js';
import { createKeypointSmoother, createOneEuroFilter, KEYPOINT_SMOOTHING_DEFAULTS, type KeypointSmoother, type OneEuroFilter, type OneEuroOptions } from './one-euro.js';
import { InvalidOptionError } from '../errors.js';

export interface TrackerOptions {
  /**
   * A detection continues a track when the IoU of its box with the track's predicted box is at
   * least this. 0.3 is the usual value of IoU trackers (SORT, Bewley et al. 2016, uses 0.3);
   * frame-to-frame IoU of one face at webcam rates is far above it.
   * @defaultValue 0.3
   */
  iouThreshold?: number;
  /**
   * A track is dropped after this many consecutive updates without a detection. At 30 fps, 3
   * bridges a detector's occasional miss (~0.1 s) without keeping a face that left.
   * @defaultValue 3
   */
  maxMissed?: number;
  /**
   * `shouldRunFull()` asks for a full-frame detection at least once every this many updates
   * (counting update() calls), so faces entering the frame are found within `fullEvery` frames.
   * @defaultValue 10
   */
  fullEvery?: number;
  /**
   * The constant-velocity prediction moves a box at most this many box widths (x) / heights (y)
   * away from where it was last seen. Half a box: detector jitter over a short frame interval
   * makes a noisy velocity, and measured on the fake camera a full box of shift after a slow
   * frame threw every prediction off its face; half a box still overlaps the last position.
   * @defaultValue 0.5
   */
  maxPredictShift?: number;
  /**
   * A predicted shift smaller than this many box widths (x) / heights (y) is not applied: it is
   * the detector's own jitter times a frame interval that depends on how busy the machine is, and
   * a region crop is far larger than it. Without the band a still face's region crops moved by a
   * pixel or two with the machine's timing, and with them the keypoints and the liveness crop:
   * the same still stream read 0.87 in one run and 0.89 in another.
   * @defaultValue 0.04
   */
  predictDeadBand?: number;
  /** 1€ parameters for `smoothedKeypoints` and `smoothedBox` (pixels). @defaultValue {@link KEYPOINT_SMOOTHING_DEFAULTS} */
  smoothing?: OneEuroOptions;
}

export const TRACKER_DEFAULTS: Readonly<Required<Omit<TrackerOptions, 'smoothing'>>> = Object.freeze({
  iouThreshold: 0.3, maxMissed: 3, fullEvery: 10, maxPredictShift: 0.5, predictDeadBand: 0.04,
});

/**
 * 'full': the faces come from a detection over the whole frame. 'regions': only the boxes from
 * `regions()` were re-detected (in crops), so faces outside them could not have been found.
 * A track without a face counts a miss in both (in 'regions' its own crop was searched); the
 * mode drives the `fullEvery` count of `shouldRunFull()`.
 */
export type TrackMode = 'full' | 'regions';

/** A face with its identity over time: the input face's fields, plus the track's. */
export type TrackedFace<T> = T & {
  /** The input face itself (same object), for callers that keep their own type apart. */
  face: T;
  /** Unique within the tracker's life (monotonic; never reused, not even after reset()). */
  trackId: number;
  smoothedKeypoints: Keypoints5;
  smoothedBox: Box;
  /** Frames in which this track was detected, this one included. */
  age: number;
  /** Consecutive updates without a detection (0 in update()'s result; > 0 only in `tracks`). */
  missed: number;
};

export interface TrackRegion {
  trackId: number;
  /** The predicted box, not clipped to the frame (grow it for a crop: it is a face box). */
  box: Box;
}

export interface FaceTracker<T extends { box: Box; keypoints: Keypoints5 }> {
  /**
   * Associates `faces` with the live tracks and returns them with track data: one per input
   * face, in input order (so indices into `faces`, such as a quality report's, still apply).
   * Faces that match no track start new ones, in either mode; merging the same face found in
   * two overlapping crops (NMS) is the region pass's job. `trackHints[i]`, when given, is the
   * track face i is known to belong to (a region pass found it in that track's crop): it is
   * matched to that live track first, whatever the prediction says.
   */
  update(faces: readonly T[], timestampMs: number, mode: TrackMode, trackHints?: readonly (number | undefined)[]): TrackedFace<T>[];
  /**
   * The predicted boxes of the live tracks at `timestampMs` (default: one typical frame interval
   * after the last update), for re-detection in crops.
   */
  regions(timestampMs?: number): TrackRegion[];
  /**
   * True when the next frame should be detected in full: nothing is tracked, the last update
   * missed a track (it may have moved out of its region, or left), or `fullEvery` updates
   * have passed since the last full one.
   */
  shouldRunFull(): boolean;
  /** Every live track's latest face, including tracks coasting on misses (`missed > 0`). */
  readonly tracks: readonly TrackedFace<T>[];
  /** Forgets all tracks (ids keep counting up). */
  reset(): void;
}

interface Track<T> {
  id: number;
  /** What update() last returned for this track. */
  last: TrackedFace<T>;
  /** The last detected box (raw, not smoothed: the smoothed one lags). */
  box: Box;
  lastMs: number;
  /** Velocity of the box centre, px per ms. */
  vx: number;
  vy: number;
  hasVelocity: boolean;
  missed: number;
  age: number;
  kps: KeypointSmoother;
  boxFilters: OneEuroFilter[];
}

/** Resolves options against {@link TRACKER_DEFAULTS}; InvalidOptionError on values that cannot work. */
export function resolveTrackerOptions(options: TrackerOptions = {}): Required<TrackerOptions> {
  const o: Required<TrackerOptions> = {
    iouThreshold: options.iouThreshold ?? TRACKER_DEFAULTS.iouThreshold,
    maxMissed: options.maxMissed ?? TRACKER_DEFAULTS.maxMissed,
    fullEvery: options.fullEvery ?? TRACKER_DEFAULTS.fullEvery,
    maxPredictShift: options.maxPredictShift ?? TRACKER_DEFAULTS.maxPredictShift,
    predictDeadBand: options.predictDeadBand ?? TRACKER_DEFAULTS.predictDeadBand,
    // Complete, so the box filters (createOneEuroFilter has the paper's defaults) get pixel ones too.
    smoothing: {
      minCutoff: options.smoothing?.minCutoff ?? KEYPOINT_SMOOTHING_DEFAULTS.minCutoff,
      beta: options.smoothing?.beta ?? KEYPOINT_SMOOTHING_DEFAULTS.beta,
      dCutoff: options.smoothing?.dCutoff ?? KEYPOINT_SMOOTHING_DEFAULTS.dCutoff,
    },
  };
  if (!(o.iouThreshold > 0 && o.iouThreshold <= 1)) throw new InvalidOptionError(`iouThreshold must be in (0, 1], got ${o.iouThreshold}`);
  if (!(Number.isInteger(o.maxMissed) && o.maxMissed >= 1)) throw new InvalidOptionError(`maxMissed must be an integer ≥ 1, got ${o.maxMissed}`);
  if (!(Number.isInteger(o.fullEvery) && o.fullEvery >= 1)) throw new InvalidOptionError(`fullEvery must be an integer ≥ 1, got ${o.fullEvery}`);
  if (!(o.maxPredictShift >= 0 && Number.isFinite(o.maxPredictShift))) throw new InvalidOptionError(`maxPredictShift must be a finite number ≥ 0, got ${o.maxPredictShift}`);
  if (!(o.predictDeadBand >= 0 && o.predictDeadBand < 1)) throw new InvalidOptionError(`predictDeadBand must be a number in [0, 1), got ${o.predictDeadBand}`);
  createOneEuroFilter(o.smoothing); // validates the smoothing options now, not at the first face
  return o;
}

const centreX = (b: Readonly<Box>): number => (b[0] + b[2]) / 2;
const centreY = (b: Readonly<Box>): number => (b[1] + b[3]) / 2;
const clamp = (v: number, lim: number): number => Math.max(-lim, Math.min(lim, v));
const deadBand = (v: number, band: number): number => (Math.abs(v) < band ? 0 : v);

/** Weight of a new velocity measurement in the running estimate: one jittered box does not swing the prediction. */
const VELOCITY_GAIN = 0.5;
/** Weight of a new frame interval in the running estimate used by regions(). */
const INTERVAL_GAIN = 0.25;

/**
 * An IoU tracker for faces (SORT-like, without a Kalman filter): greedy association of
 * detections with constant-velocity predictions, 1€-smoothed keypoints and boxes per track,
 * and a schedule of full-frame vs. region detections.
 */
export function createFaceTracker<T extends { box: Box; keypoints: Keypoints5 }>(options: TrackerOptions = {}): FaceTracker<T> {
  const o = resolveTrackerOptions(options);
  let live: Track<T>[] = [];
  let nextId = 1;
  let regionsSinceFull = 0;
  let lostLast = false;
  let lastUpdateMs: number | undefined;
  let interval = 0;
  let snapshot: readonly TrackedFace<T>[] = [];

  function predict(t: Track<T>, timestampMs: number): Box {
    const b = t.box;
    if (!t.hasVelocity) return [b[0], b[1], b[2], b[3]];
    const dt = Math.max(0, timestampMs - t.lastMs);
    const dx = deadBand(clamp(t.vx * dt, o.maxPredictShift * (b[2] - b[0])), o.predictDeadBand * (b[2] - b[0]));
    const dy = deadBand(clamp(t.vy * dt, o.maxPredictShift * (b[3] - b[1])), o.predictDeadBand * (b[3] - b[1]));
    return [b[0] + dx, b[1] + dy, b[2] + dx, b[3] + dy];
  }

  function smoothBox(t: Omit<Track<T>, 'last'>, b: Readonly<Box>, timestampMs: number): Box {
    return [0, 1, 2, 3].map((k) => t.boxFilters[k]!.filter(b[k]!, timestampMs)) as Box;
  }

  function emit(t: Omit<Track<T>, 'last'>, face: T, timestampMs: number): TrackedFace<T> {
    return {
      ...face,
      face,
      trackId: t.id,
      smoothedKeypoints: t.kps.smooth(face.keypoints, timestampMs),
      smoothedBox: smoothBox(t, face.box, timestampMs),
      age: t.age,
      missed: 0,
    };
  }

  function startTrack(face: T, timestampMs: number): TrackedFace<T> {
    const core: Omit<Track<T>, 'last'> = {
      id: nextId++,
      box: [face.box[0], face.box[1], face.box[2], face.box[3]],
      lastMs: timestampMs,
      vx: 0, vy: 0, hasVelocity: false,
      missed: 0,
      age: 1,
      kps: createKeypointSmoother(o.smoothing),
      boxFilters: Array.from({ length: 4 }, () => createOneEuroFilter(o.smoothing)),
    };
    const t: Track<T> = { ...core, last: emit(core, face, timestampMs) };
    live.push(t);
    return t.last;
  }

  function continueTrack(t: Track<T>, face: T, timestampMs: number): TrackedFace<T> {
    const dt = timestampMs - t.lastMs;
    if (dt > 0) {
      const vx = (centreX(face.box) - centreX(t.box)) / dt;
      const vy = (centreY(face.box) - centreY(t.box)) / dt;
      if (t.hasVelocity) {
        t.vx += VELOCITY_GAIN * (vx - t.vx);
        t.vy += VELOCITY_GAIN * (vy - t.vy);
      } else {
        t.vx = vx; t.vy = vy; t.hasVelocity = true;
      }
    }
    t.box = [face.box[0], face.box[1], face.box[2], face.box[3]];
    t.lastMs = timestampMs;
    t.missed = 0;
    t.age++;
    t.last = emit(t, face, timestampMs);
    return t.last;
  }

  return {
    update(faces, timestampMs, mode, trackHints) {
      if (lastUpdateMs !== undefined) {
        const dt = timestampMs - lastUpdateMs;
        if (dt > 0) interval = interval > 0 ? interval + INTERVAL_GAIN * (dt - interval) : dt;
      }
      lastUpdateMs = timestampMs;

      const predicted = live.map((t) => predict(t, timestampMs));
      // Candidate pairs: overlapping enough, or (fast motion, a jump in size) centres close.
      const pairs: { ti: number; fi: number; iou: number; dist: number }[] = [];
      for (let ti = 0; ti < live.length; ti++) {
        const p = predicted[ti]!;
        const reach = 0.5 * (p[2] - p[0]);
        for (let fi = 0; fi < faces.length; fi++) {
          const b = faces[fi]!.box;
          const v = iou(p, b);
          const dist = Math.hypot(centreX(p) - centreX(b), centreY(p) - centreY(b));
          if (v >= o.iouThreshold || dist < reach) pairs.push({ ti, fi, iou: v, dist });
        }
      }
      pairs.sort((a, b) => b.iou - a.iou || a.dist - b.dist);

      const trackOf = new Int32Array(faces.length).fill(-1);
      const matched = new Uint8Array(live.length);
      // Known identities first (a face found in its own track's crop), then the IoU pairs.
      trackHints?.forEach((id, fi) => {
        const ti = id === undefined || fi >= faces.length ? -1 : live.findIndex((t) => t.id === id);
        if (ti !== -1 && !matched[ti]) { matched[ti] = 1; trackOf[fi] = ti; }
      });
      for (const { ti, fi } of pairs) {
        if (matched[ti] || trackOf[fi] !== -1) continue;
        matched[ti] = 1;
        trackOf[fi] = ti;
      }

      const out: TrackedFace<T>[] = new Array(faces.length);
      for (let fi = 0; fi < faces.length; fi++) {
        const ti = trackOf[fi]!;
        if (ti !== -1) out[fi] = continueTrack(live[ti]!, faces[fi]!, timestampMs);
      }

      lostLast = false;
      const kept: Track<T>[] = [];
      for (let ti = 0; ti < live.length; ti++) {
        const t = live[ti]!;
        if (!matched[ti]) {
          lostLast = true;
          t.missed++;
          if (t.missed >= o.maxMissed) continue;
        }
        kept.push(t);
      }
      live = kept;

      for (let fi = 0; fi < faces.length; fi++) {
        if (trackOf[fi] === -1) out[fi] = startTrack(faces[fi]!, timestampMs);
      }

      regionsSinceFull = mode === 'full' ? 0 : regionsSinceFull + 1;
      snapshot = live.map((t) => (t.missed === 0 ? t.last : { ...t.last, missed: t.missed }));
      return out;
    },

    regions(timestampMs) {
      const at = timestampMs ?? (lastUpdateMs ?? 0) + interval;
      return live.map((t) => ({ trackId: t.id, box: predict(t, at) }));
    },

    shouldRunFull() {
      return live.length === 0 || lostLast || regionsSinceFull >= o.fullEvery - 1;
    },

    get tracks() {
      return snapshot;
    },

    reset() {
      live = [];
      snapshot = [];
      regionsSinceFull = 0;
      lostLast = false;
      lastUpdateMs = undefined;
      interval = 0;
    },
  };
}
