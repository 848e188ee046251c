import { describe, expect, it } from 'vitest';
import * as core from '@facekit/core';
import {
  CameraDeniedError, CameraInUseError, FACEKIT_ERROR_CODES, LivenessError, NoCameraError, NotEnrolledError, UnsupportedBrowserError, VerificationTimeoutError,
  AbortedError, BackendError, DisposedError, WorkerCrashedError,
  FaceKitError, InvalidInputError, InvalidOptionError, ModelFetchError, ModelIntegrityError, QueueFullError, StorageError,
  deserializeError, serializeError,
} from './errors.js';

describe('web errors', () => {
  it('every code has its class, here or in core, with its name', () => {
    const all: [FaceKitError, string][] = [
      [new InvalidInputError('m'), 'InvalidInputError'], [new InvalidOptionError('m'), 'InvalidOptionError'],
      [new ModelIntegrityError('u', 'a', 'b'), 'ModelIntegrityError'], [new ModelFetchError('u', 404, 'HTTP 404'), 'ModelFetchError'],
      [new BackendError('m'), 'BackendError'], [new WorkerCrashedError('m'), 'WorkerCrashedError'], [new DisposedError(), 'DisposedError'],
      [new AbortedError(), 'AbortedError'], [new CameraDeniedError(), 'CameraDeniedError'], [new NoCameraError(), 'NoCameraError'],
      [new CameraInUseError(), 'CameraInUseError'], [new UnsupportedBrowserError('m'), 'UnsupportedBrowserError'],
      [new VerificationTimeoutError(100, [{ code: 'too-dark', frames: 3 }]), 'VerificationTimeoutError'], [new LivenessError(0.1, 0.5), 'LivenessError'],
      [new NotEnrolledError('x'), 'NotEnrolledError'], [new QueueFullError(8), 'QueueFullError'], [new StorageError('m'), 'StorageError'],
      [new FaceKitError('INTERNAL', 'm'), 'FaceKitError'],
    ];
    for (const [e, name] of all) {
      expect(e).toBeInstanceOf(FaceKitError);
      expect(e.name).toBe(name);
    }
    expect(new Set(all.map(([e]) => e.code))).toEqual(new Set(FACEKIT_ERROR_CODES));
    expect(new VerificationTimeoutError(100, [{ code: 'too-dark', frames: 3 }]).message).toBe('No decision within 100 ms; blocked by: too-dark (3 frames).');
  });

  it('re-exports the core classes themselves, so instanceof works across packages', () => {
    expect(FaceKitError).toBe(core.FaceKitError);
    expect(QueueFullError).toBe(core.QueueFullError);
    expect(StorageError).toBe(core.StorageError);
    let thrown: unknown;
    try {
      core.cosineSimilarity(new Float32Array([1, 0]), new Float32Array([Number.NaN, 0]));
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(InvalidInputError);
    expect(thrown).toBeInstanceOf(FaceKitError);
  });

  it('round-trips typed errors across the worker boundary', () => {
    const cases: FaceKitError[] = [
      new QueueFullError(16),
      new StorageError('IndexedDB is blocked by another tab; close it and try again.'),
      new ModelIntegrityError('u', 'a', 'b'),
      new ModelFetchError('u', 503, 'HTTP 503'),
      new InvalidInputError('bad image'),
      new InvalidOptionError('bad option'),
    ];
    for (const e of cases) {
      const back = deserializeError(JSON.parse(JSON.stringify(serializeError(e))));
      expect(back.constructor).toBe(e.constructor);
      expect(back.code).toBe(e.code);
      expect(back.message).toBe(e.message);
    }
    expect((deserializeError(serializeError(new QueueFullError(16))) as QueueFullError).limit).toBe(16);
  });

  it('reports anything that is not a FaceKitError as INTERNAL, RangeError included', () => {
    expect(serializeError(new RangeError('bad'))).toEqual({ name: 'FaceKitError', code: 'INTERNAL', message: 'RangeError: bad' });
    expect(serializeError('oops')).toMatchObject({ code: 'INTERNAL', message: 'Error: oops' });
  });
});
