// The int8-bounded search ('wasm' and 'js' paths) must return exactly what the plain float32
// pass returns: same ids, same order, same similarity bits. Checked against a straightforward
// reference written here, over random, clustered (near-duplicate), multi-row and tied data.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidInputError, InvalidOptionError } from '../errors.js';
import { gaussian, randomUnit, rng } from '@facekit/test-support/random';
import { FloatRows } from './float-rows.js';
import { createGallery, galleryFromJSON, gallerySearchInfo, setGallerySearchPath, type Gallery, type GalleryMatch, type GallerySearchPath } from './gallery.js';
import { int8DotModule } from './int8-index.js';
import { l2Normalize } from './vector.js';

type Next = () => number;

/** base + noise of norm ≈ `sigma`, scaled by a random factor (the gallery normalizes). */
function near(next: Next, base: Float32Array, sigma: number): Float32Array {
  const dim = base.length;
  const v = new Float32Array(dim);
  const scale = 0.5 + 5 * next();
  for (let i = 0; i < dim; i++) v[i] = (base[i]! + (gaussian(next) * sigma) / Math.sqrt(dim)) * scale;
  return v;
}

/**
 * Reference: the gallery's documented semantics computed straight from its stored rows
 * (toJSON gives the exact float32 values): float64 sum of float32 products in the same order
 * as the float32 pass, best row per identity, clamp to [-1, 1], ≥ minSimilarity, best first,
 * ties by id.
 */
