// The Bench page: times `analyze` on one photo (chosen, or one camera frame) at detector input
// 640 and 320 and shows per-stage medians, wall time and frames/s, with what the kit runs on.
// The measuring is @facekit/bench's (page/analyze-timing.ts); this page picks the photo and shows.
import { createFaceKit, openCamera, type FaceKit, type FaceKitInfo } from 'facekit';
import { ANALYZE_STAGES as STAGES, timeAnalyze, type AnalyzeTiming as SizeResult } from '@facekit/bench/page/analyze-timing';
import { errorSentence } from './hints.js';
import { mountNav } from './nav.js';
import { statusLine } from './status.js';

mountNav('bench');

const $ = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing`);
  return el as T;
};
const fileInput = $<HTMLInputElement>('file');
const cameraButton = $<HTMLButtonElement>('camera');
const runButton = $<HTMLButtonElement>('run');
const copyButton = $<HTMLButtonElement>('copy');
const sampleCanvas = $<HTMLCanvasElement>('sample');
const progress = $<HTMLProgressElement>('progress');
const status = statusLine(progress, $('status'));

const INPUT_SIZES = [640, 320] as const;

interface BenchReport {
  date: string;
  userAgent: string;
  hardwareConcurrency: number;
  crossOriginIsolated: boolean;
  kit: FaceKitInfo;
  image: { source: 'file' | 'camera'; width: number; height: number };
  warmup: number;
  runs: number;
  results: SizeResult[];
}

/** The photo being timed: kept as an encoded Blob so every call decodes it, as a real photo would. */
interface Sample { blob: Blob; source: 'file' | 'camera'; width: number; height: number }

let sample: Sample | undefined;
let kit: FaceKit | undefined;
let running = false;

/** Sub-millisecond stages keep two significant digits, so a fast stage does not read as 0. */
const fmt = (ms: number): string => (ms < 1 ? ms.toPrecision(2) : ms.toFixed(1));

function setBusy(busy: boolean): void {
  running = busy;
  for (const el of [runButton, cameraButton, fileInput, $<HTMLInputElement>('warmup'), $<HTMLInputElement>('runs')]) el.disabled = busy;
}

/** A whole number from a number input, clamped to its min/max (typed text may be anything). */
function count(id: string): number {
  const input = $<HTMLInputElement>(id);
  const v = Math.round(Number(input.value));
  const min = Number(input.min), max = Number(input.max);
  return Number.isFinite(v) ? Math.min(max, Math.max(min, v)) : Number(input.defaultValue);
}

/** A table row: the first cell heads the row; in a header row every cell is a column header. */
function row(cells: readonly string[], header = false): HTMLTableRowElement {
  const tr = document.createElement('tr');
  cells.forEach((c, i) => {
    const cell = document.createElement(header || i === 0 ? 'th' : 'td');
    if (header || i === 0) cell.setAttribute('scope', header ? 'col' : 'row');
    cell.textContent = c;
    tr.append(cell);
  });
  return tr;
}

function showEnvironment(info: FaceKitInfo | undefined): void {
  const items: [string, string, string][] = [
    ['info-backend', 'Backend', info?.backend ?? '(starts with the first run)'],
    ['info-backend-reason', 'Why this backend', info?.backendReason ?? '—'],
    ['info-threads', 'Threads per worker', info ? String(info.threadsPerWorker) : '—'],
    ['info-threads-reason', 'Why this many threads', info?.threadsReason ?? '—'],
    ['info-workers', 'Workers', info ? String(info.workers) : '—'],
    ['info-coi', 'Cross-origin isolated', String(info?.crossOriginIsolated ?? globalThis.crossOriginIsolated === true)],
    ['info-detector', 'Detector model', info?.detector ?? '—'],
    ['info-recognizer', 'Recognizer model', info?.recognizer ?? '—'],
    ['info-cores', 'Logical cores', String(navigator.hardwareConcurrency ?? '?')],
    ['info-ua', 'User agent', navigator.userAgent],
  ];
  if (info?.adapter) items.splice(2, 0, ['info-adapter', 'WebGPU adapter', info.adapter]);
  $('env').replaceChildren(...items.flatMap(([id, term, value]) => {
    const dt = document.createElement('dt');
    dt.textContent = term;
    const dd = document.createElement('dd');
    dd.id = id;
    dd.textContent = value;
    return [dt, dd];
  }));
}

function showResults(results: readonly SizeResult[]): void {
  const head = row(['Stage (ms)', ...results.map((r) => `input ${r.inputSize}`)], true);
  // The input size kept as data on its column header, for scripts reading the table.
  results.forEach((r, i) => { head.cells[i + 1]!.dataset.inputSize = String(r.inputSize); });
  $('results-head').replaceChildren(...head.cells);
  const body: HTMLTableRowElement[] = STAGES.map((s) => row([s.label, ...results.map((r) => fmt(r.medians[s.key]))]));
  const wallMedian = row(['Wall time per frame, median', ...results.map((r) => fmt(r.wallMedian))]);
  const wallP95 = row(['Wall time per frame, p95', ...results.map((r) => fmt(r.wallP95))]);
  const fps = row(['Frames/s', ...results.map((r) => r.framesPerSecond.toFixed(1))]);
  const faces = row(['Faces found', ...results.map((r) => `${r.faces}${r.retried ? ` (retried ${r.retried}×)` : ''}`)]);
  for (const tr of [wallMedian, wallP95, fps]) tr.className = 'total';
  $('results-body').replaceChildren(...body, wallMedian, wallP95, fps, faces);
  $('results').hidden = false;
  $('results-empty').hidden = true;
}

function showReport(report: BenchReport): void {
  const json = $('json');
  json.textContent = JSON.stringify(report, null, 2);
  json.hidden = false;
  copyButton.disabled = false;
  $('copy-status').textContent = '';
}

/** The kit, created on the first run and kept: later runs skip the model load. */
async function getKit(): Promise<FaceKit> {
  if (kit) return kit;
  progress.hidden = false;
  status.say('Loading the face models…');
  kit = await createFaceKit({ onProgress: status.onProgress });
  progress.hidden = true;
  showEnvironment(kit.info);
  return kit;
}

async function runBenchmark(): Promise<void> {
  if (running) return;
  const photo = sample;
  if (!photo) { status.say('Choose a photo or use your camera first.'); return; }
  const warmup = count('warmup'), runs = count('runs');
  setBusy(true);
  try {
    const k = await getKit();
    const total = INPUT_SIZES.length * (warmup + runs);
    let done = 0;
    progress.value = 0;
    progress.hidden = false;
    const step = () => { progress.value = ++done / total; };
    const results: SizeResult[] = [];
    for (const inputSize of INPUT_SIZES) {
      const result = await timeAnalyze(k, photo.blob, inputSize, warmup, runs, (phase, i, of) => {
        status.say(`${phase} @ ${inputSize}: ${i}/${of}`);
        step();
      });
      if (!result) {
        progress.hidden = true;
        status.say(`No face found in this photo at input ${inputSize}: choose a photo with one clear face.`);
        return;
      }
      results.push(result);
      showResults(results);
    }
    progress.hidden = true;
    showReport({
      date: new Date().toISOString(),
      userAgent: navigator.userAgent,
      hardwareConcurrency: navigator.hardwareConcurrency,
      crossOriginIsolated: globalThis.crossOriginIsolated === true,
      kit: k.info,
      image: { source: photo.source, width: photo.width, height: photo.height },
      warmup,
      runs,
      results,
    });
    const at = (size: number) => results.find((r) => r.inputSize === size);
    status.say(`Done: ${runs} timed calls per size. Median wall time ${INPUT_SIZES.map((s) => `${fmt(at(s)?.wallMedian ?? NaN)} ms @ ${s}`).join(', ')}.`);
  } catch (e) {
    progress.hidden = true;
    status.say(errorSentence(e));
  } finally {
    setBusy(false);
  }
}

/** Shows the photo to be timed (scaled down) and remembers it. */
async function useSample(blob: Blob, source: Sample['source']): Promise<void> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob);
  } catch {
    status.say('That file cannot be read as an image. Choose a JPEG, PNG or WebP photo.');
    return;
  }
  const { width, height } = bitmap;
  const scale = Math.min(1, 640 / Math.max(width, height));
  sampleCanvas.width = Math.round(width * scale);
  sampleCanvas.height = Math.round(height * scale);
  sampleCanvas.getContext('2d')?.drawImage(bitmap, 0, 0, sampleCanvas.width, sampleCanvas.height);
  bitmap.close();
  sampleCanvas.hidden = false;
  sample = { blob, source, width, height };
  $('sample-info').textContent = `${source === 'camera' ? 'Camera frame' : 'Photo'}: ${width}×${height}. It stays on this device.`;
  status.say('Ready to run: press Run benchmark.');
}

/** One camera frame as a JPEG, so it is timed like a chosen photo (decode included). The camera stops straight after. */
async function grabCameraFrame(): Promise<void> {
  setBusy(true);
  status.say('Starting the camera…');
  try {
    const camera = await openCamera({ facing: 'user' });
    try {
      const video = document.createElement('video');
      video.muted = true;
      video.playsInline = true;
      video.srcObject = camera.stream;
      await video.play();
      if (video.readyState < 2) await new Promise((r) => video.addEventListener('loadeddata', r, { once: true }));
      // A moment for auto-exposure: the very first frames are often dark.
      await new Promise((r) => setTimeout(r, 500));
      const canvas = document.createElement('canvas');
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      const ctx = canvas.getContext('2d');
      if (!ctx) throw new Error('No 2D canvas');
      ctx.drawImage(video, 0, 0);
      video.srcObject = null;
      const blob = await new Promise<Blob | null>((r) => canvas.toBlob(r, 'image/jpeg', 0.92));
      if (!blob) throw new Error('The camera frame could not be encoded.');
      await useSample(blob, 'camera');
    } finally {
      camera.stop();
    }
  } catch (e) {
    status.say(errorSentence(e));
  } finally {
    setBusy(false);
  }
}

async function copyJson(): Promise<void> {
  const text = $('json').textContent ?? '';
  const note = $('copy-status');
  try {
    await navigator.clipboard.writeText(text);
    note.textContent = 'Copied.';
  } catch (e) {
    // Clipboard access can be refused (permissions, no focus): the JSON stays selectable below.
    note.textContent = `Could not copy (${e instanceof Error ? e.message : String(e)}); select the text below instead.`;
  }
}

fileInput.addEventListener('change', () => {
  const file = fileInput.files?.[0];
  if (file) void useSample(file, 'file');
});
cameraButton.addEventListener('click', () => void grabCameraFrame());
runButton.addEventListener('click', () => void runBenchmark());
copyButton.addEventListener('click', () => void copyJson());
// Leaving the page ends the workers at once instead of leaving them to garbage collection.
window.addEventListener('pagehide', () => { void kit?.dispose(); kit = undefined; });
showEnvironment(undefined);
