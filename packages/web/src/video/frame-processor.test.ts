// The live loop's per-frame requests and the call that sends a frame to the pool, with a fake
// pool: which stages and models each option turns on, regions and attributes when due, the
// worker-side eye gate switched off (the loop judges eyes over frames), and a frame that never
// reaches a worker is closed.
import { DEFAULT_QUALITY_THRESHOLDS, resolveDetectOptions, type FrameRequest } from '@facekit/core';
import type { Remote } from 'comlink';
import { describe, expect, it } from 'vitest';
import { DisposedError, InvalidOptionError, WorkerCrashedError } from '../errors.js';
import { resolveKitOptions } from '../api/kit-options.js';
import { unwrapReply, type RunOptions, type WorkerPool } from '../pool/worker-pool.js';
import type { FrameMessage, Reply, WorkerApi } from '../worker/worker-protocol.js';
import { createFrameProcessor, planFrames } from './frame-processor.js';
import type { SourceFrame } from './frame-source.js';
import { resolveLoopOptions, type VideoLoopOptions } from './video-loop.js';

const { models } = resolveKitOptions({}, 'https://app.example/');
const plan = (o: VideoLoopOptions) => {
  const resolved = resolveLoopOptions(o);
  return planFrames(o, resolved, models, resolveDetectOptions(models.detector, { inputSize: resolved.inputSize }));
};

describe('planFrames', () => {
  it('detection only: no other model, every stage off', () => {
    const p = plan({});
    expect(p.need).toEqual([]);
    expect(p.models).toEqual({ detector: 'det_500m' });
    const r = p.buildRequest(undefined, true);
    expect(r).toMatchObject({ eyes: 'none', liveness: 'none', embed: 'none', flip: false, onlyWhenOk: false, regionInputSize: 160 });
    expect(r.regions).toBeUndefined();
    expect(r.attributes).toBeUndefined();
  });

  it('the verifier\'s options: recognizer, liveness pair and eye model, each loaded before the loop starts', () => {
    const p = plan({ embed: true, liveness: true, eyes: true, flip: true, onlyWhenOk: true, quality: { minEyesOpen: 0.01, maxYaw: 30 } });
    expect(p.need.map((m) => m.id)).toEqual(['fr_feature', 'minifasnet_v2', 'minifasnet_v1se', 'fr_eye']);
    expect(p.models).toEqual({ detector: 'det_500m', recognizer: 'fr_feature', antispoof: ['minifasnet_v2', 'minifasnet_v1se'], eyes: 'fr_eye' });
    const r = p.buildRequest([[10, 10, 90, 90]], false);
    expect(r).toMatchObject({ eyes: 'main', liveness: 'main', embed: 'main', flip: true, onlyWhenOk: true, regions: [[10, 10, 90, 90]] });
    // The loop applies minEyesOpen per track over frames; the worker must not gate on one frame.
    expect(r.thresholds).toMatchObject({ minEyesOpen: 0, maxYaw: 30, maxPitch: DEFAULT_QUALITY_THRESHOLDS.maxPitch });
  });

  it('attributes: their models once each, and asked only on frames where they are due', () => {
    const p = plan({ attributes: ['age', 'gender', 'eyes', 'age'] });
    // Gender is read by the stacked head by default: it also needs the recognizer's embedding.
    expect(p.need.map((m) => m.id)).toEqual(['fr_age', 'fr_gender', 'fr_eye', 'fr_feature']);
    expect(p.models.attributes).toEqual({ age: 'fr_age', gender: 'fr_gender', eyes: 'fr_eye' });
    expect(p.models.genderHead).toBe('fr_feature');
    expect(p.buildRequest(undefined, true).attributes).toEqual({ kinds: ['age', 'gender', 'eyes'], faces: 'all' });
    expect(p.buildRequest(undefined, false).attributes).toBeUndefined();
    // Without gender, or with genderHead: false, no head and no recognizer.
    expect(plan({ attributes: ['age'] }).models.genderHead).toBeUndefined();
    const alone = resolveKitOptions({ genderHead: false }, 'https://app.example/').models;
    const q = planFrames({ attributes: ['gender'] }, resolveLoopOptions({}), alone, resolveDetectOptions(alone.detector, { inputSize: 640 }));
    expect(q.need.map((m) => m.id)).toEqual(['fr_gender']);
    expect(q.models.genderHead).toBeUndefined();
  });

  it('bad stage options are typed errors', () => {
    expect(() => plan({ attributes: ['mood' as never] })).toThrow(InvalidOptionError);
    expect(() => plan({ quality: { maxYaw: -1 } })).toThrow(InvalidOptionError);
  });
});

