// The live loop on the fake camera (real photos streamed as y4m): tracking, latest-frame-wins,
// and the quality gate's refusals at enrollment.
import { expect, test } from '@playwright/test';
import { iou } from '@facekit/core';
import { openCameraPage } from './fake-camera.js';
import { T1_PAN, makeStream } from '@facekit/test-support/streams';

test.describe.configure({ mode: 'serial' });

test('tracking: a pan across t1.jpg keeps its 6 track ids for ≥ 150 frames with at most one switch', async () => {
  test.setTimeout(240_000);
  const cam = await openCameraPage(makeStream(T1_PAN));
  try {
    const r = await cam.page.evaluate(async () => {
      const kit = await window.facekit.createFaceKit();
      const camera = await window.facekit.openCamera();
      const frames: { faces: { id: number; box: [number, number, number, number] }[]; mode: string; timestamp: number }[] = [];
      const ac = new AbortController();
      // t1's faces are small here (eyes 11–20 px apart): the full pass runs at 640.
      const loop = await kit.createVideoLoop(camera.stream, {
        inputSize: 640, signal: ac.signal,
        onFrame: (f) => {
          frames.push({ faces: f.faces.map((x) => ({ id: x.trackId, box: x.box })), mode: f.mode, timestamp: f.timestamp });
          if (frames.length >= 160) ac.abort();
        },
      });
      const stats = await loop.done.catch(() => loop.stats);
      camera.stop();
      await kit.dispose();
      return { frames, stats };
    });
    const { frames, stats } = r;
    expect(frames.length).toBeGreaterThanOrEqual(150);
    // A new id is a tracker failure when its face still overlaps where a face was in the frame
    // before (IoU ≥ 0.3, the tracker's own association rule). When the machine stalled so long
    // that the pan carried every face off its last box, nothing could have bridged the gap: those
    // are counted apart (a run beside busy loops saw one such stall re-number all six faces).
    let switches = 0, unbridgeable = 0;
    const gaps: number[] = [];
    for (let k = 1; k < frames.length; k++) {
      const before = frames[k - 1]!, now = frames[k]!;
      const known = new Set(before.faces.map((f) => f.id));
      for (const f of now.faces) {
        if (known.has(f.id)) continue;
        const overlap = Math.max(0, ...before.faces.map((b) => iou(f.box, b.box)));
        if (overlap >= 0.3) switches++;
        else { unbridgeable++; gaps.push(Math.round(now.timestamp - before.timestamp)); }
      }
    }
    const distinct = new Set(frames.flatMap((f) => f.faces.map((x) => x.id)));
    console.log(`tracking: ${frames.length} frames, ${distinct.size} distinct ids, ${switches} switch(es) where the face still overlapped its last box, ` +
      `${unbridgeable} new id(s) after a jump past every last box (frame gaps ${gaps.join(', ') || 'none'} ms), ` +
      `${stats.fullPasses} full / ${stats.regionPasses} region passes, faces per frame min ${Math.min(...frames.map((f) => f.faces.length))}`);
    expect(switches).toBeLessThanOrEqual(1);
    // Such jumps are rare events, not the pan itself: at most one stall's worth of faces.
    expect(unbridgeable).toBeLessThanOrEqual(6);
    // Every face found in (almost) every frame, and the cheap region passes did most of the work.
    expect(frames.filter((f) => f.faces.length === 6).length).toBeGreaterThanOrEqual(frames.length - 3);
    expect(stats.regionPasses).toBeGreaterThan(stats.fullPasses);
  } finally {
    await cam.close();
  }
});

