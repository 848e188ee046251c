// <facekit-verify> as a host page configures it: on the host's own kit, with `config` options,
// in German (facekit/locales/de), and accessible in every state — axe-core finds no violation in
// the element idle, loading, working, enrolled, refused and failed, the screen-reader region
// hears state changes and settled hints only (never a download tick), aria-busy marks the work.
// Then the camera: a mirror only for a camera facing the person, a picker when there are two.
import { createRequire } from 'node:module';
import { expect, test, type Page } from '@playwright/test';
import { makeStream, type StillSpec } from '@facekit/test-support/streams';
import { openCameraPage } from './fake-camera.js';

const KEVIN1: StillSpec = { kind: 'still', image: 'images/ppu_uniface/image-kevin1.png', width: 1280, height: 720 };
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

interface AxeViolation { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }
declare global {
  interface Window {
    axe: { run(context: Element, options?: object): Promise<{ violations: AxeViolation[]; passes: unknown[] }> };
    /** What the test page recorded from the element. */
    seen: { events: { type: string; detail: unknown }[]; announced: string[]; busy: (string | null)[]; axe: Record<string, AxeViolation[]> };
  }
}

/** Runs axe-core on the element (its shadow DOM included) and records the violations under `state`. */
async function axeNow(page: Page, state: string): Promise<void> {
  await page.evaluate(async (s) => {
    const r = await window.axe.run(document.querySelector('facekit-verify')!);
    window.seen.axe[s] = r.violations;
  }, state);
}

/** Puts one element on the harness page and records its events, announcements and aria-busy. */
async function mountElement(page: Page, attributes: Record<string, string>): Promise<void> {
  await page.addScriptTag({ path: AXE });
  await page.evaluate((attrs) => {
    window.facekit.defineFaceKitVerify();
    window.seen = { events: [], announced: [], busy: [], axe: {} };
    const el = document.createElement('facekit-verify');
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
    document.body.replaceChildren(el);
    document.documentElement.lang = 'de';
    for (const type of ['facekit-progress', 'facekit-enrolled', 'facekit-verified', 'facekit-hint', 'facekit-error']) {
      el.addEventListener(type, (e) => window.seen.events.push({ type, detail: (e as CustomEvent).detail }));
    }
    const sr = el.shadowRoot!.querySelector('[role=status]')!;
    new MutationObserver(() => window.seen.announced.push(sr.textContent ?? '')).observe(sr, { childList: true, characterData: true, subtree: true });
    new MutationObserver(() => window.seen.busy.push(el.getAttribute('aria-busy'))).observe(el, { attributes: true, attributeFilter: ['aria-busy'] });
  }, attributes);
}

