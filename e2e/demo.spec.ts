// The demo site as a person uses it. Photo page: choose a photo, see the faces (and their
// liveness); choose two photos, see the verdict. Verify page, with a still photo as the fake
// camera: enroll a name, see it listed, verify it, delete it; and the camera-denied sentence.
import { resolve } from 'node:path';
import { chromium, expect, test, type Page } from '@playwright/test';
import { cameraArgs, openCameraPage } from './fake-camera.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '@facekit/test-support/config';
import { IMAGES_DIR, openHarness } from './harness-page.js';
import { makeStream, type StillSpec } from '@facekit/test-support/streams';

function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

test('photo page: detect faces in a sample photo and a chosen one, their liveness, then compare two photos', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('/photo.html');
  await expect(page.locator('header.site nav a[aria-current="page"]')).toHaveText('Photo');
  await expect(page.locator('header.site .privacy')).toContainText('never leave this device');
  await expect(page.locator('#status')).toContainText('Ready: wasm', { timeout: 60_000 });
  // The sample photos are served here as on the static site (from shared/data): the group is t1.jpg.
  await expect(page.locator('#samples button.sample')).toHaveCount(3);
  await page.locator('#samples button[data-file="group.jpg"]').click();
  await expect(page.locator('#status')).toContainText('6 face(s) in 1280×886');
  await expect(page.locator('#canvas')).toHaveAttribute('width', '1280');
  await expect(page.locator('#faces li')).toHaveCount(6);
  // Attributes (age and gender, pose, eyes, landmarks by default): one card per face.
  await expect(page.locator('.attribute-card')).toHaveCount(6, { timeout: 60_000 });
  const card = page.locator('.attribute-card').first();
  await expect(card).toContainText(/Age\s*\d+ years/);
  await expect(card).toContainText(/Gender\s*(female|male) \(\d+%\)/);
  await expect(card).toContainText(/68 points/);
  await expect(card).not.toContainText('Expression');
  await page.check('#liveness');
  await expect(page.locator('#status')).toContainText(/6 face\(s\) in 1280×886.*liveness \d/, { timeout: 60_000 });
  for (const li of await page.locator('#faces li').all()) await expect(li).toContainText(/liveness (0|1)\.\d\d: looks (live|like a photo or a screen)/);
  // A photo of one's own, from the file input.
  await page.setInputFiles('#file', resolve(IMAGES_DIR, 'ppu_uniface/image-kevin2.jpg'));
  await expect(page.locator('#status')).toContainText(/1 face\(s\) in 1024×683/, { timeout: 60_000 });
  await page.setInputFiles('#fileA', resolve(IMAGES_DIR, 'faceonnx/verification/nicole_1.jpg'));
  await page.setInputFiles('#fileB', resolve(IMAGES_DIR, 'faceonnx/verification/nicole_2.jpg'));
  await expect(page.locator('#verdict')).toContainText('Same person');
  await page.setInputFiles('#fileB', resolve(IMAGES_DIR, 'faceonnx/verification/brad_2.jpg'));
  await expect(page.locator('#verdict')).toContainText('Different people');
  await page.setInputFiles('#fileB', resolve(IMAGES_DIR, 'negatives/insightface_mask_white.jpg'));
  await expect(page.locator('#verdict')).toContainText('No face found in photo B');
  await page.click('header.site nav a:text("Verify")');
  await expect(page).toHaveURL(/\/index\.html$/);
  expect(errors).toEqual([]);
});

// kevin1, whole, on a 720p camera (what openCamera asks for).
const KEVIN1: StillSpec = { kind: 'still', image: 'images/ppu_uniface/image-kevin1.png', width: 1280, height: 720 };

