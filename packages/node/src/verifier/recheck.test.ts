// The server-side re-check on real photos, real models (onnxruntime-node) and a real
// PostgreSQL gallery (PGlite + pgvector through pglite-socket and pg).
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { InvalidInputError, NEAR_DUPLICATE_DEFAULTS, createReplayMemory, dot, frameFingerprint, isNearDuplicate, shapeShift, type FrameFingerprint } from '@facekit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMAGES_DIR, MODEL_DIR, SHARED_DIR } from '@facekit/test-support/node';
import { createFaceKit, type NodeFaceKit } from '../create-face-kit.js';
import { createPgGallery, type PgGallery } from '../gallery/pg-gallery.js';
import { recheckFrames } from './recheck.js';

const img = (f: string) => join(IMAGES_DIR, f);
const spoofDev = (f: string) => resolve(SHARED_DIR, 'data/spoof-dev', f);

describe('recheckFrames', () => {
  let kit: NodeFaceKit;
  let gallery: PgGallery;
  beforeAll(async () => {
    kit = await createFaceKit({ modelDir: MODEL_DIR, threads: 2 });
    gallery = await createPgGallery({ db: 'memory:' });
    // Enrollment as the CLI does it: the flip-test embedding of the main face.
    for (const [id, file] of [['brad', img('faceonnx/verification/brad_1.jpg')], ['trueface', spoofDev('real/tf_near_shot_real_person.jpg')]] as const) {
      const { faces } = await kit.analyze(file, { flip: true });
      await gallery.add(id, faces[0]!.embedding, { source: file });
    }
  }, 120_000);
  afterAll(async () => { await gallery?.close(); await kit?.dispose(); });

  // Photos are not a camera's frames: the tests of the match, liveness and copy checks turn the
  // scene check off (PHOTOS); the last tests show what it does with photos.
  const PHOTOS = { continuity: false } as const;

  it('verifies the enrolled person on other photos of them (scene check off); with it, two photos from different occasions are not one moment', async () => {
    const r = await recheckFrames(kit, gallery, 'brad', [img('faceonnx/verification/brad_2.jpg'), img('faceonnx/verification/brad_3.jpg')], PHOTOS);
    expect(r.reasons).toEqual([]);
    expect(r.verified).toBe(true);
    expect(r.similarity!).toBeGreaterThan(r.threshold);
    expect(r.livenessScore!).toBeGreaterThanOrEqual(r.livenessThreshold);
    expect(r.frames).toEqual(['ok', 'ok']);
    // The same picture twice is not two frames of a camera.
    const twice = await recheckFrames(kit, gallery, 'brad', [img('faceonnx/verification/brad_2.jpg'), img('faceonnx/verification/brad_2.jpg')], PHOTOS);
    expect(twice.reasons).toEqual(['frames-identical']);
    const checked = await recheckFrames(kit, gallery, 'brad', [img('faceonnx/verification/brad_2.jpg'), img('faceonnx/verification/brad_3.jpg')]);
    expect(checked.reasons).toEqual(['not-one-moment']); // and of different sizes, which no camera gives
  });

  it('says no-match for someone else, and the same for an id nobody enrolled', async () => {
    const other = await recheckFrames(kit, gallery, 'brad', [img('faceonnx/verification/nicole_1.jpg')]);
    expect(other.verified).toBe(false);
    expect(other.reasons).toContain('no-match');
    expect(other.similarity!).toBeLessThan(other.threshold);
    const unknown = await recheckFrames(kit, gallery, 'nobody', [img('faceonnx/verification/brad_2.jpg')]);
    expect(unknown.reasons).toEqual(['no-match']);
  });

  it('rejects a photo of a screen held up for an enrolled person as not live', async () => {
    const r = await recheckFrames(kit, gallery, 'trueface', [spoofDev('spoof/tf_near_shot_fake_person.jpg')]);
    expect(r.verified).toBe(false);
    expect(r.reasons).toContain('not-live');
    expect(r.livenessScore!).toBeLessThan(r.livenessThreshold);
  });

  it('rejects frames of two different people, and frames without a face', async () => {
    const mixed = await recheckFrames(kit, gallery, 'brad', [img('faceonnx/verification/brad_2.jpg'), img('faceonnx/verification/nicole_1.jpg')]);
    expect(mixed.reasons).toContain('frames-differ');
    expect(mixed.verified).toBe(false);
    const none = await recheckFrames(kit, gallery, 'brad', [img('faceonnx/verification/brad_2.jpg'), img('negatives/insightface_mask_white.jpg')]);
    expect(none.frames).toEqual(['ok', 'no-face']);
    expect(none.reasons).toEqual(['no-face']);
    expect(none.verified).toBe(false);
  });

  it('bad frames and requests are typed errors', async () => {
    await expect(recheckFrames(kit, gallery, 'brad', [Buffer.from('not a jpeg')])).rejects.toThrow(InvalidInputError);
    await expect(recheckFrames(kit, gallery, 'brad', [])).rejects.toThrow(InvalidInputError);
    await expect(recheckFrames(kit, gallery, '', [img('faceonnx/verification/brad_2.jpg')])).rejects.toThrow(InvalidInputError);
    await expect(recheckFrames(kit, gallery, 'brad', Array(17).fill(img('faceonnx/verification/brad_2.jpg')))).rejects.toThrow(/1 to 16 frames/);
    await expect(recheckFrames(kit, gallery, 'brad', [img('faceonnx/verification/brad_2.jpg')], { continuity: { threshold: -1 } })).rejects.toThrow(/continuity.threshold/);
  });

  describe('with a head-turn challenge and a replay memory', () => {
    // haaland1 faces the camera (yaw ≈ 0°); haaland2 is turned to his own right (≈ −26°), and
    // mirrored it is turned to his left: the frames of a person who turns each way, as photos
    // (the challenge's three frames, the scene check off, as before bursts).
    const THREE_PHOTOS = { minFrames: 3, continuity: false } as const;
    const front = img('ppu_uniface/image-haaland1.jpeg');
    let right: Buffer, left: Buffer;
    beforeAll(async () => {
      const { faces } = await kit.analyze(front, { flip: true });
      await gallery.add('haaland', faces[0]!.embedding, { source: front });
      right = await sharp(img('ppu_uniface/image-haaland2.png')).jpeg({ quality: 92 }).toBuffer();
      left = await sharp(img('ppu_uniface/image-haaland2.png')).flop().jpeg({ quality: 92 }).toBuffer();
    }, 60_000);

    it('verifies frames that face the camera, then turn the way asked, in that order; refuses any other order', async () => {
      const r = await recheckFrames(kit, gallery, 'haaland', [front, left, right], { turns: ['left', 'right'], ...THREE_PHOTOS });
      console.log(`turn: yaws ${r.yaws.map((y) => y.toFixed(1)).join(', ')}; similarity ${r.similarity?.toFixed(3)}; liveness ${r.livenessScore?.toFixed(3)}`);
      expect(r.reasons).toEqual([]);
      expect(r.turned).toEqual(['left', 'right']);
      expect(r.verified).toBe(true);
      const wrongOrder = await recheckFrames(kit, gallery, 'haaland', [front, left, right], { turns: ['right', 'left'], ...THREE_PHOTOS });
      expect(wrongOrder.reasons).toEqual(['no-turn']);
      // Turned first: the challenge starts from a frame facing the camera.
      const noFront = await recheckFrames(kit, gallery, 'haaland', [left, front, right], { turns: ['left', 'right'], ...THREE_PHOTOS });
      expect(noFront.reasons).toContain('no-turn');
    });

    it('refuses one photo, copies of it, and a single frame', async () => {
      const copies = await recheckFrames(kit, gallery, 'haaland', [front, front, front], { turns: ['left', 'right'], ...THREE_PHOTOS });
      expect(copies.reasons.sort()).toEqual(['no-turn']); // the copy check looks at the challenge's frames: there are none without a turn
      await expect(recheckFrames(kit, gallery, 'haaland', [front, front, left, right], { turns: ['left', 'right'] })).rejects.toThrow(/5 to 16 frames/);
      await expect(recheckFrames(kit, gallery, 'haaland', [front, left, right], { turns: ['left', 'left'] as never })).rejects.toThrow(/turns must be/);
    });

    it('pose-varied photos sent as a burst in the order of the turn (a frontal photo, a turned one and its mirror, each a few times as a camera would give them) are not one moment', async () => {
      // Each photo brought to one frame size (as an attacker would), as two frames a moment apart: the second shifted by 2 px.
      const frames = async (b: string | Buffer) => {
        const framed = await sharp(b).resize(640, 480, { fit: 'cover' }).toBuffer();
        const shifted = await sharp(await sharp(framed).extend({ left: 2, background: '#000' }).toBuffer()).extract({ left: 0, top: 0, width: 640, height: 480 }).jpeg({ quality: 90 }).toBuffer();
        return [await sharp(framed).jpeg({ quality: 90 }).toBuffer(), shifted];
      };
      const burst = [...await frames(front), ...await frames(left), ...await frames(right)];
      const r = await recheckFrames(kit, gallery, 'haaland', burst, { turns: ['left', 'right'] });
      console.log(`pose-varied photos as a burst: scene distances ${r.scene!.distances.map((d) => d.toFixed(3)).join(', ')} (threshold ${r.scene!.threshold})`);
      expect(r.reasons).toContain('not-one-moment');
      expect(r.verified).toBe(false);
      // Within one photo's two frames the scene holds; across photos it does not.
      expect(r.scene!.distances[0]!).toBeLessThan(r.scene!.threshold);
      expect(r.scene!.distances[1]!).toBeGreaterThan(r.scene!.threshold);
    });

    it('refuses the frames of a verified login sent again, re-encoded, resized and reordered for the other turn order', async () => {
      const replay = createReplayMemory();
      const first = await recheckFrames(kit, gallery, 'haaland', [front, left, right], { turns: ['left', 'right'], replay, ...THREE_PHOTOS });
      expect(first.verified).toBe(true);
      const edit = async (b: string | Buffer, scale: number) => {
        const m = await sharp(b).metadata();
        return sharp(b).resize(Math.round(m.width! * scale)).jpeg({ quality: 70 }).toBuffer();
      };
      const again = await recheckFrames(kit, gallery, 'haaland', [await edit(front, 0.9), await edit(right, 0.9), await edit(left, 0.9)], { turns: ['right', 'left'], replay, ...THREE_PHOTOS });
      expect(again.reasons).toEqual(['replayed']);
      expect(again.verified).toBe(false);
      // Only a verified login is remembered, and only for its id.
      expect(replay.ids).toBe(1);
    });

    it('near-duplicates: copies of a photo (re-encoded, resized, noised, brightened) are; other photos of the same person are not', async () => {
      const printOf = async (input: string | Buffer | { data: Uint8ClampedArray; width: number; height: number }): Promise<FrameFingerprint> => {
        const { faces } = await kit.analyze(input, { flip: true });
        return frameFingerprint(faces[0]!);
      };
      const noisy = async (file: string, amplitude: number, gain: number) => {
        const { data, info } = await sharp(file).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
        let seed = 7;
        const out = new Uint8ClampedArray(data.length);
        for (let i = 0; i < data.length; i++) {
          seed = (seed * 1103515245 + 12345) >>> 0;
          out[i] = i % 4 === 3 ? 255 : data[i]! * gain + ((seed >>> 16) / 65536 - 0.5) * 2 * amplitude;
        }
        return { data: out, width: info.width, height: info.height };
      };
      const people: Record<string, string[]> = {
        brad: ['faceonnx/verification/brad_1.jpg', 'faceonnx/verification/brad_2.jpg', 'faceonnx/verification/brad_3.jpg'],
        nicole: ['faceonnx/verification/nicole_1.jpg', 'faceonnx/verification/nicole_2.jpg', 'faceonnx/verification/nicole_3.jpg'],
        kevin: ['ppu_uniface/image-kevin1.png', 'ppu_uniface/image-kevin2.jpg'],
        magnus: ['ppu_uniface/image-magnus1.png', 'ppu_uniface/image-magnus2.png'],
        haaland: ['ppu_uniface/image-haaland1.jpeg', 'ppu_uniface/image-haaland2.png'],
      };
      let copyMin = { cos: 1, shift: 0 }, otherMax = { cos: -1, shift: Infinity };
      for (const files of Object.values(people)) {
        const prints = await Promise.all(files.map((f) => printOf(img(f))));
        for (const [i, f] of files.entries()) {
          const m = await sharp(img(f)).metadata();
          for (const copy of [
            await sharp(img(f)).jpeg({ quality: 60 }).toBuffer(),
            await sharp(img(f)).resize(Math.round(m.width! * 0.8)).jpeg({ quality: 85 }).toBuffer(),
            await noisy(img(f), 8, 1.15),
          ]) {
            const c = await printOf(copy);
            copyMin = { cos: Math.min(copyMin.cos, dot(c.embedding, prints[i]!.embedding)), shift: Math.max(copyMin.shift, shapeShift(c, prints[i]!)) };
            expect(isNearDuplicate(c, prints[i]!), `a copy of ${f}`).toBe(true);
          }
          for (let j = i + 1; j < files.length; j++) {
            const cos = dot(prints[i]!.embedding, prints[j]!.embedding);
            if (cos > otherMax.cos) otherMax = { cos, shift: shapeShift(prints[i]!, prints[j]!) };
            expect(isNearDuplicate(prints[i]!, prints[j]!), `${f} and ${files[j]}`).toBe(false);
          }
        }
      }
      expect(copyMin.cos).toBeGreaterThan(NEAR_DUPLICATE_DEFAULTS.minCosine);
      expect(copyMin.shift).toBeLessThan(NEAR_DUPLICATE_DEFAULTS.maxShapeShift);
      console.log(`near-duplicates: copies cos ≥ ${copyMin.cos.toFixed(4)}, shape shift ≤ ${copyMin.shift.toFixed(4)}; other photos of one person cos ≤ ${otherMax.cos.toFixed(4)} (that pair's shift ${otherMax.shift.toFixed(4)})`);
    }, 120_000);
  });
});
