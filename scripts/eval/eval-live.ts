// The live verifier on hundreds of camera streams: for N lfw-dev pairs (half same person, half
// different), each photo becomes a 640×480, 15 fps fake-camera stream (@facekit/test-support/streams: the
// 250×250 photo scaled to fit, I420), still or with small motion (±4 % zoom, ±5° roll, a slow
// pan). One headless Chromium plays each stream as a camera track (a MediaStreamTrackGenerator
// fed the stream's I420 frames at 15 fps, the bytes Chromium's fake camera would deliver) into
// the public verifier: enroll from the first photo, verify with the second. The kit and verifier
// are the demo's defaults (createFaceKit(), createVerifier({ liveness })), liveness 'off' unless
// asked. Prints a progress line, a table, then one JSON line.
//   pnpm eval:live [-- --pairs 300 --motion still|motion|both --liveness off|passive --timeout 20000 --json out.json]
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { parseLfwPairs } from '@facekit/core';
import { median, percentile } from '@facekit/core';
import { SHARED_DIR } from '@facekit/test-support/node';
import { makeStream, type StreamSpec } from '@facekit/test-support/streams';
import { openBrowserSession, parseArgs } from '@facekit/test-support/browser-session';
import { installY4mPlayer } from '@facekit/test-support/y4m-player';
import { MODELS } from '@facekit/core';
import { thresholdFor } from '@facekit/core';
import { mainFaceIndex } from '@facekit/core';
import { createNodeDetector, createNodeRecognizer, decodeImageFile } from '@facekit/test-support/node';

const args = parseArgs(process.argv.slice(2));
const count = Number(args.get('pairs') ?? 300);
const motions = String(args.get('motion') ?? 'both') === 'both' ? ['still', 'motion'] as const : [String(args.get('motion'))] as ('still' | 'motion')[];
const liveness = String(args.get('liveness') ?? 'off');
const timeoutMs = Number(args.get('timeout') ?? 20_000);
if (!(count >= 2) || motions.some((m) => m !== 'still' && m !== 'motion')) {
  console.error('usage: pnpm eval:live [-- --pairs 300 --motion still|motion|both --liveness off|passive --timeout 20000 --json out.json]');
  process.exit(2);
}

