// Enroll → verify on the fake camera: each stream is its own browser launch sharing one profile,
// so the template enrolled from one stream is in IndexedDB when the next stream verifies.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { openCameraPage } from './fake-camera.js';
import { SHARED_DIR } from '@facekit/test-support/config';
import { makeStream, mirrored, type StreamSpec } from '@facekit/test-support/streams';
import type { VerifierOptions, VerifyResult, EnrollResult, IdentifyResult } from 'facekit';
import { MODELS } from '@facekit/core';
import { createNodeDetector, decodeImageFile } from '@facekit/test-support/node';

test.describe.configure({ mode: 'serial' });

// A 720p webcam (the common laptop default): at 640×480 kevin1's eyes are 59.5 px apart and
// kevin2's 31.5, under the quality gate's 60 px (ISO/IEC 19794-5). kevin2 (3:2, a small face)
// fills the 16:9 frame ('cover', eyes ≈ 63 px); the others are shown whole.
const HD = { width: 1280, height: 720 } as const;
const still = (image: string, fit: 'contain' | 'cover' = 'contain'): StreamSpec => ({ kind: 'still', image, fit, ...HD });

type Outcome<T> = { ok: true; value: T } | { ok: false; name: string; code: string; message: string; hints?: { code: string; frames: number }[] };

/** Opens `stream` as the camera in the shared profile and runs enroll or verify there. */
async function watch<T extends EnrollResult | VerifyResult | IdentifyResult>(profile: string, stream: StreamSpec, call: 'enroll' | 'verify' | 'identify', id: string, options: VerifierOptions = {}): Promise<Outcome<T>> {
  const cam = await openCameraPage(makeStream(stream), { userDataDir: profile });
  try {
    return await cam.page.evaluate(async ({ call, id, options }) => {
      const kit = await window.facekit.createFaceKit();
      const camera = await window.facekit.openCamera({ width: 1280, height: 720 });
      try {
        const verifier = await kit.createVerifier(options);
        const value = call === 'identify' ? await verifier.identify(camera.stream) : await verifier[call](camera.stream, { id });
        return { ok: true as const, value: value as T };
      } catch (e) {
        const err = e as InstanceType<typeof window.facekit.VerificationTimeoutError>;
        return { ok: false as const, name: err.name, code: err.code, message: err.message, ...(err.hints ? { hints: err.hints } : {}) };
      } finally {
        camera.stop();
        await kit.dispose();
      }
    }, { call, id, options });
  } finally {
    await cam.close();
  }
}

function value<T>(o: Outcome<T>): T {
  if (!o.ok) throw new Error(`${o.name} (${o.code}): ${o.message}`);
  return o.value;
}

