// The Verify page: a live camera view with an overlay, enroll a name, verify against it, manage
// enrollments. One FaceKit for the page. While no enroll / verify runs, a light video loop
// (detection and quality only; with "Show pose and eyes", eye state and the pose model too) feeds
// the overlay; it is stopped while the verifier runs its own.
import {
  createFaceKit, listCameras, openCamera, AbortedError, FaceKitError,
  type Camera, type EnrollResult, type FaceKit, type LivenessMode, type Verifier, type VerifierProgress,
  type VerifyResult, type VideoFrameResult, type VideoLoop, type VideoLoopOptions,
} from 'facekit';
import { errorSentence, hintSentence } from './hints.js';
import { clearOverlay, drawLiveOverlay } from './live-overlay.js';
import { mountNav } from './nav.js';
import { statusLine } from './status.js';

mountNav('verify');

const $ = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing`);
  return el as T;
};
const video = $<HTMLVideoElement>('video');
const overlay = $<HTMLCanvasElement>('overlay');
const live = $<HTMLDivElement>('live');
const cameraSelect = $<HTMLSelectElement>('camera');
const livenessSelect = $<HTMLSelectElement>('liveness');
const mirrorBox = $<HTMLInputElement>('mirror');
const detailsBox = $<HTMLInputElement>('pose-eyes');
const cameraMessage = $<HTMLDivElement>('camera-message');
const cameraError = $<HTMLParagraphElement>('camera-error');
const hint = $<HTMLParagraphElement>('hint');
const idInput = $<HTMLInputElement>('person-id');
const enrollButton = $<HTMLButtonElement>('enroll');
const verifyButton = $<HTMLButtonElement>('verify');
const cancelButton = $<HTMLButtonElement>('cancel');
const verdict = $<HTMLDivElement>('verdict');
const enrolledList = $<HTMLUListElement>('enrolled');
const status = statusLine($<HTMLProgressElement>('progress'), $('status'));

let kit: FaceKit | undefined;
let camera: Camera | undefined;
let preview: VideoLoop | undefined;
/** The enroll / verify in progress. */
let job: AbortController | undefined;
const verifiers = new Map<LivenessMode, Promise<Verifier>>();

// Camera and preview changes run one after another, never interleaved.
let queue: Promise<void> = Promise.resolve();
function serial(step: () => Promise<void>): Promise<void> {
  queue = queue.then(step).catch((e: unknown) => showVerdict('fail', errorSentence(e)));
  return queue;
}

const mode = (): LivenessMode => livenessSelect.value as LivenessMode;
const mirrored = (): boolean => mirrorBox.checked;
const details = (): boolean => detailsBox.checked;

function setHint(text: string): void {
  if (hint.textContent !== text) hint.textContent = text;
}

function updateButtons(): void {
  const ready = kit !== undefined && camera !== undefined && job === undefined;
  enrollButton.disabled = !ready;
  verifyButton.disabled = !ready;
  cancelButton.hidden = job === undefined;
  cameraSelect.disabled = job !== undefined;
  for (const b of enrolledList.querySelectorAll('button')) b.disabled = job !== undefined;
}

// ---- Camera -------------------------------------------------------------------------------

function showCameraError(e: unknown): void {
  cameraError.textContent = errorSentence(e);
  cameraMessage.hidden = false;
  setHint('The camera is off.');
  clearOverlay(overlay);
}

async function fillCameraList(): Promise<void> {
  let cameras;
  try {
    cameras = await listCameras();
  } catch {
    return;
  }
  if (cameras.length === 0) return;
  const current = camera?.settings.deviceId ?? cameraSelect.value;
  cameraSelect.replaceChildren(...cameras.map((c, i) => {
    const option = document.createElement('option');
    option.value = c.deviceId;
    // Labels stay empty until the camera has been allowed once.
    option.textContent = c.label || `Camera ${i + 1}`;
    return option;
  }));
  if (cameras.some((c) => c.deviceId === current)) cameraSelect.value = current;
}

async function stopCamera(): Promise<void> {
  await stopPreview();
  camera?.stop();
  camera = undefined;
  video.srcObject = null;
  updateButtons();
}

async function startCamera(): Promise<void> {
  await stopCamera();
  cameraMessage.hidden = true;
  setHint('Starting the camera…');
  try {
    const deviceId = cameraSelect.value;
    camera = await openCamera(deviceId ? { deviceId } : { facing: 'user' });
  } catch (e) {
    showCameraError(e);
    return;
  }
  const opened = camera;
  opened.track.addEventListener('ended', () => {
    if (camera !== opened) return;
    void serial(async () => {
      job?.abort();
      await stopCamera();
      cameraError.textContent = 'The camera stopped (unplugged, or switched off by the system).';
      cameraMessage.hidden = false;
      setHint('The camera is off.');
    });
  });
  video.srcObject = opened.stream;
  const { width, height } = opened.settings;
  if (width && height) live.style.aspectRatio = `${width} / ${height}`;
  video.addEventListener('loadedmetadata', () => {
    if (video.videoWidth && video.videoHeight) live.style.aspectRatio = `${video.videoWidth} / ${video.videoHeight}`;
  }, { once: true });
  void video.play().catch(() => undefined);
  await fillCameraList();
  setHint(kit ? 'Looking for a face…' : 'Loading the face models…');
  updateButtons();
  await startPreview();
}

// ---- Preview loop (overlay while idle) ----------------------------------------------------

function onPreviewFrame(frame: VideoFrameResult): void {
  const sentence = hintSentence(frame.hint);
  drawLiveOverlay(overlay, frame, { mirrored: mirrored(), caption: sentence, details: details() });
  setHint(sentence);
}

/**
 * The preview's work: the keypoint pose is on every face anyway; "Show pose and eyes" adds the
 * main face's eye state (fr_eye, small) and the pose model (fr_pose) every 3rd frame, which
 * follows head turns closely enough for a readout.
 */
function previewOptions(): VideoLoopOptions {
  const base: VideoLoopOptions = { onFrame: onPreviewFrame };
  return details() ? { ...base, eyes: true, attributes: ['pose'], attributesEvery: 3 } : base;
}

async function startPreview(): Promise<void> {
  if (!kit || !camera || job || preview) return;
  const k = kit;
  const withDetails = details();
  const loop = await k.createVideoLoop(camera.stream, previewOptions());
  // The models it loaded showed their progress in the status line: back to the kit's summary.
  if (withDetails) status.ready(k.info);
  preview = loop;
  loop.done.catch((e: unknown) => {
    if (preview !== loop || e instanceof AbortedError) return;
    preview = undefined;
    setHint(errorSentence(e));
  });
}

async function stopPreview(): Promise<void> {
  const loop = preview;
  preview = undefined;
  await loop?.stop().catch(() => undefined);
  clearOverlay(overlay);
}

// ---- Verifier ---------------------------------------------------------------------------

/** One verifier per liveness mode (they share the enrollments); the first one loads the recognition models. */
function getVerifier(m: LivenessMode): Promise<Verifier> {
  let v = verifiers.get(m);
  if (!v) {
    if (!kit) return Promise.reject(new FaceKitError('INTERNAL', 'The face models are still loading.'));
    const k = kit;
    v = k.createVerifier({ liveness: m }).then((made) => { status.ready(k.info); return made; });
    verifiers.set(m, v);
    v.catch(() => verifiers.delete(m));
  }
  return v;
}

async function refreshList(): Promise<void> {
  let ids: string[];
  try {
    ids = await (await getVerifier(mode())).list();
  } catch (e) {
    enrolledList.replaceChildren(item('empty', errorSentence(e)));
    return;
  }
  if (ids.length === 0) {
    enrolledList.replaceChildren(item('empty', 'Nobody yet. Type a name and press Enroll.'));
    return;
  }
  enrolledList.replaceChildren(...ids.map((id) => {
    const li = item('', '');
    const name = document.createElement('span');
    name.textContent = id;
    const use = document.createElement('button');
    use.type = 'button';
    use.className = 'link';
    use.textContent = 'Use';
    use.title = `Type “${id}” in the name field`;
    use.addEventListener('click', () => { idInput.value = id; idInput.focus(); });
    const del = document.createElement('button');
    del.type = 'button';
    del.className = 'danger';
    del.textContent = 'Delete';
    del.setAttribute('aria-label', `Delete ${id}`);
    del.disabled = job !== undefined;
    del.addEventListener('click', () => void deleteId(id));
    li.dataset.id = id;
    li.append(name, use, del);
    return li;
  }));
}

function item(className: string, text: string): HTMLLIElement {
  const li = document.createElement('li');
  if (className) li.className = className;
  if (text) li.textContent = text;
  return li;
}

async function deleteId(id: string): Promise<void> {
  try {
    const existed = await (await getVerifier(mode())).delete(id);
    showVerdict('info', existed ? `Deleted “${id}”.` : `“${id}” was not enrolled.`);
  } catch (e) {
    showVerdict('fail', errorSentence(e));
  }
  await refreshList();
}

// ---- Enroll / verify ----------------------------------------------------------------------

function showVerdict(kind: 'ok' | 'fail' | 'info' | 'busy', title: string, rows: [string, string][] = []): void {
  verdict.className = `verdict ${kind}`;
  const head = document.createElement('p');
  head.className = 'title';
  head.textContent = title;
  const children: HTMLElement[] = [head];
  if (rows.length) {
    const dl = document.createElement('dl');
    for (const [k, v] of rows) {
      const dt = document.createElement('dt');
      dt.textContent = k;
      const dd = document.createElement('dd');
      dd.textContent = v;
      dl.append(dt, dd);
    }
    children.push(dl);
  }
  verdict.replaceChildren(...children);
}

const REASONS: Record<VerifyResult['reasons'][number], string> = {
  'no-match': 'the face does not match the enrolled one',
  'not-live': 'the liveness check failed (a photo or a screen?)',
};

function livenessText(score: number | undefined, threshold: number | undefined, live: boolean, m: LivenessMode): string {
  if (m === 'off') return 'off';
  const parts: string[] = [];
  if (score !== undefined && threshold !== undefined) parts.push(`${score.toFixed(2)} (needs ${threshold.toFixed(2)})`);
  if (m === 'blink' || m === 'passive+blink') parts.push('blink');
  if (m === 'turn' || m === 'passive+turn') parts.push('head turn');
  return `${parts.join(' + ')}: ${live ? 'passed' : 'failed'}`;
}

function showVerifyResult(id: string, r: VerifyResult, m: LivenessMode): void {
  const far = r.far ? `, 1 false accept in ${Math.round(1 / r.far).toLocaleString('en')}` : '';
  const rows: [string, string][] = [
    ['Similarity', `${r.similarity.toFixed(3)} vs threshold ${r.threshold.toFixed(3)}${far}: ${r.isMatch ? 'match' : 'no match'}`],
    ['Liveness', livenessText(r.livenessScore, r.livenessThreshold, r.live, m)],
    ['Frames used', String(r.frames)],
    ['Time', `${(r.durationMs / 1000).toFixed(1)} s`],
  ];
  if (r.reasons.length) rows.push(['Why not', r.reasons.map((x) => REASONS[x]).join('; ')]);
  showVerdict(r.verified ? 'ok' : 'fail', r.verified ? `Verified: this is “${id}”.` : `Not verified as “${id}”.`, rows);
}

function showEnrollResult(r: EnrollResult, m: LivenessMode): void {
  const rows: [string, string][] = [
    ['Frames used', String(r.frames)],
    ['Liveness', livenessText(r.livenessScore, r.livenessThreshold, true, m)],
    ['Time', `${(r.durationMs / 1000).toFixed(1)} s`],
  ];
  showVerdict('ok', `Enrolled “${r.id}”${r.replaced ? ' (replacing the earlier enrollment)' : ''}. Now press Verify.`, rows);
}

function onJobProgress(p: VerifierProgress): void {
  const sentence = hintSentence(p.hint);
  const counted = `${p.goodFrames} of ${p.neededFrames} good frames`;
  drawLiveOverlay(overlay, p.frame, {
    mirrored: mirrored(), caption: sentence, progress: { done: p.goodFrames, needed: p.neededFrames }, details: details(),
  });
  const extra = [counted];
  if (p.livenessScore !== undefined) extra.push(`liveness ${p.livenessScore.toFixed(2)}`);
  if (mode() !== 'off' && mode() !== 'passive') extra.push(p.blinked ? 'blink seen' : 'no blink yet');
  setHint(`${sentence} (${extra.join(', ')})`);
}

async function runJob(kind: 'enroll' | 'verify'): Promise<void> {
  const id = idInput.value.trim();
  if (!id) {
    showVerdict('fail', 'Type a name or id first.');
    idInput.focus();
    return;
  }
  const source = camera;
  if (!kit || !source || job) return;
  const controller = new AbortController();
  job = controller;
  updateButtons();
  const m = mode();
  showVerdict('busy', kind === 'enroll' ? `Enrolling “${id}”: look at the camera…` : `Verifying “${id}”: look at the camera…`);
  try {
    const verifier = await getVerifier(m);
    await serial(stopPreview);
    if (controller.signal.aborted) throw new AbortedError();
    if (kind === 'enroll') {
      const r = await verifier.enroll(source.stream, { id, signal: controller.signal, onProgress: onJobProgress });
      showEnrollResult(r, m);
    } else {
      const r = await verifier.verify(source.stream, { id, signal: controller.signal, onProgress: onJobProgress });
      showVerifyResult(id, r, m);
    }
  } catch (e) {
    showVerdict(e instanceof AbortedError ? 'info' : 'fail', errorSentence(e));
  } finally {
    job = undefined;
    clearOverlay(overlay);
    if (camera) setHint('Looking for a face…');
    updateButtons();
    await refreshList();
    void serial(startPreview);
  }
}

// ---- Wiring ---------------------------------------------------------------------------------

enrollButton.addEventListener('click', () => void runJob('enroll'));
$<HTMLFormElement>('person').addEventListener('submit', (ev) => { ev.preventDefault(); void runJob('verify'); });
cancelButton.addEventListener('click', () => job?.abort());
cameraSelect.addEventListener('change', () => void serial(startCamera));
$<HTMLButtonElement>('camera-retry').addEventListener('click', () => void serial(startCamera));
livenessSelect.addEventListener('change', () => {
  // Loads what the new mode needs (e.g. the liveness models) ahead of the next click.
  if (kit) getVerifier(mode()).catch((e: unknown) => showVerdict('fail', errorSentence(e)));
});
mirrorBox.addEventListener('change', () => live.classList.toggle('mirrored', mirrored()));
// The preview restarts with the models the readout needs; an enroll / verify only changes what is drawn.
detailsBox.addEventListener('change', () => void serial(async () => {
  if (job) return;
  await stopPreview();
  await startPreview();
}));
live.classList.toggle('mirrored', mirrored());
navigator.mediaDevices?.addEventListener?.('devicechange', () => void fillCameraList());
window.addEventListener('pagehide', () => { job?.abort(); void stopCamera(); });

async function main(): Promise<void> {
  const kitReady = createFaceKit({ onProgress: status.onProgress });
  void serial(startCamera);
  try {
    kit = await kitReady;
  } catch (e) {
    status.say(errorSentence(e));
    setHint(errorSentence(e));
    enrolledList.replaceChildren(item('empty', 'Unavailable: the face models did not load.'));
    return;
  }
  status.ready(kit.info);
  updateButtons();
  void serial(startPreview);
  await refreshList();
}

void main();
