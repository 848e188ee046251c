// The levers for analyze() speed that did not win, measured: prints tables, then one JSON line.
//   pnpm bench:levers [-- --runs 20]
//
// Everything runs in Node on onnxruntime-web's WASM build (the binary the browser runs), each
// section in a fresh process, because ORT's thread count and its one-time start are per process.
//   first    the one-time costs: first session, second session, first runs of each
//   ops      where the time goes: ORT's own profile, per operator kind, det_500m and fr_feature
//   int8     the same models quantized to int8 (QDQ → QLinearConv) against float32
//   xnnpack  a second runtime: tfjs-backend-wasm (XNNPACK) against ORT on det_500m's conv shapes
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-web';
import onnxProto from 'onnx-proto';
import { MODELS, median, medianTime } from '@facekit/core';
import { modelPath } from '@facekit/test-support/node';
import { rng } from '@facekit/test-support/random';
import { parseArgs } from '@facekit/test-support/browser-session';
import { quantizeQdq } from './qdq-quantize.js';

const args = parseArgs(process.argv.slice(2));
const runs = Number(args.get('runs') ?? 20);
const DET_SHAPE = [1, 3, 480, 640]; // the 640×480 bench frame, fitted: what analyze() @ 640 feeds
const REC_SHAPE = [1, 3, 112, 112];

/** A fixed pseudo-random input: the timing of these graphs does not depend on the pixels. */
function input(shape: number[]): ort.Tensor {
  const r = rng(12345);
  return new ort.Tensor('float32', Float32Array.from({ length: shape.reduce((a, b) => a * b) }, () => r() * 2 - 1), shape);
}

async function session(bytes: Uint8Array, extra: ort.InferenceSession.SessionOptions = {}): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'all', logSeverityLevel: 3, ...extra });
}

/** Median ms of `n` runs of `s` on `x`, after 5 warm-up runs. */
function timeRuns(s: ort.InferenceSession, x: ort.Tensor, n: number): Promise<number> {
  const feeds = { [s.inputNames[0]!]: x };
  return medianTime(() => s.run(feeds), n, 5);
}

const modelBytes = (id: 'det_500m' | 'fr_feature') => new Uint8Array(readFileSync(modelPath(MODELS[id])));

// ---- children: one section, one JSON line on stdout ----

async function childFirst(): Promise<unknown> {
  const ms = async (f: () => Promise<unknown>) => { const t = performance.now(); await f(); return performance.now() - t; };
  let a!: ort.InferenceSession, b!: ort.InferenceSession, r!: ort.InferenceSession;
  const firstSession = await ms(async () => { a = await session(modelBytes('det_500m')); });
  const secondSession = await ms(async () => { b = await session(modelBytes('det_500m')); });
  const recSession = await ms(async () => { r = await session(modelBytes('fr_feature')); });
  const x = input(DET_SHAPE), y = input(REC_SHAPE);
  const runsOf = async (s: ort.InferenceSession, t: ort.Tensor) => { const out = []; for (let i = 0; i < 3; i++) out.push(await ms(() => s.run({ [s.inputNames[0]!]: t }))); return out; };
  const firstSessionRuns = await runsOf(a, x);
  const secondSessionRuns = await runsOf(b, x);
  const recRuns = await runsOf(r, y);
  const steady = await timeRuns(a, x, runs);
  return { firstSession, secondSession, recSession, firstSessionRuns, secondSessionRuns, recRuns, steady };
}

const PROFILED_RUNS = 10;

async function childOps(id: 'det_500m' | 'fr_feature'): Promise<unknown> {
  const x = input(id === 'det_500m' ? DET_SHAPE : REC_SHAPE);
  // Pay the process's one-time first-run cost (see 'first') outside the profile.
  const warm = await session(modelBytes(id));
  for (let i = 0; i < 3; i++) await warm.run({ [warm.inputNames[0]!]: x });
  await warm.release();
  // ORT writes its profile to stdout through the wasm runtime; the parent parses it.
  const s = await session(modelBytes(id), { enableProfiling: true });
  for (let i = 0; i < PROFILED_RUNS; i++) await s.run({ [s.inputNames[0]!]: x });
  s.endProfiling();
  return { profiled: PROFILED_RUNS };
}

async function childInt8(): Promise<unknown> {
  const out: Record<string, { float32: number; int8: number }> = {};
  for (const id of ['det_500m', 'fr_feature'] as const) {
    const shape = id === 'det_500m' ? DET_SHAPE : REC_SHAPE;
    const bytes = modelBytes(id);
    const calib = input(shape);
    const quantized = await quantizeQdq(bytes, async (probe, names) => {
      const s = await session(probe);
      const res = await s.run({ [s.inputNames[0]!]: calib });
      await s.release();
      return [new Map<string, Float32Array>([[s.inputNames[0]!, calib.data as Float32Array], ...names.map((n) => [n, res[n]!.data as Float32Array] as [string, Float32Array])])];
    });
    const x = input(shape);
    const f = await session(bytes), q = await session(quantized);
    // Interleaved, so drift in the machine's speed hits both alike.
    const a: number[] = [], b: number[] = [];
    for (let i = 0; i < 3; i++) { a.push(await timeRuns(f, x, Math.ceil(runs / 3))); b.push(await timeRuns(q, x, Math.ceil(runs / 3))); }
    out[id] = { float32: median(a), int8: median(b) };
    await f.release(); await q.release();
  }
  return out;
}