test('verify page: enroll kevin from the camera, see him listed, verify, delete', async () => {
  const cam = await openCameraPage(makeStream(KEVIN1), { path: '/' });
  try {
    const { page } = cam;
    const errors = collectErrors(page);
    const verdict = page.locator('#verdict');
    await expect(page.locator('header.site nav a[aria-current="page"]')).toHaveText('Verify');
    await expect(page.locator('#status')).toContainText('Ready:', { timeout: 120_000 });
    // The camera picker shows the fake device by name once the camera is allowed.
    await expect(page.locator('#camera option')).toContainText(['.y4m']);
    await expect(page.locator('#enrolled')).toContainText('Nobody yet');
    // The idle overlay: the preview loop turns frames into a hint sentence.
    await expect(page.locator('#hint')).not.toHaveText(/Starting|Loading|Looking/, { timeout: 30_000 });
    await expect(page.locator('#enroll')).toBeEnabled();

    await page.click('#verify');
    await expect(verdict).toContainText('Type a name or id first.');
    await page.fill('#person-id', 'kevin');
    await page.click('#enroll');
    await expect(page.locator('#cancel')).toBeVisible();
    await expect(verdict).toHaveClass(/\bok\b/, { timeout: 60_000 });
    await expect(verdict).toContainText('Enrolled “kevin”');
    await expect(verdict).toContainText(/Frames used\s*5/);
    await expect(page.locator('#enrolled li[data-id="kevin"]')).toBeVisible();
    await expect(page.locator('#enroll')).toBeEnabled();

    await page.click('#verify');
    await expect(verdict).toHaveClass(/\b(ok|fail)\b/, { timeout: 60_000 });
    await expect(verdict).toContainText(/^(Verified: this is|Not verified as) “kevin”/);
    await expect(verdict).toContainText(/Similarity\s*\d\.\d{3} vs threshold \d\.\d{3}/);
    await expect(verdict).toContainText(/Liveness\s*\d\.\d\d \(needs \d\.\d\d\): (passed|failed)/);

    await page.click('#enrolled li[data-id="kevin"] button:text("Delete")');
    await expect(page.locator('#enrolled li[data-id="kevin"]')).toHaveCount(0);
    await expect(page.locator('#enrolled')).toContainText('Nobody yet');
    await page.click('#verify');
    await expect(verdict).toContainText('Nobody is enrolled as “kevin”. Enroll first.');
    expect(errors).toEqual([]);
  } finally {
    await cam.close();
  }
});

test('verify page: a photo of a photo is not enrolled, with its sentence', async () => {
  // A recaptured photo labelled fake in spoof-dev: passive liveness scores it about 0.2, far under the threshold.
  const cam = await openCameraPage(makeStream({ kind: 'still', image: 'spoof-dev/spoof/vm_fake_001.jpg', width: 1280, height: 720 }), { path: '/' });
  try {
    const { page } = cam;
    await expect(page.locator('#status')).toContainText('Ready:', { timeout: 120_000 });
    await page.fill('#person-id', 'mallory');
    await page.click('#enroll');
    await expect(page.locator('#verdict')).toContainText(/^This does not look like a live face \(liveness 0\.\d\d, needs 0\.\d\d\): a photo or a screen\? Nothing was enrolled\.$/, { timeout: 60_000 });
    await expect(page.locator('#verdict')).toHaveClass(/\bfail\b/);
    await expect(page.locator('#enrolled')).toContainText('Nobody yet');
  } finally {
    await cam.close();
  }
});

test('verify page: a denied camera gets its sentence', async ({ baseURL }) => {
  // A fake camera, but no automatic "Allow": headless Chromium refuses the prompt.
  const stream = makeStream(KEVIN1);
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS, ...cameraArgs(stream).filter((a) => a !== '--use-fake-ui-for-media-stream')],
  });
  try {
    const page = await browser.newPage({ baseURL });
    await page.goto('/');
    await expect(page.locator('#camera-message')).toBeVisible();
    await expect(page.locator('#camera-error')).toHaveText(/^Camera access was denied\./);
    await expect(page.locator('#hint')).toHaveText('The camera is off.');
    await expect(page.locator('#enroll')).toBeDisabled();
  } finally {
    await browser.close();
  }
});

test('embed page: <facekit-verify> enrolls from the fake camera and logs its events', async () => {
  const cam = await openCameraPage(makeStream(KEVIN1), { path: '/embed.html' });
  try {
    const { page } = cam;
    const errors = collectErrors(page);
    const element = page.locator('facekit-verify');
    const status = element.locator('[part=status]');
    await expect(page.locator('header.site nav a[aria-current="page"]')).toHaveText('Embed');
    await expect(status).toHaveText('Press Start to use your camera. Nothing leaves this device.');
    await expect(page.locator('#embed-code')).toContainText('subject-id="me"');

    await page.fill('#embed-id', 'kevin');
    await page.selectOption('#embed-mode', 'enroll');
    await expect(element).toHaveAttribute('subject-id', 'kevin');
    await expect(element).toHaveAttribute('mode', 'enroll');
    await element.locator('button').click();
    await expect(page.locator('#embed-log li', { hasText: 'facekit-enrolled' })).toHaveCount(1, { timeout: 120_000 });
    await expect(page.locator('#embed-log li', { hasText: 'facekit-enrolled' })).toContainText('"id":"kevin"');
    await expect(element).toHaveAttribute('data-state', 'success');
    await expect(status).toContainText('Enrolled as kevin.');
    await expect(page.locator('#embed-log li', { hasText: 'facekit-error' })).toHaveCount(0);
    const code = page.locator('#embed-code');
    await expect(code).toContainText('subject-id="kevin"');
    await expect(code).toContainText('mode="enroll"');
    expect(errors).toEqual([]);
  } finally {
    await cam.close();
  }
});

