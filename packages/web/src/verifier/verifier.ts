// Enroll once, verify live: watches a camera until enough good frames (quality gate passed,
// liveness as asked) have been seen, decides over that window, and stores templates in IndexedDB.
// Which frames count and when to decide is core's `createVerificationWindow`; this module runs
// the loop, keeps the frames' pictures when asked, and stores or compares templates.
import {
  createGallery, createVerificationWindow, dot, HEAD_TURN_DEFAULTS, intOption, livenessModeFlags, meanEmbedding,
  resolveQualityThresholds, type Gallery, type GalleryMatch, type HeadTurnOptions, type LivenessMode, type QualityThresholds, type VerificationWindow, type VerificationWindowOptions,
  type HeadTurnSide, type VerifierHint, type VerifyReason,
} from '@facekit/core';
import { AbortedError, InvalidOptionError } from '../errors.js';
import { LivenessError, NotEnrolledError, VerificationTimeoutError } from './verifier-errors.js';
import type { VideoSource } from '../video/frame-source.js';
import type { VideoFrameResult, VideoLoop, VideoLoopOptions } from '../video/video-loop.js';
import { openTemplateStore, type FaceTemplate } from './template-store.js';

export type { HeadTurnSide, LivenessMode, VerifierHint, VerifyReason } from '@facekit/core';

export interface VerifierProgress {
  phase: 'enroll' | 'verify' | 'identify' | 'capture';
  /** What blocks progress on the latest frame, or 'hold-still' while good frames are collected. */
  hint: VerifierHint;
  goodFrames: number;
  neededFrames: number;
  /** Median passive liveness over the window so far (when passive liveness is on). */
  livenessScore?: number;
  blinked: boolean;
  /** Turn modes, while a side is asked: how far the head is turned towards it, 0–1 (1: far enough to count). */
  turnProgress?: number;
  elapsedMs: number;
  /** The frame this progress is about (boxes, keypoints, track ids for an overlay). */
  frame: VideoFrameResult;
}

/** Options of `kit.createVerifier`. */
export interface VerifierOptions {
  /** False-accept rate of the match threshold (calibrated per recognizer, flip test). @defaultValue 1e-4 */
  far?: number;
  /** A cosine threshold of your own; overrides `far`. */
  threshold?: number;
  /**
   * 'passive': MiniFASNet on every good frame, median over the window must pass;
   * 'blink': a blink must be seen; 'passive+blink': both;
   * 'turn': the person turns their head to each side in a random order (the nose must move off the
   * plane of the eyes and mouth as only a 3-D head does, and the face must stay the same person);
   * 'passive+turn': both; 'off': none. See the README for what each mode stops. @defaultValue 'passive'
   */
  liveness?: LivenessMode;
  /**
   * The head-turn challenge's thresholds (yaw to reach, parallax, same-person cosine). Defaults:
   * `HEAD_TURN_DEFAULTS`, and the recognizer's FAR 1e-2 threshold as the same-person cosine.
   */
  headTurn?: Omit<HeadTurnOptions, 'order' | 'random'>;
  /** Passive liveness threshold on the fused real-face score. @defaultValue the calibrated DEFAULT_LIVENESS_THRESHOLD */
  livenessThreshold?: number;
  /** Good frames averaged into an enrollment template. @defaultValue 5 */
  enrollFrames?: number;
  /** Good frames a verify / identify decision is made over. @defaultValue 5 */
  verifyFrames?: number;
  /** Give up after this long (VerificationTimeoutError lists what blocked). @defaultValue 20000 */
  timeoutMs?: number;
  /** Quality gate thresholds. In blink modes eyes-closed never blocks (closing them is the point). */
  quality?: Partial<QualityThresholds>;
  /** Detector input for the video. @defaultValue 320 */
  inputSize?: number;
  /** Load the models now instead of at the first enroll / verify / identify. @defaultValue false */
  preload?: boolean;
  /** Name of this verifier's template store, so several can coexist. @defaultValue 'default' */
  storeName?: string;
  /** Progress on every processed frame, with the current hint. */
  onProgress?: (progress: VerifierProgress) => void;
}

