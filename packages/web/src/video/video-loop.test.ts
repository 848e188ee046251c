// The live loop with a fake camera (an in-memory frame source) and a fake worker (a function that
// answers each request as the worker would shape it): order and counts, full and region passes,
// the per-track liveness median, eyes-closed over frames, lost frames, and stopping.
import { assessQuality, resolveDetectOptions, type Box, type FrameAnalysis, type FrameFace, type FrameRequest, type Keypoints5 } from '@facekit/core';
import { describe, expect, it } from 'vitest';
import { AbortedError, QueueFullError, WorkerCrashedError } from '../errors.js';
import { resolveKitOptions } from '../api/kit-options.js';
import { planFrames } from './frame-processor.js';
import type { FrameSource, FrameSourceStats, SourceFrame } from './frame-source.js';
import { resolveLoopOptions, startVideoLoop, type FrameProcessor, type VideoFrameResult, type VideoLoopOptions } from './video-loop.js';

const W = 640, H = 480;
const { models } = resolveKitOptions({}, 'https://app.example/');

/** A picture that counts its closes and clones, standing for a VideoFrame. */
function picture(log: { closed: number; clones: number }) {
  const p = { displayWidth: W, closed: false, close() { p.closed = true; log.closed++; }, clone: () => { log.clones++; return picture(log); } };
  return p as typeof p & VideoFrame;
}

/** `n` frames 33 ms apart, delivered one per next(); `n` Infinity: until closed. */
function fakeCamera(n: number) {
  const log = { closed: 0, clones: 0 };
  let i = 0, open = true;
  const stats: FrameSourceStats = { received: 0, dropped: 0, hiddenDropped: 0, taken: 0, newestTimestamp: -Infinity, pending: 0, path: 'track-processor' };
  const source: FrameSource = {
    async next(): Promise<SourceFrame | null> {
      await Promise.resolve();
      if (!open || i >= n) return null;
      const image = picture(log);
      const frame: SourceFrame = { image, timestamp: i++ * 33, width: W, height: H, close: () => image.close() };
      stats.received++; stats.taken++; stats.newestTimestamp = frame.timestamp;
      return frame;
    },
    stats,
    close() { open = false; },
  };
  return { source, log, closed: () => !open };
}

/** A frontal face centred at (cx, 240), 100 px between the eyes. */
function face(cx: number): FrameFace {
  const keypoints: Keypoints5 = [[cx - 50, 200], [cx + 50, 200], [cx, 250], [cx - 40, 300], [cx + 40, 300]];
  const box: Box = [cx - 100, 110, cx + 100, 370];
  return { box, score: 0.9, keypoints, measures: { interocular: 100, pose: { yaw: 0, pitch: 0, roll: 0 } } };
}

interface Script { liveness?: (frameIndex: number) => number; eyes?: (frameIndex: number) => number; fail?: (frameIndex: number) => Error | undefined }

/** The worker: one face at x = 320 on every frame, found in the region's crop on region passes. */
function fakeWorker(script: Script = {}) {
  const requests: FrameRequest[] = [];
  const process: FrameProcessor = async (frame, request) => {
    const i = requests.length;
    requests.push(request);
    frame.close(); // transferred: the worker closes it
    const error = script.fail?.(i);
    if (error) throw error;
    const f: FrameFace = { ...face(320), ...(request.regions ? { region: 0 } : {}) };
    if (request.liveness === 'main' && script.liveness) f.liveness = { score: script.liveness(i), perModel: {} };
    if (request.eyes === 'main' && script.eyes) f.eyes = { left: script.eyes(i), right: script.eyes(i) };
    const analysis: FrameAnalysis = {
      faces: [f], quality: assessQuality([f], { width: W, height: H }, request.thresholds), mode: request.regions ? 'regions' : 'full',
      inputSize: 320, timings: { detect: { preprocess: 0, inference: 0, postprocess: 0 }, quality: 0, eyes: 0, liveness: 0, embed: 0, attributes: 0 },
    };
    return { ...analysis, workerMs: 1 };
  };
  return { process, requests };
}

function run(n: number, o: VideoLoopOptions, script: Script = {}) {
  const camera = fakeCamera(n);
  const worker = fakeWorker(script);
  const results: VideoFrameResult[] = [];
  const resolved = resolveLoopOptions(o);
  // The kit's own request builder (frame-processor.ts), on the default models.
  const plan = planFrames(o, resolved, models, resolveDetectOptions(models.detector, { inputSize: resolved.inputSize }));
  const loop = startVideoLoop(camera.source, { ...o, onFrame: (r) => { results.push(r); o.onFrame?.(r); } }, resolved, plan.buildRequest, worker.process);
  return { loop, camera, worker, results };
}

