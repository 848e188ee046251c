// The live loop: take the newest frame, send it to a worker with what this frame needs (full
// detection or only crops around tracked faces), attach track ids, smooth keypoints for display,
// aggregate liveness per track, hand the result on, repeat. One frame in flight at a time; while
// it is processed, newer frames replace each other in the source's single slot.
import {
  createCropAnchor, createEyesClosedFilter, createFaceTracker, createScoreWindow, DEFAULT_QUALITY_THRESHOLDS, eyesOpenScore, withQualityCode,
  type AttributeKind, type Box, type CropAnchor, type EyesClosedFilter, type FaceAttributes, type FrameAnalysis, type FrameFace, type FrameRequest,
  type Keypoints5, type LivenessAnchor, type QualityCode, type QualityReport, type QualityThresholds, type ScoreWindow,
} from '@facekit/core';
import { AbortedError, FaceKitError, InvalidOptionError, QueueFullError, WorkerCrashedError } from '../errors.js';
import type { FrameSource, SourceFrame } from './frame-source.js';

const MAX_CRASHES_IN_A_ROW = 3;

/** Options of `kit.createVideoLoop`. Every field is optional. */
export interface VideoLoopOptions {
  /**
   * Detector input for full-frame passes. Webcam faces are large: 320 finds a face with eyes
   * 30 px apart or more in a 640×480 frame, at a third of the cost of 640 (see README, "Live video").
   * @defaultValue 320
   */
  inputSize?: number;
  /** Detector score threshold. @defaultValue 0.5 */
  minScore?: number;
  /** Run a full-frame detection at least every this many frames (new faces appear there). @defaultValue 10 */
  fullDetectionEvery?: number;
  /** Detector input for the crop around each tracked face between full passes. @defaultValue 160 */
  regionInputSize?: number;
  /** Quality gate thresholds (see `QualityThresholds`). */
  quality?: Partial<QualityThresholds>;
  /** Eye-open probabilities for the main face (loads fr_eye). @defaultValue false */
  eyes?: boolean;
  /** Passive liveness (MiniFASNet V2 + V1SE) for the main face. @defaultValue false */
  liveness?: boolean;
  /** Frames whose liveness scores are aggregated per track (median). @defaultValue 5 */
  livenessWindow?: number;
  /** Embed the main face (flip test when `flip`). @defaultValue false */
  embed?: boolean;
  /** @defaultValue false */
  flip?: boolean;
  /**
   * Attributes per tracked face (see `FaceAttributes`): 'age', 'gender', 'expression', 'pose',
   * 'eyes', 'landmarks'. Their models load when the loop starts. @defaultValue []
   */
  attributes?: AttributeKind[];
  /**
   * How often attributes run: `'track'`, once per track (age, gender: they do not change), or a
   * number N, on every Nth processed frame (pose, eyes, landmarks: 1 follows every frame). Each
   * face carries its track's latest attributes in between. @defaultValue 'track'
   */
  attributesEvery?: 'track' | number;
  /** Skip liveness and embedding on frames that fail the quality gate. @defaultValue false */
  onlyWhenOk?: boolean;
  /** Stop taking frames while the page is hidden (they are closed unseen). @defaultValue true */
  pauseWhenHidden?: boolean;
  /**
   * Hand each processed frame's picture to `onFrame` as `result.image`, for snapshots of the
   * frames a decision was made on (the verifier's `capture()`). The receiver owns it and must
   * `close()` it. @defaultValue false
   */
  keepImage?: boolean;
  /** Called with every processed frame, in order. */
  onFrame?: (result: VideoFrameResult) => void;
  /** Stops the loop. */
  signal?: AbortSignal;
}