/** A frame whose picture is a plain object standing for an ImageBitmap. */
function frame() {
  const f = { image: { width: 64, height: 48, close() {} } as unknown as ImageBitmap, timestamp: 1, width: 64, height: 48, closed: 0, close() { f.closed++; } };
  return f satisfies SourceFrame;
}

/** A pool that runs the call on a fake remote, or drops it (as on abort or a full queue). */
function fakePool(drop = false) {
  const sent: FrameMessage[] = [];
  const remote = { processFrame: async (m: FrameMessage) => { sent.push(m); return { ok: true, value: 'analysis' }; } } as unknown as Remote<WorkerApi>;
  const pool = {
    async run<T>(call: (r: Remote<WorkerApi>) => Promise<{ ok: true; value: T }>, o?: RunOptions): Promise<T> {
      if (drop) { o?.onDropped?.(); throw new Error('dropped'); }
      return (await call(remote)).value;
    },
  } as Pick<WorkerPool, 'run'>;
  return { pool, sent };
}

describe('createFrameProcessor', () => {
  const request = plan({}).buildRequest(undefined, false) as FrameRequest;

  it('sends the picture as a bitmap with the model ids and the request', async () => {
    const { pool, sent } = fakePool();
    const f = frame();
    await expect(createFrameProcessor(pool, { detector: 'det_500m' }, () => false)(f, request, new AbortController().signal)).resolves.toBe('analysis');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ detector: 'det_500m', request, image: { kind: 'bitmap', bitmap: f.image, decodeMs: 0 } });
    expect(f.closed).toBe(0); // transferred, the worker owns it
  });

  it('a frame run again after its worker lost the device (its picture went with that worker) fails with WorkerCrashedError, not a DataCloneError', async () => {
    const sent: FrameMessage[] = [];
    const remote = {
      processFrame: async (m: FrameMessage) => {
        sent.push(m);
        // Transferred: the sender's bitmap is detached.
        Object.assign(m.image.kind === 'bitmap' ? m.image.bitmap : {}, { width: 0, height: 0 });
        return { ok: false, error: { name: 'FaceKitError', code: 'INTERNAL', message: 'device lost' }, deviceLost: 'GPU device lost' };
      },
    } as unknown as Remote<WorkerApi>;
    // What the pool does on a lost device: the same call again, on the replacement worker.
    const pool = { run: async <T>(call: (r: Remote<WorkerApi>) => Promise<Reply<T>>) => { await call(remote); return unwrapReply(await call(remote)); } } as Pick<WorkerPool, 'run'>;
    await expect(createFrameProcessor(pool, { detector: 'det_500m' }, () => false)(frame(), request, new AbortController().signal)).rejects.toBeInstanceOf(WorkerCrashedError);
    expect(sent).toHaveLength(1);
  });

  it('closes a frame the pool drops, and one arriving after dispose', async () => {
    const dropped = frame();
    await expect(createFrameProcessor(fakePool(true).pool, { detector: 'det_500m' }, () => false)(dropped, request, new AbortController().signal)).rejects.toThrow('dropped');
    expect(dropped.closed).toBe(1);
    const late = frame();
    await expect(createFrameProcessor(fakePool().pool, { detector: 'det_500m' }, () => true)(late, request, new AbortController().signal)).rejects.toBeInstanceOf(DisposedError);
    expect(late.closed).toBe(1);
  });
});
