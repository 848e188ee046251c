// The web verifier with a fake video loop (scripted frames, as the loop hands them on) and an
// in-memory IndexedDB (fake-indexeddb): templates stored and compared, the loop it asks for, the
// typed errors of each way a watch can end. The decision logic itself is core's
// verification-window, tested there; the camera path is verify.spec.ts's.
import 'fake-indexeddb/auto';
import { assessQuality, getModel, thresholdFor, type Keypoints5 } from '@facekit/core';
import { describe, expect, it } from 'vitest';
import { AbortedError, InvalidOptionError } from '../errors.js';
import { matchThreshold } from '../api/kit-options.js';
import type { VideoFace, VideoFrameResult, VideoLoop, VideoLoopOptions, VideoLoopStats } from '../video/video-loop.js';
import { createVerifier, type VerifierContext, type VerifierOptions } from './verifier.js';
import { LivenessError, NotEnrolledError, VerificationTimeoutError } from './verifier-errors.js';

const W = 640, H = 480;
const unit = (...v: number[]) => { const a = Float32Array.from(v); const n = Math.hypot(...v); return a.map((x) => x / n); };
const KEVIN = unit(1, 0, 0, 0), KEVIN_AGAIN = unit(0.95, 0.3, 0, 0), MAGNUS = unit(0, 0, 1, 0);

interface FrameScript { embedding?: Float32Array; liveness?: number; dark?: boolean; trackId?: number }

/** A processed frame with one frontal face in the middle, as the loop would hand it on. */
function frameResult(i: number, s: FrameScript): VideoFrameResult {
  const keypoints: Keypoints5 = [[270, 200], [370, 200], [320, 250], [280, 300], [360, 300]];
  const face: VideoFace = {
    box: [220, 110, 420, 370], score: 0.9, keypoints, trackId: s.trackId ?? 1, smoothedKeypoints: keypoints, smoothedBox: [220, 110, 420, 370],
    measures: { interocular: 100, pose: { yaw: 0, pitch: 0, roll: 0 } }, eyes: { left: 0.99, right: 0.99 },
    ...(s.embedding && !s.dark ? { embedding: s.embedding } : {}),
    ...(s.liveness !== undefined ? { livenessMedian: s.liveness } : {}),
  };
  const quality = assessQuality([{ ...face, ...(s.dark ? { luma: { mean: 10, darkFraction: 0.9, brightFraction: 0 } } : {}) }], { width: W, height: H });
  return {
    timestamp: i * 66, newestTimestamp: i * 66, frameIndex: i, width: W, height: H, mode: 'full', inputSize: 320, faces: [face], quality,
    hint: quality.codes[0] ?? null, timings: { detect: { preprocess: 0, inference: 0, postprocess: 0 }, quality: 0, eyes: 0, liveness: 0, embed: 0, attributes: 0, worker: 0, roundTrip: 0 },
  };
}

/** A loop that plays `script(i)` frame after frame (a macrotask apart) until stopped; records what it was asked for. */
function fakeLoops(script: (i: number) => FrameScript) {
  const asked: VideoLoopOptions[] = [];
  const startLoop: VerifierContext['startLoop'] = async (_source, o) => {
    asked.push(o);
    let i = 0, running = true;
    const stats = { processed: 0 } as VideoLoopStats;
    const done = new Promise<VideoLoopStats>((resolve, reject) => {
      const tick = () => {
        if (o.signal?.aborted) { running = false; reject(new AbortedError()); return; }
        o.onFrame?.(frameResult(i, script(i)));
        stats.processed = ++i;
        setTimeout(tick, 0);
      };
      setTimeout(tick, 0);
    });
    done.catch(() => undefined);
    const loop: VideoLoop = { done, stats, get running() { return running; }, stop: async () => { running = false; return stats; } };
    return loop;
  };
  return { startLoop, asked };
}

let stores = 0;
/** A fresh IndexedDB per call, unless `cacheName` names one to share (enroll with one camera, verify with another). */
function verifierWith(script: (i: number) => FrameScript, o: VerifierOptions = {}, cacheName = `test-${stores++}`) {
  const loops = fakeLoops(script);
  const fr = getModel('fr_feature');
  const ctx: VerifierContext = {
    cacheName, recognizer: fr.id, embeddingSize: 4, defaultLivenessThreshold: 0.5,
    threshold: (far, threshold) => matchThreshold(fr, { far, threshold, flip: true }), startLoop: loops.startLoop,
  };
  return { verifier: createVerifier(ctx, o), loops, ctx };
}
const camera = {} as MediaStream;

