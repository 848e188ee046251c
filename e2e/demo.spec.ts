// The demo site as a person uses it. Photo page: choose a photo, see the faces (and their
// liveness); choose two photos, see the verdict. Verify page, with a still photo as the fake
// camera: enroll a name, see it listed, verify it, delete it; and the camera-denied sentence.
import { resolve } from 'node:path';
import { chromium, expect, test, type Page } from '@playwright/test';
import { cameraArgs, openCameraPage } from './camera.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './config.js';
import { IMAGES_DIR } from './harness.js';
import { makeStream, type StillSpec } from './streams.js';

function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

test('photo page: detect faces in a chosen photo, their liveness, then compare two photos', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('/photo.html');
  await expect(page.locator('header.site nav a[aria-current="page"]')).toHaveText('Photo');
  await expect(page.locator('header.site .privacy')).toContainText('never leave this device');
  await expect(page.locator('#status')).toContainText('Ready: wasm', { timeout: 60_000 });
  await page.setInputFiles('#file', resolve(IMAGES_DIR, 'insightface/t1.jpg'));
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
