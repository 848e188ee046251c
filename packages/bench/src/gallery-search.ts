// 1:N gallery search speed in Node: the exact float32 pass against the int8-bounded search,
// on data shaped like face embeddings, checking that both give identical top-k every query.
//   pnpm bench:gallery -- --n 100000 [--dim 512 --per 1 --queries 30 --k 5 --js]
// Identities are random unit vectors (impostor similarity ≈ N(0, 1/√dim) ≈ N(0, 0.044) at 512);
// --per > 1 stores each identity as several near-duplicates (base + small noise). A query is
// one identity's vector plus noise so that the true match scores about 0.5–0.8.
import { createGallery, gallerySearchInfo, setGallerySearchPath, type GalleryMatch, type GallerySearchPath } from '@facekit/core/match/gallery';
import { rng } from '@facekit/test-support/random';
import { median } from '@facekit/core';

function parseArgs(argv: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--') || a === '--') continue;
    const next = argv[i + 1];
    if (next !== undefined && !next.startsWith('--')) {
      out.set(a.slice(2), next);
      i++;
    } else out.set(a.slice(2), 'true');
  }
  return out;
}

const args = parseArgs(process.argv.slice(2));
const num = (name: string, def: number): number => {
  const v = Number(args.get(name) ?? def);
  if (!Number.isFinite(v) || v <= 0) throw new RangeError(`--${name} must be a positive number`);
  return v;
};
const N = num('n', 100_000);
const dim = num('dim', 512);
const per = num('per', 1);
const nQueries = num('queries', 30);
const k = num('k', 5);
const withJs = args.has('js');

/** Approximately standard normal values (Box–Muller) from a seeded uniform source. */
function gaussianFill(next: () => number, out: Float32Array, scale: number, add?: Float32Array): void {
  for (let i = 0; i < out.length; i += 2) {
    const u = 1 - next(), v = next();
    const r = Math.sqrt(-2 * Math.log(u)) * scale;
    out[i] = r * Math.cos(2 * Math.PI * v) + (add ? add[i]! : 0);
    if (i + 1 < out.length) out[i + 1] = r * Math.sin(2 * Math.PI * v) + (add ? add[i + 1]! : 0);
  }
}

/** Identity i's base vector (regenerated on demand so queries need no stored copy). */
function base(i: number, out: Float32Array): Float32Array {
  gaussianFill(rng(0x9e3779b9 ^ (i * 2654435761)), out, 1 / Math.sqrt(dim));
  return out;
}

const mb = (b: number): string => `${(b / 2 ** 20).toFixed(0)} MB`;

const mem0 = process.memoryUsage();
const gallery = createGallery({ dim });
const b = new Float32Array(dim);
const e = new Float32Array(dim);
const noise = rng(42);
let fillMs = 0;
const t0 = performance.now();
for (let i = 0; i < N; i++) {
  base(i, b);
  if (per === 1) {
    const t = performance.now();
    gallery.add(`id${i}`, b);
    fillMs += performance.now() - t;
  } else {
    const list: Float32Array[] = [];
    // Near-duplicates: base + noise with ‖noise‖ ≈ 0.15.
    for (let j = 0; j < per; j++) {
      const v = new Float32Array(dim);
      gaussianFill(noise, v, 0.15 / Math.sqrt(dim), b);
      list.push(v);
    }
    const t = performance.now();
    gallery.add(`id${i}`, list);
    fillMs += performance.now() - t;
  }
  if ((i & 0x3fff) === 0 || i === N - 1) process.stdout.write(`\rfilling ${i + 1}/${N} (${((performance.now() - t0) / 1000).toFixed(1)} s)   `);
}
const mem1 = process.memoryUsage();
process.stdout.write('\n');
console.log(`gallery: ${N} identities × ${per} rows × ${dim}-d; add() total ${fillMs.toFixed(0)} ms (${((fillMs * 1000) / (N * per)).toFixed(2)} µs/row)`);
console.log(`memory: rss ${mb(mem1.rss)} (+${mb(mem1.rss - mem0.rss)}), arrayBuffers ${mb(mem1.arrayBuffers)} (+${mb(mem1.arrayBuffers - mem0.arrayBuffers)}; wasm memory is counted in rss only)`);