/** A face in a processed video frame. */
export interface VideoFace extends FrameFace {
  /** Stable across frames while the face stays tracked. */
  trackId: number;
  /** Keypoints and box smoothed over time (One-Euro filter), for drawing only: embeddings use the raw ones. */
  smoothedKeypoints: Keypoints5;
  smoothedBox: Box;
  /** Median passive liveness of this track over the last `livenessWindow` scored frames. */
  livenessMedian?: number;
  /** This track's latest attributes (with `attributes`), computed on frame `attributesFrame`. */
  attributes?: FaceAttributes;
  attributesFrame?: number;
}

export interface VideoFrameResult {
  /**
   * The frame's own timestamp, ms, increasing: its capture time from a camera track, or, for a
   * `<video>` read through requestVideoFrameCallback, when it was shown (page clock), since a
   * file's media time starts over when it loops.
   */
  timestamp: number;
  /** Timestamp of the newest frame the camera had delivered when this result was ready. */
  newestTimestamp: number;
  /** 0, 1, 2 … over processed frames. */
  frameIndex: number;
  width: number;
  height: number;
  /** 'full': detection over the whole frame; 'regions': only around tracked faces. */
  mode: FrameAnalysis['mode'];
  inputSize: number;
  faces: VideoFace[];
  /** The quality gate on this frame; `quality.main` indexes `faces`. */
  quality: QualityReport;
  /** The first blocking quality code (for a UI hint), or null when the frame is good. */
  hint: QualityCode | null;
  /** Milliseconds: worker stages, time in the worker, and the whole round trip. */
  timings: FrameAnalysis['timings'] & { worker: number; roundTrip: number };
  /** With `keepImage`: this frame's picture, owned by the receiver (close() it). */
  image?: VideoFrame | ImageBitmap;
}

export interface VideoLoopStats {
  processed: number;
  /** Frames the camera delivered, and those replaced by a newer one before processing. */
  received: number;
  dropped: number;
  hiddenDropped: number;
  /** Frames waiting now: 0 or 1. */
  pending: number;
  fullPasses: number;
  regionPasses: number;
  /**
   * Frames lost without a result: the worker died while running them (it is replaced and the
   * loop goes on) or the kit's call queue was full. Three crashes in a row stop the loop.
   */
  failed: number;
  path: FrameSource['stats']['path'];
}

export interface VideoLoop {
  /** Resolves when the loop stops (stop(), the signal, or the source ending); rejects with the error that stopped it. */
  readonly done: Promise<VideoLoopStats>;
  readonly stats: Readonly<VideoLoopStats>;
  readonly running: boolean;
  /** Stops taking frames, waits for the frame in flight, releases every frame. */
  stop(): Promise<VideoLoopStats>;
}

/** A second reference to a frame's picture, which outlives the frame's transfer to the worker. */
async function keepPicture(image: VideoFrame | ImageBitmap): Promise<VideoFrame | ImageBitmap> {
  return 'clone' in image ? image.clone() : createImageBitmap(image);
}

/** What the kit provides: one frame through a worker. */
export type FrameProcessor = (frame: SourceFrame, request: FrameRequest, signal: AbortSignal) => Promise<FrameAnalysis & { workerMs: number }>;

const positive = (v: number | undefined, name: string, fallback: number, integer = false): number => {
  if (v === undefined) return fallback;
  if (!Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v))) throw new InvalidOptionError(`${name} must be a positive ${integer ? 'integer' : 'number'}, got ${v}`);
  return v;
};

export interface ResolvedLoopOptions {
  /** The quality gate's minEyesOpen: applied here per track, over frames (the worker does not gate on eyes). */
  minEyesOpen: number;
  inputSize: number;
  regionInputSize: number;
  fullDetectionEvery: number;
  livenessWindow: number;
  attributesEvery: 'track' | number;
}

export function resolveLoopOptions(o: VideoLoopOptions): ResolvedLoopOptions {
  return {
    minEyesOpen: o.quality?.minEyesOpen ?? DEFAULT_QUALITY_THRESHOLDS.minEyesOpen,
    inputSize: positive(o.inputSize, 'inputSize', 320),
    regionInputSize: positive(o.regionInputSize, 'regionInputSize', 160),
    fullDetectionEvery: positive(o.fullDetectionEvery, 'fullDetectionEvery', 10, true),
    livenessWindow: positive(o.livenessWindow, 'livenessWindow', 5, true),
    attributesEvery: o.attributesEvery === undefined || o.attributesEvery === 'track' ? 'track' : positive(o.attributesEvery, 'attributesEvery', 1, true),
  };
}

