import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ModelFetchError, ModelIntegrityError } from '../errors.js';
import { getModel } from '../registry/model-registry.js';
import type { ModelSpec } from '../registry/model-spec.js';
import { fillModelFolder, type FillProgress } from './fill-model-folder.js';

// Small made-up files with the registry's shape, so the test needs no real model and no network.
const bytesOf = (text: string): Buffer => Buffer.from(text);
const fake = (id: string, content: string, extra: Partial<ModelSpec> = {}): ModelSpec => ({
  ...getModel('det_500m'), id, file: `${id}.onnx`, localPath: `sub/${id}.onnx`,
  sha256: createHash('sha256').update(bytesOf(content)).digest('hex'), bytes: content.length, sources: [], verified: true, ...extra,
});

const tmp = mkdtempSync(join(tmpdir(), 'facekit-fill-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const quiet = (): void => {};

describe('fillModelFolder', () => {
  const a = fake('model_a', 'alpha bytes');
  const b = fake('model_b', 'beta bytes');
  const from = join(tmp, 'source');
  mkdirSync(join(from, 'sub'), { recursive: true });
  writeFileSync(join(from, 'sub/model_a.onnx'), 'alpha bytes'); // found by its localPath
  writeFileSync(join(from, 'model_b.onnx'), 'beta bytes'); // found by its file name

  it('copies each file from a local folder after checking its SHA-256, then skips what is already there', async () => {
    const out = join(tmp, 'out');
    const seen: FillProgress[] = [];
    const first = await fillModelFolder({ outDir: out, models: [a, b], fromDir: from, log: quiet, onProgress: (p) => seen.push(p) });
    expect(first.failed).toBe(0);
    expect(first.results.map((r) => [r.spec.id, r.status])).toEqual([['model_a', 'fetched'], ['model_b', 'fetched']]);
    expect(first.results[0]!.origin).toBe(join(from, 'sub/model_a.onnx'));
    expect(readdirSync(out).sort()).toEqual(['model_a.onnx', 'model_b.onnx']);
    expect(readFileSync(join(out, 'model_b.onnx'), 'utf8')).toBe('beta bytes');
    // A start and an end event per model, in order.
    expect(seen.map((p) => [p.index, p.total, p.result?.status])).toEqual([[0, 2, undefined], [0, 2, 'fetched'], [1, 2, undefined], [1, 2, 'fetched']]);

    // Second run: nothing is read from the source (it is gone), both files are recognised by hash.
    const again = await fillModelFolder({ outDir: out, models: [a, b], fromDir: join(tmp, 'nowhere'), log: quiet });
    expect(again.results.map((r) => r.status)).toEqual(['present', 'present']);
  });

  it('refuses a corrupted source with a ModelIntegrityError and writes nothing under the real name', async () => {
    const bad = join(tmp, 'bad-source');
    mkdirSync(bad);
    writeFileSync(join(bad, 'model_a.onnx'), 'alpha bytes, but not quite');
    const out = join(tmp, 'out-bad');
    const lines: string[] = [];
    const r = await fillModelFolder({ outDir: out, models: [a], fromDir: bad, log: (l) => lines.push(l) });
    expect(r.failed).toBe(1);
    const error = r.results[0]!.error;
    expect(error).toBeInstanceOf(ModelIntegrityError);
    expect(error).toMatchObject({ code: 'MODEL_INTEGRITY', url: join(bad, 'model_a.onnx'), expectedSha256: a.sha256 });
    expect(error!.message).toContain('Nothing was written');
    expect(error!.message).not.toContain('modelBaseUrl');
    expect(lines.join('\n')).toMatch(/MISSING {2}model_a: .*SHA-256 mismatch/);
    expect(readdirSync(out)).toEqual([]);
  });

  it('a file replaced by other bytes is fetched again, not trusted', async () => {
    const out = join(tmp, 'out-stale');
    mkdirSync(out);
    writeFileSync(join(out, 'model_b.onnx'), 'beta bytez');
    const r = await fillModelFolder({ outDir: out, models: [b], fromDir: from, log: quiet });
    expect(r.results[0]!.status).toBe('fetched');
    expect(readFileSync(join(out, 'model_b.onnx'), 'utf8')).toBe('beta bytes');
  });

  it('a file missing from the source is a ModelFetchError; unverified models are skipped unless required', async () => {
    const unverified = fake('model_c', 'gamma', { verified: false });
    const r = await fillModelFolder({ outDir: join(tmp, 'out-missing'), models: [unverified], fromDir: from, log: quiet });
    expect(r.failed).toBe(0);
    expect(r.results[0]).toMatchObject({ status: 'skipped' });
    const required = await fillModelFolder({ outDir: join(tmp, 'out-missing'), models: [unverified], fromDir: from, log: quiet, required: true });
    expect(required.failed).toBe(1);
    expect(required.results[0]!.error).toBeInstanceOf(ModelFetchError);
    expect(required.results[0]!.error).toMatchObject({ code: 'MODEL_FETCH', status: null });
  });
});
