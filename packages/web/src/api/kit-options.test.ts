// createFaceKit's option resolution in Node: defaults, packs, URLs, and a typed error for every
// bad option, before any worker would start.
import { getModel, thresholdFor } from '@facekit/core';
import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../errors.js';
import { DEFAULT_MAX_QUEUE, folderUrl, kitLicences, matchThreshold, noticeNonCommercial, resolveFetchPolicy, resolveKitOptions } from './kit-options.js';
import type { FaceKitOptions } from './options.js';

const PAGE = 'https://app.example/login/index.html';
const resolve = (o: FaceKitOptions) => resolveKitOptions(o, PAGE);

describe('resolveKitOptions', () => {
  it('defaults: the facekit_s pack, one worker, the detector loaded first, models beside the page', () => {
    const r = resolve({});
    expect(r.models.detector.id).toBe('det_500m');
    expect(r.models.recognizer.id).toBe('fr_feature');
    expect(r.models.antispoof.map((m) => m.id)).toEqual(['minifasnet_v2', 'minifasnet_v1se']);
    expect(r.models.eyeModel.id).toBe('fr_eye');
    expect(r.models.attributeModels.eyes).toBe(r.models.eyeModel);
    expect(r.models.genderHead?.id).toBe('fr_feature'); // fr_gender stacked with fr_feature's embedding
    expect(r.initial.map((m) => m.id)).toEqual(['det_500m']);
    expect(r).toMatchObject({ workers: 1, maxQueue: DEFAULT_MAX_QUEUE, requestedThreads: undefined, cacheName: 'facekit', wasmBase: undefined });
    expect(r.modelBase).toBe('https://app.example/login/models/');
    expect(r.fetchPolicy).toEqual({ stallTimeoutMs: 30_000, retries: 2, retryDelayMs: 500 });
  });

  it('a pack, explicit models, preloadRecognizer and the pool sizes', () => {
    const r = resolve({ pack: 'commercial_s', recognizer: 'w600k_mbf', preloadRecognizer: true, workers: 3, maxQueue: 7, threadsPerWorker: 2, cacheName: 'x' });
    expect(r.models.detector.id).toBe('yunet_2026may');
    expect(r.initial.map((m) => m.id)).toEqual(['yunet_2026may', 'w600k_mbf']);
    expect(r).toMatchObject({ workers: 3, maxQueue: 7, requestedThreads: 2, cacheName: 'x' });
    // No head ships for fr_gender with w600k_mbf: gender is the model's alone.
    expect(r.models.genderHead).toBeUndefined();
  });

  it('licences: every model the kit may run, once each; commercial_s has none that forbids commercial use', () => {
    const def = kitLicences(resolve({}).models);
    expect(def.map((l) => l.model)).toEqual([...new Set(def.map((l) => l.model))]);
    expect(def.find((l) => l.model === 'det_500m')).toEqual({ model: 'det_500m', licence: 'InsightFace-non-commercial', commercialUse: false });
    expect(def.map((l) => l.model)).toEqual(expect.arrayContaining(['fr_feature', 'minifasnet_v2', 'fr_eye', 'fr_gender']));
    expect(kitLicences(resolve({ pack: 'commercial_s' }).models).filter((l) => !l.commercialUse)).toEqual([]);
  });

  it('the non-commercial notice names the models and the pack to use instead, and says nothing when there are none', () => {
    const said: string[] = [];
    noticeNonCommercial(kitLicences(resolve({}).models), (m) => said.push(m));
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/det_500m \(InsightFace-non-commercial\) is not licensed for commercial use.*pack: 'commercial_s'/);
    noticeNonCommercial(kitLicences(resolve({ pack: 'commercial_s' }).models), (m) => said.push(m));
    expect(said).toHaveLength(1);
  });

  it('genderHead: false reads gender with the gender model alone', () => {
    expect(resolve({ genderHead: false }).models.genderHead).toBeUndefined();
    expect(resolve({ genderHead: true }).models.genderHead?.id).toBe('fr_feature');
  });

  it('assetBaseUrl puts models and ORT under one folder; modelBaseUrl and wasmBaseUrl override it', () => {
    expect(resolve({ assetBaseUrl: '/static/facekit' })).toMatchObject({ modelBase: 'https://app.example/static/facekit/models/', wasmBase: 'https://app.example/static/facekit/ort/' });
    expect(resolve({ assetBaseUrl: 'https://cdn.example/fk/', modelBaseUrl: '../m', wasmPaths: 'https://cdn.example/ort' }))
      .toMatchObject({ modelBase: 'https://app.example/m/', wasmBase: 'https://cdn.example/ort/' });
  });

  it.each<[FaceKitOptions, RegExp]>([
    [{ pack: 'nope' }, /^pack: Unknown pack "nope"/],
    [{ detector: 'fr_feature' }, /^detector: "fr_feature" is a recognition model/],
    [{ recognizer: 'nope' }, /^recognizer: Unknown model "nope"/],
    [{ livenessModels: ['det_500m'] }, /^livenessModels:/],
    [{ eyeStateModel: 'fr_age' }, /^eyeStateModel:/],
    [{ attributeModels: { age: 'fr_gender' } }, /^attributeModels\.age:/],
    [{ genderHead: 'yes' as never }, /^genderHead must be true or false/],
    [{ workers: 0 }, /workers/],
    [{ workers: 1.5 }, /workers/],
    [{ maxQueue: -1 }, /maxQueue/],
    [{ threadsPerWorker: 65 }, /threadsPerWorker/],
    [{ modelFetch: { retries: 11 } }, /modelFetch\.retries/],
    [{ modelFetch: { stallTimeoutMs: 0 } }, /modelFetch\.stallTimeoutMs/],
    [{ modelFetch: { retryDelayMs: -1 } }, /modelFetch\.retryDelayMs/],
    [{ modelBaseUrl: 'http://[bad' }, /^modelBaseUrl: "http:\/\/\[bad" is not a URL/],
  ])('%j → InvalidOptionError %s', (o, message) => {
    const call = () => resolve(o);
    expect(call).toThrow(InvalidOptionError);
    expect(call).toThrow(message);
  });

  it('without a page, a relative URL is an error that says so', () => {
    expect(() => resolveKitOptions({ modelBaseUrl: 'models' }, undefined)).toThrow(/not a URL \(absolute, or relative to the page\)/);
    expect(folderUrl('https://cdn.example/a', 'x', undefined)).toBe('https://cdn.example/a/');
  });
});

describe('resolveFetchPolicy', () => {
  it('keeps the defaults for what is not given', () => {
    expect(resolveFetchPolicy({ retries: 0 })).toEqual({ stallTimeoutMs: 30_000, retries: 0, retryDelayMs: 500 });
  });
});

describe('matchThreshold', () => {
  const fr = getModel('fr_feature');
  it('an explicit threshold wins; otherwise the calibrated one at far (flip table with flip)', () => {
    expect(matchThreshold(fr, { threshold: 0.42, far: 1e-2 })).toBe(0.42);
    expect(matchThreshold(fr, { far: 1e-3, flip: true })).toBe(thresholdFor('fr_feature', 1e-3, true));
    expect(() => matchThreshold(fr, { threshold: Number.NaN })).toThrow(InvalidOptionError);
    expect(() => matchThreshold(fr, { far: 0.5 })).toThrow(InvalidOptionError);
  });
});
