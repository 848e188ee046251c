// Presentation-attack detection on real camera video: every clip of the development set
// (scripts/eval/pad-clips.json; files in .cache/pad-clips) is played as a live camera track in
// headless Chromium into the public verifier, `kit.createVerifier({ liveness: mode }).enroll(track)`,
// once per liveness mode, with the verifier's timeout. A clip loops, as a fake camera does. The
// turn order asked is the clip's own (a person follows the order asked; a clip cannot), and an
// attack of that person is asked the same. Prints, per mode, ISO/IEC 30107-3 figures (APCER per
// attack type, BPCER, time to a decision), each clip's outcome, the per-frame passive-liveness
// score distributions by kind, and one JSON line. --traces writes every frame's numbers (box,
// keypoints, pose, eyes, scores) per clip and mode: what the unit-test fixtures are cut from.
//   pnpm eval:pad [-- --modes passive,blink,passive+blink,turn,passive+turn --framing native|grey|black
//                     --timeout 20000 --only <text> --all --traces .cache/pad-traces.json --json out.json]
// (--all also plays genuine clips in the modes they cannot pass: a clip that never blinks in a blink mode)
//   pnpm eval:pad -- --stills ../shared/data/spoof-dev   (labelled stills instead: scores and a CV by source)
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { LIVENESS_MODES, livenessModeFlags, type LivenessMode } from '@facekit/core';
import { openBrowserSession, parseArgs } from '@facekit/test-support/browser-session';
import { ROOT } from '@facekit/test-support/config';
import { FRAMINGS, padClipPath, padStream, readPadManifest, type Framing, type PadClip } from '@facekit/test-support/pad-clips';
import { fiveNumbers, modeRates, type Attempt, type Outcome } from '@facekit/test-support/pad-report';
import { installY4mPlayer } from '@facekit/test-support/y4m-player';
import { evalStills } from './pad-stills.js';

const args = parseArgs(process.argv.slice(2));
// A folder of labelled stills is its own evaluation (in Node, no browser).
const stillsDir = args.get('stills');
if (typeof stillsDir === 'string') {
  const summary = await evalStills(resolve(stillsDir));
  console.log(JSON.stringify({ stills: summary }));
  process.exit(0);
}
const modes = String(args.get('modes') ?? 'passive,blink,passive+blink,turn,passive+turn').split(',') as LivenessMode[];
const framing = String(args.get('framing') ?? 'native') as Framing;
const timeoutMs = Number(args.get('timeout') ?? 20_000);
const only = args.get('only');
if (modes.some((m) => !LIVENESS_MODES.includes(m) || m === 'off') || !FRAMINGS.includes(framing) || !(timeoutMs > 0)) {
  console.error('usage: pnpm eval:pad [-- --modes passive,blink,passive+blink,turn,passive+turn --framing native|grey|black --timeout 20000 --only <text> --traces file --json file]');
  process.exit(2);
}

const listed = readPadManifest().filter((c) => typeof only !== 'string' || c.file.includes(only) || c.kind === only);
const clips: (PadClip & { source: string })[] = [];
const missing: string[] = [];
for (const c of listed) {
  const p = padClipPath(c);
  if (p) clips.push({ ...c, source: p }); else missing.push(c.file);
}
if (!clips.length) {
  console.error(`eval:pad: none of the ${listed.length} listed clips is in .cache/pad-clips (see scripts/eval/pad-clips.json for where each comes from)`);
  process.exit(1);
}
const streamDir = resolve(ROOT, '.cache/pad-streams');
mkdirSync(streamDir, { recursive: true });

/** One processed frame, as recorded from the verifier's progress. */
interface FrameTrace {
  t: number;
  hint: string;
  good: number;
  /** The main face, when there is one. */
  f?: { box: number[]; kp: number[][]; yaw: number; pitch: number; roll: number; track: number; live?: number; v2?: number; v1se?: number; med?: number; eyes?: [number, number]; emb: boolean; cos0?: number };
}
interface Run { clip: string; mode: LivenessMode; outcome: Outcome; durationMs: number; score?: number; hints?: { code: string; frames: number }[]; message?: string; frames: FrameTrace[] }

/** Which genuine clips test a mode: a blink mode needs a blink in the clip, a turn mode both turns. */
function eligible(c: PadClip, mode: LivenessMode): boolean {
  const f = livenessModeFlags(mode);
  return (!f.blink || c.blinks) && (!f.turn || c.turns !== null);
}

