// <facekit-verify>: enroll or verify a face from the camera in any page, framework-free. It is a
// thin shell over the kit's verifier (the same code path as kit.createVerifier): it owns a kit, a
// camera and a verifier, shows the video with the face box and one sentence for every state,
// and reports through DOM events.
//
//   <facekit-verify mode="verify" subject-id="alice" liveness="passive" asset-base-url="/facekit/"></facekit-verify>
//
// Attributes: mode (enroll | verify), subject-id, far, liveness (passive | blink | passive+blink |
// turn | passive+turn | off), asset-base-url, pack (a model pack: 'commercial_s' has no
// non-commercial weights), camera (a deviceId, or 'user' / 'environment'), messages (JSON).
// Methods: start(), stop(). Events: facekit-enrolled, facekit-verified, facekit-hint, facekit-error.
// Theme: --facekit-accent, --facekit-text, --facekit-background, --facekit-radius, --facekit-font,
// and the parts frame, video, overlay, status, button.
import { createFaceKit, type FaceKit } from '../api/create-face-kit.js';
import { AbortedError, FaceKitError, InvalidOptionError, LivenessError, type FaceKitErrorCode } from '../errors.js';
import { openCamera, type Camera } from '../media/camera.js';
import type { LivenessMode, Verifier, VerifierHint, VerifierProgress, VerifyReason } from '../verifier/verifier.js';
import { DEFAULT_VERIFY_MESSAGES, formatMessage, type FaceKitVerifyMessages } from './verify-messages.js';

export interface FaceKitEnrolledDetail { id: string; frames: number; livenessScore: number | undefined }
export interface FaceKitVerifiedDetail {
  id: string;
  /** The verdict: the same person and live. Hosts act on this, not on isMatch alone. */
  verified: boolean;
  /** Why `verified` is false ('no-match', 'not-live'); empty when verified. */
  reasons: VerifyReason[];
  isMatch: boolean; similarity: number; threshold: number; far: number | undefined; live: boolean; livenessScore: number | undefined;
}
export interface FaceKitHintDetail { code: VerifierHint }
export interface FaceKitErrorDetail { code: FaceKitErrorCode; message: string }

/** The element's events, for `addEventListener` typing. */
export interface FaceKitVerifyEventMap {
  'facekit-enrolled': CustomEvent<FaceKitEnrolledDetail>;
  'facekit-verified': CustomEvent<FaceKitVerifiedDetail>;
  'facekit-hint': CustomEvent<FaceKitHintDetail>;
  'facekit-error': CustomEvent<FaceKitErrorDetail>;
}