/** The first same-person and the first different-person pair of lfw-dev/pairs.txt. */
function lfwPairs(): { same: [string, string]; different: [string, string] } {
  const lines = readFileSync(resolve(SHARED_DIR, 'data/lfw-dev/pairs.txt'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
  const img = (name: string, n: string) => `lfw-dev/images/${name}/${name}_${n.padStart(4, '0')}.jpg`;
  const s = lines.find((c) => c.length === 3)!;
  const d = lines.find((c) => c.length === 4)!;
  return { same: [img(s[0]!, s[1]!), img(s[0]!, s[2]!)], different: [img(d[0]!, d[1]!), img(d[2]!, d[3]!)] };
}

test('enroll from kevin1; kevin2 verifies as a match, magnus1 and haaland1 do not; identify finds kevin', async () => {
  test.setTimeout(420_000);
  const profile = mkdtempSync(join(tmpdir(), 'facekit-verify-'));
  try {
    const enrolled = value(await watch<EnrollResult>(profile, still('images/ppu_uniface/image-kevin1.png'), 'enroll', 'kevin'));
    console.log(`enroll kevin1: ${enrolled.frames} frames, liveness ${enrolled.livenessScore?.toFixed(3)}, ${enrolled.durationMs.toFixed(0)} ms`);
    expect(enrolled.frames).toBe(5);
    expect(Math.min(...enrolled.frameSimilarities)).toBeGreaterThan(0.9);
    for (const [image, same, fit] of [['images/ppu_uniface/image-kevin2.jpg', true, 'cover'], ['images/ppu_uniface/image-magnus1.png', false, 'contain'], ['images/ppu_uniface/image-haaland1.jpeg', false, 'contain']] as const) {
      const v = value(await watch<VerifyResult>(profile, still(image, fit), 'verify', 'kevin'));
      console.log(`verify ${image} against kevin: similarity ${v.similarity.toFixed(3)} (threshold ${v.threshold}), isMatch ${v.isMatch}, live ${v.live} (${v.livenessScore?.toFixed(3)}), ${v.frames} frames, reasons ${v.reasons.join(',') || '-'}`);
      expect(v.isMatch, image).toBe(same);
      expect(v.frames).toBe(5);
      expect(v.far).toBe(1e-4);
      // Identity is what this loop checks. kevin2 is a 1024×683 press photo upscaled ×1.9 to fill
      // the frame: MiniFASNet scores it about 0.8 on the box its still-image threshold was
      // calibrated with (det_500m at 640: 0.67), so it is reported, not asserted live; that it
      // scores the same on every pass is liveness.spec.ts's. The genuine magnus pair below is.
      expect(v.verified).toBe(v.isMatch && v.live);
      if (!same) expect(v.reasons).toContain('no-match');
    }
    // 1:N over everyone enrolled here (kevin, and magnus enrolled now).
    value(await watch<EnrollResult>(profile, still('images/ppu_uniface/image-magnus1.png'), 'enroll', 'magnus'));
    // A genuine stream is verified outright (a match and live), not only matched: magnus2, another
    // photo of him, with passive liveness on.
    const genuine = value(await watch<VerifyResult>(profile, still('images/ppu_uniface/image-magnus2.png'), 'verify', 'magnus'));
    console.log(`verify magnus2 against magnus: similarity ${genuine.similarity.toFixed(3)}, liveness ${genuine.livenessScore?.toFixed(3)}, verified ${genuine.verified}`);
    expect(genuine.verified).toBe(true);
    expect(genuine.reasons).toEqual([]);
    const who = value(await watch<IdentifyResult>(profile, still('images/ppu_uniface/image-kevin2.jpg', 'cover'), 'identify', ''));
    console.log(`identify kevin2: ${who.matches.map((m) => `${m.id} ${m.similarity.toFixed(3)}${m.isMatch ? ' ✓' : ''}`).join(', ')}`);
    expect(who.best?.id).toBe('kevin');
    expect(who.matches.map((m) => m.id)).toEqual(['kevin', 'magnus']);
    expect(who.matches[1]!.isMatch).toBe(false);
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
});

test('lfw-dev: the first same pair matches, the first different pair does not', async () => {
  test.setTimeout(420_000);
  const { same, different } = lfwPairs();
  const profile = mkdtempSync(join(tmpdir(), 'facekit-verify-'));
  // LFW photos are small (250×250) and low-quality: liveness is not what this checks.
  const options: VerifierOptions = { liveness: 'off' };
  try {
    for (const [[a, b], expected, id] of [[same, true, 'same'], [different, false, 'different']] as const) {
      value(await watch<EnrollResult>(profile, still(a), 'enroll', id, options));
      const v = value(await watch<VerifyResult>(profile, still(b), 'verify', id, options));
      console.log(`lfw ${a} → ${b}: similarity ${v.similarity.toFixed(3)} (threshold ${v.threshold}), isMatch ${v.isMatch}`);
      expect(v.isMatch, `${a} vs ${b}`).toBe(expected);
    }
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
});

/**
 * `image` moved and scaled so that its eyes (det_500m's keypoints) land on `reference`'s, on a
 * canvas of `reference`'s size: two photos of one person, one with the eyes closed, were taken a
 * head's shift apart (0.23 inter-ocular distances, 8 % in scale), and a blink needs a face that
 * holds still. Written into `dir`.
 */
async function alignedPhoto(image: string, reference: string, dir: string): Promise<string> {
  const det = await createNodeDetector(MODELS.det_500m);
  try {
    const eyes = async (p: string) => {
      const im = decodeImageFile(resolve(SHARED_DIR, 'data', p));
      const [l, r] = (await det.detect(im)).faces[0]!.keypoints;
      return { x: (l[0] + r[0]) / 2, y: (l[1] + r[1]) / 2, iod: Math.hypot(r[0] - l[0], r[1] - l[1]), width: im.width, height: im.height };
    };
    const [a, ref] = [await eyes(image), await eyes(reference)];
    const k = ref.iod / a.iod;
    const out = join(dir, 'aligned.png');
    const graph = `color=c=0x808080:s=${ref.width}x${ref.height}:d=1[bg];[0:v]scale=iw*${k}:ih*${k}:flags=bicubic[fg];`
      + `[bg][fg]overlay=x=${Math.round(ref.x - a.x * k)}:y=${Math.round(ref.y - a.y * k)}:shortest=1`;
    const r = spawnSync('ffmpeg', ['-v', 'error', '-y', '-i', resolve(SHARED_DIR, 'data', image), '-filter_complex', graph, '-frames:v', '1', out]);
    if (r.status !== 0) throw new Error(`ffmpeg: ${r.stderr.toString()}`);
    return out;
  } finally {
    await det.release();
  }
}

test('blink: a stream alternating open and closed eyes passes the blink challenge; a still photo fails it at the timeout', async () => {
  test.setTimeout(240_000);
  const profile = mkdtempSync(join(tmpdir(), 'facekit-verify-'));
  const open = 'images/faceonnx/landmarks/eyes_open_open.jpg';
  try {
    const closed = await alignedPhoto('images/faceonnx/landmarks/eyes_closed_closed.jpg', open, profile);
    const blinking: StreamSpec = { kind: 'alternate', images: [open, closed], segmentMs: [700, 300], seconds: 4, ...HD };
    const passed = value(await watch<EnrollResult>(profile, blinking, 'enroll', 'blinker', { liveness: 'blink', timeoutMs: 20_000 }));
    console.log(`blink stream: enrolled over ${passed.frames} frames in ${passed.durationMs.toFixed(0)} ms`);
    expect(passed.frames).toBe(5);
    const v = value(await watch<VerifyResult>(profile, blinking, 'verify', 'blinker', { liveness: 'blink', timeoutMs: 20_000 }));
    expect(v.live).toBe(true);
    expect(v.isMatch).toBe(true);
    const still = await watch<VerifyResult>(profile, { kind: 'still', image: open, ...HD }, 'verify', 'blinker', { liveness: 'blink', timeoutMs: 8000 });
    console.log(`still photo, blink challenge: ${still.ok ? 'passed?!' : still.message}`);
    expect(still.ok).toBe(false);
    if (still.ok) return;
    expect(still.name).toBe('VerificationTimeoutError');
    expect(still.hints?.[0]?.code).toBe('blink-now');
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
});

test('head turn: photos of one person facing, then turned each way, pass the challenge; a still photo and a tilted print do not', async () => {
  test.setTimeout(420_000);
  const profile = mkdtempSync(join(tmpdir(), 'facekit-verify-'));
  const options: VerifierOptions = { liveness: 'turn', timeoutMs: 15_000 };
  try {
    // haaland1 faces the camera (yaw 0°); haaland2 is turned to his right (−26°), and mirrored to his left.
    // magnus1 faces it (4°), magnus2 is turned to his left (+31°), and mirrored to his right.
    const people = [
      { id: 'haaland', front: 'images/ppu_uniface/image-haaland1.jpeg', turnedTo: 'images/ppu_uniface/image-haaland2.png' },
      { id: 'magnus', front: 'images/ppu_uniface/image-magnus1.png', turnedTo: 'images/ppu_uniface/image-magnus2.png' },
    ];
    for (const p of people) {
      // Facing, turned one way, facing, turned the other way: whichever side is asked first comes within a cycle.
      const turning: StreamSpec = { kind: 'alternate', images: [p.front, p.turnedTo, p.front, mirrored(p.turnedTo)], segmentMs: [1000, 800, 1000, 800], seconds: 7.2, ...HD };
      value(await watch<EnrollResult>(profile, still(p.front), 'enroll', p.id, { liveness: 'off' }));
      const v = value(await watch<VerifyResult>(profile, turning, 'verify', p.id, options));
      console.log(`turn ${p.id}: verified ${v.verified}, turned ${v.turned}, similarity ${v.similarity.toFixed(3)}, ${(v.durationMs / 1000).toFixed(1)} s`);
      expect(v.turned).toBe(true);
      expect(v.verified).toBe(true);
    }
    for (const [what, stream] of [['still photo', still('images/ppu_uniface/image-magnus1.png')], ['tilted print', { kind: 'print', image: 'images/ppu_uniface/image-magnus1.png', ...HD } as StreamSpec]] as const) {
      const r = await watch<VerifyResult>(profile, stream, 'verify', 'magnus', options);
      console.log(`turn, ${what}: ${r.ok ? 'passed?!' : `${r.name}: ${r.hints?.map((h) => `${h.code} ×${h.frames}`).join(', ')}`}`);
      expect(r.ok, what).toBe(false);
      if (r.ok) continue;
      expect(r.name).toBe('VerificationTimeoutError');
      expect(['look-left', 'look-right']).toContain(r.hints?.[0]?.code);
    }
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
});