const session = await openBrowserSession({ dataDir: streamDir });
const runs: Run[] = [];
const started = Date.now();
try {
  session.page.on('console', (m) => { if (m.type() === 'error') process.stderr.write(`\npage: ${m.text()}\n`); });
  await installY4mPlayer(session.page);
  await session.page.evaluate(async ({ modes, timeoutMs }) => {
    const w = window as unknown as Record<string, unknown>;
    const kit = await window.facekit.createFaceKit();
    const verifiers: Record<string, unknown> = {};
    for (const m of modes) verifiers[m] = await kit.createVerifier({ liveness: m, timeoutMs, storeName: 'eval-pad', preload: true });
    w.padVerifiers = verifiers;
  }, { modes, timeoutMs });
  const total = clips.reduce((n, c) => n + modes.filter((m) => c.label === 'attack' || eligible(c, m) || args.has('all')).length, 0);
  for (const clip of clips) {
    const url = `/__data/${basename(padStream(clip.source, clip, framing, streamDir, Math.ceil(timeoutMs / 1000)))}`;
    for (const mode of modes) {
      // A genuine clip that cannot pass a mode (never blinks, never turns both ways) is not played in it: its timeout says nothing.
      if (clip.label === 'genuine' && !eligible(clip, mode) && !args.has('all')) continue;
      const turns = livenessModeFlags(mode).turn ? clip.turns ?? ['left', 'right'] : undefined;
      const r = await session.page.evaluate(async ({ url, mode, turns }) => {
        type Face = { box: number[]; keypoints: number[][]; trackId: number; measures: { pose: { yaw: number; pitch: number; roll: number } }; liveness?: { score: number; perModel: Record<string, number> }; livenessMedian?: number; eyes?: { left: number; right: number }; embedding?: Float32Array };
        type Progress = { hint: string; goodFrames: number; frame: { timestamp: number; faces: Face[]; quality: { main: number } } };
        const w = window as unknown as { playY4m(u: string): Promise<{ track: MediaStreamTrack; stop(): void }>; padVerifiers: Record<string, { enroll: Function; delete(id: string): Promise<boolean> }> };
        const verifier = w.padVerifiers[mode]!;
        const frames: unknown[] = [];
        const r6 = (v: number) => Math.round(v * 1e4) / 1e4;
        // Identity along the run: each embedding's cosine with the run's first one.
        let first: Float32Array | undefined;
        const cos0 = (e: Float32Array) => { first ??= e; let s = 0; for (let i = 0; i < e.length; i++) s += e[i]! * first[i]!; return r6(s); };
        const onProgress = (p: Progress) => {
          const f = p.frame.faces[p.frame.quality.main];
          frames.push({
            t: Math.round(p.frame.timestamp), hint: p.hint, good: p.goodFrames,
            ...(f ? { f: {
              box: f.box.map(Math.round), kp: f.keypoints.map((k) => k.map((v) => Math.round(v * 10) / 10)),
              yaw: r6(f.measures.pose.yaw), pitch: r6(f.measures.pose.pitch), roll: r6(f.measures.pose.roll), track: f.trackId,
              ...(f.liveness ? { live: r6(f.liveness.score), v2: r6(f.liveness.perModel.minifasnet_v2 ?? NaN), v1se: r6(f.liveness.perModel.minifasnet_v1se ?? NaN) } : {}),
              ...(f.livenessMedian !== undefined ? { med: r6(f.livenessMedian) } : {}),
              ...(f.eyes ? { eyes: [r6(f.eyes.left), r6(f.eyes.right)] } : {}),
              emb: f.embedding !== undefined, ...(f.embedding ? { cos0: cos0(f.embedding) } : {}),
            } } : {}),
          });
        };
        const player = await w.playY4m(url);
        const t0 = performance.now();
        try {
          const e = await verifier.enroll(player.track, { id: 'pad', ...(turns ? { turns } : {}), onProgress }) as { livenessScore?: number };
          return { outcome: 'accepted', durationMs: performance.now() - t0, score: e.livenessScore, frames };
        } catch (e) {
          const err = e as { name: string; message: string; score?: number; hints?: { code: string; frames: number }[] };
          const outcome = err.name === 'LivenessError' ? 'rejected' : err.name === 'VerificationTimeoutError' ? 'timeout' : 'error';
          return { outcome, durationMs: performance.now() - t0, score: err.score, hints: err.hints, message: outcome === 'error' ? `${err.name}: ${err.message}` : undefined, frames };
        } finally {
          player.stop();
          await verifier.delete('pad');
        }
      }, { url, mode, turns });
      runs.push({ clip: clip.file, mode, ...(r as Omit<Run, 'clip' | 'mode'>) });
      const done = runs.length, eta = ((Date.now() - started) / done) * (total - done) / 1000;
      process.stdout.write(`\r${done}/${total}  ${clip.file.slice(-40).padEnd(40)} ${mode.padEnd(13)} ${r.outcome.padEnd(8)} ETA ${Math.round(eta)} s   `);
    }
  }
} finally {
  process.stdout.write('\n');
  await session.close();
}

