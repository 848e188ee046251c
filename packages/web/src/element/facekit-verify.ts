// <facekit-verify>: enroll or verify a face from the camera in any page, framework-free. It is a
// thin shell over the kit's verifier (the same code path as kit.createVerifier): it owns a kit
// (or uses the one it is given), a camera and a verifier, shows the video with the face box and
// one sentence for every state, and reports through DOM events.
//
//   <facekit-verify mode="verify" subject-id="alice" liveness="passive" asset-base-url="/facekit/"></facekit-verify>
//
// Attributes: mode (enroll | verify), subject-id, far, liveness (passive | blink | passive+blink |
// turn | passive+turn | off), asset-base-url, pack (a model pack: 'commercial_s' has no
// non-commercial weights), camera (a deviceId, or 'user' / 'environment'), messages (JSON).
// Properties: kit (run on your kit), config (any createFaceKit / createVerifier / openCamera
// option), messages (a locale, e.g. `facekit/locales/de`). Methods: start(), stop().
// Events: facekit-progress, facekit-enrolled, facekit-verified, facekit-hint, facekit-error.
// Theme: --facekit-accent, --facekit-accent-text, --facekit-focus, --facekit-text,
// --facekit-background, --facekit-radius, --facekit-font, and the parts frame, video, overlay,
// status, button, camera-picker.
import { createFaceKit, type FaceKit } from '../api/create-face-kit.js';
import type { FaceKitOptions } from '../api/options.js';
import { AbortedError, FaceKitError, InvalidOptionError } from '../errors.js';
import { listCameras, openCamera, type Camera } from '../media/camera.js';
import type { LivenessMode, Verifier, VerifierHint, VerifierProgress } from '../verifier/verifier.js';
import { LivenessError, VerificationTimeoutError } from '../verifier/verifier-errors.js';
import type { FaceKitVerifyConfig, FaceKitVerifyElement, FaceKitVerifyEventMap } from './verify-element-types.js';
import { DEFAULT_VERIFY_MESSAGES, formatMessage, type FaceKitVerifyMessages } from './verify-messages.js';
import { VERIFY_STYLE } from './verify-style.js';

export type * from './verify-element-types.js';

const LIVENESS: readonly LivenessMode[] = ['passive', 'blink', 'passive+blink', 'turn', 'passive+turn', 'off'];
/** States in which the element is working (aria-busy). */
const BUSY = new Set(['loading', 'camera', 'working']);
/** A hint is announced only once it has held this long: screen readers hear what to do, not every flicker. */
const ANNOUNCE_HINT_AFTER_MS = 1500;

type Announce = 'now' | 'settled' | 'quiet';

