// Seeded fuzz of the embedding and gallery-JSON entry points. Every call must either succeed with
// a valid result or throw a FaceKitError with a known code (never a bare TypeError/RangeError,
// never a hang), and a gallery built beforehand must keep its exact top-k throughout.
// Replay a failure with FUZZ_SEED=<seed> (the failure message names the seed and the case).
import { describe, expect, it } from 'vitest';
import { rng } from '@facekit/test-support/random';
import { FACEKIT_ERROR_CODES, FaceKitError, type FaceKitErrorCode } from '../errors.js';
import { createGallery, galleryFromJSON, type Gallery, type GalleryJSON } from './gallery.js';
import { cosineSimilarity, dot, l2Normalize } from './vector.js';

const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed_face);
const MAX_CASES = 2000;
const MAX_MS = 3000;
/** One case that takes this long counts as a hang. */
const CASE_MS = 1000;
const DIM = 8;
/** The codes hostile data may produce here: bad data or bad options, nothing else. */
const EXPECTED: readonly FaceKitErrorCode[] = ['INVALID_INPUT', 'INVALID_OPTION'];

type Next = () => number;
const int = (next: Next, n: number) => Math.floor(next() * n);
const pick = <T>(next: Next, list: readonly T[]): T => list[int(next, list.length)]!;
/** A fresh copy of an odd value, so mutations never reach the shared list. */
const odd = (next: Next): unknown => structuredClone(pick(next, ODD_VALUES));
const isObject = (v: unknown): v is Record<string | number, unknown> => typeof v === 'object' && v !== null;

