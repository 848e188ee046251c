import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaceKitError } from '@facekit/core';
import { IMAGES_DIR, MODEL_DIR } from '@facekit/test-support/node';
import { createFaceKit, type NodeFaceKit } from './index.js';

const img = (f: string) => join(IMAGES_DIR, f);

describe('@facekit/node on onnxruntime-node', () => {
  let kit: NodeFaceKit;
  beforeAll(async () => { kit = await createFaceKit({ modelDir: MODEL_DIR, threads: 2 }); });
  afterAll(async () => { await kit.dispose(); });

  it('detects the 6 faces of t1.jpg from a path, from bytes and from RGBA alike', async () => {
    const fromPath = await kit.detect(img('insightface/t1.jpg'));
    expect(fromPath.faces).toHaveLength(6);
    expect([fromPath.width, fromPath.height]).toEqual([1280, 886]);
    const fromBytes = await kit.detect(readFileSync(img('insightface/t1.jpg')));
    expect(fromBytes.faces.map((f) => f.box)).toEqual(fromPath.faces.map((f) => f.box));
  });

  it('verifies the same person and tells two people apart at the calibrated threshold', async () => {
    const emb = async (f: string) => (await kit.analyze(img(f))).faces[0]!.embedding;
    const [b1, b2, n1] = [await emb('faceonnx/verification/brad_1.jpg'), await emb('faceonnx/verification/brad_2.jpg'), await emb('faceonnx/verification/nicole_1.jpg')];
    expect(b1).toHaveLength(512);
    expect(kit.verify(b1, b2).isMatch).toBe(true);
    expect(kit.verify(b1, n1).isMatch).toBe(false);
    // embed() with the detected faces gives the analyze() embedding.
    const faces = (await kit.detect(img('faceonnx/verification/brad_1.jpg'))).faces;
    const [again] = await kit.embed(img('faceonnx/verification/brad_1.jpg'), faces);
    expect(kit.compare(again!, b1)).toBeGreaterThan(0.9999);
  });

  it('passive liveness scores a live photo above a photo of a phone screen', async () => {
    const live = (await kit.analyze(img('ppu_uniface/image-kevin1.png'), { liveness: true })).faces[0]!.liveness!;
    const spoof = (await kit.analyze(img('ppu_uniface/image-fake1.jpg'), { liveness: true })).faces[0]!.liveness!;
    expect(Object.keys(live.perModel).sort()).toEqual(['minifasnet_v1se', 'minifasnet_v2']);
    expect(live.score).toBeGreaterThan(spoof.score);
    expect(spoof.isReal).toBe(false);
  });

  it('bad input is a typed error and the kit keeps working', async () => {
    const code = (p: Promise<unknown>) => p.then(() => 'resolved', (e: unknown) => (e instanceof FaceKitError ? e.code : `untyped ${String(e)}`));
    const huge = Buffer.alloc(24);
    huge.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
    huge.writeUInt32BE(20_000, 16); huge.writeUInt32BE(20_000, 20);
    expect(await code(kit.detect('/no/such/file.jpg'))).toBe('INVALID_INPUT');
    expect(await code(kit.detect(Buffer.from('not an image')))).toBe('INVALID_INPUT');
    expect(await code(kit.detect(new Uint8Array()))).toBe('INVALID_INPUT');
    expect(await code(kit.detect(huge))).toBe('INVALID_INPUT');
    expect(await code(kit.detect({ data: new Uint8ClampedArray(10), width: 4, height: 4 }))).toBe('INVALID_INPUT');
    expect(await code(kit.detect(42 as never))).toBe('INVALID_INPUT');
    expect(() => kit.verify(new Float32Array(512).fill(Number.NaN), new Float32Array(512).fill(1))).toThrow(FaceKitError);
    expect((await kit.detect(img('insightface/t1.jpg'))).faces).toHaveLength(6);
  });

  it('a missing model folder is a typed error at creation; calls after dispose are DisposedError', async () => {
    await expect(createFaceKit({ modelDir: '/nonexistent' })).rejects.toMatchObject({ code: 'MODEL_FETCH' });
    await expect(createFaceKit({ detector: 'fr_feature', modelDir: MODEL_DIR })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    const other = await createFaceKit({ modelDir: MODEL_DIR, threads: 1 });
    await other.dispose();
    await expect(other.detect(img('insightface/t1.jpg'))).rejects.toMatchObject({ code: 'DISPOSED' });
  });
});