// Queries: a stored identity + noise, true-match similarity uniform-ish in 0.5–0.8.
const qnext = rng(7);
const queries: Float32Array[] = [];
for (let i = 0; i < nQueries; i++) {
  const id = Math.floor(qnext() * N);
  base(id, b);
  const target = 0.5 + 0.3 * qnext();
  // ‖b‖ ≈ 1, ‖noise‖ ≈ σ: cosine ≈ 1 / √(1 + σ²).
  const sigma = Math.sqrt(1 / (target * target) - 1);
  const q = new Float32Array(dim);
  gaussianFill(qnext, q, sigma / Math.sqrt(dim), b);
  queries.push(q);
}

const paths: GallerySearchPath[] = ['exact', 'auto', ...(withJs ? (['js'] as const) : [])];
const times = new Map<GallerySearchPath, number[]>(paths.map((p) => [p, []]));
const candidates: number[] = [];
let fastPath = '';
let mismatches = 0;
const same = (a: GalleryMatch[], b: GalleryMatch[]): boolean =>
  a.length === b.length && a.every((m, i) => m.id === b[i]!.id && Object.is(m.similarity, b[i]!.similarity));

// Warm up every path (JIT, caches).
for (const p of paths) {
  setGallerySearchPath(gallery, p);
  for (let i = 0; i < 3; i++) gallery.search(queries[i % nQueries]!, k);
}
const tq = performance.now();
let topSims: number[] = [];
let fifthSims: number[] = [];
for (let i = 0; i < nQueries; i++) {
  const q = queries[i]!;
  let ref: GalleryMatch[] | undefined;
  for (const p of paths) {
    setGallerySearchPath(gallery, p);
    const t = performance.now();
    const got = gallery.search(q, k);
    times.get(p)!.push(performance.now() - t);
    if (p === 'exact') ref = got;
    else {
      if (p === 'auto') {
        const info = gallerySearchInfo(gallery);
        candidates.push(info.exactRows);
        fastPath = info.path;
      }
      if (!same(got, ref!)) {
        mismatches++;
        console.error(`\nquery ${i} path ${p}: ${JSON.stringify(got)} vs exact ${JSON.stringify(ref)}`);
      }
    }
  }
  topSims.push(ref![0]!.similarity);
  fifthSims.push(ref![ref!.length - 1]!.similarity);
  process.stdout.write(`\rquery ${i + 1}/${nQueries} (${((performance.now() - tq) / 1000).toFixed(1)} s)   `);
}
process.stdout.write('\n');
console.log(`queries: ${nQueries}, k=${k}; best similarity median ${median(topSims).toFixed(3)}, k-th ${median(fifthSims).toFixed(3)}`);
const exactMs = median(times.get('exact')!);
for (const p of paths) {
  const ms = median(times.get(p)!);
  const label = p === 'auto' ? `fast (${fastPath})` : p === 'exact' ? 'exact (f32)' : p;
  console.log(`search ${label.padEnd(13)} median ${ms.toFixed(2)} ms  (min ${Math.min(...times.get(p)!).toFixed(2)}, max ${Math.max(...times.get(p)!).toFixed(2)})${p === 'exact' ? '' : `  ×${(exactMs / ms).toFixed(1)} vs exact`}`);
}
console.log(`rows rescored exactly per query: median ${median(candidates)}, max ${Math.max(...candidates)} of ${N * per}`);
console.log(mismatches === 0 ? `identical top-${k} on all ${nQueries} queries` : `MISMATCH on ${mismatches} query/path pairs`);
if (mismatches > 0) process.exitCode = 1;