/**
 * Starts the loop on `frames` (a camera or video opened with `createFrameSource`; the loop closes
 * it when it stops). `buildRequest` turns the per-frame decision (full or regions) into the
 * worker request; `process` runs it.
 */
export function startVideoLoop(
  frames: FrameSource,
  options: VideoLoopOptions,
  resolved: ResolvedLoopOptions,
  buildRequest: (regions: readonly Box[] | undefined, attributesDue: boolean) => FrameRequest,
  process: FrameProcessor,
): VideoLoop {
  const tracker = createFaceTracker<FrameFace>({ fullEvery: resolved.fullDetectionEvery });
  const windows = new Map<number, ScoreWindow>();
  const attributes = new Map<number, { value: FaceAttributes; frame: number }>();
  // Eyes-closed per track, with hysteresis: a single reading near the threshold cannot flip the gate.
  const eyeFilters = new Map<number, EyesClosedFilter>();
  // Liveness crops per track from one averaged box (see crop-anchor.ts), whichever pass ran.
  const anchors = new Map<number, CropAnchor>();
  const wantsAttributes = (options.attributes?.length ?? 0) > 0;
  // Once per track: while some track has none yet (new faces become tracks on a full pass).
  const attributesDue = (frameIndex: number): boolean => wantsAttributes && (resolved.attributesEvery === 'track'
    ? tracker.tracks.length === 0 || tracker.tracks.some((t) => !attributes.has(t.trackId))
    : frameIndex % resolved.attributesEvery === 0);
  const stats: VideoLoopStats = { processed: 0, received: 0, dropped: 0, hiddenDropped: 0, pending: 0, fullPasses: 0, regionPasses: 0, failed: 0, path: frames.stats.path };
  let crashesInARow = 0;
  const sync = () => {
    const s = frames.stats;
    stats.received = s.received; stats.dropped = s.dropped; stats.hiddenDropped = s.hiddenDropped; stats.pending = s.pending; stats.path = s.path;
  };
  const stopper = new AbortController();
  let running = true;
  const onAbort = () => { stopper.abort(); frames.close(); };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  // Region passes pay one small detector run per face: only worth it while cheaper than one full pass.
  const regionCost = (resolved.regionInputSize / resolved.inputSize) ** 2;

  const loop = async (): Promise<VideoLoopStats> => {
    try {
      if (options.signal?.aborted) throw new AbortedError();
      for (;;) {
        const frame = await frames.next();
        if (!frame) break;
        if (stopper.signal.aborted) { frame.close(); break; }
        const regions = tracker.shouldRunFull() ? undefined : tracker.regions();
        const useRegions = regions !== undefined && regions.length > 0 && regions.length * regionCost < 1;
        const request = buildRequest(useRegions ? regions.map((r) => r.box) : undefined, attributesDue(stats.processed));
        if (options.liveness) {
          const livenessAnchors: LivenessAnchor[] = [];
          for (const r of regions ?? tracker.regions()) {
            const a = anchors.get(r.trackId);
            if (a?.template && a.steady) livenessAnchors.push({ box: r.box, template: a.template, steady: a.steady });
          }
          if (livenessAnchors.length) request.livenessAnchors = livenessAnchors;
        }
        const { timestamp, width, height } = frame;
        // The frame itself is transferred to the worker: a kept picture is a second reference
        // (a VideoFrame clone shares the camera buffer; no pixel copy).
        const kept = options.keepImage ? await keepPicture(frame.image) : undefined;
        const t0 = performance.now();
        let result: FrameAnalysis & { workerMs: number };
        try {
          result = await process(frame, request, stopper.signal);
        } catch (e) {
          kept?.close();
          if (stopper.signal.aborted) break;
          // A lost frame is not the end of a live session: the pool replaces a dead worker, and a
          // full queue empties. The tracker simply sees the next frame.
          const crashed = e instanceof WorkerCrashedError;
          if (!(crashed || e instanceof QueueFullError) || (crashed && ++crashesInARow >= MAX_CRASHES_IN_A_ROW)) throw e;
          stats.failed++;
          continue;
        }
        crashesInARow = 0;
        const roundTrip = performance.now() - t0;
        if (result.mode === 'full') stats.fullPasses++; else stats.regionPasses++;
        // A face found in a track's own crop belongs to that track.
        const hints = result.mode === 'regions' && regions ? result.faces.map((f) => (f.region === undefined ? undefined : regions[f.region]?.trackId)) : undefined;
        const tracked = tracker.update(result.faces, timestamp, result.mode, hints);
        const faces: VideoFace[] = tracked.map((t) => {
          const face: VideoFace = { ...t.face, trackId: t.trackId, smoothedKeypoints: t.smoothedKeypoints, smoothedBox: t.smoothedBox };
          if (t.face.liveness) {
            let w = windows.get(t.trackId);
            if (!w) windows.set(t.trackId, (w = createScoreWindow(resolved.livenessWindow)));
            w.push(t.face.liveness.score);
          }
          const median = windows.get(t.trackId)?.median();
          if (median !== undefined) face.livenessMedian = median;
          if (options.liveness) {
            let a = anchors.get(t.trackId);
            if (!a) anchors.set(t.trackId, (a = createCropAnchor()));
            a.update(t.face.box, t.face.keypoints);
          }
          if (t.face.eyes) {
            let f = eyeFilters.get(t.trackId);
            if (!f) eyeFilters.set(t.trackId, (f = createEyesClosedFilter({ closeBelow: resolved.minEyesOpen })));
            f.update(eyesOpenScore(t.face.eyes));
          }
          if (t.face.attributes) attributes.set(t.trackId, { value: t.face.attributes, frame: stats.processed });
          const latest = attributes.get(t.trackId);
          if (latest) { face.attributes = latest.value; face.attributesFrame = latest.frame; }
          return face;
        });
        const main = result.quality.main >= 0 ? faces[result.quality.main] : undefined;
        const quality = main && eyeFilters.get(main.trackId)?.closed ? withQualityCode(result.quality, 'eyes-closed') : result.quality;
        for (const map of [windows, attributes, eyeFilters, anchors]) for (const id of map.keys()) if (!tracker.tracks.some((t) => t.trackId === id)) map.delete(id);
        sync();
        const out: VideoFrameResult = {
          timestamp, newestTimestamp: frames.stats.newestTimestamp, frameIndex: stats.processed, width, height,
          mode: result.mode, inputSize: result.inputSize, faces, quality,
          hint: quality.codes[0] ?? null,
          timings: { ...result.timings, worker: result.workerMs, roundTrip },
          ...(kept ? { image: kept } : {}),
        };
        stats.processed++;
        if (options.onFrame) options.onFrame(out);
        else kept?.close();
        if (stopper.signal.aborted) break;
      }
      if (options.signal?.aborted) throw new AbortedError('The video loop was stopped by its signal.');
    } finally {
      running = false;
      frames.close();
      sync();
      options.signal?.removeEventListener('abort', onAbort);
    }
    // After the source is closed: a frame still waiting in its mailbox was released, not pending.
    return { ...stats };
  };

  const done = loop();
  done.catch(() => undefined);
  return {
    done,
    get stats() { sync(); return stats; },
    get running() { return running; },
    async stop() {
      stopper.abort();
      frames.close();
      try {
        return await done;
      } catch (e) {
        if (e instanceof AbortedError) return { ...stats };
        throw e instanceof FaceKitError ? e : new FaceKitError('INTERNAL', String(e));
      }
    },
  };
}
