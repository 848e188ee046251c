import { describe, expect, it } from 'vitest';
import { rng } from '@facekit/test-support/random';
import { InvalidInputError, InvalidOptionError } from '../errors.js';
import { createGallery, galleryFromJSON, type Gallery, type GalleryMatch } from './gallery.js';
import { cosineSimilarity } from './vector.js';


function randomVec(next: () => number, dim: number): Float32Array {
  const v = new Float32Array(dim);
  // Unnormalized on purpose: the gallery must normalize.
  const scale = 0.5 + 10 * next();
  for (let i = 0; i < dim; i++) v[i] = (next() * 2 - 1) * scale;
  return v;
}

const f32 = (...v: number[]) => new Float32Array(v);

/** Reference: every identity's best cosine, scored in float64 straight from the raw inputs. */
class Reference {
  readonly byId = new Map<string, Float32Array[]>();
  add(id: string, e: Float32Array): void {
    const list = this.byId.get(id) ?? [];
    list.push(e);
    this.byId.set(id, list);
  }
  scores(q: Float32Array): Map<string, number> {
    const out = new Map<string, number>();
    for (const [id, list] of this.byId) out.set(id, Math.max(...list.map((e) => cosineSimilarity(q, e))));
    return out;
  }
}

/**
 * Checks `got` against a full sort of the reference scores. Identities whose scores are within
 * float32 rounding of each other may legitimately swap, so ranks are compared by score.
 */
function expectTopK(got: GalleryMatch[], scores: Map<string, number>, k: number, min = -1): void {
  const ref = [...scores].filter(([, s]) => s >= min + 1e-6).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const borderline = [...scores].filter(([, s]) => Math.abs(s - min) < 1e-6).length;
  expect(got.length).toBeGreaterThanOrEqual(Math.min(k, ref.length));
  expect(got.length).toBeLessThanOrEqual(Math.min(k, ref.length + borderline));
  expect(new Set(got.map((m) => m.id)).size).toBe(got.length);
  // Collected rather than asserted one by one: thousands of expect() calls are slow.
  const errors: string[] = [];
  for (let i = 0; i < got.length; i++) {
    const m = got[i]!;
    if (!(Math.abs(m.similarity - scores.get(m.id)!) < 1e-6)) errors.push(`#${i} ${m.id}: ${m.similarity} vs true ${scores.get(m.id)}`);
    if (i < ref.length && !(Math.abs(m.similarity - ref[i]![1]) < 1e-6)) errors.push(`#${i}: ${m.similarity} vs rank score ${ref[i]![1]}`);
    if (i > 0 && m.similarity > got[i - 1]!.similarity) errors.push(`#${i} out of order`);
  }
  expect(errors).toEqual([]);
}

describe('createGallery', () => {
  it('starts empty with defaults', () => {
    const g = createGallery();
    expect(g.dim).toBe(512);
    expect(g.model).toBeUndefined();
    expect(g.size).toBe(0);
    expect(g.embeddingCount).toBe(0);
    expect(g.ids()).toEqual([]);
    expect(g.search(new Float32Array(512).fill(1))).toEqual([]);
    expect(createGallery({ dim: 3, model: 'arcface-r50' }).model).toBe('arcface-r50');
  });
  it('rejects a bad dim', () => {
    for (const dim of [0, -1, 1.5, NaN, 2 ** 21]) expect(() => createGallery({ dim })).toThrow(InvalidOptionError);
    expect(() => createGallery({ model: 7 as unknown as string })).toThrow(InvalidOptionError);
    expect(() => createGallery(null as unknown as { dim: number })).toThrow(InvalidOptionError);
  });
});

