// The PostgreSQL + pgvector gallery at scale: N identities made from real LFW embeddings (from
// @facekit/node on lfw-dev) plus fixed jitter, loaded in bulk, then the HNSW index built; search
// p50 / p95 and recall@5 against an exact search (core's in-memory gallery, exact path) at a few
// candidate counts; load and build time; table, index and data-folder size.
//   pnpm bench -- --only pgvector [--pg-n 100000 --pg-db postgres://… --pg-queries 100 --pg-m 16 --pg-efc 64]
// Without --pg-db it runs the embedded default: PGlite + pgvector in a temporary folder, reached
// through pglite-socket and pg (one wasm Postgres backend, single-threaded).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createGallery, setGallerySearchPath } from '@facekit/core/match/gallery';
import { l2Normalize } from '@facekit/core';
import { median, percentile } from '@facekit/core';
import { createFaceKit } from '@facekit/node';
import { openGalleryDatabase } from '@facekit/node';
import { createPgGallery } from '@facekit/node';
import { rng } from '@facekit/test-support/random';

export interface PgvectorBench {
  n: number;
  m: number;
  efConstruction: number;
  db: 'embedded' | 'server';
  embeddings: number;
  loadMs: number;
  indexMs: number;
  tableBytes: number;
  hnswBytes: number;
  totalBytes: number;
  dataDirBytes: number | undefined;
  runs: { candidates: number; p50: number; p95: number; recallAt5: number; top1: number }[];
}

const progress = (line: string) => process.stdout.write(`\r${line.padEnd(78)}`);
const clear = () => process.stdout.write(`\r${' '.repeat(78)}\r`);

/** One flip-test embedding per lfw-dev photo (the face nearest the centre), cached in .cache. */
async function lfwEmbeddings(root: string, shared: string): Promise<Float32Array[]> {
  const cache = resolve(root, '.cache/lfw-dev-node-embeddings.json');
  if (existsSync(cache)) return (JSON.parse(readFileSync(cache, 'utf8')) as number[][]).map((e) => Float32Array.from(e));
  const dir = resolve(shared, 'data/lfw-dev/images');
  const files = readdirSync(dir).sort().flatMap((d) => readdirSync(join(dir, d)).sort().map((f) => join(dir, d, f)));
  const kit = await createFaceKit({ modelDir: resolve(root, 'models/files'), threads: 2 });
  const out: Float32Array[] = [];
  for (const [i, f] of files.entries()) {
    progress(`pgvector: embedding lfw-dev ${i + 1}/${files.length}`);
    const { faces, width, height } = await kit.analyze(f, { flip: true });
    const d = (b: readonly number[]) => Math.hypot((b[0]! + b[2]!) / 2 - width / 2, (b[1]! + b[3]!) / 2 - height / 2);
    const face = [...faces].sort((a, b) => d(a.box) - d(b.box))[0];
    if (face) out.push(face.embedding);
  }
  await kit.dispose();
  clear();
  mkdirSync(resolve(root, '.cache'), { recursive: true });
  writeFileSync(cache, JSON.stringify(out.map((e) => Array.from(e))));
  return out;
}

function dirBytes(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    total += e.isDirectory() ? dirBytes(p) : statSync(p).size;
  }
  return total;
}