export interface WatchOptions {
  signal?: AbortSignal;
  /**
   * Turn modes: the order of the head turn to ask for, e.g. the one a server's login challenge
   * gave (examples/server-verify). @defaultValue a random order
   */
  turns?: readonly [HeadTurnSide, HeadTurnSide];
  /** Overrides the verifier's `timeoutMs` for this call. */
  timeoutMs?: number;
  /** Called on every processed frame of this call (after the verifier's own `onProgress`). */
  onProgress?: (progress: VerifierProgress) => void;
}

export interface EnrollResult {
  id: string;
  /** Good frames averaged into the template. */
  frames: number;
  livenessScore?: number;
  /** The passive liveness threshold applied (undefined when passive liveness is off). */
  livenessThreshold: number | undefined;
  /** A blink was seen (blink modes require one before anything is decided). */
  blinked: boolean;
  /** The head-turn challenge was passed ('turn' modes decide only after it). */
  turned?: boolean;
  /** Cosine similarity of each kept frame's embedding with the stored template. */
  frameSimilarities: number[];
  /** An earlier template under this id was replaced. */
  replaced: boolean;
  durationMs: number;
}

export interface VerifyResult {
  /** Same person as enrolled: `similarity ≥ threshold`. */
  isMatch: boolean;
  similarity: number;
  threshold: number;
  /** The FAR the threshold was calibrated at (undefined with a threshold of your own). */
  far: number | undefined;
  /** Liveness as configured passed (true when liveness is 'off'). */
  live: boolean;
  /** Median passive liveness over the window (undefined when passive liveness is off). */
  livenessScore: number | undefined;
  /** The passive liveness threshold applied (undefined when passive liveness is off). */
  livenessThreshold: number | undefined;
  /** A blink was seen (blink modes decide only after one; without it the call times out with 'blink-now'). */
  blinked: boolean;
  /** The head-turn challenge was passed ('turn' modes decide only after it; without it the call times out with 'look-left' / 'look-right'). */
  turned?: boolean;
  /** The one verdict to act on: `isMatch && live`. */
  verified: boolean;
  /** Good frames the decision was made over. */
  frames: number;
  /** Why `verified` is false: 'no-match', 'not-live'. Empty when verified. */
  reasons: VerifyReason[];
  durationMs: number;
}

/** What {@link Verifier.capture} gives: good, live frames for a server to decide on. */
export interface CaptureResult {
  /**
   * JPEG snapshots (image/jpeg, quality 0.92) of the frames that passed, in order: send them
   * with the claimed id to a server that re-checks them (`recheckFrames` in @facekit/node, and
   * examples/server-verify). The page's own checks only make the frames good; the server decides.
   * In turn modes they are a burst over the head-turn challenge, in capture order: from the frame
   * facing the camera it started from to the frame its second side was counted on, at least
   * 250 ms apart (more when the turn is slow; at most 12, plus the challenge's own frames, which
   * are always in it). `recheckFrames(…, { turns })` checks the turn in them, and that each frame
   * shares its scene with the next (one camera, one moment).
   */
  images: Blob[];
  /** Their flip-test embeddings (unit length), in the same order. */
  embeddings: Float32Array[];
  /** Their head yaw in degrees (> 0: turned to the person's own left), in the same order. */
  yaws: number[];
  /** Median passive liveness over them (undefined when passive liveness is off). */
  livenessScore: number | undefined;
  livenessThreshold: number | undefined;
  blinked: boolean;
  durationMs: number;
}

export interface IdentifyResult {
  /** Best first, each with whether it passes the threshold. */
  matches: (GalleryMatch & { isMatch: boolean })[];
  /** The best match that passes the threshold, if any. */
  best: (GalleryMatch & { isMatch: true }) | undefined;
  threshold: number;
  live: boolean;
  livenessScore: number | undefined;
  livenessThreshold: number | undefined;
  blinked: boolean;
  turned?: boolean;
  frames: number;
  reasons: VerifyReason[];
  durationMs: number;
}