describe('Gallery add / search / remove', () => {
  it('adds, finds, removes and clears identities', () => {
    const g = createGallery({ dim: 3 });
    g.add('alice', f32(1, 0, 0));
    g.add('bob', f32(0, 2, 0));
    g.add('carol', f32(0, 0, -3));
    expect(g.size).toBe(3);
    expect(g.ids()).toEqual(['alice', 'bob', 'carol']);
    expect(g.has('bob')).toBe(true);
    expect(g.has('dave')).toBe(false);

    const r = g.search(f32(1, 1, 0), 5);
    expect(r.map((m) => m.id)).toEqual(['alice', 'bob', 'carol']);
    expect(r[0]!.similarity).toBeCloseTo(Math.SQRT1_2, 6);
    expect(r[1]!.similarity).toBeCloseTo(Math.SQRT1_2, 6);
    expect(r[2]!.similarity).toBeCloseTo(0, 6);
    expect(g.search(f32(0, 0, -5), 1)).toEqual([{ id: 'carol', similarity: 1 }]);
    expect(g.search(f32(0, 0, 1), 3)[2]).toEqual({ id: 'carol', similarity: -1 });

    expect(g.remove('bob')).toBe(true);
    expect(g.remove('bob')).toBe(false);
    expect(g.has('bob')).toBe(false);
    expect(g.ids()).toEqual(['alice', 'carol']);
    expect(g.size).toBe(2);
    expect(g.embeddingCount).toBe(2);
    expect(g.search(f32(0, 1, 0)).map((m) => m.id)).toEqual(['alice', 'carol']);

    g.clear();
    expect(g.size).toBe(0);
    expect(g.embeddingCount).toBe(0);
    expect(g.ids()).toEqual([]);
    expect(g.search(f32(0, 1, 0))).toEqual([]);
    g.add('bob', f32(0, 1, 0));
    expect(g.search(f32(0, 1, 0))).toEqual([{ id: 'bob', similarity: 1 }]);
  });

  it('scores an identity by its best embedding and appends to existing ids', () => {
    const g = createGallery({ dim: 2 });
    g.add('a', [f32(1, 0), f32(0, 1)]);
    g.add('b', f32(1, 1));
    expect(g.size).toBe(2);
    expect(g.embeddingCount).toBe(3);
    expect(g.search(f32(0, 1))[0]).toEqual({ id: 'a', similarity: 1 });
    expect(g.search(f32(-1, 1)).map((m) => m.id)).toEqual(['a', 'b']);
    g.add('b', f32(-1, 1));
    expect(g.size).toBe(2);
    expect(g.embeddingCount).toBe(4);
    const top = g.search(f32(-1, 1))[0]!;
    expect(top.id).toBe('b');
    expect(top.similarity).toBeCloseTo(1, 6);
    expect(g.ids()).toEqual(['a', 'b']);
  });

  it('honours k and minSimilarity, and breaks ties by id', () => {
    const g = createGallery({ dim: 2 });
    for (const id of ['d', 'b', 'c', 'a']) g.add(id, f32(1, 1));
    g.add('e', f32(1, 0));
    g.add('f', f32(-1, 0));
    expect(g.search(f32(1, 1), 3).map((m) => m.id)).toEqual(['a', 'b', 'c']);
    expect(g.search(f32(1, 1), 100).map((m) => m.id)).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(g.search(f32(1, 0), 100, 0.5).map((m) => m.id)).toEqual(['e', 'a', 'b', 'c', 'd']);
    expect(g.search(f32(1, 0), 100, 1.01)).toEqual([]);
    // -1 (the default) keeps even the exact opposite, despite rounding.
    expect(g.search(f32(-1, -1), 100).map((m) => m.id)).toContain('a');
  });

  it('keeps normalized copies: caller arrays are neither mutated nor retained', () => {
    const g = createGallery({ dim: 2 });
    const e = f32(3, 4);
    g.add('x', e);
    expect(Array.from(e)).toEqual([3, 4]);
    e[0] = -100;
    expect(g.search(f32(3, 4))[0]!.similarity).toBeCloseTo(1, 6);
    const q = f32(6, 8);
    g.search(q);
    expect(Array.from(q)).toEqual([6, 8]);
    const stored = g.toJSON().entries[0]!.embeddings[0]!;
    expect(stored[0]).toBeCloseTo(0.6, 6);
    expect(stored[1]).toBeCloseTo(0.8, 6);
  });

  it('rejects bad input to add, leaving the gallery unchanged', () => {
    const g = createGallery({ dim: 3 });
    g.add('ok', f32(1, 2, 3));
    expect(() => g.add('', f32(1, 2, 3))).toThrow(InvalidInputError);
    expect(() => g.add(7 as unknown as string, f32(1, 2, 3))).toThrow(InvalidInputError);
    expect(() => g.add('x', f32(1, 2))).toThrow(/Embedding for "x" has 2 values; this gallery holds 3-d vectors\. Pass the embedding/);
    expect(() => g.add('x', f32(0, 0, 0))).toThrow(/all zeros/);
    expect(() => g.add('x', f32(1, NaN, 0))).toThrow(InvalidInputError);
    expect(() => g.add('x', f32(1, Infinity, 0))).toThrow(InvalidInputError);
    expect(() => g.add('x', [])).toThrow(InvalidInputError);
    // A bad vector after a good one stores neither.
    expect(() => g.add('ok', [f32(1, 0, 0), f32(0, 0, 0)])).toThrow(/Embedding 1 for "ok" is all zeros/);
    expect(() => g.add('x', [f32(1, 0, 0), f32(1, 0)])).toThrow(InvalidInputError);
    expect(g.ids()).toEqual(['ok']);
    expect(g.embeddingCount).toBe(1);
    expect(g.search(f32(1, 0, 0)).length).toBe(1);
  });

  it('rejects bad search arguments', () => {
    const g = createGallery({ dim: 2 });
    g.add('a', f32(1, 0));
    for (const k of [0, -1, 1.5, NaN, Infinity]) expect(() => g.search(f32(1, 0), k)).toThrow(InvalidOptionError);
    expect(() => g.search(f32(1, 0, 0))).toThrow(/has 3 values; this gallery holds 2-d vectors/);
    expect(() => g.search(f32(0, 0))).toThrow(InvalidInputError);
    expect(() => g.search(f32(1, 0), 1, NaN)).toThrow(InvalidOptionError);
    // Argument errors are reported on an empty gallery too.
    expect(() => createGallery({ dim: 2 }).search(f32(1, 0), 0)).toThrow(InvalidOptionError);
  });

  it('survives capacity growth', () => {
    const next = rng(7);
    for (const dim of [1, 5, 33]) {
      const g = createGallery({ dim });
      const vs: Float32Array[] = [];
      for (let i = 0; i < 300; i++) {
        // dim 1 has only two directions; give every identity its own in higher dims.
        const v = randomVec(next, dim);
        vs.push(v);
        g.add(`id${i}`, v);
        expect(g.embeddingCount).toBe(i + 1);
      }
      expect(g.size).toBe(300);
      if (dim > 1) {
        for (let i = 0; i < 300; i += 17) {
          const top = g.search(vs[i]!, 1)[0]!;
          expect(top.id).toBe(`id${i}`);
          expect(top.similarity).toBeCloseTo(1, 6);
        }
      } else {
        expect(g.search(f32(1), 300).length).toBe(300);
      }
      // A bulk add that more than doubles the capacity at once.
      g.add('bulk', Array.from({ length: 1000 }, () => randomVec(next, dim)));
      expect(g.embeddingCount).toBe(1300);
      expect(g.search(vs[0]!, 1)[0]!.similarity).toBeCloseTo(1, 6);
    }
  });
});