test('<facekit-verify> on the host\'s kit, with config, in German: enroll, no-match and an error; axe-core finds 0 violations in every state; the live region hears states, not ticks', async () => {
  test.setTimeout(240_000);
  const cam = await openCameraPage(makeStream(KEVIN1));
  try {
    const { page } = cam;
    await mountElement(page, { mode: 'enroll', 'subject-id': 'kevin', liveness: 'passive' });
    const el = page.locator('facekit-verify');
    await axeNow(page, 'idle');

    // German, the host's kit (one worker), and a config the attributes do not cover.
    await page.evaluate(async () => {
      const el = document.querySelector('facekit-verify')!;
      el.messages = window.facekitLocales.de;
      el.kit = await window.facekit.createFaceKit({ workers: 1 });
      el.config = { verifier: { enrollFrames: 3, storeName: 'element-test' } };
    });
    await expect(el.locator('button')).toHaveText('Start');
    await expect(page.locator('facekit-verify [part=status]')).toHaveText(/Drücken Sie auf Start/);

    // Enroll: axe while it works, and once it is done.
    await page.evaluate(() => {
      const el = document.querySelector('facekit-verify')!;
      el.addEventListener('facekit-hint', () => { void window.axe.run(el).then((r) => { window.seen.axe.working ??= r.violations; }); }, { once: true });
      void el.start();
    });
    await expect(el).toHaveAttribute('data-state', 'success', { timeout: 120_000 });
    await expect(page.locator('facekit-verify [part=status]')).toHaveText('Registriert als kevin.');
    await page.waitForFunction(() => window.seen.axe.working !== undefined);
    await axeNow(page, 'success');
    const enrolled = await page.evaluate(() => window.seen.events.find((e) => e.type === 'facekit-enrolled')?.detail as { frames: number } | undefined);
    expect(enrolled?.frames, 'config.verifier.enrollFrames reached the verifier').toBe(3);

    // Verify against a threshold no cosine reaches (config): a refusal, state failure. (The same
    // still photo matches its own template at a cosine of about 1.)
    await page.evaluate(async () => {
      const el = document.querySelector('facekit-verify')!;
      el.setAttribute('mode', 'verify');
      el.config = { verifier: { threshold: 2, storeName: 'element-test', verifyFrames: 3 } };
      await el.start();
    });
    await expect(el).toHaveAttribute('data-state', 'failure');
    await expect(page.locator('facekit-verify [part=status]')).toHaveText('Nicht bestätigt: Das sieht nicht nach kevin aus.');
    await axeNow(page, 'failure');
    const verified = await page.evaluate(() => window.seen.events.find((e) => e.type === 'facekit-verified')?.detail as { verified: boolean; reasons: string[] });
    expect(verified).toMatchObject({ verified: false, reasons: ['no-match'] });

    // An error, shown by its code's German sentence with the code.
    await page.evaluate(async () => {
      const el = document.querySelector('facekit-verify')!;
      el.setAttribute('subject-id', '');
      await el.start();
    });
    await expect(el).toHaveAttribute('data-state', 'error');
    await expect(page.locator('facekit-verify [part=status]')).toHaveText('Diese Seite hat die Gesichtsprüfung falsch eingerichtet. Bitte melden Sie das dem Betreiber. (INVALID_OPTION)');
    await axeNow(page, 'error');

    // The control: a theme that puts light blue text on the blue button (1.4:1) is caught, so axe
    // does see inside the element's shadow DOM. (Equal colours would read as hidden text: axe
    // leaves those to a person.)
    const control = await page.evaluate(async () => {
      const el = document.querySelector('facekit-verify')!;
      el.style.setProperty('--facekit-accent-text', '#60a5fa');
      const r = await window.axe.run(el);
      el.style.removeProperty('--facekit-accent-text');
      return r.violations.map((v) => v.id);
    });
    expect(control).toContain('color-contrast');

    const seen = await page.evaluate(() => window.seen);
    for (const [state, violations] of Object.entries(seen.axe)) {
      console.log(`axe, ${state}: ${violations.length} violation(s)${violations.map((v) => ` ${v.id} (${v.help})`).join(',')}`);
    }
    expect(Object.keys(seen.axe).sort()).toEqual(['error', 'failure', 'idle', 'success', 'working']);
    for (const [state, violations] of Object.entries(seen.axe)) expect(violations, `axe in state ${state}`).toEqual([]);

    // The live region: state sentences and settled hints, never a download percentage.
    console.log(`announced: ${JSON.stringify(seen.announced)}`);
    expect(seen.announced.some((t) => /\d+ ?%/.test(t))).toBe(false);
    expect(seen.announced).toContain('Registriert als kevin.');
    expect(seen.announced.filter((t) => t === 'Registriert als kevin.')).toHaveLength(1);
    const hints = seen.events.filter((e) => e.type === 'facekit-hint').length;
    expect(seen.announced.length).toBeLessThan(hints + 8);
    expect(seen.busy).toContain('true');
    expect(await el.getAttribute('aria-busy')).toBeNull();

    // facekit-progress: the camera, then frames with the verifier's counts.
    const stages = new Set(seen.events.filter((e) => e.type === 'facekit-progress').map((e) => (e.detail as { stage: string }).stage));
    expect([...stages].sort()).toEqual(['camera', 'frames']);

    // The element runs on the kit it was given and leaves it alive when it goes.
    const kitAlive = await page.evaluate(async () => {
      const el = document.querySelector('facekit-verify')!;
      const kit = el.kit!;
      el.remove();
      await new Promise((r) => setTimeout(r, 500));
      const faces = await kit.detect(await window.fetchBlob('/__data/images/ppu_uniface/image-kevin1.png'));
      await kit.dispose();
      return faces.faces.length;
    });
    expect(kitAlive).toBe(1);
  } finally {
    await cam.close();
  }
});