export async function benchPgvector(o: { root: string; shared: string; n: number; db?: string; queries: number; candidates: number[]; m?: number; efConstruction?: number }): Promise<PgvectorBench> {
  const hnsw = { m: o.m ?? 16, efConstruction: o.efConstruction ?? 64 };
  const bases = await lfwEmbeddings(o.root, o.shared);
  const dim = bases[0]!.length;
  // Identity i: a real embedding plus fixed jitter (σ 0.06 per value, as the in-browser gallery
  // bench), so the ~n/800 identities built on one photo form a look-alike group at cosine ≈ 0.35.
  const jitter = rng(12345);
  const row = (i: number): Float32Array => {
    const b = bases[i % bases.length]!;
    const r = rng(0x9e3779b9 ^ Math.imul(i, 2654435761));
    const v = new Float32Array(dim);
    for (let j = 0; j < dim; j += 2) {
      const u = 1 - r(), w = r();
      const m = Math.sqrt(-2 * Math.log(u)) * 0.06;
      v[j] = b[j]! + m * Math.cos(2 * Math.PI * w);
      v[j + 1] = b[j + 1]! + m * Math.sin(2 * Math.PI * w);
    }
    return l2Normalize(v, v);
  };

  const folder = o.db === undefined ? mkdtempSync(join(tmpdir(), 'facekit-pgvector-')) : undefined;
  const database = await openGalleryDatabase(o.db ?? folder!);
  try {
    const name = `bench_${o.n}`;
    // A fresh gallery each run.
    for (const t of ['templates', 'identities', 'gallery', 'enroll_skipped']) await database.pool.query(`DROP TABLE IF EXISTS ${name}_${t} CASCADE`);
    const g = await createPgGallery({ db: database, name, index: false, hnsw });
    const exact = createGallery({ dim });
    setGallerySearchPath(exact, 'exact');
    const t0 = performance.now();
    const chunk = 1000;
    for (let i = 0; i < o.n; i += chunk) {
      const entries = [];
      for (let j = i; j < Math.min(o.n, i + chunk); j++) {
        const e = row(j);
        entries.push({ id: `id${j}`, embedding: e });
        exact.add(`id${j}`, e);
      }
      await g.addMany(entries);
      progress(`pgvector: loading ${Math.min(o.n, i + chunk).toLocaleString('en')}/${o.n.toLocaleString('en')}`);
    }
    const loadMs = performance.now() - t0;
    progress(`pgvector: building the HNSW index over ${o.n.toLocaleString('en')} rows`);
    // pgvector builds fastest with the whole graph in memory.
    await database.pool.query("SET maintenance_work_mem = '1GB'");
    const indexMs = await g.createIndex();
    await database.pool.query('CHECKPOINT');
    const storage = await g.storage();
    const dataDirBytes = database.dataDir ? dirBytes(database.dataDir) : undefined;

    // Queries: an enrolled identity's vector plus fresh noise (σ 0.03: cosine ≈ 0.8 to its own
    // row, ≈ 0.3 to its look-alike group), like a new photo of an enrolled person.
    const queries = Array.from({ length: o.queries }, () => {
      const v = row(Math.floor(jitter() * o.n));
      for (let j = 0; j < dim; j++) v[j]! += 0.03 * (jitter() * 2 - 1) * Math.sqrt(3);
      return l2Normalize(v, v);
    });
    const truth = queries.map((q) => exact.search(q, 5).map((m) => m.id));
    const runs: PgvectorBench['runs'] = [];
    await g.close();
    for (const candidates of o.candidates) {
      const s = await createPgGallery({ db: database, name, candidates, efSearch: candidates });
      for (const q of queries.slice(0, 5)) await s.search(q, 5); // warm the index pages
      const times: number[] = [];
      let found = 0, top1 = 0;
      for (const [qi, q] of queries.entries()) {
        const t1 = performance.now();
        const got = (await s.search(q, 5)).map((m) => m.id);
        times.push(performance.now() - t1);
        found += got.filter((id) => truth[qi]!.includes(id)).length;
        if (got[0] === truth[qi]![0]) top1++;
        if (qi % 10 === 0) progress(`pgvector: candidates ${candidates}, query ${qi + 1}/${queries.length}`);
      }
      runs.push({ candidates, p50: median(times), p95: percentile(times, 95), recallAt5: found / (5 * queries.length), top1: top1 / queries.length });
      await s.close();
    }
    clear();
    return { n: o.n, ...hnsw, db: database.kind, embeddings: bases.length, loadMs, indexMs, ...storage, dataDirBytes, runs };
  } finally {
    await database.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  }
}

export function printPgvector(b: PgvectorBench): void {
  const mb = (x: number) => `${(x / 2 ** 20).toFixed(0)} MB`;
  console.log(`\npgvector: ${b.n.toLocaleString('en')} identities (${b.embeddings} real LFW embeddings + jitter), ${b.db === 'embedded' ? 'PGlite + pgvector via pglite-socket' : 'PostgreSQL server'}, HNSW m ${b.m}, ef_construction ${b.efConstruction}`);
  console.log(`load ${(b.loadMs / 1000).toFixed(1)} s (${(b.loadMs / b.n).toFixed(2)} ms/identity, batches of 1,000), index build ${(b.indexMs / 1000).toFixed(1)} s`);
  console.log(`size: templates table with TOAST ${mb(b.tableBytes)}, HNSW index ${mb(b.hnswBytes)}, all tables and indexes ${mb(b.totalBytes)}${b.dataDirBytes ? `, data folder (with WAL) ${mb(b.dataDirBytes)}` : ''}`);
  console.log('candidates | search p50 ms | p95 ms | recall@5 | top-1 = exact');
  for (const r of b.runs) console.log(`${r.candidates} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.recallAt5.toFixed(3)} | ${(100 * r.top1).toFixed(0)} %`);
}