function createElementClass(): CustomElementConstructor {
  return class FaceKitVerify extends HTMLElement implements FaceKitVerifyElement {
    static observedAttributes = ['messages', 'asset-base-url', 'pack', 'aria-label'];
    #kit: FaceKit | undefined;
    /** The kit is ours to dispose (not one the host gave). */
    #ownsKit = false;
    /** The config or an attribute the kit is made from changed since it was made. */
    #kitStale = false;
    #config: FaceKitVerifyConfig = {};
    #camera: Camera | undefined;
    /** A deviceId chosen in the picker (wins over the camera attribute). */
    #pickedCamera: string | undefined;
    #abort: AbortController | undefined;
    #running: Promise<void> | undefined;
    #messages: Partial<FaceKitVerifyMessages> = {};
    #lastHint: VerifierHint | undefined;
    /** The host set its own aria-label: leave it alone. */
    #hostLabel = false;
    /** The element is writing its own aria-label (not the host). */
    #labelling = false;
    #announceTimer: ReturnType<typeof setTimeout> | undefined;
    readonly #video: HTMLVideoElement;
    readonly #overlay: HTMLCanvasElement;
    readonly #status: HTMLParagraphElement;
    readonly #announcer: HTMLParagraphElement;
    readonly #button: HTMLButtonElement;
    readonly #picker: HTMLSelectElement;
    readonly #pickerLabel: HTMLLabelElement;

    constructor() {
      super();
      const root = this.attachShadow({ mode: 'open' });
      // The visible status changes with every hint and download tick; the screen-reader region
      // (.sr, role=status) only with the state, and with a hint once it has held.
      root.innerHTML = `<div part="frame"><video part="video" playsinline muted></video><canvas part="overlay" aria-hidden="true"></canvas></div>
<p part="status" aria-hidden="true"></p><p class="sr" role="status"></p><button part="button" type="button"></button><label hidden><span></span><select part="camera-picker"></select></label>`;
      const style = document.createElement('style');
      style.textContent = VERIFY_STYLE;
      root.prepend(style);
      this.#video = root.querySelector('video')!;
      this.#overlay = root.querySelector('canvas')!;
      this.#status = root.querySelector('[part=status]')!;
      this.#announcer = root.querySelector('.sr')!;
      this.#button = root.querySelector('button')!;
      this.#picker = root.querySelector('select')!;
      this.#pickerLabel = root.querySelector('label')!;
      this.#button.addEventListener('click', () => { void (this.#running ? this.stop() : this.start()); });
      this.#picker.addEventListener('change', () => { void this.#switchCamera(this.#picker.value); });
    }

    get kit(): FaceKit | undefined { return this.#kit; }
    set kit(kit: FaceKit | undefined) {
      if (kit === this.#kit) return;
      const old = this.#ownsKit ? this.#kit : undefined;
      this.#kit = kit;
      this.#ownsKit = false;
      this.#kitStale = false;
      // A run in progress keeps the kit it started on until it ends; the next start() uses this one.
      if (old) void (this.#running ?? Promise.resolve()).then(() => old.dispose());
    }
    get config(): FaceKitVerifyConfig { return this.#config; }
    set config(c: FaceKitVerifyConfig) {
      this.#config = { ...c };
      if (this.#ownsKit) this.#kitStale = true;
    }
    get messages(): Partial<FaceKitVerifyMessages> { return this.#messages; }
    set messages(m: Partial<FaceKitVerifyMessages>) {
      this.#messages = { ...m };
      this.#render();
    }

    connectedCallback(): void {
      if (!this.hasAttribute('role')) this.setAttribute('role', 'group');
      if (!this.dataset.state) this.#show('idle', 'idle'); // the region holds the idle sentence too, for a screen reader that reads the page
      else this.#render();
    }

    /** Removed from the page: stop, and release the workers of its own kit unless it comes straight back. */
    disconnectedCallback(): void {
      clearTimeout(this.#announceTimer);
      void this.stop().then(async () => {
        if (this.isConnected || !this.#kit || !this.#ownsKit) return;
        const kit = this.#kit;
        this.#kit = undefined;
        this.#ownsKit = false;
        await kit.dispose();
      });
    }

    attributeChangedCallback(name: string, _old: string | null, value: string | null): void {
      if (name === 'aria-label') {
        if (!this.#labelling) this.#hostLabel = value !== null;
        return;
      }
      if (name !== 'messages') {
        if (this.#ownsKit) this.#kitStale = true;
        return;
      }
      try {
        this.messages = value ? JSON.parse(value) as Partial<FaceKitVerifyMessages> : {};
      } catch {
        this.#fail(new InvalidOptionError('messages: the attribute is not valid JSON'));
      }
    }

    #all(): FaceKitVerifyMessages { return { ...DEFAULT_VERIFY_MESSAGES, ...this.#messages }; }
    #text(key: keyof FaceKitVerifyMessages, fields?: Record<string, string>): string { return formatMessage(this.#all(), key, fields); }
    #shown: { key: keyof FaceKitVerifyMessages; fields?: Record<string, string> } = { key: 'idle' };

    /**
     * Sets the visible sentence and the state the host exposes for styling (`data-state`), and
     * tells screen readers: at once, once the sentence has held (hints), or not (download ticks).
     */
    #show(state: string, key: keyof FaceKitVerifyMessages, fields?: Record<string, string>, announce: Announce = 'now'): void {
      this.dataset.state = state;
      if (BUSY.has(state)) this.setAttribute('aria-busy', 'true');
      else this.removeAttribute('aria-busy');
      this.#shown = fields ? { key, fields } : { key };
      this.#render();
      if (announce === 'quiet') return;
      clearTimeout(this.#announceTimer);
      const say = () => { this.#announcer.textContent = this.#status.textContent; };
      if (announce === 'now') say();
      else this.#announceTimer = setTimeout(say, ANNOUNCE_HINT_AFTER_MS);
    }

    #render(): void {
      this.#status.textContent = this.#text(this.#shown.key, this.#shown.fields);
      this.#button.textContent = this.#text(this.#running ? 'stop' : 'start');
      this.#video.setAttribute('aria-label', this.#text('video'));
      this.#pickerLabel.firstElementChild!.textContent = this.#text('cameraPicker');
      if (!this.#hostLabel) {
        this.#labelling = true;
        this.setAttribute('aria-label', this.#text('label'));
        this.#labelling = false;
      }
    }

    #emit<K extends keyof FaceKitVerifyEventMap>(type: K, detail: FaceKitVerifyEventMap[K]['detail']): void {
      this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
    }

    #fail(e: unknown): void {
      const err = e instanceof FaceKitError ? e : new FaceKitError('INTERNAL', String((e as Error)?.message ?? e));
      // What blocked a timed-out run most, in the page's words.
      const blocker = err instanceof VerificationTimeoutError ? err.hints[0]?.code : undefined;
      const hint = blocker && blocker in DEFAULT_VERIFY_MESSAGES ? this.#text(blocker as keyof FaceKitVerifyMessages) : '';
      this.#show('error', 'error', { message: this.#text(`error.${err.code}`, { hint }), code: err.code });
      this.#emit('facekit-error', { code: err.code, message: err.message });
    }

    #options() {
      const mode = this.getAttribute('mode') ?? 'verify';
      if (mode !== 'enroll' && mode !== 'verify') throw new InvalidOptionError(`mode must be "enroll" or "verify", got "${mode}"`);
      const id = this.getAttribute('subject-id') ?? '';
      if (!id) throw new InvalidOptionError('subject-id is required: the name to enroll or verify');
      const livenessAttr = this.getAttribute('liveness');
      const liveness = (livenessAttr ?? this.#config.verifier?.liveness ?? 'passive') as LivenessMode;
      if (!LIVENESS.includes(liveness)) throw new InvalidOptionError(`liveness must be one of ${LIVENESS.join(', ')}, got "${liveness}"`);
      const farText = this.getAttribute('far');
      const far = farText === null ? this.#config.verifier?.far : Number(farText);
      if (far !== undefined && !(far > 0 && far < 1)) throw new InvalidOptionError(`far must be a number between 0 and 1, got "${farText ?? far}"`);
      const camera = this.#pickedCamera ?? this.getAttribute('camera') ?? 'user';
      return { mode, id, liveness, far, camera };
    }

    /** The kit's options: the config's, then the attributes that are present. */
    #kitOptions(signal: AbortSignal): FaceKitOptions {
      const assetBaseUrl = this.getAttribute('asset-base-url');
      const pack = this.getAttribute('pack');
      return {
        ...this.#config.kit,
        ...(assetBaseUrl ? { assetBaseUrl } : {}),
        ...(pack ? { pack } : {}),
        signal,
        onProgress: (p) => {
          this.#show('loading', 'loading', { percent: p.overallTotal ? `${Math.round((100 * p.overallLoaded) / p.overallTotal)}%` : '' }, 'quiet');
          this.#emit('facekit-progress', { stage: 'models', loaded: p.overallLoaded, total: p.overallTotal });
        },
      };
    }

    start(): Promise<void> {
      if (this.#running) return this.#running;
      const abort = new AbortController();
      this.#abort = abort;
      const run = this.#run(abort.signal).catch((e: unknown) => {
        if (!(e instanceof AbortedError)) this.#fail(e);
      }).finally(() => {
        this.#camera?.stop();
        this.#camera = undefined;
        this.#video.srcObject = null;
        this.#overlay.getContext('2d')?.clearRect(0, 0, this.#overlay.width, this.#overlay.height);
        if (this.#running === run) this.#running = undefined;
        this.#render();
      });
      this.#running = run;
      this.#render();
      return run;
    }

    async stop(): Promise<void> {
      this.#abort?.abort();
      await this.#running;
      if (this.dataset.state !== 'success' && this.dataset.state !== 'failure' && this.dataset.state !== 'error') this.#show('idle', 'idle');
    }

    /** The picker chose another camera: a run in progress starts over on it. */
    async #switchCamera(deviceId: string): Promise<void> {
      this.#pickedCamera = deviceId;
      if (!this.#running) return;
      await this.stop();
      await this.start();
    }

    async #run(signal: AbortSignal): Promise<void> {
      const o = this.#options();
      this.#lastHint = undefined;
      // One kit kept across runs (models stay loaded), remade when what it is made from changed.
      if (!this.#kit || (this.#ownsKit && this.#kitStale)) {
        if (this.#ownsKit) await this.#kit?.dispose();
        this.#kit = undefined;
        this.#show('loading', 'loading');
        this.#kit = await createFaceKit(this.#kitOptions(signal));
        this.#ownsKit = true;
        this.#kitStale = false;
      }
      const { liveness: _l, far: _f, ...verifierConfig } = this.#config.verifier ?? {};
      const verifier: Verifier = await this.#kit.createVerifier({ ...verifierConfig, liveness: o.liveness, ...(o.far !== undefined ? { far: o.far } : {}), preload: true });
      if (signal.aborted) throw new AbortedError();
      this.#show('camera', 'camera');
      this.#emit('facekit-progress', { stage: 'camera' });
      const cam = o.camera;
      this.#camera = await openCamera({ ...this.#config.camera, ...(cam === 'user' || cam === 'environment' ? { facing: cam } : { deviceId: cam }), signal });
      // A mirror for a camera that faces the person (as they expect to see themselves), never for a back camera.
      const facing = this.#camera.settings.facingMode;
      this.toggleAttribute('data-mirrored', facing ? facing === 'user' : cam !== 'environment');
      this.#video.srcObject = this.#camera.stream;
      await this.#video.play().catch(() => undefined); // autoplay may wait for a gesture; the verifier reads the track anyway
      void this.#fillPicker(this.#camera.settings.deviceId);
      const watch = { id: o.id, signal, onProgress: (p: VerifierProgress) => this.#progress(p) };
      if (o.mode === 'enroll') {
        try {
          const r = await verifier.enroll(this.#camera.stream, watch);
          this.#show('success', 'enrolled', { id: r.id });
          this.#emit('facekit-enrolled', { id: r.id, frames: r.frames, livenessScore: r.livenessScore });
        } catch (e) {
          // A refusal, not a fault: the run ends in failure, as a verify that is not live does.
          if (!(e instanceof LivenessError)) throw e;
          this.#show('failure', 'notLive');
          this.#emit('facekit-error', { code: e.code, message: e.message });
        }
      } else {
        const r = await verifier.verify(this.#camera.stream, watch);
        this.#show(r.verified ? 'success' : 'failure', r.verified ? 'match' : r.isMatch ? 'notLive' : 'noMatch', { id: o.id });
        this.#emit('facekit-verified', {
          id: o.id, verified: r.verified, reasons: [...r.reasons],
          isMatch: r.isMatch, similarity: r.similarity, threshold: r.threshold, far: r.far, live: r.live, livenessScore: r.livenessScore,
        });
      }
    }

    /** Offers a choice of camera once the page may see their names, when there is more than one. */
    async #fillPicker(current: string | undefined): Promise<void> {
      const cams = await listCameras().catch(() => []);
      this.#pickerLabel.hidden = cams.length < 2;
      if (cams.length < 2) return;
      this.#picker.replaceChildren(...cams.map((c, i) => new Option(c.label || `${this.#text('cameraPicker')} ${i + 1}`, c.deviceId, false, c.deviceId === current)));
    }

    #progress(p: VerifierProgress): void {
      if (p.hint !== this.#lastHint) {
        this.#lastHint = p.hint;
        this.#show('working', p.hint, undefined, 'settled');
        this.#emit('facekit-hint', { code: p.hint });
      }
      if (p.phase === 'enroll' || p.phase === 'verify') {
        this.#emit('facekit-progress', { stage: 'frames', phase: p.phase, hint: p.hint, goodFrames: p.goodFrames, neededFrames: p.neededFrames, ...(p.turnProgress !== undefined ? { turnProgress: p.turnProgress } : {}) });
      }
      this.#drawFace(p);
    }

    #drawFace(p: VerifierProgress): void {
      const c = this.#overlay;
      if (c.width !== p.frame.width || c.height !== p.frame.height) { c.width = p.frame.width; c.height = p.frame.height; }
      const ctx = c.getContext('2d');
      if (!ctx) return;
      ctx.clearRect(0, 0, c.width, c.height);
      const face = p.frame.faces[p.frame.quality.main];
      if (!face) return;
      const [x1, y1, x2, y2] = face.smoothedBox;
      ctx.lineWidth = Math.max(2, c.width / 240);
      ctx.strokeStyle = getComputedStyle(this).getPropertyValue('--facekit-accent').trim() || '#2563eb';
      ctx.strokeRect(x1, y1, x2 - x1, y2 - y1);
    }
  };
}

/**
 * Registers `<facekit-verify>` (or `tag`). Safe to call twice; returns the element class.
 * Importing facekit registers nothing by itself.
 */
export function defineFaceKitVerify(tag = 'facekit-verify'): CustomElementConstructor {
  const existing = customElements.get(tag);
  if (existing) return existing;
  const cls = createElementClass();
  customElements.define(tag, cls);
  return cls;
}

declare global {
  interface HTMLElementTagNameMap { 'facekit-verify': FaceKitVerifyElement }
}
