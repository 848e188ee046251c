// createFaceKit's options, checked and resolved once: the models of the pack (or the ones
// asked for), pool sizes, the fetch policy and the URLs models and ORT's wasm come from. A bad
// option throws InvalidOptionError here, before any worker starts.
import { getPack, hasGenderHead, intOption, modelOption, thresholdFor, type AttributeKind, type ModelSpec } from '@facekit/core';
import { attributeModelOptions } from './attribute-options.js';
import { InvalidOptionError } from '../errors.js';
import type { FaceKitOptions } from './options.js';
import { DEFAULT_FETCH_POLICY, type ModelFetchPolicy } from '../store/model-store.js';

/** See `FaceKitOptions.maxQueue`. */
export const DEFAULT_MAX_QUEUE = 100;

/** The models a kit runs. */
export interface KitModels {
  detector: ModelSpec;
  recognizer: ModelSpec;
  antispoof: ModelSpec[];
  eyeModel: ModelSpec;
  /** The model answering each attribute. */
  attributeModels: Record<AttributeKind, ModelSpec>;
  /** The recognizer whose embedding the gender head stacks with the gender model; none: the model alone. */
  genderHead?: ModelSpec;
}

export interface ResolvedKitOptions {
  models: KitModels;
  /** Loaded by every worker before the kit resolves; the others load on first use. */
  initial: ModelSpec[];
  workers: number;
  maxQueue: number;
  /** Undefined: chosen from the machine and isolation (`resolveThreads`). */
  requestedThreads: number | undefined;
  fetchPolicy: ModelFetchPolicy;
  cacheName: string;
  /** Absolute folder URLs ending in '/'. */
  modelBase: string;
  wasmBase: string | undefined;
}

export function resolveFetchPolicy(o: Partial<ModelFetchPolicy> | undefined): ModelFetchPolicy {
  const p = { ...DEFAULT_FETCH_POLICY, ...o };
  const bad = (name: keyof ModelFetchPolicy, min: number) => !(Number.isFinite(p[name]) && p[name] >= min);
  if (bad('stallTimeoutMs', 1)) throw new InvalidOptionError(`modelFetch.stallTimeoutMs must be a positive number of ms, got ${p.stallTimeoutMs}`);
  if (bad('retries', 0) || !Number.isInteger(p.retries) || p.retries > 10) throw new InvalidOptionError(`modelFetch.retries must be an integer from 0 to 10, got ${p.retries}`);
  if (bad('retryDelayMs', 0)) throw new InvalidOptionError(`modelFetch.retryDelayMs must be ≥ 0, got ${p.retryDelayMs}`);
  return p;
}

/** The page's URL, which relative option URLs resolve against. */
export function pageUrl(): string | undefined {
  return (globalThis as { document?: { baseURI: string } }).document?.baseURI ?? globalThis.location?.href;
}

/** A folder URL, absolute (relative ones resolve against `page`) and ending in '/'. */
export function folderUrl(url: string | undefined, name: string, page: string | undefined): string {
  let u: URL;
  try {
    u = new URL(url ?? './models/', page);
  } catch {
    throw new InvalidOptionError(`${name}: "${String(url)}" is not a URL (absolute, or relative to the page)`);
  }
  if (!u.pathname.endsWith('/')) u.pathname += '/';
  return u.href;
}

