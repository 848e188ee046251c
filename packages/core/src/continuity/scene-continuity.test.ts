// Scene continuity: the mechanism on real photos (lfw-dev, det_500m boxes), and the rule with its
// threshold on the scene distances recorded from real camera clips (fixtures, numbers only).
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeDetector, decodeImageFile, SHARED_DIR, type NodeDetector, type RgbaImage } from '@facekit/test-support/node';
import { InvalidInputError } from '../errors.js';
import { MODELS } from '../registry/model-registry.js';
import { checkSceneContinuity, SCENE_CONTINUITY_THRESHOLD } from './scene-continuity.js';
import { sceneDistance, sceneSignature, type SceneSignature } from './scene-signature.js';

interface Clip { file: string; source: string; distances: (number | null)[] }
const { clips } = JSON.parse(readFileSync(new URL('./fixtures/real-scene-distances.json', import.meta.url), 'utf8')) as { clips: Clip[] };

describe('scene continuity on real camera clips (recorded distances)', () => {
  // A login burst: 12 frames at 3 fps (11 neighbour pairs), every window of every clip.
  const windows = (c: Clip) => Array.from({ length: Math.max(0, c.distances.length - 10) }, (_, k) => c.distances.slice(k, k + 11));
  const refused = (w: (number | null)[]) => w.some((d) => d !== null && d > SCENE_CONTINUITY_THRESHOLD);

  it('real people in front of a camera stay within the threshold: at most 2 % of 4 s logins refused outside the two clips the docs name', () => {
    // Known refusals: a person walking with a phone (the scene really changes), and a face that fills the frame (nothing to compare).
    const others = clips.filter((c) => !c.file.includes('jomariya23156') && !c.file.includes('rohintangirala'));
    const all = others.flatMap(windows);
    expect(new Set(others.map((c) => c.source)).size).toBeGreaterThanOrEqual(12);
    expect(all.length).toBeGreaterThan(500);
    expect(all.filter(refused).length / all.length).toBeLessThanOrEqual(0.02); // 7 of 594: phone selfies that swing
  });

  it('the person walking with a phone is refused: the scene behind them changes within a second', () => {
    const walking = clips.filter((c) => c.file.includes('jomariya23156')).flatMap(windows);
    expect(walking.length).toBeGreaterThan(0);
    expect(walking.every(refused)).toBe(true);
  });
});

describe('sceneSignature and sceneDistance on real photos', () => {
  let detector: NodeDetector;
  const lfw = resolve(SHARED_DIR, 'data/lfw-dev/images');
  // Three people with three or more photos each, from different occasions.
  const people = readdirSync(lfw).filter((p) => readdirSync(join(lfw, p)).length >= 3).slice(0, 3);
  const photos = people.map((p) => readdirSync(join(lfw, p)).sort().slice(0, 3).map((f) => decodeImageFile(join(lfw, p, f))));
  beforeAll(async () => { detector = await createNodeDetector(MODELS.det_500m); });
  afterAll(async () => { await detector.release(); });

  const signature = async (im: RgbaImage): Promise<SceneSignature> => sceneSignature(im, (await detector.detect(im)).faces[0]!.box);
  /** What a camera gives a moment later: shifted 3 px, exposure up 8 %, sensor noise of ±4. */
  const nextFrame = (im: RgbaImage): RgbaImage => {
    const data = new Uint8ClampedArray(im.data.length);
    let seed = 7;
    for (let y = 0; y < im.height; y++) {
      for (let x = 0; x < im.width; x++) {
        const s = (y * im.width + Math.min(im.width - 1, x + 3)) * 4, d = (y * im.width + x) * 4;
        for (let k = 0; k < 3; k++) { seed = (seed * 1103515245 + 12345) >>> 0; data[d + k] = im.data[s + k]! * 1.08 + ((seed >>> 16) % 9) - 4; }
        data[d + 3] = 255;
      }
    }
    return { ...im, data };
  };
  const mirror = (im: RgbaImage): RgbaImage => {
    const data = new Uint8ClampedArray(im.data.length);
    for (let y = 0; y < im.height; y++) for (let x = 0; x < im.width; x++) data.set(im.data.subarray((y * im.width + x) * 4, (y * im.width + x) * 4 + 4), (y * im.width + im.width - 1 - x) * 4);
    return { ...im, data };
  };

  it('a frame a moment later stays within the threshold; another occasion\'s photo of the same person does not, nor mostly a photo\'s mirror image', async () => {
    const mirrors: number[] = [];
    for (const [a, b, c] of photos) {
      const sa = await signature(a!);
      expect(sa.scene).toBeGreaterThan(0.2);
      expect(sceneDistance(sa, await signature(nextFrame(a!)))).toBeLessThan(SCENE_CONTINUITY_THRESHOLD / 2);
      for (const other of [b!, c!]) expect(sceneDistance(sa, await signature(other))).toBeGreaterThan(SCENE_CONTINUITY_THRESHOLD);
      mirrors.push(sceneDistance(sa, await signature(mirror(a!))));
    }
    // A background that is nearly symmetric survives its mirror image (8 % of lfw-dev's photos do).
    expect(mirrors.filter((d) => d > SCENE_CONTINUITY_THRESHOLD).length, mirrors.join(', ')).toBeGreaterThanOrEqual(2);
  });

  it('checkSceneContinuity: a burst of one moment passes; a cut to another photo, or a frame of another size, fails', async () => {
    const [a, b] = photos[0]!;
    const s0 = await signature(a!), s1 = await signature(nextFrame(a!)), s2 = await signature(nextFrame(nextFrame(a!)));
    expect(checkSceneContinuity([s0, s1, s2])).toMatchObject({ continuous: true, sameSize: true });
    const cut = checkSceneContinuity([s0, s1, await signature(b!)]);
    expect(cut.continuous).toBe(false);
    expect(cut.worst).toBeGreaterThan(SCENE_CONTINUITY_THRESHOLD);
    const bigger = sceneSignature({ ...a!, width: a!.width, height: a!.height }, [0, 0, 1, 1]);
    expect(checkSceneContinuity([s0, { ...bigger, width: a!.width + 2 }]).sameSize).toBe(false);
  });

  it('a head that fills the frame leaves nothing to compare: NaN, and not continuous', () => {
    const im: RgbaImage = { width: 100, height: 100, data: new Uint8ClampedArray(100 * 100 * 4).fill(128) };
    const s = sceneSignature(im, [10, 30, 90, 95]);
    expect(s.scene).toBe(0);
    expect(sceneDistance(s, s)).toBeNaN();
    expect(checkSceneContinuity([s, s]).continuous).toBe(false);
    expect(() => checkSceneContinuity([s])).toThrow(InvalidInputError);
  });
});