test('<facekit-verify> makes its own kit from config and reports model progress; loading is announced once, without ticks', async () => {
  test.setTimeout(180_000);
  const cam = await openCameraPage(makeStream(KEVIN1));
  try {
    const { page } = cam;
    await mountElement(page, { mode: 'enroll', 'subject-id': 'kevin', liveness: 'off' });
    await page.evaluate(() => {
      const el = document.querySelector('facekit-verify')!;
      el.config = { kit: { workers: 1, cacheName: 'element-own-kit' }, verifier: { enrollFrames: 2 } };
      el.addEventListener('facekit-progress', () => { void window.axe.run(el).then((r) => { window.seen.axe.loading ??= r.violations; }); }, { once: true });
    });
    await page.locator('facekit-verify button').click();
    await expect(page.locator('facekit-verify')).toHaveAttribute('data-state', 'success', { timeout: 120_000 });
    const seen = await page.evaluate(() => window.seen);
    const models = seen.events.filter((e) => e.type === 'facekit-progress' && (e.detail as { stage: string }).stage === 'models').map((e) => e.detail as { loaded: number; total: number });
    expect(models.length).toBeGreaterThan(1);
    expect(models.at(-1)!.loaded).toBe(models.at(-1)!.total);
    expect(seen.axe.loading).toEqual([]);
    expect(seen.announced.filter((t) => t.startsWith('Loading face models'))).toEqual(['Loading face models…']);
    const info = await page.evaluate(() => document.querySelector('facekit-verify')!.kit!.info.workers);
    expect(info).toBe(1);
  } finally {
    await cam.close();
  }
});

test('<facekit-verify> mirrors the preview only for a camera facing the person, and offers a camera picker when there are two', async () => {
  test.setTimeout(180_000);
  // Chromium's own two fake cameras (a file-backed camera is always alone): test patterns, no
  // face, so each run works until it is stopped.
  const cam = await openCameraPage(null, { deviceCount: 2 });
  try {
    const { page } = cam;
    await mountElement(page, { mode: 'enroll', 'subject-id': 'kevin', liveness: 'off', camera: 'environment' });
    const el = page.locator('facekit-verify');
    const picker = page.locator('facekit-verify [part=camera-picker]');
    const mirror = () => page.locator('facekit-verify video').evaluate((v) => getComputedStyle(v).transform);
    const startUntilWorking = async () => {
      await page.evaluate(() => { void document.querySelector('facekit-verify')!.start(); });
      await expect(el).toHaveAttribute('data-state', 'working', { timeout: 120_000 });
    };
    const stop = () => page.evaluate(() => document.querySelector('facekit-verify')!.stop());
    await expect(picker).toBeHidden();

    // A back camera is shown as it sees.
    await startUntilWorking();
    expect(await el.getAttribute('data-mirrored')).toBeNull();
    expect(await mirror()).toBe('none');
    await stop();

    // The default, a camera facing the person, is mirrored; with two cameras, a picker.
    await page.evaluate(() => document.querySelector('facekit-verify')!.removeAttribute('camera'));
    await startUntilWorking();
    await expect(el).toHaveAttribute('data-mirrored', '');
    expect(await mirror()).toBe('matrix(-1, 0, 0, 1, 0, 0)');
    await expect(picker).toBeVisible();
    const options = await picker.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(options).toHaveLength(2);
    const first = await picker.inputValue();
    await axeNow(page, 'picker');

    // Picking the other camera starts the run over on it (the picker shows the one in use).
    const other = options.find((o) => o !== first)!;
    await picker.selectOption(other);
    await expect(el).toHaveAttribute('data-state', 'working');
    await expect.poll(() => page.evaluate(() => {
      const video = document.querySelector('facekit-verify')!.shadowRoot!.querySelector('video')!;
      return (video.srcObject as MediaStream | null)?.getVideoTracks()[0]?.getSettings().deviceId;
    })).toBe(other);
    expect(await picker.inputValue()).toBe(other);
    await stop();
    expect(await page.evaluate(() => window.seen.axe.picker)).toEqual([]);
  } finally {
    await cam.close();
  }
});