/** Checks and resolves every option createFaceKit reads; `page` resolves relative URLs. */
export function resolveKitOptions(options: FaceKitOptions, page = pageUrl()): ResolvedKitOptions {
  let pack;
  try {
    pack = getPack(options.pack ?? 'facekit_s');
  } catch (e) {
    throw new InvalidOptionError(`pack: ${(e as Error).message}`);
  }
  const detector = modelOption(options.detector ?? pack.detector, 'detector', 'detection');
  const recognizer = modelOption(options.recognizer ?? pack.recognizer, 'recognizer', 'recognition');
  const antispoof = (options.livenessModels ?? ['minifasnet_v2', 'minifasnet_v1se']).map((id) => modelOption(id, 'livenessModels', 'antispoof'));
  const eyeModel = modelOption(options.eyeStateModel ?? 'fr_eye', 'eyeStateModel', 'eyestate');
  const attributeModels = attributeModelOptions(options.attributeModels, eyeModel);
  if (options.genderHead !== undefined && typeof options.genderHead !== 'boolean') throw new InvalidOptionError(`genderHead must be true or false, got ${String(options.genderHead)}`);
  const stackGender = (options.genderHead ?? true) && hasGenderHead(attributeModels.gender.id, recognizer.id);
  const assetBase = options.assetBaseUrl === undefined ? undefined : folderUrl(options.assetBaseUrl, 'assetBaseUrl', page);
  const modelBase = options.modelBaseUrl !== undefined ? folderUrl(options.modelBaseUrl, 'modelBaseUrl', page)
    : assetBase ? `${assetBase}models/` : folderUrl(undefined, 'modelBaseUrl', page);
  const wasmOption = options.wasmBaseUrl ?? options.wasmPaths;
  return {
    models: { detector, recognizer, antispoof, eyeModel, attributeModels, ...(stackGender ? { genderHead: recognizer } : {}) },
    initial: options.preloadRecognizer ? [detector, recognizer] : [detector],
    workers: intOption(options.workers, 'workers', { max: 64 }) ?? 1,
    maxQueue: intOption(options.maxQueue, 'maxQueue', { max: 100_000 }) ?? DEFAULT_MAX_QUEUE,
    requestedThreads: intOption(options.threadsPerWorker, 'threadsPerWorker', { max: 64 }),
    fetchPolicy: resolveFetchPolicy(options.modelFetch),
    cacheName: options.cacheName ?? 'facekit',
    modelBase,
    // Absolute: the worker would resolve a relative URL against its own script.
    wasmBase: wasmOption !== undefined ? folderUrl(wasmOption, 'wasmBaseUrl', page) : assetBase ? `${assetBase}ort/` : undefined,
  };
}

/** One model's licence, as `kit.info.licences` lists it. */
export interface ModelLicenceInfo { model: string; licence: string; commercialUse: boolean }

/** The licence of every model the kit may run (each once), in the order of KitModels. */
export function kitLicences(m: KitModels): ModelLicenceInfo[] {
  const specs = [m.detector, m.recognizer, ...m.antispoof, m.eyeModel, ...Object.values(m.attributeModels)];
  return [...new Map(specs.map((s) => [s.id, { model: s.id, licence: s.licence.id, commercialUse: s.licence.commercialUse }])).values()];
}

/** Says once (per kit) which of its models may not be shipped in a product, and what to pick instead. */
export function noticeNonCommercial(licences: readonly ModelLicenceInfo[], log: (message: string) => void = console.info): void {
  const restricted = licences.filter((l) => !l.commercialUse);
  if (!restricted.length) return;
  log(`facekit: ${restricted.map((l) => `${l.model} (${l.licence})`).join(', ')} ${restricted.length > 1 ? 'are' : 'is'} not licensed for commercial use; for a product, createFaceKit({ pack: 'commercial_s' }) uses none (README, "Models and licences").`);
}

/** The explicit threshold, or `recognizer`'s calibrated one at `far` (the flip-test table with `flip`). */
export function matchThreshold(recognizer: ModelSpec, o: { far?: number; threshold?: number; flip?: boolean }): number {
  if (o.threshold !== undefined) {
    if (!Number.isFinite(o.threshold)) throw new InvalidOptionError(`threshold must be a finite number, got ${o.threshold}`);
    return o.threshold;
  }
  try {
    return thresholdFor(recognizer.id, o.far, o.flip);
  } catch (e) {
    throw new InvalidOptionError((e as Error).message);
  }
}