describe('createVerifier', () => {
  it('enrolls over enrollFrames good frames, stores the template, and verifies the same person (and not another)', async () => {
    const { verifier, loops, ctx } = verifierWith(() => ({ embedding: KEVIN, liveness: 0.9 }), { enrollFrames: 4, verifyFrames: 3 });
    const enrolled = await verifier.enroll(camera, { id: 'kevin' });
    expect(enrolled).toMatchObject({ id: 'kevin', frames: 4, replaced: false, livenessScore: 0.9, livenessThreshold: 0.5, blinked: false });
    expect(enrolled.frameSimilarities.every((s) => s > 0.999)).toBe(true);
    expect(await verifier.list()).toEqual(['kevin']);
    expect((await verifier.get('kevin'))?.frames).toBe(4);
    // The loop it asked for: embeddings with the flip test, passive liveness aggregated over the window.
    expect(loops.asked[0]).toMatchObject({ embed: true, flip: true, eyes: true, liveness: true, livenessWindow: 4, onlyWhenOk: true });

    // Another verifier on the same cache reads what the first stored.
    const v = await verifierWith(() => ({ embedding: KEVIN_AGAIN, liveness: 0.9 }), { verifyFrames: 3 }, ctx.cacheName).verifier.verify(camera, { id: 'kevin' });
    expect(v).toMatchObject({ isMatch: true, live: true, verified: true, reasons: [], frames: 3, far: 1e-4, threshold: thresholdFor('fr_feature', 1e-4, true) });
    expect(v.similarity).toBeCloseTo(KEVIN_AGAIN[0]!, 5);

    const other = verifierWith(() => ({ embedding: MAGNUS, liveness: 0.9 }), {}, ctx.cacheName).verifier;
    expect(await other.verify(camera, { id: 'kevin' })).toMatchObject({ isMatch: false, verified: false, reasons: ['no-match'] });
  });

  it('a live match with failing passive liveness is not verified; enrollment refuses it and stores nothing', async () => {
    const { verifier } = verifierWith(() => ({ embedding: KEVIN, liveness: 0.2 }));
    await expect(verifier.enroll(camera, { id: 'kevin' })).rejects.toBeInstanceOf(LivenessError);
    expect(await verifier.list()).toEqual([]);
    const live = verifierWith(() => ({ embedding: KEVIN, liveness: 0.9 }));
    await live.verifier.enroll(camera, { id: 'kevin' });
    const spoof = verifierWith(() => ({ embedding: KEVIN, liveness: 0.2 }), {}, live.ctx.cacheName).verifier;
    expect(await spoof.verify(camera, { id: 'kevin' })).toMatchObject({ isMatch: true, live: false, verified: false, reasons: ['not-live'], livenessScore: 0.2 });
  });

  it('liveness off: no liveness model is asked for, and the decision does not need one', async () => {
    const { verifier, loops } = verifierWith(() => ({ embedding: KEVIN }), { liveness: 'off' });
    expect(await verifier.enroll(camera, { id: 'kevin' })).toMatchObject({ frames: 5, livenessThreshold: undefined });
    expect(loops.asked[0]).toMatchObject({ liveness: false });
  });

  it('blink modes let the gate pass closed eyes (the window keeps them out with the same threshold)', async () => {
    const { loops, verifier } = verifierWith(() => ({ embedding: KEVIN, liveness: 0.9 }), { liveness: 'blink', timeoutMs: 200, quality: { minEyesOpen: 0.01 } });
    await expect(verifier.enroll(camera, { id: 'kevin' })).rejects.toBeInstanceOf(VerificationTimeoutError);
    expect(loops.asked[0]!.quality).toMatchObject({ minEyesOpen: 0 });
  });

  it('times out with what blocked it, most frequent first; a new track restarts the window', async () => {
    const { verifier } = verifierWith((i) => (i % 3 === 2 ? { embedding: KEVIN, liveness: 0.9, trackId: i } : { embedding: KEVIN, dark: true }), { timeoutMs: 300 });
    const e = await verifier.enroll(camera, { id: 'kevin' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(VerificationTimeoutError);
    const t = e as VerificationTimeoutError;
    expect(t.timeoutMs).toBe(300);
    expect(t.hints[0]!.code).toBe('too-dark');
    expect(await verifier.list()).toEqual([]);
  });

  it('typed errors: unknown id, another recognizer\'s template, a bad id, an aborted call', async () => {
    const { verifier, ctx } = verifierWith(() => ({ embedding: KEVIN, liveness: 0.9 }));
    await expect(verifier.verify(camera, { id: 'nobody' })).rejects.toBeInstanceOf(NotEnrolledError);
    await expect(verifier.enroll(camera, { id: '' })).rejects.toBeInstanceOf(InvalidOptionError);
    await verifier.enroll(camera, { id: 'kevin' });
    const otherModel = createVerifier({ ...ctx, recognizer: 'w600k_mbf', threshold: () => 0.3 });
    await expect(otherModel.verify(camera, { id: 'kevin' })).rejects.toThrow(/enrolled with recognizer fr_feature/);
    const controller = new AbortController();
    const call = verifierWith(() => ({ embedding: KEVIN, dark: true })).verifier.enroll(camera, { id: 'x', signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(call).rejects.toBeInstanceOf(AbortedError);
    expect(() => verifierWith(() => ({}), { liveness: 'wink' as never })).toThrow(InvalidOptionError);
    expect(await verifier.delete('kevin')).toBe(true);
    expect(await verifier.delete('kevin')).toBe(false);
  });

  it('identify finds the best enrolled match above the threshold', async () => {
    const { verifier, ctx } = verifierWith(() => ({ embedding: KEVIN, liveness: 0.9 }));
    await verifier.enroll(camera, { id: 'kevin' });
    await verifierWith(() => ({ embedding: MAGNUS, liveness: 0.9 }), {}, ctx.cacheName).verifier.enroll(camera, { id: 'magnus' });
    const who = await verifierWith(() => ({ embedding: KEVIN_AGAIN, liveness: 0.9 }), {}, ctx.cacheName).verifier.identify(camera);
    expect(who.best?.id).toBe('kevin');
    expect(who.matches.map((m) => [m.id, m.isMatch])).toEqual([['kevin', true], ['magnus', false]]);
  });
});