function reference(g: Gallery | Stored, query: Float32Array, k: number, minSimilarity = -1): GalleryMatch[] {
  const q = l2Normalize(query);
  const dim = q.length;
  const dim4 = dim - (dim & 3);
  const scored: GalleryMatch[] = [];
  for (const { id, rows } of Array.isArray(g) ? g : stored(g)) {
    let best = -Infinity;
    for (const x of rows) {
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      let j = 0;
      for (; j < dim4; j += 4) {
        s0 += x[j]! * q[j]!;
        s1 += x[j + 1]! * q[j + 1]!;
        s2 += x[j + 2]! * q[j + 2]!;
        s3 += x[j + 3]! * q[j + 3]!;
      }
      for (; j < dim; j++) s0 += x[j]! * q[j]!;
      const s = s0 + s1 + (s2 + s3);
      if (s > best) best = s;
    }
    const c = Math.min(1, Math.max(-1, best));
    if (c >= minSimilarity) scored.push({ id, similarity: c });
  }
  scored.sort((a, b) => b.similarity - a.similarity || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return scored.slice(0, k);
}

type Stored = { id: string; rows: Float32Array[] }[];

function stored(g: Gallery): Stored {
  return g.toJSON().entries.map(({ id, embeddings }) => ({ id, rows: embeddings.map((e) => Float32Array.from(e)) }));
}

/** Bit-exact comparison, reported compactly (Object.is: -0 ≠ 0). */
function bits(matches: GalleryMatch[]): string[] {
  const f = new Float64Array(1);
  const u = new Uint32Array(f.buffer);
  return matches.map((m) => {
    f[0] = m.similarity;
    return `${m.id}:${m.similarity}:${u[1]!.toString(16)}${u[0]!.toString(16).padStart(8, '0')}`;
  });
}

const PATHS: GallerySearchPath[] = ['wasm', 'js', 'exact', 'auto'];

/** Every path on every query/k/threshold equals the reference; returns rows rescored by 'wasm'. */
function checkAll(g: Gallery, queries: Float32Array[], ks: number[], mins: number[] = [-1]): number[] {
  const rescored: number[] = [];
  const errors: string[] = [];
  const rows = stored(g);
  for (const [qi, q] of queries.entries()) {
    for (const k of ks) {
      for (const min of mins) {
        const want = bits(reference(rows, q, k, min));
        for (const path of PATHS) {
          setGallerySearchPath(g, path);
          const got = bits(g.search(q, k, min));
          if (path === 'wasm') rescored.push(gallerySearchInfo(g).exactRows);
          if (got.join() !== want.join()) errors.push(`query ${qi} k=${k} min=${min} ${path}: ${got.join(' ')} ≠ ${want.join(' ')}`);
        }
      }
    }
  }
  setGallerySearchPath(g, 'auto');
  expect(errors).toEqual([]);
  return rescored;
}

describe('fast gallery search equals the exact float32 search', () => {
  it('runs on WebAssembly SIMD in Node', () => {
    expect(int8DotModule()).not.toBeNull();
    const g = createGallery({ dim: 8 });
    g.add('a', new Float32Array(8).fill(1));
    g.search(new Float32Array(8).fill(1));
    expect(gallerySearchInfo(g).path).toBe('exact'); // k ≥ size: nothing to prune
    g.add('b', new Float32Array(8).fill(-1));
    g.search(new Float32Array(8).fill(1), 1);
    expect(gallerySearchInfo(g).path).toBe('wasm');
  });

  it('random vectors, several dims (incl. not multiples of 16), k and thresholds', () => {
    const next = rng(101);
    for (const dim of [1, 2, 3, 17, 100, 513]) {
      const g = createGallery({ dim });
      for (let i = 0; i < 300; i++) g.add(`p${i}`, near(next, randomUnit(next, dim), 0));
      const queries = Array.from({ length: 4 }, () => randomUnit(next, dim));
      checkAll(g, queries, [1, 5, 40, 300, 1000], [-1, -0.5, 0, 0.1, 0.9, 1, 1.5, -Infinity, Infinity]);
    }
  });

  it('clustered face-like data: near-duplicates, queries near stored identities, few rows rescored', () => {
    const next = rng(202);
    const dim = 512;
    const g = createGallery({ dim });
    const bases: Float32Array[] = [];
    for (let i = 0; i < 2000; i++) {
      const b = randomUnit(next, dim);
      bases.push(b);
      // 1–3 embeddings per identity, each the base plus a little noise (same person, new photo).
      const n = 1 + Math.floor(next() * 3);
      g.add(`id${String(i).padStart(4, '0')}`, Array.from({ length: n }, () => near(next, b, 0.2)));
    }
    // A family of 40 look-alikes around one base: scores bunched within a few 0.01.
    const family = bases[0]!;
    for (let i = 0; i < 40; i++) g.add(`fam${i}`, near(next, family, 0.05));
    const queries = [
      ...Array.from({ length: 8 }, (_, i) => near(next, bases[(i * 97) % 2000]!, 1.0)),
      near(next, family, 0.3),
      near(next, family, 0.01),
      randomUnit(next, dim),
    ];
    const rescored = checkAll(g, queries, [1, 5, 20], [-1, 0.3]);
    // The pre-filter does its job: a small fraction of the ~4,000 rows is rescored at k ≤ 5.
    const rows = g.embeddingCount;
    const atK5 = rescored.filter((_, i) => i % 6 < 4);
    expect(Math.max(...atK5)).toBeLessThan(rows / 10);
  });

  it('exact ties (same vector under several ids) and duplicates of the query, clamped to 1', () => {
    const next = rng(303);
    const dim = 64;
    const g = createGallery({ dim });
    const v = randomUnit(next, dim);
    // Stored from the same array: bit-identical rows, so exact ties broken by id.
    for (const id of ['d', 'b', 'e', 'a', 'c']) g.add(id, v);
    for (let i = 0; i < 200; i++) g.add(`x${i}`, near(next, randomUnit(next, dim), 0));
    // Opposite vectors: similarity -1 with rounding.
    const neg = v.map((x) => -x);
    g.add('neg', neg);
    checkAll(g, [v, near(next, v, 0), neg, near(next, v, 0.5)], [1, 2, 3, 5, 6, 300], [-1, 0.999, 1]);
    setGallerySearchPath(g, 'wasm');
    expect(g.search(v, 3).map((m) => m.id)).toEqual(['a', 'b', 'c']);
    expect(g.search(near(next, v, 0.3), 6).map((m) => m.id)).toEqual(['a', 'b', 'c', 'd', 'e', expect.stringMatching(/^x/)]);
  });

  it('multi-row identities whose best row is not their first, across removals and re-adds', () => {
    const next = rng(404);
    const dim = 40;
    const g = createGallery({ dim });
    const queries = Array.from({ length: 4 }, () => randomUnit(next, dim));
    for (let i = 0; i < 500; i++) {
      // Later rows of an identity lean towards a query.
      const q = queries[i % 4]!;
      g.add(`p${i}`, [randomUnit(next, dim), near(next, q, 1.5 + next() * 3)]);
      if (i % 3 === 0) g.add(`p${i}`, near(next, q, 1 + next()));
    }
    checkAll(g, queries, [1, 5, 50]);
    for (let round = 0; round < 3; round++) {
      const ids = g.ids();
      for (let i = 0; i < 150; i++) g.remove(ids[Math.floor(next() * ids.length)]!);
      for (let i = 0; i < 100; i++) {
        const id = next() < 0.5 ? `r${round}_${i}` : ids[Math.floor(next() * ids.length)]!;
        g.add(id, near(next, queries[i % 4]!, 1 + 2 * next()));
      }
      checkAll(g, queries, [1, 5, 50], [-1, 0.2]);
    }
    // k beyond the size, then everything removed and re-added.
    checkAll(g, queries, [g.size, g.size + 1, 10_000]);
    for (const id of g.ids()) g.remove(id);
    expect(g.search(queries[0]!)).toEqual([]);
    g.add('z', queries[0]!);
    g.add('y', queries[1]!);
    checkAll(g, queries, [1, 2, 5]);
  });

  it('many rows: storage blocks, growth and removal across block boundaries', () => {
    const next = rng(505);
    const dim = 520; // 2,016 rows per 4 MB block → 1,024 (power of two)
    const g = createGallery({ dim });
    const bases = Array.from({ length: 60 }, () => randomUnit(next, dim));
    for (let i = 0; i < 3000; i++) g.add(`p${i}`, near(next, bases[i % 60]!, 0.8));
    const queries = [near(next, bases[1]!, 0.5), near(next, bases[2]!, 0.9), randomUnit(next, dim)];
    checkAll(g, queries, [1, 5, 60]);
    for (let i = 0; i < 3000; i += 7) g.remove(`p${i}`);
    g.add('p7', [near(next, bases[1]!, 0.1), near(next, bases[2]!, 0.1)]);
    checkAll(g, queries, [1, 5, 60]);
    const h = galleryFromJSON(JSON.parse(JSON.stringify(g.toJSON())));
    expect(h.toJSON()).toEqual(g.toJSON());
    checkAll(h, queries, [5]);
    g.clear();
    expect(g.search(queries[0]!)).toEqual([]);
    for (let i = 0; i < 50; i++) g.add(`n${i}`, near(next, bases[i]!, 0.5));
    checkAll(g, queries, [1, 5]);
  });

  it('builds the int8 mirror from existing rows when a fast path is chosen later', () => {
    const next = rng(1001);
    const dim = 24;
    const g = createGallery({ dim });
    setGallerySearchPath(g, 'exact');
    for (let i = 0; i < 300; i++) g.add(`p${i % 250}`, near(next, randomUnit(next, dim), 0));
    g.remove('p3');
    const queries = Array.from({ length: 3 }, () => randomUnit(next, dim));
    checkAll(g, queries, [1, 5, 30], [-1, 0.4]);
  });

  it('galleryFromJSON restores a gallery whose fast search matches', () => {
    const next = rng(606);
    const dim = 33;
    const g = createGallery({ dim, model: 'm' });
    for (let i = 0; i < 400; i++) g.add(`p${i}`, [near(next, randomUnit(next, dim), 0)]);
    const h = galleryFromJSON(JSON.parse(JSON.stringify(g.toJSON())));
    const queries = Array.from({ length: 3 }, () => randomUnit(next, dim));
    checkAll(h, queries, [1, 5, 400]);
    for (const q of queries) expect(bits(h.search(q, 10))).toEqual(bits(g.search(q, 10)));
  });

  it('rejects a search path the gallery cannot run, and very long embeddings search exactly', () => {
    const g = createGallery({ dim: 4 });
    expect(() => setGallerySearchPath(g, 'nope' as GallerySearchPath)).toThrow(InvalidOptionError);
    expect(() => setGallerySearchPath({} as Gallery, 'exact')).toThrow(InvalidInputError);
    const big = createGallery({ dim: 200_000 });
    const next = rng(707);
    const vs = Array.from({ length: 3 }, () => randomUnit(next, 200_000));
    vs.forEach((v, i) => big.add(`v${i}`, v));
    expect(() => setGallerySearchPath(big, 'wasm')).toThrow(/not available/);
    expect(bits(big.search(vs[1]!, 1))).toEqual(bits(reference(big, vs[1]!, 1)));
    expect(gallerySearchInfo(big).path).toBe('exact');
  });
});

describe('without WebAssembly', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('keeps the int8 rows in a plain ArrayBuffer; the forced JS path gives the same results, auto searches exactly', () => {
    // Compiled (and cached) before the stub, as in a real page where it would not compile at all.
    expect(int8DotModule()).not.toBeNull();
    vi.stubGlobal('WebAssembly', undefined);
    const next = rng(808);
    const dim = 48;
    const g = createGallery({ dim });
    for (let i = 0; i < 600; i++) g.add(`p${i}`, near(next, randomUnit(next, dim), 0));
    const queries = Array.from({ length: 3 }, () => randomUnit(next, dim));
    g.search(queries[0]!, 1);
    expect(gallerySearchInfo(g).path).toBe('exact');
    expect(() => setGallerySearchPath(g, 'wasm')).toThrow(/not available/);
    const errors: string[] = [];
    for (const q of queries) {
      for (const path of ['js', 'exact', 'auto'] as const) {
        setGallerySearchPath(g, path);
        const got = bits(g.search(q, 5, -0.2));
        if (got.join() !== bits(reference(g, q, 5, -0.2)).join()) errors.push(`${path}: ${got.join(' ')}`);
        expect(gallerySearchInfo(g).path).toBe(path === 'auto' ? 'exact' : path);
      }
    }
    expect(errors).toEqual([]);
  });
});

describe('FloatRows', () => {
  it('moves rows down across small blocks like an array splice', () => {
    const next = rng(909);
    const dim = 5;
    const rows = new FloatRows(dim, 64); // 8 rows per block
    expect(rows.blockRows).toBe(8);
    const model: number[] = [];
    let n = 0;
    const push = (count: number): void => {
      rows.reserve(n + count, 2);
      for (let i = 0; i < count; i++, n++) {
        const v = model.length;
        model.push(v);
        rows.row(n).fill(v);
      }
    };
    push(3);
    push(50);
    expect(rows.capacity).toBeGreaterThanOrEqual(53);
    for (let round = 0; round < 40; round++) {
      const src = 1 + Math.floor(next() * (n - 1));
      const dst = Math.floor(next() * src);
      const count = Math.floor(next() * (n - src + 1));
      rows.moveDown(dst, src, count);
      model.copyWithin(dst, src, src + count);
      const drop = Math.floor(next() * 5);
      n -= drop;
      model.length = n;
      rows.trim(n);
      push(Math.floor(next() * 6));
      for (let r = 0; r < n; r++) expect(Array.from(rows.row(r))).toEqual(new Array<number>(dim).fill(model[r]!));
    }
  });
});