const LFW = join(SHARED_DIR, 'data/lfw-dev');
const all = parseLfwPairs(readFileSync(join(LFW, 'pairs.txt'), 'utf8')).pairs;
// Evenly spread over each block, half same and half different.
const pick = <T>(xs: T[], n: number) => Array.from({ length: Math.min(n, xs.length) }, (_, i) => xs[Math.floor((i * xs.length) / Math.min(n, xs.length))]!);
const pairs = [...pick(all.filter((p) => p.same), Math.ceil(count / 2)), ...pick(all.filter((p) => !p.same), Math.floor(count / 2))];
const gender = new Map(readFileSync(join(LFW, 'gender.txt'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split('\t') as [string, string]));
const genderOf = (path: string) => gender.get(basename(path)) ?? 'unknown';

const streamDir = join(tmpdir(), `facekit-eval-live-${process.pid}`);
mkdirSync(streamDir, { recursive: true });
const spec = (image: string, motion: 'still' | 'motion'): StreamSpec => (motion === 'still'
  ? { kind: 'still', image: `lfw-dev/images/${image}`, seconds: 1 / 15 } // one frame, looped by the player
  : { kind: 'motion', image: `lfw-dev/images/${image}` });

/** What one enroll or verify call gave, as the page reports it. */
interface Attempt {
  ok: boolean;
  /** Timeout or other failure: the error's code and the hints that blocked, most frames first. */
  error?: { name: string; code: string; hints?: { code: string; frames: number }[] };
  durationMs: number;
  similarity?: number;
  isMatch?: boolean;
  verified?: boolean;
}
interface PairResult { motion: 'still' | 'motion'; same: boolean; a: string; b: string; enroll: Attempt; verify?: Attempt }

const session = await openBrowserSession({ dataDir: streamDir });
const results: PairResult[] = [];
let lastBlock = '';
const started = Date.now();
try {
  session.page.on('console', (m) => { if (m.type() === 'error') process.stderr.write(`\npage: ${m.text()}\n`); });
  await installY4mPlayer(session.page);
  await session.page.evaluate(async ({ liveness, timeoutMs }) => {
    const w = window as unknown as Record<string, unknown>;
    const kit = await window.facekit.createFaceKit();
    w.evalKit = kit;
    w.evalVerifier = await kit.createVerifier({ liveness: liveness as 'off', timeoutMs, storeName: 'eval-live', preload: true });
  }, { liveness, timeoutMs });

  const total = pairs.length * motions.length;
  for (const motion of motions) {
    for (const [i, p] of pairs.entries()) {
      const a = p.a, b = p.b;
      const files = [makeStream(spec(a, motion), streamDir), makeStream(spec(b, motion), streamDir)].map((f) => `/__data/${basename(f)}`);
      const r = await session.page.evaluate(async ({ files, id }) => {
        type Player = { track: MediaStreamTrack; stop(): void };
        const w = window as unknown as { playY4m(u: string): Promise<Player>; evalVerifier: { enroll: Function; verify: Function; delete(id: string): Promise<boolean> } };
        const attempt = async (url: string, call: 'enroll' | 'verify') => {
          const player = await w.playY4m(url);
          const t0 = performance.now();
          try {
            const v = await w.evalVerifier[call](player.track, { id }) as { durationMs: number; similarity?: number; isMatch?: boolean; verified?: boolean };
            return { ok: true, durationMs: v.durationMs, similarity: v.similarity, isMatch: v.isMatch, verified: v.verified };
          } catch (e) {
            const err = e as { name: string; code: string; hints?: { code: string; frames: number }[] };
            return { ok: false, durationMs: performance.now() - t0, error: { name: err.name, code: err.code, ...(err.hints ? { hints: err.hints } : {}) } };
          } finally {
            player.stop();
          }
        };
        const enroll = await attempt(files[0]!, 'enroll');
        if (!enroll.ok) return { enroll };
        const verify = await attempt(files[1]!, 'verify');
        await w.evalVerifier.delete(id);
        return { enroll, verify };
      }, { files, id: `pair-${i}` });
      for (const f of files) rmSync(join(streamDir, basename(f)), { force: true });
      results.push({ motion, same: p.same, a, b, ...r });
      const done = results.length;
      const fta = results.filter((x) => !x.verify?.ok).length;
      const eta = ((Date.now() - started) / done) * (total - done) / 1000;
      const last = results.at(-1)!;
      const blocked = !last.enroll.ok ? last.enroll : last.verify?.ok === false ? last.verify : undefined;
      if (blocked) lastBlock = `last undecided: ${blocked.error?.hints?.[0]?.code ?? blocked.error?.code}`;
      process.stdout.write(`\r${motion} ${done}/${total} (${(100 * done / total).toFixed(0)} %)  no decision ${fta}  ETA ${Math.round(eta)} s  ${lastBlock}   `);
    }
  }
} finally {
  process.stdout.write('\n');
  await session.close();
  rmSync(streamDir, { recursive: true, force: true });
}

/** Summary of one set of pair results. */
function summarise(rs: PairResult[]) {
  const decided = rs.filter((r) => r.verify?.ok);
  const same = decided.filter((r) => r.same), diff = decided.filter((r) => !r.same);
  const blocked = new Map<string, number>();
  for (const r of rs) {
    const failed = !r.enroll.ok ? r.enroll : r.verify && !r.verify.ok ? r.verify : undefined;
    if (!failed) continue;
    const code = failed.error?.hints?.[0]?.code ?? failed.error?.code ?? 'unknown';
    blocked.set(code, (blocked.get(code) ?? 0) + 1);
  }
  // Failure to acquire per stream attempt, by the gender of the person in the photo.
  const attempts: { g: string; ok: boolean }[] = [];
  for (const r of rs) {
    attempts.push({ g: genderOf(r.a), ok: r.enroll.ok });
    if (r.verify) attempts.push({ g: genderOf(r.b), ok: r.verify.ok });
  }
  const byGender = Object.fromEntries(['female', 'male'].map((g) => {
    const at = attempts.filter((x) => x.g === g);
    const sameG = same.filter((r) => genderOf(r.a) === g);
    return [g, {
      streams: at.length, failureToAcquire: at.filter((x) => !x.ok).length / at.length,
      tar: sameG.filter((r) => r.verify!.isMatch).length / sameG.length, samePairs: sameG.length,
    }];
  }));
  const times = decided.map((r) => r.verify!.durationMs);
  return {
    pairs: rs.length,
    failureToAcquire: (rs.length - decided.length) / rs.length,
    failedStreams: attempts.filter((x) => !x.ok).length, streams: attempts.length,
    blocked: Object.fromEntries([...blocked].sort((x, y) => y[1] - x[1])),
    tar: same.filter((r) => r.verify!.isMatch).length / same.length, samePairs: same.length,
    far: diff.filter((r) => r.verify!.isMatch).length / diff.length, differentPairs: diff.length,
    falseAccepts: diff.filter((r) => r.verify!.isMatch).map((r) => `${r.a} ~ ${r.b} (${r.verify!.similarity!.toFixed(3)})`),
    falseRejects: same.filter((r) => !r.verify!.isMatch).map((r) => `${r.a} ~ ${r.b} (${r.verify!.similarity!.toFixed(3)})`),
    timeToDecisionMs: { median: median(times), p95: percentile(times, 95) },
    enrollMs: { median: median(rs.filter((r) => r.enroll.ok).map((r) => r.enroll.durationMs)) },
    byGender,
    undecided: rs.filter((r) => !r.verify?.ok).map((r) => {
      const failed = !r.enroll.ok ? { call: 'enroll', image: r.a, ...r.enroll } : { call: 'verify', image: r.b, ...r.verify! };
      return `${failed.call} ${failed.image}: ${failed.error?.hints?.slice(0, 3).map((h) => `${h.code} ×${h.frames}`).join(', ') ?? failed.error?.code}`;
    }),
  };
}

// The still-image reference on the same decided same-person pairs: analyze at 640 on the
// original photo, flip test, the same FAR 1e-4 threshold (Node, the same core pipeline).
const det = await createNodeDetector(MODELS.det_500m, 2), rec = await createNodeRecognizer(MODELS.fr_feature, 2);
const stillEmbeddings = new Map<string, Float32Array | null>();
async function stillEmbedding(image: string): Promise<Float32Array | null> {
  if (!stillEmbeddings.has(image)) {
    const im = decodeImageFile(join(LFW, 'images', image));
    const faces = (await det.detect(im)).faces;
    const m = mainFaceIndex(faces, im);
    stillEmbeddings.set(image, m < 0 ? null : (await rec.embedFaces(im, [faces[m]!], true)).embeddings[0]!);
  }
  return stillEmbeddings.get(image)!;
}
const threshold = thresholdFor('fr_feature', 1e-4, true);
async function stillTar(rs: PairResult[]): Promise<number> {
  let accepted = 0;
  for (const r of rs) {
    const [a, b] = [await stillEmbedding(r.a), await stillEmbedding(r.b)];
    if (a && b && a.reduce((s, v, i) => s + v * b[i]!, 0) >= threshold) accepted++;
  }
  return accepted / rs.length;
}
// One set at a time: calls on one session must not overlap.
const out: Record<string, ReturnType<typeof summarise> & { stillImageTar: number }> = {};
for (const m of motions) {
  const rs = results.filter((r) => r.motion === m);
  out[m] = { ...summarise(rs), stillImageTar: await stillTar(rs.filter((r) => r.same && r.verify?.ok)) };
}
await det.release(); await rec.release();
const pc = (v: number) => `${(100 * v).toFixed(1)} %`;
console.log(`eval:live — ${pairs.length} lfw-dev pairs, liveness '${liveness}', timeout ${timeoutMs} ms, ${((Date.now() - started) / 60000).toFixed(1)} min`);
console.log('streams   failure to acquire   TAR (decided)      still-image TAR, same pairs   FAR (decided)   decision median / p95   female FTA   male FTA   blocked by');
for (const [m, s] of Object.entries(out)) {
  console.log(`${m.padEnd(10)}${`${pc(s.failureToAcquire)} (${s.pairs - s.samePairs - s.differentPairs})`.padEnd(21)}${`${pc(s.tar)} of ${s.samePairs}`.padEnd(19)}${pc(s.stillImageTar).padEnd(30)}${`${pc(s.far)} of ${s.differentPairs}`.padEnd(16)}`
    + `${`${(s.timeToDecisionMs.median / 1000).toFixed(2)} / ${(s.timeToDecisionMs.p95 / 1000).toFixed(2)} s`.padEnd(24)}${pc(s.byGender.female!.failureToAcquire).padEnd(13)}${pc(s.byGender.male!.failureToAcquire).padEnd(11)}`
    + Object.entries(s.blocked).map(([c, n]) => `${c} ${n}`).join(', '));
  for (const u of s.undecided) console.log(`  undecided: ${u}`);
  for (const f of s.falseRejects) console.log(`  false reject: ${f}`);
  for (const f of s.falseAccepts) console.log(`  FALSE ACCEPT: ${f}`);
}
const json = JSON.stringify({ pairs: pairs.length, liveness, timeoutMs, ...out });
console.log(json);
const jsonOut = args.get('json');
if (typeof jsonOut === 'string') writeFileSync(resolve(jsonOut), JSON.stringify({ summary: out, results }, null, 1));