test('bench page: times analyze at 640 and 320 on a chosen photo, with what it ran on and the JSON', async ({ page, context }) => {
  const errors = collectErrors(page);
  await page.goto('/bench.html');
  await expect(page.locator('header.site nav a[aria-current="page"]')).toHaveText('Bench');
  await expect(page.locator('header.site .privacy')).toContainText('never leave this device');
  await page.setInputFiles('#file', resolve(IMAGES_DIR, 'ppu_uniface/image-fake1.jpg'));
  await expect(page.locator('#sample-info')).toContainText(/^Photo: \d+×\d+\./);
  // Few calls: the test checks the page, not the speed.
  await page.fill('#warmup', '2');
  await page.fill('#runs', '5');
  // Every status line the run shows, to check the progress afterwards without racing it.
  await page.evaluate(() => {
    const el = document.getElementById('status')!;
    const seen: string[] = [];
    (window as unknown as { statusSeen: string[] }).statusSeen = seen;
    new MutationObserver(() => seen.push(el.textContent ?? '')).observe(el, { childList: true, characterData: true, subtree: true });
  });
  // From the keyboard, as a button must work.
  await page.getByRole('button', { name: 'Run benchmark' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('#status')).toHaveText(/^Done: 5 timed calls per size\./, { timeout: 120_000 });
  const seen = await page.evaluate(() => (window as unknown as { statusSeen: string[] }).statusSeen);
  for (const line of ['warm-up @ 640: 2/2', 'analyze @ 640: 1/5', 'analyze @ 640: 5/5', 'analyze @ 320: 5/5']) expect(seen).toContain(line);

  // The JSON: both sizes, every median and wall time a positive finite number, one face.
  const report = JSON.parse(await page.locator('#json').textContent() ?? '') as {
    kit: { backend: string; threadsPerWorker: number; workers: number };
    runs: number;
    results: { inputSize: number; faces: number; medians: Record<string, number>; wallMedian: number; wallP95: number; framesPerSecond: number }[];
  };
  expect(report.runs).toBe(5);
  expect(report.results.map((r) => r.inputSize)).toEqual([640, 320]);
  for (const r of report.results) {
    expect(Object.keys(r.medians)).toEqual(['decode', 'detectPreprocess', 'detectInference', 'detectPostprocess', 'embedPreprocess', 'embedInference']);
    for (const [stage, v] of Object.entries({ ...r.medians, wallMedian: r.wallMedian, wallP95: r.wallP95, framesPerSecond: r.framesPerSecond })) {
      expect(Number.isFinite(v) && v > 0, `${stage} @ ${r.inputSize}: ${v}`).toBe(true);
    }
    expect(r.wallP95).toBeGreaterThanOrEqual(r.wallMedian);
    expect(r.faces).toBe(1);
  }

  // The table: a column per size, a positive number in every timing cell.
  const table = page.locator('#results');
  await expect(table.locator('thead th[data-input-size]')).toHaveText(['input 640', 'input 320']);
  const rows = table.locator('tbody tr');
  await expect(rows).toHaveCount(10);
  for (const tr of (await rows.all()).slice(0, 9)) {
    for (const td of await tr.locator('td').allTextContents()) expect(Number(td), td).toBeGreaterThan(0);
  }
  console.log(`Bench table (5 runs):\n${(await table.innerText()).trim()}`);

  // What it ran on: wasm, and the thread count a kit with default options reports on this origin.
  await expect(page.locator('#info-backend')).toHaveText('wasm');
  const shownThreads = Number(await page.locator('#info-threads').textContent());
  const other = await context.newPage();
  await openHarness(other);
  const info = await other.evaluate(async () => {
    const kit = await window.facekit.createFaceKit();
    const { threadsPerWorker, workers } = kit.info;
    await kit.dispose();
    return { threadsPerWorker, workers };
  });
  await other.close();
  expect(shownThreads).toBe(info.threadsPerWorker);
  expect(report.kit.threadsPerWorker).toBe(info.threadsPerWorker);
  await expect(page.locator('#info-workers')).toHaveText(String(info.workers));
  await expect(page.locator('#info-coi')).toHaveText('true');
  await expect(page.locator('#info-threads-reason')).not.toHaveText('—');
  await expect(page.locator('#info-recognizer')).not.toHaveText('—');

  // Copy: the clipboard gets the same JSON as the page shows.
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.click('#copy');
  await expect(page.locator('#copy-status')).toHaveText('Copied.');
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(JSON.parse(copied)).toEqual(report);
  expect(errors).toEqual([]);
});
