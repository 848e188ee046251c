// The Photo page: faces in a dropped or chosen photo (detector, input size, score; optional passive
// liveness and attributes per face), and "Same person?" for two photos.
import {
  createFaceKit, drawFaces, headPoseFromKeypoints,
  type Analysis, type AnalyzedFace, type AttributeKind, type Face, type FaceKit,
} from 'facekit';
import { attributeCard } from './attribute-card.js';
import { errorSentence } from './hints.js';
import { mountNav } from './nav.js';
import { loadSamples, mountSamples } from './samples.js';
import { statusLine } from './status.js';

mountNav('photo');

const $ = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing`);
  return el as T;
};
const canvas = $<HTMLCanvasElement>('canvas');
const detectorSelect = $<HTMLSelectElement>('detector');
const livenessBox = $<HTMLInputElement>('liveness');
const faceList = $<HTMLOListElement>('faces');
const cards = $<HTMLElement>('cards');
const status = statusLine($<HTMLProgressElement>('progress'), $('status'));
let kit: FaceKit | undefined;
let kitLoading: Promise<FaceKit> | undefined;
let current: Blob | undefined;
/** Counts runs: a run whose options were changed while it ran leaves the page to the newer one. */
let runs = 0;

/** Checkbox id → the attributes it asks for (age and gender share one box). */
const ATTRIBUTE_BOXES: readonly [string, AttributeKind[]][] = [
  ['attr-agegender', ['age', 'gender']],
  ['attr-expression', ['expression']],
  ['attr-pose', ['pose']],
  ['attr-eyes', ['eyes']],
  ['attr-landmarks', ['landmarks']],
];
const checkedAttributes = (): AttributeKind[] =>
  ATTRIBUTE_BOXES.flatMap(([id, kinds]) => ($<HTMLInputElement>(id).checked ? kinds : []));

/** The kit for the chosen detector (a new one when the detector changes). */
async function getKit(): Promise<FaceKit> {
  if (kit && kit.info.detector === detectorSelect.value) return kit;
  if (kit) { const old = kit; kit = undefined; await old.dispose(); }
  kitLoading ??= createFaceKit({ detector: detectorSelect.value, onProgress: status.onProgress })
    .finally(() => { kitLoading = undefined; });
  kit = await kitLoading;
  status.ready(kit.info);
  return kit;
}

const ms = (v: number) => `${v.toFixed(1)} ms`;

/** A text label on a filled tab whose top left is (x, y). */
function drawTab(ctx: CanvasRenderingContext2D, text: string, x: number, y: number, font: number, colors: { fill: string; text: string }): void {
  const w = ctx.measureText(text).width + font * 0.5;
  ctx.fillStyle = colors.fill;
  ctx.fillRect(x, y, w, font * 1.3);
  ctx.fillStyle = colors.text;
  ctx.fillText(text, x + font * 0.25, y + font * 0.15);
}

/** One tab per face: `label(face, index)` gives its text, colours and top left (null: no tab). */
function drawTabs<F extends Face>(
  ctx: CanvasRenderingContext2D, faces: readonly F[], lineWidth: number, weight: number,
  label: (f: F, i: number, font: number) => { text: string; x: number; y: number; fill: string; color: string } | null,
): void {
  const font = Math.max(12, lineWidth * 7);
  ctx.save();
  ctx.font = `${weight} ${font}px system-ui, sans-serif`;
  ctx.textBaseline = 'top';
  faces.forEach((f, i) => {
    const l = label(f, i, font);
    if (l) drawTab(ctx, l.text, l.x, l.y, font, { fill: l.fill, text: l.color });
  });
  ctx.restore();
}

/** Liveness label under each face's box: green when it passes, red when not. */
function drawLiveness(ctx: CanvasRenderingContext2D, faces: readonly AnalyzedFace[], lineWidth: number): void {
  drawTabs(ctx, faces, lineWidth, 600, (f, i) => f.liveness ? {
    text: `${i + 1}: ${f.liveness.isReal ? 'live' : 'not live'} ${f.liveness.score.toFixed(2)}`,
    x: f.box[0], y: f.box[3] + lineWidth, fill: f.liveness.isReal ? '#16a34a' : '#dc2626', color: '#fff',
  } : null);
}

/** The face's number (as in the list and on its card) on a tab at the box's top right. */
function drawNumbers(ctx: CanvasRenderingContext2D, faces: readonly Face[], lineWidth: number): void {
  drawTabs(ctx, faces, lineWidth, 700, (f, i, font) => {
    const text = String(i + 1);
    const w = ctx.measureText(text).width + font * 0.5;
    return { text, x: f.box[2] - w + lineWidth / 2, y: Math.max(0, f.box[1] - font * 1.3), fill: '#22d3ee', color: '#0f172a' };
  });
}

/** The 68 landmarks as small dots, sized like the keypoints' line width so they stay visible on large photos. */
function drawLandmarks(ctx: CanvasRenderingContext2D, faces: readonly AnalyzedFace[], lineWidth: number): void {
  const r = Math.max(1, lineWidth * 0.6);
  ctx.save();
  ctx.fillStyle = '#facc15';
  for (const f of faces) {
    for (const [x, y] of f.attributes?.landmarks ?? []) {
      ctx.beginPath();
      ctx.arc(x, y, r, 0, Math.PI * 2);
      ctx.fill();
    }
  }
  ctx.restore();
}

/** One card per face with attributes; the keypoint pose goes beside the model's when pose was asked for. */
function showCards(faces: readonly AnalyzedFace[], asked: readonly AttributeKind[]): void {
  const withPose = asked.includes('pose');
  const made = faces.flatMap((f, i) => (f.attributes
    ? [attributeCard(i + 1, f.attributes, withPose ? headPoseFromKeypoints(f.keypoints) : undefined)]
    : []));
  cards.hidden = made.length === 0;
  cards.replaceChildren(...made);
}

function listFaces(faces: readonly (Face | AnalyzedFace)[]): void {
  faceList.hidden = faces.length === 0;
  faceList.replaceChildren(...faces.map((f) => {
    const li = document.createElement('li');
    const live = 'liveness' in f && f.liveness
      ? `; liveness ${f.liveness.score.toFixed(2)}: ${f.liveness.isReal ? 'looks live' : 'looks like a photo or a screen'}`
      : '';
    li.textContent = `score ${f.score.toFixed(2)}, ${Math.round(f.box[2] - f.box[0])}×${Math.round(f.box[3] - f.box[1])} px${live}`;
    return li;
  }));
}

/** Milliseconds per attribute model, for the status line. */
function attributeTimes(analysis: Analysis | undefined): string {
  const t = analysis?.attributeTimings;
  if (!t || Object.keys(t).length === 0) return '';
  return `; attributes: ${Object.entries(t).map(([model, v]) => `${model} ${ms(v)}`).join(', ')}`;
}

async function run(): Promise<void> {
  if (!current) return;
  const photo = current;
  const ticket = ++runs;
  try {
    const k = await getKit();
    const options = { inputSize: Number($<HTMLSelectElement>('size').value), minScore: Number($<HTMLInputElement>('score').value) };
    const withLiveness = livenessBox.checked;
    const attributes = checkedAttributes();
    // analyze (detection + embeddings) only when something per face was asked for; detect is cheaper.
    const analyzing = withLiveness || attributes.length > 0;
    if (analyzing) status.say(`Analyzing${withLiveness ? ', checking liveness' : ''}${attributes.length ? `, ${attributes.join(', ')}` : ''} (the first time loads the models asked for)…`);
    const analysis = analyzing ? await k.analyze(photo, { ...options, liveness: withLiveness, attributes }) : undefined;
    const result = analysis ?? await k.detect(photo, options);
    if (photo !== current || ticket !== runs) return;
    const bitmap = await createImageBitmap(photo);
    canvas.width = bitmap.width;
    canvas.height = bitmap.height;
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('No 2D canvas');
    ctx.drawImage(bitmap, 0, 0);
    bitmap.close();
    const lineWidth = Math.max(2, Math.round(result.width / 400));
    if (analysis) drawLandmarks(ctx, analysis.faces, lineWidth);
    drawFaces(ctx, result.faces, { lineWidth });
    drawNumbers(ctx, result.faces, lineWidth);
    if (analysis) drawLiveness(ctx, analysis.faces, lineWidth);
    listFaces(result.faces);
    showCards(analysis?.faces ?? [], attributes);
    $('hint').hidden = true;
    const t = result.timings;
    const live = analysis?.livenessMs !== undefined ? `, liveness ${ms(analysis.livenessMs)}` : '';
    status.say(`${result.faces.length} face(s)${result.retried ? ' (found by the tight-crop retry)' : ''} in ${result.width}×${result.height}; ` +
      `decode ${ms(t.decode)}, preprocess ${ms(t.preprocess)}, inference ${ms(t.inference)}, postprocess ${ms(t.postprocess)}${live}${attributeTimes(analysis)}`);
  } catch (e) {
    if (ticket === runs) status.say(errorSentence(e));
  }
}

function pick(file: Blob | undefined): void {
  if (!file) return;
  current = file;
  void run();
}

$<HTMLInputElement>('file').addEventListener('change', (ev) => pick((ev.target as HTMLInputElement).files?.[0]));
const drop = $('drop');
drop.addEventListener('dragover', (ev) => { ev.preventDefault(); drop.classList.add('over'); });
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (ev) => {
  ev.preventDefault();
  drop.classList.remove('over');
  pick(ev.dataTransfer?.files[0]);
});
for (const id of ['detector', 'size', 'score', 'liveness', ...ATTRIBUTE_BOXES.map(([box]) => box)]) {
  $(id).addEventListener('change', () => void run());
}

// Same person? Analyze each photo once; show the aligned crops and the verdict.
const picked: Partial<Record<'A' | 'B', File>> = {};
async function compare(): Promise<void> {
  const verdict = $('verdict');
  const a = picked.A, b = picked.B;
  if (!a || !b) { verdict.textContent = 'Choose both photos.'; return; }
  try {
    const k = await getKit();
    verdict.textContent = 'Comparing…';
    const embeddings: Float32Array[] = [];
    for (const [side, photo] of [['A', a], ['B', b]] as const) {
      const { faces } = await k.analyze(photo);
      const face = faces[0];
      if (!face) { verdict.textContent = `No face found in photo ${side}.`; return; }
      embeddings.push(face.embedding);
      const crop = await k.align(photo, face);
      $<HTMLCanvasElement>(`crop${side}`).getContext('2d')?.putImageData(crop.image, 0, 0);
    }
    const [ea, eb] = embeddings as [Float32Array, Float32Array];
    const m = k.verify(ea, eb);
    verdict.textContent = `${m.isMatch ? 'Same person' : 'Different people'}: similarity ${m.similarity.toFixed(3)} (threshold ${m.threshold})`;
  } catch (e) {
    verdict.textContent = errorSentence(e);
  }
}
for (const side of ['A', 'B'] as const) {
  $<HTMLInputElement>(`file${side}`).addEventListener('change', (ev) => {
    const f = (ev.target as HTMLInputElement).files?.[0];
    if (f) { picked[side] = f; void compare(); }
  });
}
// Sample photos, where the site has them (the static build; not the dev server): one click analyses one.
void loadSamples().then((samples) => mountSamples($('samples'), samples, (photo) => pick(photo), (e) => status.say(errorSentence(e))));
getKit().catch((e: unknown) => status.say(errorSentence(e)));