describe('Gallery top-k against brute force', () => {
  const dim = 64;
  const next = rng(12345);
  const g = createGallery({ dim });
  const ref = new Reference();
  // 2,000 identities with 1–3 embeddings each.
  for (let i = 0; i < 2000; i++) {
    const id = `p${i}`;
    const n = 1 + Math.floor(next() * 3);
    const es = Array.from({ length: n }, () => randomVec(next, dim));
    g.add(id, es);
    for (const e of es) ref.add(id, e);
  }
  const queries = Array.from({ length: 6 }, () => randomVec(next, dim));
  const ks = [1, 5, 37, 2000, 5000];

  it('matches a full sort for several queries, k and thresholds', () => {
    expect(g.size).toBe(2000);
    expect(g.embeddingCount).toBe([...ref.byId.values()].reduce((s, l) => s + l.length, 0));
    for (const q of queries) {
      const scores = ref.scores(q);
      for (const k of ks) expectTopK(g.search(q, k), scores, k);
      expectTopK(g.search(q, 50, 0.2), scores, 50, 0.2);
      expectTopK(g.search(q, 3000, 0.1), scores, 3000, 0.1);
    }
    // Each stored embedding finds its own identity first.
    const [id, list] = [...ref.byId].find(([, l]) => l.length === 3)!;
    for (const e of list) expect(g.search(e, 1)[0]!.id).toBe(id);
  });

  it('still matches after removals and further adds', () => {
    for (let round = 0; round < 3; round++) {
      const ids = [...ref.byId.keys()];
      for (let i = 0; i < 400; i++) {
        const id = ids[Math.floor(next() * ids.length)]!;
        expect(g.remove(id)).toBe(ref.byId.delete(id));
      }
      for (let i = 0; i < 150; i++) {
        // Mix of new identities and extra embeddings for surviving ones.
        const id = next() < 0.5 ? `r${round}_${i}` : ids[Math.floor(next() * ids.length)]!;
        const e = randomVec(next, dim);
        g.add(id, e);
        ref.add(id, e);
      }
      expect(g.size).toBe(ref.byId.size);
      expect(new Set(g.ids())).toEqual(new Set(ref.byId.keys()));
      expect(g.embeddingCount).toBe([...ref.byId.values()].reduce((s, l) => s + l.length, 0));
      for (const q of queries.slice(0, 3)) {
        const scores = ref.scores(q);
        for (const k of ks) expectTopK(g.search(q, k), scores, k);
      }
    }
  });

  it('round-trips through JSON.stringify / parse with identical results', () => {
    const json = JSON.parse(JSON.stringify(g.toJSON())) as unknown;
    const h = galleryFromJSON(json);
    expect(h.dim).toBe(dim);
    expect(h.size).toBe(g.size);
    expect(h.embeddingCount).toBe(g.embeddingCount);
    expect(h.ids()).toEqual(g.ids());
    for (const q of queries) {
      const a = g.search(q, 20), b = h.search(q, 20);
      expect(b.map((m) => m.id)).toEqual(a.map((m) => m.id));
      b.forEach((m, i) => expect(Math.abs(m.similarity - a[i]!.similarity)).toBeLessThan(1e-6));
    }
  });
});