// ------------------------------------------------------------------ report
const byFile = new Map(clips.map((c) => [c.file, c]));
const attempts = (mode: LivenessMode): Attempt[] => runs.filter((r) => r.mode === mode).map((r) => {
  const c = byFile.get(r.clip)!;
  return { clip: r.clip, label: c.label, kind: c.kind, person: c.person, eligible: c.label === 'attack' || eligible(c, mode), outcome: r.outcome, durationMs: r.durationMs };
});
const pc = (v: number) => (Number.isNaN(v) ? '  n/a' : `${(100 * v).toFixed(1)} %`);
const attackKinds = [...new Set(clips.filter((c) => c.label === 'attack').map((c) => c.kind))].sort();
const genuineN = clips.filter((c) => c.label === 'genuine').length;
console.log(`eval:pad — ${clips.length} clips (${genuineN} genuine, ${clips.length - genuineN} attacks; ${new Set(clips.map((c) => c.person)).size} people), framing '${framing}', timeout ${timeoutMs} ms, ${((Date.now() - started) / 60000).toFixed(1)} min`);
if (missing.length) console.log(`not in .cache/pad-clips, left out: ${missing.join(', ')}`);
console.log(`\nmode           ${attackKinds.map((k) => `APCER ${k}`.padEnd(20)).join('')}BPCER (undecided)         ACER     accept time median / p90`);
const summary: Record<string, ReturnType<typeof modeRates>> = {};
for (const mode of modes) {
  const s = modeRates(attempts(mode));
  summary[mode] = s;
  console.log(`${mode.padEnd(15)}${attackKinds.map((k) => { const a = s.apcer[k]; return (a ? `${pc(a.rate)} (${a.accepted}/${a.presented})` : '').padEnd(20); }).join('')}`
    + `${`${pc(s.bpcer)} (${s.refused}/${s.genuine}; ${s.undecided})`.padEnd(26)}${pc(s.acer).padEnd(9)}`
    + `${s.decisionMs ? `${(s.decisionMs.median / 1000).toFixed(1)} / ${(s.decisionMs.p90 / 1000).toFixed(1)} s` : '-'}`);
}
console.log('\nper clip (A accepted, r refused as not live, t timed out, e error; · not a test of that mode, blank: not played)');
console.log(`${'clip'.padEnd(52)}${'label'.padEnd(9)}${'kind'.padEnd(9)}${modes.map((m) => m.padEnd(14)).join('')}`);
for (const c of clips) {
  const cells = modes.map((m) => {
    const r = runs.find((x) => x.clip === c.file && x.mode === m);
    if (!r) return ''.padEnd(14);
    const mark = { accepted: 'A', rejected: 'r', timeout: 't', error: 'e' }[r.outcome];
    const blocked = r.outcome === 'timeout' ? ` ${r.hints?.[0]?.code ?? ''}` : r.score !== undefined ? ` ${r.score.toFixed(2)}` : '';
    return `${c.label === 'genuine' && !eligible(c, m) ? '·' : ''}${mark}${blocked}`.slice(0, 13).padEnd(14);
  });
  console.log(`${c.file.slice(-51).padEnd(52)}${c.label.padEnd(9)}${c.kind.padEnd(9)}${cells.join('')}`);
}
for (const r of runs.filter((x) => x.outcome === 'error')) console.log(`  error: ${r.clip} ${r.mode}: ${r.message}`);

// Per-frame passive scores (every frame liveness ran on, in any passive mode), by kind.
const perFrame = new Map<string, number[]>();
for (const r of runs.filter((x) => livenessModeFlags(x.mode).passive)) {
  const c = byFile.get(r.clip)!;
  const key = `${c.label} ${c.kind}`;
  for (const f of r.frames) if (f.f?.live !== undefined) perFrame.set(key, [...(perFrame.get(key) ?? []), f.f.live]);
}
console.log('\nper-frame passive liveness (fused MiniFASNet real probability), passive modes');
console.log(`${'kind'.padEnd(18)}frames   min     q1      median  q3      max`);
const distributions: Record<string, ReturnType<typeof fiveNumbers>> = {};
for (const [k, xs] of [...perFrame].sort()) {
  const d = fiveNumbers(xs)!;
  distributions[k] = d;
  console.log(`${k.padEnd(18)}${String(d.n).padEnd(9)}${[d.min, d.q1, d.median, d.q3, d.max].map((v) => v.toFixed(3).padEnd(8)).join('')}`);
}
const tracesOut = args.get('traces');
if (typeof tracesOut === 'string') writeFileSync(resolve(tracesOut), JSON.stringify({ framing, timeoutMs, clips, runs }));
const jsonOut = args.get('json');
const result = { clips: clips.length, genuine: genuineN, attacks: clips.length - genuineN, framing, timeoutMs, modes: summary, perFrame: distributions };
if (typeof jsonOut === 'string') writeFileSync(resolve(jsonOut), JSON.stringify({ ...result, runs: runs.map(({ frames: _, ...r }) => r) }, null, 1));
console.log(JSON.stringify(result));

