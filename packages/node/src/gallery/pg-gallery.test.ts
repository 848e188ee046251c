// The PostgreSQL gallery against a real Postgres: PGlite with pgvector, reached through
// pglite-socket and the `pg` client (the wire protocol a server speaks). The in-memory gallery
// of @facekit/core is the reference for every search.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DisposedError, InvalidInputError, InvalidOptionError, StorageError, createGallery, l2Normalize } from '@facekit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gaussian, randomUnit, rng } from '@facekit/test-support/random';
import { openGalleryDatabase, type GalleryDatabase } from './gallery-database.js';
import { createPgGallery } from './pg-gallery.js';

const unit512 = (r: () => number): Float32Array => randomUnit(r, 512);
/** A look-alike of `base`: cosine about 1 / sqrt(1 + spread²). */
function near(base: Float32Array, r: () => number, spread: number): Float32Array {
  const v = new Float32Array(base.length);
  for (let i = 0; i < v.length; i++) v[i] = base[i]! + spread * gaussian(r) / Math.sqrt(base.length);
  return l2Normalize(v);
}

let db: GalleryDatabase;
beforeAll(async () => { db = await openGalleryDatabase('memory:'); }, 60_000);
afterAll(async () => { await db?.close(); });

describe('PostgreSQL + pgvector gallery', () => {
  it('finds what the in-memory gallery finds, with the same similarities, over multi-template look-alikes', async () => {
    const r = rng(7);
    const pgGallery = await createPgGallery({ db, name: 'parity', candidates: 1000 });
    const mem = createGallery({ dim: 512 });
    const clusters = Array.from({ length: 20 }, () => unit512(r));
    const entries: { id: string; embedding: Float32Array }[] = [];
    for (let i = 0; i < 300; i++) {
      const id = `person-${String(i).padStart(3, '0')}`;
      const base = near(clusters[i % 20]!, r, 0.8);
      for (let t = 0; t <= i % 3; t++) entries.push({ id, embedding: near(base, r, 0.3) });
    }
    expect(await pgGallery.addMany(entries)).toBe(entries.length);
    for (const e of entries) mem.add(e.id, e.embedding);
    expect(await pgGallery.size()).toBe(300);
    expect(await pgGallery.templateCount()).toBe(entries.length);

    for (let q = 0; q < 25; q++) {
      const query = near(entries[(q * 37) % entries.length]!.embedding, r, 0.5);
      expect(await pgGallery.search(query, 5)).toEqual(mem.search(query, 5));
    }
    // Templates come back bit for bit.
    const stored = await pgGallery.templates('person-002');
    expect(stored.map((t) => Array.from(t))).toEqual(entries.filter((e) => e.id === 'person-002').map((e) => Array.from(e.embedding)));
    await pgGallery.close();
  });

  it('a bulk load, then the HNSW index: the default candidates keep recall@5 against exact search', async () => {
    const r = rng(11);
    const g = await createPgGallery({ db, name: 'recall', index: false });
    const mem = createGallery({ dim: 512 });
    const entries = Array.from({ length: 2000 }, (_, i) => ({ id: `id${i}`, embedding: unit512(r) }));
    await g.addMany(entries);
    for (const e of entries) mem.add(e.id, e.embedding);
    expect((await g.storage()).hnswBytes).toBe(0);
    expect(await g.createIndex()).toBeGreaterThan(0);
    expect(await g.createIndex()).toBe(0);
    expect((await g.storage()).hnswBytes).toBeGreaterThan(0);
    let hit = 0;
    for (let q = 0; q < 20; q++) {
      const query = near(entries[q * 97]!.embedding, r, 1);
      const want = mem.search(query, 5).map((m) => m.id);
      const got = (await g.search(query, 5)).map((m) => m.id);
      hit += got.filter((id) => want.includes(id)).length;
      expect(got[0]).toBe(want[0]);
    }
    console.log(`pg gallery: recall@5 ${(hit / 100).toFixed(2)} against the exact search, 2,000 random identities, 20 queries`);
    expect(hit / 100).toBeGreaterThanOrEqual(0.95);
    await g.close();
  });

  it('adds, lists a page at a time, removes, and skips a template whose source is stored', async () => {
    const r = rng(3);
    const g = await createPgGallery({ db, name: 'ops' });
    expect(await g.add('bob', [unit512(r), unit512(r)], { source: ['bob/1.jpg', 'bob/2.jpg'] })).toBe(2);
    expect(await g.add('bob', unit512(r), { source: 'bob/1.jpg' })).toBe(0);
    expect(await g.add('__proto__', Array.from(unit512(r)))).toBe(1);
    expect(await g.add('Ann', unit512(r))).toBe(1);
    expect(await g.knownSources(['bob/2.jpg', 'carl/1.jpg'])).toEqual(new Set(['bob/2.jpg']));
    expect(await g.list()).toEqual(['Ann', '__proto__', 'bob']);
    expect(await g.list({ limit: 2 })).toEqual(['Ann', '__proto__']);
    expect(await g.list({ after: '__proto__', limit: 2 })).toEqual(['bob']);
    expect(await g.templateCount()).toBe(4);
    expect(await g.remove('bob')).toBe(true);
    expect(await g.remove('bob')).toBe(false);
    expect(await g.has('bob')).toBe(false);
    expect(await g.templateCount()).toBe(2);
    expect(await g.similarityTo('bob', unit512(r))).toBeUndefined();
    const ann = await g.templates('Ann');
    expect(await g.similarityTo('Ann', ann[0]!)).toBeCloseTo(1, 6);
    const storage = await g.storage();
    expect(storage.hnswBytes).toBeGreaterThan(0);
    expect(storage.totalBytes).toBeGreaterThan(storage.tableBytes);
    await g.close();
  });

  it('widens the candidates when one identity\'s templates fill them, past HNSW\'s 1,000 rows with an exact scan', async () => {
    const r = rng(13);
    const g = await createPgGallery({ db, name: 'widen' });
    const query = unit512(r);
    // 1,100 look-alike templates of one person, nearer the query than anyone else.
    const many = Array.from({ length: 1100 }, () => ({ id: 'many', embedding: near(query, r, 0.5) }));
    const others = ['x', 'y', 'z'].map((id) => ({ id, embedding: near(query, r, 1.5) }));
    await g.addMany([...many, ...others]);
    const mem = createGallery({ dim: 512 });
    for (const e of [...many, ...others]) mem.add(e.id, e.embedding);
    const got = await g.search(query, 3);
    expect(got).toEqual(mem.search(query, 3));
    expect(got.map((m) => m.id)[0]).toBe('many');
    await g.close();
  });

  it('bad input and options are typed errors and change nothing', async () => {
    const r = rng(5);
    const g = await createPgGallery({ db, name: 'errors' });
    await g.add('a', unit512(r));
    await expect(g.add('b', new Float32Array(128).fill(0.1))).rejects.toThrow(InvalidInputError);
    await expect(g.add('b', [unit512(r), new Float32Array(512)])).rejects.toThrow(/all zeros/);
    const nan = unit512(r); nan[3] = Number.NaN;
    await expect(g.addMany([{ id: 'c', embedding: unit512(r) }, { id: 'd', embedding: nan }])).rejects.toThrow(InvalidInputError);
    await expect(g.add('', unit512(r))).rejects.toThrow(InvalidInputError);
    await expect(g.search(new Float32Array(10).fill(1))).rejects.toThrow(InvalidInputError);
    await expect(g.search(unit512(r), 0)).rejects.toThrow(InvalidOptionError);
    expect(await g.list()).toEqual(['a']);
    await expect(createPgGallery({ db, name: 'errors', model: 'glintr100' })).rejects.toThrow(/holds 512-d embeddings from fr_feature/);
    await expect(createPgGallery({ db, name: 'errors', dim: 128 })).rejects.toThrow(InvalidOptionError);
    await expect(createPgGallery({ db, name: 'Robert"; DROP TABLE x' })).rejects.toThrow(InvalidOptionError);
    await expect(createPgGallery({ db: 'postgres://nobody@127.0.0.1:1/none' })).rejects.toThrow(StorageError);
    await g.close();
    await expect(g.search(unit512(r))).rejects.toThrow(DisposedError);
  });

  it('an embedded gallery in a folder keeps its identities when reopened, and opens read-only as on a replica', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'facekit-pg-'));
    try {
      const v = unit512(rng(9));
      const first = await createPgGallery({ db: dir });
      await first.add('kept', v, { source: 'kept.jpg' });
      await first.close();
      const again = await createPgGallery({ db: `pglite:${dir}` });
      expect(await again.list()).toEqual(['kept']);
      expect((await again.search(v, 1))[0]).toEqual({ id: 'kept', similarity: expect.closeTo(1, 6) });
      await again.close();
      // Read-only (a replica): reads work, writes are refused, nothing is created.
      const replica = await openGalleryDatabase(dir);
      try {
        const ro = await createPgGallery({ db: replica, readOnly: true });
        expect((await ro.search(v, 1))[0]!.id).toBe('kept');
        await expect(ro.add('new', v)).rejects.toThrow(/readOnly/);
        await expect(createPgGallery({ db: replica, name: 'absent', readOnly: true })).rejects.toThrow(StorageError);
        expect((await replica.pool.query("SELECT to_regclass('absent_gallery') AS t")).rows[0].t).toBeNull();
      } finally {
        await replica.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