export interface Verifier {
  /** Watches `source` until enough good, live frames, then stores their template under `id` (replacing any). */
  enroll(source: VideoSource, options: WatchOptions & { id: string }): Promise<EnrollResult>;
  /** Is the person in front of the camera the one enrolled as `id`? Decided over a window of good frames. */
  verify(source: VideoSource, options: WatchOptions & { id: string }): Promise<VerifyResult>;
  /** 1:N: who of `gallery` (default: everyone enrolled in this verifier) is in front of the camera. */
  identify(source: VideoSource, options?: WatchOptions & { gallery?: Gallery; k?: number }): Promise<IdentifyResult>;
  /**
   * Watches until `verifyFrames` good frames of one person (quality gate, liveness as configured)
   * and returns them as JPEGs with their embeddings, deciding nothing: for a login whose
   * template lives on a server, which re-checks the frames. Throws LivenessError when passive
   * liveness fails over the window (as enroll does); nothing is stored.
   */
  capture(source: VideoSource, options?: WatchOptions): Promise<CaptureResult>;
  /** Removes an enrollment; resolves false when there was none. */
  delete(id: string): Promise<boolean>;
  /** Enrolled ids, sorted. */
  list(): Promise<string[]>;
  /** The stored template of `id`, if any. */
  get(id: string): Promise<FaceTemplate | undefined>;
}

/** A frame's picture as a JPEG (the same pixels the worker analysed); closes the picture. */
async function encodeJpeg(picture: VideoFrame | ImageBitmap, width: number, height: number): Promise<Blob> {
  const canvas = new OffscreenCanvas(width, height);
  try {
    canvas.getContext('2d')!.drawImage(picture, 0, 0, width, height);
  } finally {
    picture.close(); // drawn: the camera buffer can go back before the encode
  }
  return canvas.convertToBlob({ type: 'image/jpeg', quality: 0.92 });
}

/** What the kit gives a verifier. */
export interface VerifierContext {
  cacheName: string;
  recognizer: string;
  embeddingSize: number;
  /** Threshold for flip-test embeddings at `far`, or the explicit one. */
  threshold(far: number | undefined, explicit: number | undefined): number;
  defaultLivenessThreshold: number;
  startLoop(source: VideoSource, options: VideoLoopOptions): Promise<VideoLoop>;
}

const int = (v: number | undefined, name: string, fallback: number): number => intOption(v, name) ?? fallback;