/** A one-Conv (+Relu) ONNX graph, for ORT's side of the per-layer comparison. */
function convGraph(h: number, w: number, cin: number, cout: number, k: number, depthwise: boolean): Uint8Array {
  const { onnx } = onnxProto;
  const wDims = [cout, depthwise ? 1 : cin, k, k];
  const weights = new Float32Array(wDims.reduce((a, b) => a * b)).map((_, i) => Math.sin(i) * 0.1);
  const bytes = (a: Float32Array) => new Uint8Array(a.buffer);
  return onnx.ModelProto.encode(onnx.ModelProto.create({
    irVersion: 7, opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'conv',
      node: [
        { opType: 'Conv', input: ['x', 'w', 'b'], output: ['c'], attribute: [
          { name: 'pads', type: onnx.AttributeProto.AttributeType.INTS, ints: [k >> 1, k >> 1, k >> 1, k >> 1] },
          ...(depthwise ? [{ name: 'group', type: onnx.AttributeProto.AttributeType.INT, i: cin }] : []),
        ] },
        { opType: 'Relu', input: ['c'], output: ['y'] },
      ],
      initializer: [
        { name: 'w', dataType: 1, dims: wDims, rawData: bytes(weights) },
        { name: 'b', dataType: 1, dims: [cout], rawData: bytes(new Float32Array(cout)) },
      ],
      input: [{ name: 'x', type: { tensorType: { elemType: 1, shape: { dim: [1, cin, h, w].map((d) => ({ dimValue: d })) } } } }],
      output: [{ name: 'y', type: { tensorType: { elemType: 1 } } }],
    },
  })).finish();
}

// det_500m's heaviest layer shapes at the fitted 640×480 input (from the ops profile).
const LAYERS: [number, number, number, number, number, boolean][] = [
  [240, 320, 16, 32, 1, false], [120, 160, 64, 64, 1, false], [60, 80, 128, 128, 1, false],
  [240, 320, 32, 32, 3, true], [120, 160, 64, 64, 3, true],
];

async function childXnnpack(): Promise<unknown> {
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-wasm');
  await tf.setBackend('wasm');
  await tf.ready();
  const layers = [];
  for (const [h, w, cin, cout, k, dw] of LAYERS) {
    const x = tf.randomNormal([1, h, w, cin], 0, 1, 'float32', 1) as import('@tensorflow/tfjs-core').Tensor4D;
    const filter = tf.randomNormal(dw ? [k, k, cin, 1] : [k, k, cin, cout], 0, 0.1, 'float32', 2) as import('@tensorflow/tfjs-core').Tensor4D;
    const bias = tf.zeros([cout]);
    const xnnpackMs = await medianTime(() => {
      const y = dw ? tf.fused.depthwiseConv2d({ x, filter, strides: 1, pad: 'same', bias, activation: 'relu' })
        : tf.fused.conv2d({ x, filter, strides: 1, pad: 'same', bias, activation: 'relu' });
      y.dataSync();
      y.dispose();
    }, runs, 5);
    tf.dispose([x, filter, bias]);
    const s = await session(convGraph(h, w, cin, cout, k, dw));
    const ortMs = await timeRuns(s, input([1, cin, h, w]), runs);
    await s.release();
    layers.push({ layer: `${w}×${h}×${cin}→${cout} ${k}×${k}${dw ? ' depthwise' : ''}`, xnnpack: xnnpackMs, ort: ortMs });
  }
  return { tfjsThreads: 1, layers };
}

const child = args.get('child');
if (typeof child === 'string') {
  ort.env.wasm.numThreads = Number(args.get('threads') ?? 1);
  ort.env.logLevel = 'error';
  const result = child === 'first' ? await childFirst()
    : child === 'ops' ? await childOps(String(args.get('model')) as 'det_500m' | 'fr_feature')
    : child === 'int8' ? await childInt8()
    : child === 'xnnpack' ? await childXnnpack()
    : (() => { throw new Error(`unknown --child ${child}`); })();
  process.stdout.write(`\nRESULT ${JSON.stringify(result)}\n`);
  process.exit(0);
}

// ---- parent: runs each child, prints tables and one JSON line ----

let width = 0;
const progress = (line: string) => { width = Math.max(width, line.length); process.stderr.write(`\r${line.padEnd(width)}`); };