/** The public surface of `<facekit-verify>`. */
export interface FaceKitVerifyElement extends HTMLElement {
  /** Starts the camera and one enroll or verify (as `mode` says); resolves when it ends. */
  start(): Promise<void>;
  /** Stops the run in progress and the camera. */
  stop(): Promise<void>;
  /** Replacement texts (merged over the English defaults). */
  messages: Partial<FaceKitVerifyMessages>;
  /** The kit the element runs on (after the first start()). */
  readonly kit: FaceKit | undefined;
  addEventListener<K extends keyof FaceKitVerifyEventMap>(type: K, listener: (this: FaceKitVerifyElement, ev: FaceKitVerifyEventMap[K]) => void, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
}

const STYLE = `
:host { display: inline-block; width: 100%; max-width: 480px; font: var(--facekit-font, 15px/1.4 system-ui, sans-serif);
  color: var(--facekit-text, #0f172a); }
[part=frame] { position: relative; aspect-ratio: 4 / 3; background: var(--facekit-background, #0f172a);
  border-radius: var(--facekit-radius, 12px); overflow: hidden; }
video, canvas { position: absolute; inset: 0; width: 100%; height: 100%; object-fit: cover; transform: scaleX(-1); }
[part=status] { margin: .6em 0; min-height: 1.4em; }
button { font: inherit; padding: .45em 1.2em; border: 0; border-radius: var(--facekit-radius, 12px);
  background: var(--facekit-accent, #2563eb); color: #fff; cursor: pointer; }
button:focus-visible { outline: 3px solid var(--facekit-accent, #2563eb); outline-offset: 2px; }
:host([data-state=success]) [part=status] { color: var(--facekit-success, #15803d); }
:host([data-state=failure]) [part=status], :host([data-state=error]) [part=status] { color: var(--facekit-failure, #b91c1c); }
`;

const LIVENESS: readonly LivenessMode[] = ['passive', 'blink', 'passive+blink', 'turn', 'passive+turn', 'off'];

function createElementClass(): CustomElementConstructor {
  return class FaceKitVerify extends HTMLElement implements FaceKitVerifyElement {
    static observedAttributes = ['messages'];
    #kit: FaceKit | undefined;
    #kitKey = '';
    #camera: Camera | undefined;
    #abort: AbortController | undefined;
    #running: Promise<void> | undefined;
    #messages: Partial<FaceKitVerifyMessages> = {};
    #lastHint: VerifierHint | undefined;
    readonly #video: HTMLVideoElement;
    readonly #overlay: HTMLCanvasElement;
    readonly #status: HTMLParagraphElement;
    readonly #button: HTMLButtonElement;

    constructor() {
      super();
      const root = this.attachShadow({ mode: 'open' });
      root.innerHTML = `<div part="frame"><video part="video" playsinline muted></video><canvas part="overlay"></canvas></div>
<p part="status" role="status" aria-live="polite"></p><button part="button" type="button"></button>`;
      const style = document.createElement('style');
      style.textContent = STYLE;
      root.prepend(style);
      this.#video = root.querySelector('video')!;
      this.#overlay = root.querySelector('canvas')!;
      this.#status = root.querySelector('[part=status]')!;
      this.#button = root.querySelector('button')!;
      this.#button.addEventListener('click', () => { void (this.#running ? this.stop() : this.start()); });
    }

    get kit(): FaceKit | undefined { return this.#kit; }
    get messages(): Partial<FaceKitVerifyMessages> { return this.#messages; }
    set messages(m: Partial<FaceKitVerifyMessages>) {
      this.#messages = { ...m };
      this.#render();
    }

    connectedCallback(): void {
      if (!this.hasAttribute('role')) this.setAttribute('role', 'group');
      this.setAttribute('aria-label', this.#text('label'));
      if (!this.dataset.state) this.#show('idle', 'idle');
    }

    /** Removed from the page: stop, and release the workers unless it comes straight back. */
    disconnectedCallback(): void {
      void this.stop().then(async () => {
        if (this.isConnected || !this.#kit) return;
        const kit = this.#kit;
        this.#kit = undefined;
        this.#kitKey = '';
        await kit.dispose();
      });
    }

    attributeChangedCallback(name: string, _old: string | null, value: string | null): void {
      if (name !== 'messages') return;
      try {
        this.messages = value ? JSON.parse(value) as Partial<FaceKitVerifyMessages> : {};
      } catch {
        this.#fail(new InvalidOptionError('messages: the attribute is not valid JSON'));
      }
    }

    #all(): FaceKitVerifyMessages { return { ...DEFAULT_VERIFY_MESSAGES, ...this.#messages }; }
    #text(key: keyof FaceKitVerifyMessages, fields?: Record<string, string>): string { return formatMessage(this.#all(), key, fields); }
    #shown: { key: keyof FaceKitVerifyMessages; fields?: Record<string, string> } = { key: 'idle' };

    /** Sets the visible sentence and the state the host exposes for styling (`data-state`). */
    #show(state: string, key: keyof FaceKitVerifyMessages, fields?: Record<string, string>): void {
      this.dataset.state = state;
      this.#shown = fields ? { key, fields } : { key };
      this.#render();
    }

    #render(): void {
      this.#status.textContent = this.#text(this.#shown.key, this.#shown.fields);
      this.#button.textContent = this.#text(this.#running ? 'stop' : 'start');
      this.setAttribute('aria-label', this.#text('label'));
    }

    #emit<K extends keyof FaceKitVerifyEventMap>(type: K, detail: FaceKitVerifyEventMap[K]['detail']): void {
      this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
    }

    #fail(e: unknown): void {
      const err = e instanceof FaceKitError ? e : new FaceKitError('INTERNAL', String((e as Error)?.message ?? e));
      this.#show('error', 'error', { message: err.message });
      this.#emit('facekit-error', { code: err.code, message: err.message });
    }

    #options() {
      const mode = this.getAttribute('mode') ?? 'verify';
      if (mode !== 'enroll' && mode !== 'verify') throw new InvalidOptionError(`mode must be "enroll" or "verify", got "${mode}"`);
      const id = this.getAttribute('subject-id') ?? '';
      if (!id) throw new InvalidOptionError('subject-id is required: the name to enroll or verify');
      const liveness = (this.getAttribute('liveness') ?? 'passive') as LivenessMode;
      if (!LIVENESS.includes(liveness)) throw new InvalidOptionError(`liveness must be one of ${LIVENESS.join(', ')}, got "${liveness}"`);
      const farText = this.getAttribute('far');
      const far = farText === null ? undefined : Number(farText);
      if (far !== undefined && !(far > 0 && far < 1)) throw new InvalidOptionError(`far must be a number between 0 and 1, got "${farText}"`);
      const camera = this.getAttribute('camera') ?? 'user';
      const assetBaseUrl = this.getAttribute('asset-base-url') ?? undefined;
      const pack = this.getAttribute('pack') ?? undefined;
      return { mode, id, liveness, far, camera, assetBaseUrl, pack };
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

    async #run(signal: AbortSignal): Promise<void> {
      const o = this.#options();
      this.#lastHint = undefined;
      // One kit per asset folder and pack, kept across runs (models stay loaded).
      const key = `${o.assetBaseUrl ?? ''}|${o.pack ?? ''}`;
      if (!this.#kit || this.#kitKey !== key) {
        await this.#kit?.dispose();
        this.#kit = undefined;
        this.#show('loading', 'loading', { percent: '' });
        this.#kit = await createFaceKit({
          ...(o.assetBaseUrl ? { assetBaseUrl: o.assetBaseUrl } : {}),
          ...(o.pack ? { pack: o.pack } : {}),
          signal,
          onProgress: (p) => this.#show('loading', 'loading', { percent: p.overallTotal ? `${Math.round((100 * p.overallLoaded) / p.overallTotal)}%` : '' }),
        });
        this.#kitKey = key;
      }
      const verifier: Verifier = await this.#kit.createVerifier({ liveness: o.liveness, ...(o.far !== undefined ? { far: o.far } : {}), preload: true });
      if (signal.aborted) throw new AbortedError();
      this.#show('camera', 'camera');
      this.#camera = await openCamera({ ...(o.camera === 'user' || o.camera === 'environment' ? { facing: o.camera } : { deviceId: o.camera }), signal });
      this.#video.srcObject = this.#camera.stream;
      await this.#video.play().catch(() => undefined); // autoplay may wait for a gesture; the verifier reads the track anyway
      const watch = { id: o.id, signal, onProgress: (p: VerifierProgress) => this.#progress(p) };
      if (o.mode === 'enroll') {
        try {
          const r = await verifier.enroll(this.#camera.stream, watch);
          this.#show('success', 'enrolled', { id: r.id });
          this.#emit('facekit-enrolled', { id: r.id, frames: r.frames, livenessScore: r.livenessScore });
        } catch (e) {
          if (e instanceof LivenessError) this.#show('failure', 'notLive');
          throw e;
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

    #progress(p: VerifierProgress): void {
      if (p.hint !== this.#lastHint) {
        this.#lastHint = p.hint;
        this.#show('working', p.hint);
        this.#emit('facekit-hint', { code: p.hint });
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
