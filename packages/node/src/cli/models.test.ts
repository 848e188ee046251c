// `facekit-node models` without spawning: a pack from a local model source into a temp folder,
// hash checks, files already there, a corrupted source, and the default folder.
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidOptionError, ModelFetchError, ModelIntegrityError, getModel } from '@facekit/core';
import { SHARED_DIR } from '@facekit/test-support/node';
import { DEFAULT_MODEL_DIR } from '../model-dir.js';
import { modelsToFetch, runModels } from './models.js';

const SOURCE = join(SHARED_DIR, 'models'); // the repository's local model source, as models/fetch-models.ts reads it
const tmp = mkdtempSync(join(tmpdir(), 'facekit-models-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
afterEach(() => { vi.unstubAllEnvs(); });

/** Where a model lies in the source folder (laid out like shared/models). */
const sourceFile = (id: string): string => join(SOURCE, getModel(id).localPath ?? getModel(id).file);
const sha256 = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');
/** Collects what would go to stderr. */
const sink = () => { const out: string[] = []; return { out, stream: { write: (s: string) => out.push(s) } }; };

describe('facekit-node models', () => {
  it('lists the pack\'s models and the added ones once, and refuses unknown ids', () => {
    expect(modelsToFetch().map((m) => m.id)).toEqual(['det_500m', 'fr_feature']);
    expect(modelsToFetch('commercial_s', ['minifasnet_v2', 'fr_feature']).map((m) => m.id)).toEqual(['yunet_2026may', 'fr_feature', 'minifasnet_v2']);
    expect(() => modelsToFetch('nope')).toThrow(InvalidOptionError);
    expect(() => modelsToFetch('facekit_s', ['nope'])).toThrow(InvalidOptionError);
  });

  it('writes the pack into the folder, each file with the registry\'s SHA-256, on one progress line', async () => {
    const dir = join(tmp, 'a');
    const err = sink();
    const s = await runModels({ dir, from: SOURCE, add: ['minifasnet_v2'], stderr: err.stream });
    expect(s).toEqual({ dir, fetched: ['det_500m', 'fr_feature', 'minifasnet_v2'], present: [] });
    expect(readdirSync(dir).sort()).toEqual(['2.7_80x80_MiniFASNetV2.onnx', 'det_500m.onnx', 'fr_feature.onnx']);
    for (const id of s.fetched) expect(sha256(join(dir, getModel(id).file))).toBe(getModel(id).sha256);
    const text = err.out.join('');
    const [progress, ...notices] = text.split('\n');
    expect(progress).toMatch(/^\r\[1\/3\] det_500m {2}checking…/);
    expect(progress!.split('\r').slice(1).at(-1)).toMatch(/^\[3\/3\] minifasnet_v2 {2}fetched\s*$/);
    // det_500m is InsightFace's (non-commercial): its licence is said once the line is done.
    expect(notices.join('\n')).toMatch(/^licence of det_500m: .*non-commercial/);
  });

  it('skips files already there with the right hash, and replaces one with other bytes', async () => {
    const dir = join(tmp, 'b');
    mkdirSync(dir);
    copyFileSync(sourceFile('det_500m'), join(dir, 'det_500m.onnx'));
    writeFileSync(join(dir, 'fr_feature.onnx'), 'a truncated download');
    const s = await runModels({ dir, from: SOURCE, quiet: true });
    expect(s).toMatchObject({ fetched: ['fr_feature'], present: ['det_500m'] });
    expect(sha256(join(dir, 'fr_feature.onnx'))).toBe(getModel('fr_feature').sha256);
    // Nothing to do the second time, and nothing is read from the source (it does not exist).
    expect(await runModels({ dir, from: join(tmp, 'nowhere'), quiet: true })).toMatchObject({ fetched: [], present: ['det_500m', 'fr_feature'] });
  });

  it('refuses a corrupted source with a ModelIntegrityError and writes nothing of it', async () => {
    const bad = join(tmp, 'corrupt-source');
    mkdirSync(bad);
    const good = readFileSync(sourceFile('det_500m'));
    const flipped = Buffer.from(good);
    flipped[1000] = flipped[1000]! ^ 0xff; // one byte off: same size, other hash
    writeFileSync(join(bad, 'det_500m.onnx'), flipped);
    const dir = join(tmp, 'c');
    const err = sink();
    const run = runModels({ dir, from: bad, stderr: err.stream });
    await expect(run).rejects.toBeInstanceOf(ModelIntegrityError);
    await expect(run).rejects.toMatchObject({ code: 'MODEL_INTEGRITY', url: join(bad, 'det_500m.onnx'), expectedSha256: getModel('det_500m').sha256 });
    expect(readdirSync(dir)).toEqual([]);
    expect(err.out.join('')).toContain('[1/2] det_500m  FAILED');
    // A source that lacks the file: a ModelFetchError.
    await expect(runModels({ dir, from: join(tmp, 'empty'), quiet: true })).rejects.toBeInstanceOf(ModelFetchError);
  });

  it('writes to $FACEKIT_MODELS, else to DEFAULT_MODEL_DIR under the working directory', async () => {
    const env = join(tmp, 'from-env');
    vi.stubEnv('FACEKIT_MODELS', env);
    expect((await runModels({ from: SOURCE, quiet: true })).dir).toBe(env);
    vi.stubEnv('FACEKIT_MODELS', '');
    const cwd = process.cwd();
    const work = join(tmp, 'cwd');
    mkdirSync(work);
    process.chdir(work); // the forks pool runs each file in its own process
    try {
      const s = await runModels({ from: SOURCE, quiet: true });
      expect(s.dir).toBe(resolve(work, DEFAULT_MODEL_DIR));
      expect(readdirSync(join(work, 'facekit/models')).sort()).toEqual(['det_500m.onnx', 'fr_feature.onnx']);
    } finally {
      process.chdir(cwd);
    }
  });
});