describe('toJSON / galleryFromJSON', () => {
  function small(): Gallery {
    const g = createGallery({ dim: 2, model: 'm1' });
    g.add('b', [f32(1, 0), f32(0, 3)]);
    g.add('a', f32(1, 1));
    return g;
  }

  it('produces the documented shape, identities in insertion order', () => {
    const json = small().toJSON();
    expect(json.format).toBe('facekit-gallery');
    expect(json.version).toBe(1);
    expect(json.dim).toBe(2);
    expect(json.model).toBe('m1');
    expect(json.entries.map((e) => e.id)).toEqual(['b', 'a']);
    expect(json.entries[0]!.embeddings).toEqual([[1, 0], [0, 1]]);
    expect(json.entries[1]!.embeddings[0]![0]).toBeCloseTo(Math.SQRT1_2, 6);
    expect('model' in createGallery({ dim: 2 }).toJSON()).toBe(false);
  });

  it('keeps each identity\'s embedding order across removals', () => {
    const g = createGallery({ dim: 2 });
    g.add('x', f32(1, 0));
    g.add('y', f32(0, 1));
    g.add('x', f32(-1, 0));
    g.add('z', f32(0, -1));
    g.add('x', f32(1, 1));
    g.remove('y');
    const x = g.toJSON().entries.find((e) => e.id === 'x')!;
    expect(x.embeddings.map((e) => e.map((v) => Math.sign(v)))).toEqual([[1, 0], [-1, 0], [1, 1]]);
    expect(g.toJSON().entries.map((e) => e.id)).toEqual(['x', 'z']);
  });

  it('restores model and content', () => {
    const h = galleryFromJSON(JSON.parse(JSON.stringify(small().toJSON())));
    expect(h.model).toBe('m1');
    expect(h.ids()).toEqual(['b', 'a']);
    expect(h.toJSON()).toEqual(small().toJSON());
    // Restored galleries stay writable.
    h.add('c', f32(-1, 0));
    expect(h.search(f32(-1, 0), 1)[0]!.id).toBe('c');
    expect(galleryFromJSON({ format: 'facekit-gallery', version: 1, dim: 3, entries: [] }).size).toBe(0);
  });

  const valid = () => ({
    format: 'facekit-gallery',
    version: 1,
    dim: 2,
    entries: [
      { id: 'a', embeddings: [[1, 0]] },
      { id: 'b', embeddings: [[0, 1], [1, 1]] },
    ],
  });
  type Doc = ReturnType<typeof valid> & Record<string, unknown>;
  const cases: [string, (d: Doc) => unknown, typeof InvalidInputError, RegExp][] = [
    ['not an object', () => null, InvalidInputError, /Gallery JSON: must be an object, got null\. Pass what Gallery\.toJSON\(\) returned\./],
    ['an array', () => [], InvalidInputError, /must be an object, got an array/],
    ['wrong format', (d) => ({ ...d, format: 'other' }), InvalidInputError, /format must be "facekit-gallery", got "other"/],
    ['missing format', (d) => ({ ...d, format: undefined }), InvalidInputError, /format .* got undefined/],
    ['unknown version', (d) => ({ ...d, version: 2 }), InvalidInputError, /unsupported gallery version 2/],
    ['version not a number', (d) => ({ ...d, version: '1' }), InvalidInputError, /version must be a number, got "1"/],
    ['dim not a number', (d) => ({ ...d, dim: '2' }), InvalidInputError, /dim must be a number/],
    ['dim zero', (d) => ({ ...d, dim: 0 }), InvalidInputError, /dim must be a positive integer up to 1048576, got 0/],
    ['dim fractional', (d) => ({ ...d, dim: 2.5 }), InvalidInputError, /dim must be a positive integer up to 1048576, got 2.5/],
    ['model not a string', (d) => ({ ...d, model: 7 }), InvalidInputError, /model must be a string when present, got 7/],
    ['entries missing', (d) => ({ ...d, entries: undefined }), InvalidInputError, /entries must be an array, got undefined/],
    ['entry not an object', (d) => ({ ...d, entries: [d.entries[0], 5] }), InvalidInputError, /entries\[1\] must be an object, got 5/],
    ['id not a string', (d) => ({ ...d, entries: [d.entries[0], { ...d.entries[1], id: 3 }] }), InvalidInputError, /entries\[1\]\.id must be a string, got 3/],
    ['id empty', (d) => ({ ...d, entries: [{ ...d.entries[0], id: '' }] }), InvalidInputError, /entries\[0\]\.id is empty/],
    ['id duplicated', (d) => ({ ...d, entries: [...d.entries, { id: 'a', embeddings: [[1, 2]] }] }), InvalidInputError, /entries\[2\]\.id "a" duplicates entries\[0\]\.id/],
    ['embeddings not an array', (d) => ({ ...d, entries: [{ id: 'a', embeddings: {} }] }), InvalidInputError, /entries\[0\]\.embeddings must be an array, got an object/],
    ['embeddings empty', (d) => ({ ...d, entries: [d.entries[0], { id: 'b', embeddings: [] }] }), InvalidInputError, /entries\[1\]\.embeddings is empty/],
    ['embedding not an array', (d) => ({ ...d, entries: [d.entries[0], { id: 'b', embeddings: [[0, 1], 'x'] }] }), InvalidInputError, /entries\[1\]\.embeddings\[1\] must be an array of numbers, got "x"/],
    ['embedding too short', (d) => ({ ...d, entries: [d.entries[0], { id: 'b', embeddings: [[0, 1], [1]] }] }), InvalidInputError, /entries\[1\]\.embeddings\[1\] has 1 numbers, expected 2 \(dim\)/],
    ['embedding too long', (d) => ({ ...d, entries: [{ id: 'a', embeddings: [[1, 2, 3]] }] }), InvalidInputError, /entries\[0\]\.embeddings\[0\] has 3 numbers, expected 2/],
    ['value not a number', (d) => ({ ...d, entries: [d.entries[0], { id: 'b', embeddings: [[0, 1], [1, null]] }] }), InvalidInputError, /entries\[1\]\.embeddings\[1\]\[1\] must be a number, got null/],
    ['value NaN', (d) => ({ ...d, entries: [{ id: 'a', embeddings: [[NaN, 1]] }] }), InvalidInputError, /entries\[0\]\.embeddings\[0\]\[0\] is NaN, expected a finite number/],
    ['value infinite', (d) => ({ ...d, entries: [{ id: 'a', embeddings: [[1, -Infinity]] }] }), InvalidInputError, /entries\[0\]\.embeddings\[0\]\[1\] is -Infinity/],
    ['value beyond float32', (d) => ({ ...d, entries: [{ id: 'a', embeddings: [[1e39, 1]] }] }), InvalidInputError, /entries\[0\]\.embeddings\[0\]\[0\] is 1e\+39, outside the float32 range/],
    ['zero embedding', (d) => ({ ...d, entries: [d.entries[0], { id: 'b', embeddings: [[0, 1], [0, 0]] }] }), InvalidInputError, /entries\[1\]\.embeddings\[1\] has zero norm/],
    ['embedding underflowing to zero', (d) => ({ ...d, entries: [{ id: 'a', embeddings: [[1e-50, 0]] }] }), InvalidInputError, /entries\[0\]\.embeddings\[0\] has zero norm/],
  ];

  it('accepts the valid baseline', () => {
    const g = galleryFromJSON(valid());
    expect(g.embeddingCount).toBe(3);
    // Hand-written, non-unit vectors are normalized on the way in.
    expect(g.toJSON().entries[1]!.embeddings[1]![0]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(g.search(f32(1, 1), 1)[0]!.similarity).toBeCloseTo(1, 6);
  });
  it.each(cases)('rejects %s', (_name, mutate, type, message) => {
    const doc = mutate(valid() as Doc);
    expect(() => galleryFromJSON(doc)).toThrow(type);
    expect(() => galleryFromJSON(doc)).toThrow(message);
  });
});

describe('Gallery benchmark', () => {
  it.skipIf(!process.env.GALLERY_BENCH)('times search over 10,000 × 512', () => {
    const next = rng(1);
    const dim = 512;
    const g = createGallery({ dim });
    for (let i = 0; i < 10_000; i++) g.add(`p${i}`, randomVec(next, dim));
    const q = randomVec(next, dim);
    for (let i = 0; i < 5; i++) g.search(q, 5);
    const runs = 50;
    const t0 = performance.now();
    for (let i = 0; i < runs; i++) g.search(q, 5);
    const ms = (performance.now() - t0) / runs;
    console.log(`gallery search, 10,000 × ${dim}, k=5: ${ms.toFixed(2)} ms/query`);
  });
});
