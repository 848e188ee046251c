// One default model folder for the runtime and both commands.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_MODEL_DIR, chooseModelDir, createFaceKit } from './index.js';
import { runEnroll } from './cli/enroll.js';

const tmp = mkdtempSync(join(tmpdir(), 'facekit-model-dir-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
afterEach(() => { vi.unstubAllEnvs(); });

describe('the default model folder', () => {
  it('is ./facekit/models, where `npx facekit assets ./facekit` puts the files', () => {
    expect(DEFAULT_MODEL_DIR).toBe('./facekit/models');
  });

  it('is chosen after an explicit folder and a non-empty $FACEKIT_MODELS', () => {
    expect(chooseModelDir('/x', { FACEKIT_MODELS: '/y' })).toBe('/x');
    expect(chooseModelDir(undefined, { FACEKIT_MODELS: '/y' })).toBe('/y');
    expect(chooseModelDir(undefined, { FACEKIT_MODELS: '' })).toBe(DEFAULT_MODEL_DIR);
    expect(chooseModelDir(undefined, {})).toBe(DEFAULT_MODEL_DIR);
  });

  it('is where createFaceKit looks, and its error says how to fill it with the Node package\'s command', async () => {
    vi.stubEnv('FACEKIT_MODELS', '');
    const e = await createFaceKit().catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'MODEL_FETCH', url: join(DEFAULT_MODEL_DIR, 'det_500m.onnx') });
    expect((e as Error).message).toContain(`npx @facekit/node models --dir ${DEFAULT_MODEL_DIR} --add det_500m`);
    expect((e as Error).message).not.toMatch(/npx facekit assets|modelBaseUrl/);
    vi.stubEnv('FACEKIT_MODELS', join(tmp, 'env-models'));
    await expect(createFaceKit()).rejects.toMatchObject({ code: 'MODEL_FETCH', url: join(tmp, 'env-models', 'det_500m.onnx') });
  });

  it('is where enroll looks', async () => {
    vi.stubEnv('FACEKIT_MODELS', '');
    const photos = join(tmp, 'photos/someone');
    mkdirSync(photos, { recursive: true });
    writeFileSync(join(photos, 'a.jpg'), 'not read: the models fail first');
    await expect(runEnroll({ input: join(tmp, 'photos'), db: 'memory:', quiet: true })).rejects.toMatchObject({ code: 'MODEL_FETCH', url: join(DEFAULT_MODEL_DIR, 'det_500m.onnx') });
  });
});
