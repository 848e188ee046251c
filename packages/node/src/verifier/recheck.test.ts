// The server-side re-check on real photos, real models (onnxruntime-node) and a real
// PostgreSQL gallery (PGlite + pgvector through pglite-socket and pg).
import { join, resolve } from 'node:path';
import { InvalidInputError } from '@facekit/core';
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

  it('verifies the enrolled person on other photos of them', async () => {
    const r = await recheckFrames(kit, gallery, 'brad', [img('faceonnx/verification/brad_2.jpg'), img('faceonnx/verification/brad_2.jpg')]);
    expect(r.reasons).toEqual([]);
    expect(r.verified).toBe(true);
    expect(r.similarity!).toBeGreaterThan(r.threshold);
    expect(r.livenessScore!).toBeGreaterThanOrEqual(r.livenessThreshold);
    expect(r.frames).toEqual(['ok', 'ok']);
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
    await expect(recheckFrames(kit, gallery, 'brad', Array(6).fill(img('faceonnx/verification/brad_2.jpg')))).rejects.toThrow(/1 to 5 frames/);
  });
});