export function createVerifier(ctx: VerifierContext, options: VerifierOptions = {}): Verifier {
  const mode = options.liveness ?? 'passive';
  const { passive, blink, turn } = livenessModeFlags(mode);
  const livenessThreshold = options.livenessThreshold ?? ctx.defaultLivenessThreshold;
  const enrollFrames = int(options.enrollFrames, 'enrollFrames', 5);
  const verifyFrames = int(options.verifyFrames, 'verifyFrames', 5);
  const timeoutMs = int(options.timeoutMs, 'timeoutMs', 20_000);
  const threshold = ctx.threshold(options.far, options.threshold);
  const far = options.threshold === undefined ? options.far ?? 1e-4 : undefined;
  const store = openTemplateStore(ctx.cacheName, options.storeName ?? 'default');
  // In blink modes the gate lets closed eyes through (closing them is the point); the window
  // keeps those frames out with the same threshold.
  const limits = resolveQualityThresholds(options.quality ?? {});
  const quality: Partial<QualityThresholds> = { ...options.quality, ...(blink ? { minEyesOpen: 0 } : {}) };
  let sameThreshold = options.headTurn?.sameThreshold;
  if (turn && sameThreshold === undefined) {
    try { sameThreshold = ctx.threshold(1e-2, undefined); } catch { sameThreshold = HEAD_TURN_DEFAULTS.sameThreshold; }
  }
  const headTurn: HeadTurnOptions = { ...options.headTurn, ...(sameThreshold !== undefined ? { sameThreshold } : {}) };
  const windowOptions = (needed: number, order?: WatchOptions['turns']): VerificationWindowOptions => ({
    needed, liveness: mode, livenessThreshold, minEyesOpen: limits.minEyesOpen, maxYaw: limits.maxYaw, maxPitch: limits.maxPitch,
    headTurn: order ? { ...headTurn, order } : headTurn,
  });
  // The liveness threshold and head-turn options are checked now, not at the first call.
  createVerificationWindow(windowOptions(1));

  /**
   * Watches until the window is ready and `decide(window)` returns the result, or the timeout.
   * `decide` may throw (e.g. LivenessError), which ends the call with that error.
   */
  async function watch<T>(
    phase: VerifierProgress['phase'],
    source: VideoSource,
    call: WatchOptions,
    needed: number,
    decide: (w: VerificationWindow<Promise<Blob>>) => T,
    keepImages = false,
  ): Promise<{ value: T }> {
    const limit = int(call.timeoutMs, 'timeoutMs', timeoutMs);
    const started = performance.now();
    if (call.turns !== undefined && !turn) throw new InvalidOptionError(`turns needs a turn liveness mode ('turn' or 'passive+turn'); this verifier's is '${mode}'.`);
    // A fresh window (and head-turn order, random unless asked) on every call.
    const w = createVerificationWindow<Promise<Blob>>(windowOptions(needed, call.turns));
    let outcome: { value: T } | { error: unknown } | undefined;
    const stopper = new AbortController();
    const onAbort = () => stopper.abort();
    call.signal?.addEventListener('abort', onAbort, { once: true });
    if (call.signal?.aborted) throw new AbortedError();

    const onFrame = (frame: VideoFrameResult) => {
      // A kept picture is ours: encoded when the frame joins the window, closed otherwise.
      let image = frame.image;
      try {
        if (outcome) return;
        const main = frame.quality.main >= 0 ? frame.faces[frame.quality.main] : undefined;
        const step = w.update({ timestamp: frame.timestamp, ok: frame.quality.ok, hint: frame.hint, pose: frame.quality.measures?.pose, main }, () => {
          const picture = image;
          image = undefined;
          return picture ? encodeJpeg(picture, frame.width, frame.height) : undefined;
        });
        const progress: VerifierProgress = {
          phase, hint: step.hint, goodFrames: step.goodFrames, neededFrames: needed,
          ...(step.livenessScore !== undefined ? { livenessScore: step.livenessScore } : {}),
          blinked: step.blinked, ...(step.turnProgress !== undefined ? { turnProgress: step.turnProgress } : {}), elapsedMs: performance.now() - started, frame,
        };
        options.onProgress?.(progress);
        call.onProgress?.(progress);
        if (step.ready) { outcome = { value: decide(w) }; stopper.abort(); }
      } catch (e) {
        outcome = { error: e };
        stopper.abort();
      } finally {
        image?.close();
      }
    };

    let timer: ReturnType<typeof setTimeout> | undefined;
    let loop: VideoLoop | undefined;
    try {
      loop = await ctx.startLoop(source, {
        inputSize: options.inputSize ?? 320,
        quality,
        eyes: true,
        liveness: passive,
        // The window decides on the loop's own per-track median over as many frames.
        livenessWindow: needed,
        embed: true,
        flip: true,
        onlyWhenOk: true,
        onFrame,
        keepImage: keepImages,
        signal: stopper.signal,
      });
      timer = setTimeout(() => stopper.abort(), limit);
      await loop.done.catch((e: unknown) => { if (!(e instanceof AbortedError)) throw e; });
    } finally {
      clearTimeout(timer);
      call.signal?.removeEventListener('abort', onAbort);
      await loop?.stop().catch(() => undefined);
    }
    if (outcome && 'value' in outcome) return outcome;
    if (outcome && 'error' in outcome) throw outcome.error;
    if (call.signal?.aborted) throw new AbortedError();
    throw new VerificationTimeoutError(limit, w.blocking());
  }

  const checkId = (id: unknown): string => {
    if (typeof id !== 'string' || id.length === 0) throw new InvalidOptionError('id must be a non-empty string');
    return id;
  };

  return {
    async enroll(source, call) {
      const id = checkId(call?.id);
      const t0 = performance.now();
      const { value: { embedding, live, frames } } = await watch('enroll', source, call, enrollFrames, (w) => {
        const verdict = w.verdict();
        if (verdict.reasons.includes('not-live')) {
          throw new LivenessError(verdict.score!, livenessThreshold);
        }
        return { embedding: meanEmbedding(w.embeddings), live: verdict, frames: [...w.embeddings] };
      });
      const replaced = (await store.get(id)) !== undefined;
      const template: FaceTemplate = {
        version: 1, id, model: ctx.recognizer, embedding, frames: frames.length, createdAt: Date.now(),
        ...(live.score !== undefined ? { livenessScore: live.score } : {}),
      };
      await store.put(template);
      return {
        id, frames: frames.length, frameSimilarities: frames.map((e) => dot(e, embedding)), replaced,
        ...(live.score !== undefined ? { livenessScore: live.score } : {}),
        livenessThreshold: live.livenessThreshold, blinked: live.blinked, ...(live.turned !== undefined ? { turned: live.turned } : {}),
        durationMs: performance.now() - t0,
      };
    },

    async verify(source, call) {
      const id = checkId(call?.id);
      const template = await store.get(id);
      if (!template) throw new NotEnrolledError(id);
      if (template.model !== ctx.recognizer) {
        throw new InvalidOptionError(`"${id}" was enrolled with recognizer ${template.model}; this kit uses ${ctx.recognizer}. Enroll again.`);
      }
      const t0 = performance.now();
      return (await watch('verify', source, call, verifyFrames, (w): VerifyResult => {
        const similarity = dot(meanEmbedding(w.embeddings), template.embedding);
        const isMatch = similarity >= threshold;
        const live = w.verdict();
        return {
          isMatch, similarity, threshold, far, live: live.live, livenessScore: live.score,
          livenessThreshold: live.livenessThreshold, blinked: live.blinked, ...(live.turned !== undefined ? { turned: live.turned } : {}), verified: isMatch && live.live,
          frames: w.embeddings.length, reasons: [...(isMatch ? [] : ['no-match' as const]), ...live.reasons],
          durationMs: performance.now() - t0,
        };
      })).value;
    },

    async identify(source, call = {}) {
      const k = int(call.k, 'k', 5);
      let gallery = call.gallery;
      if (!gallery) {
        gallery = createGallery({ dim: ctx.embeddingSize, model: ctx.recognizer });
        for (const t of await store.all()) if (t.model === ctx.recognizer) gallery.add(t.id, t.embedding);
      }
      if (gallery.size === 0) throw new NotEnrolledError('(anyone)');
      const g = gallery;
      const t0 = performance.now();
      return (await watch('identify', source, call, verifyFrames, (w): IdentifyResult => {
        const probe = meanEmbedding(w.embeddings);
        const matches = g.search(probe, k).map((m) => ({ ...m, isMatch: m.similarity >= threshold }));
        const best = matches[0]?.isMatch ? (matches[0] as GalleryMatch & { isMatch: true }) : undefined;
        const live = w.verdict();
        return {
          matches, best, threshold, live: live.live, livenessScore: live.score,
          livenessThreshold: live.livenessThreshold, blinked: live.blinked, ...(live.turned !== undefined ? { turned: live.turned } : {}), frames: w.embeddings.length,
          reasons: [...(best ? [] : ['no-match' as const]), ...live.reasons], durationMs: performance.now() - t0,
        };
      })).value;
    },

    async capture(source, call = {}) {
      const t0 = performance.now();
      const { value: { frames, ...value } } = await watch('capture', source, call, verifyFrames, (w) => {
        const verdict = w.verdict();
        if (verdict.reasons.includes('not-live')) throw new LivenessError(verdict.score!, livenessThreshold, 'No frames were captured.');
        // Turn modes send the challenge's burst: it carries the turn and the moment a server checks.
        const frames = turn ? w.burst : w.frames;
        return { frames, livenessScore: verdict.score, livenessThreshold: verdict.livenessThreshold, blinked: verdict.blinked };
      }, true);
      return {
        ...value,
        images: await Promise.all(frames.map((f) => f.kept!)),
        embeddings: frames.map((f) => f.embedding),
        yaws: frames.map((f) => f.yaw),
        durationMs: performance.now() - t0,
      };
    },

    delete: (id) => store.delete(checkId(id)),
    list: () => store.list(),
    get: (id) => store.get(checkId(id)),
  };
}