describe('startVideoLoop', () => {
  it('processes frames in order, one result each, and closes the source when it ends', async () => {
    const { loop, camera, results } = run(12, { fullDetectionEvery: 4 });
    const stats = await loop.done;
    expect(results.map((r) => r.frameIndex)).toEqual([...Array(12).keys()]);
    expect(results.map((r) => r.timestamp)).toEqual([...Array(12).keys()].map((i) => i * 33));
    // One face, one track for the whole stream.
    expect(new Set(results.map((r) => r.faces[0]!.trackId)).size).toBe(1);
    expect(stats).toMatchObject({ processed: 12, failed: 0 });
    expect(stats.fullPasses + stats.regionPasses).toBe(12);
    expect(camera.closed()).toBe(true);
    expect(camera.log.closed).toBe(12);
  });

  it('runs a full pass at least every fullDetectionEvery frames and region passes around the track between', async () => {
    const { loop, worker, results } = run(12, { fullDetectionEvery: 4 });
    await loop.done;
    const modes = results.map((r) => r.mode);
    expect(modes[0]).toBe('full');
    expect(modes).toContain('regions');
    for (let i = 0; i + 4 <= modes.length; i++) expect(modes.slice(i, i + 4)).toContain('full');
    for (const [i, r] of worker.requests.entries()) expect(r.regions !== undefined).toBe(modes[i] === 'regions');
  });

  it('gives each face its track\'s median liveness over the last livenessWindow scores', async () => {
    const scores = [0.1, 0.9, 0.8, 0.2, 0.7, 0.95];
    const { loop, results } = run(scores.length, { liveness: true, livenessWindow: 3 }, { liveness: (i) => scores[i]! });
    await loop.done;
    const medians = results.map((r) => r.faces[0]!.livenessMedian!);
    [0.1, 0.5, 0.8, 0.8, 0.7, 0.7].forEach((m, i) => expect(medians[i]).toBeCloseTo(m, 12));
  });

  it('counts eyes as closed only after several closed readings, and open again only well above the threshold', async () => {
    // minEyesOpen 3e-4 by default: 1e-6 is closed, 0.99 open.
    const eyes = [0.99, 1e-6, 0.99, 1e-6, 1e-6, 1e-6, 1e-6, 0.99];
    const { loop, results } = run(eyes.length, { eyes: true }, { eyes: (i) => eyes[i]! });
    await loop.done;
    const closed = results.map((r) => r.quality.codes.includes('eyes-closed'));
    expect(closed.slice(0, 3)).toEqual([false, false, false]); // a single closed reading is a blink, not shut eyes
    expect(closed.slice(3, 7)).toContain(true);
    expect(closed[7]).toBe(false);
    expect(results.filter((r) => r.hint === 'eyes-closed').length).toBe(closed.filter(Boolean).length);
  });

  it('a crashed worker or a full queue loses that frame only; three crashes in a row stop the loop with the error', async () => {
    const lost = run(6, {}, { fail: (i) => (i === 1 ? new WorkerCrashedError('died') : i === 3 ? new QueueFullError(1) : undefined) });
    const stats = await lost.loop.done;
    expect(stats).toMatchObject({ processed: 4, failed: 2 });
    const dying = run(10, {}, { fail: (i) => (i >= 2 ? new WorkerCrashedError('died') : undefined) });
    await expect(dying.loop.done).rejects.toBeInstanceOf(WorkerCrashedError);
    expect(dying.worker.requests).toHaveLength(5);
    expect(dying.camera.closed()).toBe(true);
  });

  it('stop() ends a live stream after the frame in flight; its signal rejects done with AbortedError', async () => {
    const stopped = run(Infinity, { onFrame: (r) => { if (r.frameIndex === 4) void stopped.loop.stop(); } });
    const stats = await stopped.loop.done;
    expect(stopped.loop.running).toBe(false);
    expect(stats.processed).toBe(5);
    expect(stopped.results).toHaveLength(5);
    expect(stopped.camera.closed()).toBe(true);
    expect(await stopped.loop.stop()).toMatchObject({ processed: 5 });

    const controller = new AbortController();
    const signalled = run(Infinity, { signal: controller.signal, onFrame: (r) => { if (r.frameIndex === 2) controller.abort(); } });
    await expect(signalled.loop.done).rejects.toBeInstanceOf(AbortedError);
    expect(signalled.results).toHaveLength(3);
    expect(signalled.camera.log.closed).toBe(signalled.camera.source.stats.taken);
  });

  it('keepImage hands each result a second reference to its picture, which the receiver owns', async () => {
    const { loop, results, camera } = run(3, { keepImage: true });
    await loop.done;
    expect(results.every((r) => r.image !== undefined)).toBe(true);
    expect(camera.log.clones).toBe(3);
    for (const r of results) r.image!.close();
    expect(camera.log.closed).toBe(6);
  });
});
