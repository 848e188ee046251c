// CLI for the peer benchmark: prints a table, then one JSON line.
//   pnpm --filter @facekit/bench bench:peers [-- --runs 30 --warmup 5 --image ppu_uniface/image-fake1.jpg --only human]
//   pnpm exec tsx packages/bench/src/peers-main.ts -- --runs 30
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { SHARED_DIR } from '@facekit/test-support/config';
import { parseArgs } from '@facekit/test-support/browser-session';
import { benchPeers, type PeerName, type PeerResult } from './peers.js';

const args = parseArgs(process.argv.slice(2));
const runs = Number(args.get('runs') ?? 30);
const warmup = Number(args.get('warmup') ?? 5);
// Same frame and naming as bench.ts: relative to the shared images folder.
const imageArg = String(args.get('image') ?? 'ppu_uniface/image-fake1.jpg');
const image = isAbsolute(imageArg) ? imageArg : resolve(SHARED_DIR, 'data/images', imageArg);
const only = args.get('only');
if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(warmup) || warmup < 1) throw new Error('--runs and --warmup must be positive integers');
if (!existsSync(image)) throw new Error(`frame not found: ${image}`);
if (only !== undefined && only !== 'human' && only !== 'face-api') throw new Error('--only must be human or face-api');

// One progress line, rewritten in place (padded so a shorter line hides the longer one).
let width = 0;
const progress = (line: string) => {
  width = Math.max(width, line.length);
  process.stderr.write(`\r${line.padEnd(width)}`);
};

let results: PeerResult[];
try {
  results = await benchPeers({ image, runs, warmup, onProgress: progress, ...(typeof only === 'string' ? { peers: [only as PeerName] } : {}) });
} finally {
  if (width) process.stderr.write(`\r${' '.repeat(width)}\r`);
}

const f = (n: number) => n.toFixed(1);
const rows = [
  ['peer', 'threads', 'backend', 'load ms', 'median', 'p95'],
  ...results.map((r) => [
    `${r.peer} ${r.version}`,
    `${r.threads} (used ${r.threadsUsed ?? '?'})`,
    `${r.backend}${r.simd ? ' simd' : ''}${r.multithread ? ' mt' : ''}`,
    f(r.loadMs), f(r.medianMs), f(r.p95Ms),
  ]),
];
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
const line = (row: string[]) => `| ${row.map((c, i) => (i >= 3 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ')} |`;
console.log(`peers on ${imageArg}: ${warmup} warm-up call(s) (the first is the load's first result), ${runs} timed; ms per frame`);
console.log(line(rows[0]!));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const row of rows.slice(1)) console.log(line(row));
for (const r of results) {
  const cores = `hardwareConcurrency ${r.hardwareConcurrency ?? '?'}${r.hardwareConcurrencyOverride ? ' (emulated, so tfjs-wasm does not cap the pool at the real cores / 2)' : ''}`;
  console.log(`  ${r.peer} threads=${r.threads}: ${r.faces} face, ${r.embeddingLength}-d embedding, ${r.wasmFile}, ${cores}; load ${Object.entries(r.loadParts ?? {}).map(([k, v]) => `${k}=${f(v)}`).join(' ')}`);
  if (r.threads !== 'default' && r.threadsUsed !== r.threads) console.log(`    note: asked for ${r.threads} threads, tfjs-wasm runs ${r.threadsUsed ?? 'an unknown number of'}`);
  for (const w of r.warnings ?? []) console.log(`    page ${w}`);
}
console.log(JSON.stringify({ bench: 'peers', image: imageArg, warmup, runs, results }));