const ODD_VALUES: readonly unknown[] = [
  null, undefined, Number.NaN, Infinity, -Infinity, 0, -0, -1, 1.5, 2 ** 31, 1e39, 1e-50, Number.MAX_VALUE,
  '', 'x', '1', '__proto__', 'constructor', true, [], [[]], {}, { length: DIM }, new Float32Array(DIM), [1, 2],
];
const PROTO_IDS = ['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'valueOf'];

function unitVector(next: Next, dim = DIM): Float32Array {
  const v = new Float32Array(dim);
  for (let i = 0; i < dim; i++) v[i] = next() * 2 - 1;
  // A zero draw is astronomically unlikely; keep the baseline valid regardless.
  v[0] = v[0]! + 1e-3;
  return v;
}

/** A vector-ish value: valid, or broken in one of the ways real callers break them. */
function hostileVector(next: Next): unknown {
  const base = Array.from(unitVector(next));
  switch (int(next, 14)) {
    case 0: return Float32Array.from(base);
    case 1: return base;
    case 2: return new Float32Array(int(next, 3 * DIM));
    case 3: return unitVector(next, pick(next, [0, 1, DIM - 1, DIM + 1, 3 * DIM]));
    case 4: { base[int(next, DIM)] = pick(next, [Number.NaN, Infinity, -Infinity]); return pick(next, [base, Float32Array.from(base)]); }
    case 5: return pick(next, [new Float32Array(DIM), new Array<number>(DIM).fill(0)]);
    case 6: return pick(next, ['embedding', null, undefined, 42, {}, { length: DIM }, () => base, Symbol('v')]);
    case 7: { (base as unknown[])[int(next, DIM)] = odd(next); return base; }
    case 8: return Float64Array.from(base);
    case 9: return base.map((x) => x * pick(next, [1e150, 1e200, 1e-160, 1e-200, 1e-40]));
    case 10: return new Int8Array(DIM).fill(1);
    case 11: { const sparse = base.slice(); delete sparse[int(next, DIM)]; return sparse; }
    case 12: return [];
    default: return [Float32Array.from(base), odd(next)];
  }
}

/** Paths into a gallery JSON document to mutate. */
function paths(doc: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (typeof doc === 'object' && doc !== null) {
    for (const key of Object.keys(doc)) {
      const p = [...prefix, Array.isArray(doc) ? Number(key) : key];
      out.push(p);
      // Sample row values instead of listing all of them.
      if (!(Array.isArray(doc) && typeof doc[0] === 'number')) paths((doc as Record<string, unknown>)[key], p, out);
    }
  }
  return out;
}

function parentOf(doc: unknown, path: (string | number)[]): [Record<string | number, unknown>, string | number] | null {
  let o = doc as Record<string | number, unknown>;
  for (const k of path.slice(0, -1)) {
    const child = o[k];
    if (typeof child !== 'object' || child === null) return null;
    o = child as Record<string | number, unknown>;
  }
  return [o, path[path.length - 1]!];
}

/** One random mutation of `doc` in place (or a replacement document). */
function mutate(next: Next, doc: unknown): unknown {
  // Earlier mutations may have left a string or null: nothing more to mutate in place.
  if (!isObject(doc)) return doc;
  const all = paths(doc);
  const found = all.length ? parentOf(doc, pick(next, all)) : null;
  // Typed arrays (an odd value) refuse deletes and new lengths; leave them be.
  const at = found && !ArrayBuffer.isView(found[0]) ? found : null;
  const entries = doc.entries;
  const entry = Array.isArray(entries) && entries.length ? pick(next, entries) : undefined;
  switch (int(next, 10)) {
    case 0: if (at) delete at[0][at[1]]; return doc;
    case 1: if (at && !Array.isArray(at[0])) { at[0][`${String(at[1])}_`] = at[0][at[1]]; delete at[0][at[1]]; } return doc;
    case 2: if (at) at[0][at[1]] = odd(next); return doc;
    case 3: if (at && Array.isArray(at[0][at[1]])) (at[0][at[1]] as unknown[]).length = int(next, 3); return doc;
    case 4: if (Array.isArray(entries) && entry !== undefined) entries.push(structuredClone(entry)); return doc;
    case 5: if (isObject(entry)) entry.id = pick(next, PROTO_IDS); return doc;
    case 6: doc.dim = pick(next, [0, DIM - 1, DIM + 1, 2 ** 40, -DIM, '8', Number.NaN]); return doc;
    case 7: {
      // Truncated text: parsed when it still parses, else passed as the string itself.
      const text = JSON.stringify(doc);
      const cut = text.slice(0, int(next, text.length));
      try { return JSON.parse(cut) as unknown; } catch { return cut; }
    }
    case 8: return JSON.parse(JSON.stringify(doc)) as unknown;
    default: {
      const row = isObject(entry) ? entry.embeddings : undefined;
      const vec = Array.isArray(row) && row.length ? pick(next, row) : undefined;
      if (Array.isArray(vec) && vec.length) vec[int(next, vec.length)] = pick(next, [Number.NaN, Infinity, -Infinity, 1e39, null, '0']);
      return doc;
    }
  }
}

interface Outcome { ok: boolean; value?: unknown; error?: unknown }
function attempt(fn: () => unknown): Outcome {
  try {
    return { ok: true, value: fn() };
  } catch (error) {
    return { ok: false, error };
  }
}

const topK = (g: Gallery, queries: Float32Array[]) => JSON.stringify(queries.map((q) => g.search(q, 5)));

describe(`hostile input fuzz (seed ${SEED})`, () => {
  it(`gives a valid result or a typed FaceKitError for up to ${MAX_CASES} cases / ${MAX_MS} ms`, () => {
    const next = rng(SEED);
    const baseline = createGallery({ dim: DIM, model: 'fuzz' });
    for (let i = 0; i < 24; i++) baseline.add(`p${i}`, [unitVector(next), unitVector(next)]);
    const queries = Array.from({ length: 4 }, () => unitVector(next));
    const expectedTopK = topK(baseline, queries);
    const validDoc: GalleryJSON = baseline.toJSON();
    const started = performance.now();
    let cases = 0, thrown = 0, accepted = 0;

    const fail = (i: number, label: string, detail: string): never => {
      throw new Error(`fuzz seed ${SEED} case ${i} (${label}): ${detail}`);
    };
    const check = (i: number, label: string, out: Outcome, valid: (v: unknown) => string | null): void => {
      if (out.ok) {
        accepted++;
        const problem = valid(out.value);
        if (problem) fail(i, label, `bad result: ${problem}`);
        return;
      }
      thrown++;
      const e = out.error;
      if (!(e instanceof FaceKitError)) fail(i, label, `threw a non-FaceKitError: ${String(e)}`);
      const { code, message } = e as FaceKitError;
      if (!FACEKIT_ERROR_CODES.includes(code)) fail(i, label, `unknown code ${code}`);
      if (!EXPECTED.includes(code)) fail(i, label, `unexpected code ${code}: ${message}`);
      if (!message) fail(i, label, 'empty message');
    };
    const similarity = (v: unknown) => (typeof v === 'number' && v >= -1 && v <= 1 ? null : `similarity ${String(v)}`);

    for (let i = 0; i < MAX_CASES && performance.now() - started < MAX_MS; i++) {
      const t0 = performance.now();
      const v = hostileVector(next);
      const a = unitVector(next);
      const k = pick(next, [1, 3, 5, 100, 0, -1, 2.5, Number.NaN, '3', null, undefined]);
      const minSimilarity = pick(next, [undefined, -1, 0, 0.5, 1, Infinity, Number.NaN, '0.5']);
      const sizeBefore = baseline.size, rowsBefore = baseline.embeddingCount;

      check(i, 'cosineSimilarity(v, a)', attempt(() => cosineSimilarity(v as Float32Array, a)), similarity);
      check(i, 'cosineSimilarity(a, v)', attempt(() => cosineSimilarity(a, v as Float32Array)), similarity);
      check(i, 'dot', attempt(() => dot(a, v as Float32Array)), (r) => (typeof r === 'number' && Number.isFinite(r) ? null : `dot ${String(r)}`));
      check(i, 'l2Normalize', attempt(() => l2Normalize(v as Float32Array)), (r) => {
        if (!(r instanceof Float32Array)) return 'not a Float32Array';
        const norm = Math.hypot(...r);
        return Math.abs(norm - 1) < 1e-5 ? null : `norm ${norm}`;
      });
      check(i, 'search', attempt(() => baseline.search(v as Float32Array, k as number, minSimilarity as number)), (r) => {
        if (!Array.isArray(r) || r.length > Math.min((k as number | undefined) ?? 5, baseline.size)) return 'wrong result length';
        for (let j = 0; j < r.length; j++) {
          const m = r[j] as { id: unknown; similarity: number };
          if (typeof m.id !== 'string' || !baseline.has(m.id)) return `unknown id ${String(m.id)}`;
          if (similarity(m.similarity) || m.similarity < ((minSimilarity as number | undefined) ?? -1)) return `similarity ${m.similarity}`;
          if (j > 0 && m.similarity > (r[j - 1] as { similarity: number }).similarity) return 'not sorted';
        }
        return null;
      });
      // A fresh id, removed again if the add succeeded, so the baseline's content is unchanged.
      const id = pick(next, [`new${i}`, ...PROTO_IDS.map((p) => `${p}${i}`)]);
      const added = attempt(() => baseline.add(id, v as Float32Array));
      check(i, 'add', added, () => (baseline.has(id) ? null : 'added id missing'));
      if (added.ok) baseline.remove(id);
      if (baseline.size !== sizeBefore || baseline.embeddingCount !== rowsBefore) fail(i, 'add', 'the baseline gallery changed');

      let doc: unknown = structuredClone(validDoc);
      for (let m = 1 + int(next, 3); m > 0; m--) doc = mutate(next, doc);
      check(i, 'galleryFromJSON', attempt(() => galleryFromJSON(doc)), (g) => {
        const gallery = g as Gallery;
        if (!Number.isInteger(gallery.dim) || gallery.size !== gallery.ids().length || gallery.embeddingCount < gallery.size) return 'inconsistent gallery';
        const q = unitVector(next, gallery.dim);
        if (gallery.search(q, 3).some((r) => similarity(r.similarity))) return 'bad search result';
        const again = galleryFromJSON(JSON.parse(JSON.stringify(gallery.toJSON())));
        return JSON.stringify(again.ids()) === JSON.stringify(gallery.ids()) ? null : 'round trip changed the ids';
      });

      if (i % 100 === 0 && topK(baseline, queries) !== expectedTopK) fail(i, 'baseline', 'top-k changed');
      if (performance.now() - t0 > CASE_MS) fail(i, 'timing', `took ${Math.round(performance.now() - t0)} ms`);
      cases = i + 1;
    }

    expect(topK(baseline, queries), `fuzz seed ${SEED}: baseline top-k changed`).toBe(expectedTopK);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // The budget must have run real cases, with both outcomes.
    expect(cases).toBeGreaterThan(100);
    expect(thrown).toBeGreaterThan(0);
    expect(accepted).toBeGreaterThan(0);
  });
});