function run(label: string, childArgs: string[]): { result: unknown; stdout: string } {
  progress(`levers: ${label}…`);
  const self = fileURLToPath(import.meta.url);
  const p = spawnSync(process.execPath, [...process.execArgv, self, '--runs', String(runs), ...childArgs], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  const line = p.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (p.status !== 0 || !line) throw new Error(`levers ${label} failed (exit ${p.status}):\n${p.stderr.slice(-2000)}`);
  return { result: JSON.parse(line.slice(7)), stdout: p.stdout };
}

/** ORT's profile (one JSON event per line) → ms per run per operator kind; convs split by shape. */
function opsFromProfile(stdout: string, profiledRuns: number): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const raw of stdout.split('\n')) {
    if (!raw.startsWith('{"cat" : "Node"')) continue;
    const e = JSON.parse(raw.replace(/,\s*$/, '')) as { name: string; dur: number; args: { op_name: string; input_type_shape: Record<string, number[]>[] } };
    if (!e.name.endsWith('_kernel_time')) continue;
    let kind = e.args.op_name;
    if (kind === 'Conv' || kind === 'FusedConv') {
      const x = e.args.input_type_shape[0]?.float, w = e.args.input_type_shape[1]?.float;
      kind = `Conv ${w && x && w[1] === 1 && x[1]! > 1 ? 'depthwise' : w?.[2] === 1 ? '1×1' : 'k×k'}`;
    }
    totals[kind] = (totals[kind] ?? 0) + e.dur / 1000;
  }
  return Object.fromEntries(Object.entries(totals).map(([k, v]) => [k, v / profiledRuns]));
}

const f1 = (n: number) => n.toFixed(1);
const summary: Record<string, unknown> = { runs, ort: 'onnxruntime-web 1.30 WASM build, in Node' };
try {
  const first: Record<number, unknown> = {};
  for (const threads of [1, 2]) first[threads] = run(`first, ${threads} thread(s)`, ['--child', 'first', '--threads', String(threads)]).result;
  const ops: Record<string, Record<string, number>> = {};
  for (const model of ['det_500m', 'fr_feature']) ops[model] = opsFromProfile(run(`ops ${model}`, ['--child', 'ops', '--model', model]).stdout, PROFILED_RUNS);
  const int8: Record<number, unknown> = {};
  for (const threads of [1, 2]) int8[threads] = run(`int8, ${threads} thread(s)`, ['--child', 'int8', '--threads', String(threads)]).result;
  const xnnpack = run('xnnpack', ['--child', 'xnnpack']).result as { layers: { layer: string; xnnpack: number; ort: number }[] };
  if (width) process.stderr.write(`\r${' '.repeat(width)}\r`);

  type First = { firstSession: number; secondSession: number; recSession: number; firstSessionRuns: number[]; secondSessionRuns: number[]; recRuns: number[]; steady: number };
  console.log('\none-time costs (det_500m @ 640×480, then fr_feature), ms');
  console.log('threads | 1st session | 2nd session (same model) | 1st session: runs 1-3 | 2nd session: runs 1-3 | steady | fr_feature session, runs 1-3');
  for (const [t, r] of Object.entries(first) as [string, First][]) {
    console.log(`${t} | ${f1(r.firstSession)} | ${f1(r.secondSession)} | ${r.firstSessionRuns.map(f1).join(', ')} | ${r.secondSessionRuns.map(f1).join(', ')} | ${f1(r.steady)} | ${f1(r.recSession)}: ${r.recRuns.map(f1).join(', ')}`);
  }
  console.log('\nwhere the time goes, 1 thread, ms per run (ORT profile; profiling itself adds a little)');
  for (const [model, kinds] of Object.entries(ops)) {
    const total = Object.values(kinds).reduce((a, b) => a + b, 0);
    const top = Object.entries(kinds).sort((a, b) => b[1] - a[1]).slice(0, 6);
    console.log(`${model} (${f1(total)} ms): ${top.map(([k, v]) => `${k} ${f1(v)} (${Math.round(v / total * 100)} %)`).join(', ')}`);
  }
  console.log('\nint8 (QDQ, per-channel weights; ORT fuses it to QLinearConv) against float32, median ms');
  for (const [t, r] of Object.entries(int8) as [string, Record<string, { float32: number; int8: number }>][]) {
    console.log(`${t} thread(s): ${Object.entries(r).map(([m, v]) => `${m} ${f1(v.float32)} → ${f1(v.int8)} (${(v.int8 / v.float32).toFixed(2)}×)`).join(', ')}`);
  }
  console.log('\nsecond runtime: tfjs-backend-wasm 4.22 (XNNPACK) against ORT, one Conv+Relu layer, 1 thread, median ms');
  for (const l of xnnpack.layers) console.log(`${l.layer}: XNNPACK ${f1(l.xnnpack)}, ORT ${f1(l.ort)} (${(l.xnnpack / l.ort).toFixed(2)}×)`);
  Object.assign(summary, { first, ops, int8, xnnpack });
  console.log(JSON.stringify(summary));
} finally {
  if (width) process.stderr.write(`\r${' '.repeat(width)}\r`);
}
