import { createFaceKit, drawFaces, FaceKitError, type FaceKit } from 'facekit';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const canvas = $<HTMLCanvasElement>('canvas');
const status = $<HTMLPreElement>('status');
const progress = $<HTMLProgressElement>('progress');
const detectorSelect = $<HTMLSelectElement>('detector');
let kit: FaceKit | undefined;
let kitLoading: Promise<FaceKit> | undefined;
let current: Blob | undefined;

function say(text: string): void { status.textContent = text; }

async function getKit(): Promise<FaceKit> {
  if (kit && kit.info.detector === detectorSelect.value) return kit;
  if (kit) { const old = kit; kit = undefined; await old.dispose(); }
  kitLoading ??= createFaceKit({
    detector: detectorSelect.value,
    onProgress: (p) => {
      progress.value = p.overallTotal ? p.overallLoaded / p.overallTotal : 0;
      say(p.status === 'ready'
        ? `${p.file} ready (${(p.total / 1e6).toFixed(1)} MB, checked and cached on this device)`
        : `${p.status === 'download' ? 'Downloading' : 'Loading'} ${p.file}: ${(p.loaded / 1e6).toFixed(1)} MB`);
    },
  }).finally(() => { kitLoading = undefined; });
  kit = await kitLoading;
  const i = kit.info;
  say(`Ready: ${i.backend} (${i.backendReason}); ${i.workers} worker × ${i.threadsPerWorker} thread(s) — ${i.threadsReason}`);
  return kit;
}

async function run(): Promise<void> {
  if (!current) return;
  try {
    const k = await getKit();
    const bitmap = await createImageBitmap(current);
    const result = await k.detect(current, { inputSize: Number($<HTMLSelectElement>('size').value), minScore: Number($<HTMLInputElement>('score').value) });
    canvas.width = bitmap.width;
    canvas.height = bitmap.height;
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(bitmap, 0, 0);
    bitmap.close();
    drawFaces(ctx, result.faces, { lineWidth: Math.max(2, Math.round(bitmap.width / 400)) });
    $('hint').hidden = true;
    const t = result.timings;
    say(`${result.faces.length} face(s)${result.retried ? ' (found by the tight-crop retry)' : ''} in ${result.width}×${result.height}; ` +
      `decode ${t.decode.toFixed(1)} ms, preprocess ${t.preprocess.toFixed(1)} ms, inference ${t.inference.toFixed(1)} ms, postprocess ${t.postprocess.toFixed(1)} ms`);
  } catch (e) {
    say(e instanceof FaceKitError ? `${e.name} (${e.code}): ${e.message}` : String(e));
  }
}

$<HTMLInputElement>('file').addEventListener('change', (ev) => {
  const f = (ev.target as HTMLInputElement).files?.[0];
  if (f) { current = f; void run(); }
});
const drop = $('drop');
drop.addEventListener('dragover', (ev) => { ev.preventDefault(); drop.classList.add('over'); });
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (ev) => {
  ev.preventDefault();
  drop.classList.remove('over');
  const f = ev.dataTransfer?.files[0];
  if (f) { current = f; void run(); }
});
for (const id of ['detector', 'size', 'score']) $(id).addEventListener('change', () => void run());

// Same person? Analyze each photo once; show the aligned crops and the verdict.
const picked: Partial<Record<'A' | 'B', File>> = {};
async function compare(): Promise<void> {
  const verdict = $('verdict');
  if (!picked.A || !picked.B) { verdict.textContent = 'Choose both photos.'; return; }
  try {
    const k = await getKit();
    verdict.textContent = 'Comparing…';
    const embeddings: Float32Array[] = [];
    for (const side of ['A', 'B'] as const) {
      const photo = picked[side]!;
      const { faces } = await k.analyze(photo);
      if (!faces[0]) { verdict.textContent = `No face found in photo ${side}.`; return; }
      embeddings.push(faces[0].embedding);
      const crop = await k.align(photo, faces[0]);
      $<HTMLCanvasElement>(`crop${side}`).getContext('2d')!.putImageData(crop.image, 0, 0);
    }
    const m = k.verify(embeddings[0]!, embeddings[1]!);
    verdict.textContent = `${m.isMatch ? 'Same person' : 'Different people'}: similarity ${m.similarity.toFixed(3)} (threshold ${m.threshold})`;
  } catch (e) {
    verdict.textContent = e instanceof FaceKitError ? `${e.name}: ${e.message}` : String(e);
  }
}
for (const side of ['A', 'B'] as const) {
  $<HTMLInputElement>(`file${side}`).addEventListener('change', (ev) => {
    const f = (ev.target as HTMLInputElement).files?.[0];
    if (f) { picked[side] = f; void compare(); }
  });
}
getKit().catch((e: unknown) => say(e instanceof FaceKitError ? `${e.name}: ${e.message}` : String(e)));