test('latest frame wins: with the pipeline slower than the camera, results keep up with the newest frame and nothing queues', async () => {
  test.setTimeout(180_000);
  const cam = await openCameraPage(makeStream({ kind: 'still', image: 'images/ppu_uniface/image-kevin1.png', fps: 30, seconds: 2 }));
  try {
    const r = await cam.page.evaluate(async () => {
      const kit = await window.facekit.createFaceKit();
      const camera = await window.facekit.openCamera();
      const rows: { ts: number; newest: number; roundTrip: number; pending: number; received: number; dropped: number; processed: number; failed: number; hiddenDropped: number }[] = [];
      const ac = new AbortController();
      // Slow on purpose: full-resolution detection plus liveness and flip-test embedding.
      const loop = await kit.createVideoLoop(camera.stream, {
        inputSize: 640, fullDetectionEvery: 1, liveness: true, embed: true, flip: true, signal: ac.signal,
        onFrame: (f) => {
          const { pending, received, dropped, processed, failed, hiddenDropped } = loop.stats;
          rows.push({ ts: f.timestamp, newest: f.newestTimestamp, roundTrip: f.timings.roundTrip, pending, received, dropped, processed, failed, hiddenDropped });
          if (rows.length >= 30) ac.abort();
        },
      });
      const stats = await loop.done.catch(() => loop.stats);
      camera.stop();
      await kit.dispose();
      return { rows, stats };
    });
    const { rows, stats } = r;
    expect(rows.length).toBe(30);
    // Frame counts and order only, no clock: the loop holds one frame in flight and the source one
    // waiting frame (the newest; a newer one replaces it). So when result i-1 is handed on, the
    // next frame taken is the one waiting then, or else the next one delivered.
    for (let i = 1; i < rows.length; i++) {
      const [prev, row] = [rows[i - 1]!, rows[i]!];
      expect(row.ts, `frame ${i} is newer than frame ${i - 1}`).toBeGreaterThan(prev.ts);
      // Latest frame wins: the next frame processed is never older than the newest frame the
      // camera had delivered when the previous result was ready (a queue would hand on the frame
      // right after the previous one). So a result lags the newest frame by at most the frames
      // delivered while it was in flight, never by a backlog.
      expect(row.ts, `frame ${i} is at least as new as the newest frame at result ${i - 1}`).toBeGreaterThanOrEqual(prev.newest);
    }
    for (const row of rows) {
      // Nothing queues: at most one frame waits, and every frame delivered so far was processed,
      // replaced unprocessed by a newer one, or is that one waiting frame.
      expect(row.pending).toBeLessThanOrEqual(1);
      expect(row.received, JSON.stringify(row)).toBe(row.processed + row.dropped + row.pending + row.failed + row.hiddenDropped);
      expect(row.newest).toBeGreaterThanOrEqual(row.ts);
    }
    const skipped = rows.slice(1).map((row, i) => row.dropped - rows[i]!.dropped);
    const median = [...rows].map((x) => x.roundTrip).sort((a, b) => a - b)[15]!;
    console.log(`latest frame wins: ${stats.processed} processed, ${stats.received} received, ${stats.dropped} dropped; frames replaced unprocessed per result ${Math.min(...skipped)}–${Math.max(...skipped)}; round trip median ${median.toFixed(0)} ms (not asserted)`);
    // The pipeline really is slower than the camera: more frames were replaced unprocessed than
    // processed, so the order checks above ran with newer frames arriving during each round trip.
    expect(stats.dropped).toBeGreaterThan(stats.processed);
  } finally {
    await cam.close();
  }
});

// 720p frames, where kevin1's eyes are 92 px apart: each stream fails for one reason only.
const HD = { width: 1280, height: 720 } as const;
const refusals: { what: string; code: string; spec: Parameters<typeof makeStream>[0] }[] = [
  { what: 'a small face', code: 'too-small', spec: { kind: 'still', image: 'images/ppu_uniface/image-kevin1.png', scale: 0.4, ...HD } },
  { what: 'a darkened photo', code: 'too-dark', spec: { kind: 'still', image: 'images/ppu_uniface/image-kevin1.png', brightness: 0.25, ...HD } },
  { what: 'a group photo', code: 'multiple-faces', spec: { kind: 'still', image: 'images/uniface/src_friends.jpg', ...HD } },
];

for (const { what, code, spec } of refusals) {
  test(`quality: ${what} is refused at enrollment with ${code}`, async () => {
    test.setTimeout(120_000);
    const cam = await openCameraPage(makeStream(spec));
    try {
      const r = await cam.page.evaluate(async () => {
        const kit = await window.facekit.createFaceKit();
        const camera = await window.facekit.openCamera({ width: 1280, height: 720 });
        const verifier = await kit.createVerifier({ timeoutMs: 6000 });
        const seen = new Set<string>();
        try {
          await verifier.enroll(camera.stream, { id: 'someone', onProgress: (p) => seen.add(p.hint) });
          return { ok: true as const };
        } catch (e) {
          const err = e as InstanceType<typeof window.facekit.VerificationTimeoutError>;
          return { ok: false as const, name: err.name, code: err.code, hints: err.hints, message: err.message, seen: [...seen], enrolled: await verifier.list() };
        } finally {
          camera.stop();
          await kit.dispose();
        }
      });
      expect(r.ok, JSON.stringify(r)).toBe(false);
      if (r.ok) return;
      console.log(`quality, ${what}: ${r.message}`);
      expect(r.name).toBe('VerificationTimeoutError');
      expect(r.code).toBe('TIMEOUT');
      expect(r.hints[0]!.code).toBe(code);
      expect(r.seen).toContain(code);
      expect(r.enrolled).toEqual([]);
    } finally {
      await cam.close();
    }
  });
}
