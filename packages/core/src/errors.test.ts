import { describe, expect, it } from 'vitest';
import * as core from './index.js';
import {
  AbortedError, BackendError, DisposedError, FACEKIT_ERROR_CODES, FaceKitError, InvalidInputError,
  InvalidOptionError, ModelFetchError, ModelIntegrityError, QueueFullError, StorageError, WorkerCrashedError,
} from './errors.js';

describe('the FaceKitError family', () => {
  const all: [FaceKitError, string, string][] = [
    [new InvalidInputError('m'), 'InvalidInputError', 'INVALID_INPUT'],
    [new InvalidOptionError('m'), 'InvalidOptionError', 'INVALID_OPTION'],
    [new ModelIntegrityError('u', 'a', 'b'), 'ModelIntegrityError', 'MODEL_INTEGRITY'],
    [new ModelFetchError('u', 404, 'HTTP 404'), 'ModelFetchError', 'MODEL_FETCH'],
    [new BackendError('m'), 'BackendError', 'BACKEND'],
    [new WorkerCrashedError('m'), 'WorkerCrashedError', 'WORKER_CRASHED'],
    [new DisposedError(), 'DisposedError', 'DISPOSED'],
    [new AbortedError(), 'AbortedError', 'ABORTED'],
    [new QueueFullError(8), 'QueueFullError', 'QUEUE_FULL'],
    [new StorageError('m'), 'StorageError', 'STORAGE'],
    [new FaceKitError('INTERNAL', 'm'), 'FaceKitError', 'INTERNAL'],
  ];

  it.each(all)('%s has its name and code, and is a FaceKitError and an Error', (e, name, code) => {
    expect(e).toBeInstanceOf(FaceKitError);
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe(name);
    expect(e.code).toBe(code);
  });

  it('lists every code once, and each of its classes has one of them (the camera and verifier classes are in the web package, tested there)', () => {
    expect(new Set(FACEKIT_ERROR_CODES).size).toBe(FACEKIT_ERROR_CODES.length);
    for (const [e] of all) expect(FACEKIT_ERROR_CODES).toContain(e.code);
  });

  it('exports the classes from the package entry point', () => {
    expect(core.FaceKitError).toBe(FaceKitError);
    expect(core.QueueFullError).toBe(QueueFullError);
    expect(core.StorageError).toBe(StorageError);
  });

  it('gives QueueFullError its limit and advice, and StorageError its cause', () => {
    const q = new QueueFullError(32);
    expect(q.limit).toBe(32);
    expect(q.message).toBe('Too many calls are waiting (limit 32); wait for some to settle, or raise maxQueue in createFaceKit().');
    const cause = new Error('QuotaExceededError');
    const s = new StorageError('The gallery could not be saved: storage quota exceeded.', { cause });
    expect(s.cause).toBe(cause);
    expect(s.message).toMatch(/quota/);
  });

  it('model errors give the browser advice (modelBaseUrl) unless the caller gives its own hint', () => {
    expect(new ModelFetchError('u', 404, 'HTTP 404').message).toMatch(/^Could not download model file u: HTTP 404\. Check modelBaseUrl/);
    expect(new ModelFetchError('f.onnx', null, 'ENOENT', 'Run npx @facekit/node models.').message).toBe('Could not download model file f.onnx: ENOENT. Run npx @facekit/node models.');
    expect(new ModelIntegrityError('u', 'a', 'b').message).toContain('Check that modelBaseUrl');
    expect(new ModelIntegrityError('f.onnx', 'a', 'b', 'Replace the file.').message).toBe('Model file f.onnx has SHA-256 b, expected a. Replace the file.');
  });
});
