// The demo page as a person uses it: choose a photo, see the faces; choose two photos, see the verdict.
import { resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { IMAGES_DIR } from './harness.js';

test('demo: detect faces in a chosen photo, then compare two photos', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/');
  await expect(page.locator('#status')).toContainText('Ready: wasm', { timeout: 60_000 });
  await page.setInputFiles('#file', resolve(IMAGES_DIR, 'insightface/t1.jpg'));
  await expect(page.locator('#status')).toContainText('6 face(s) in 1280×886');
  await expect(page.locator('#canvas')).toHaveAttribute('width', '1280');
  await page.setInputFiles('#fileA', resolve(IMAGES_DIR, 'faceonnx/verification/nicole_1.jpg'));
  await page.setInputFiles('#fileB', resolve(IMAGES_DIR, 'faceonnx/verification/nicole_2.jpg'));
  await expect(page.locator('#verdict')).toContainText('Same person');
  await page.setInputFiles('#fileB', resolve(IMAGES_DIR, 'faceonnx/verification/brad_2.jpg'));
  await expect(page.locator('#verdict')).toContainText('Different people');
  await page.setInputFiles('#fileB', resolve(IMAGES_DIR, 'negatives/insightface_mask_white.jpg'));
  await expect(page.locator('#verdict')).toContainText('No face found in photo B');
  expect(errors).toEqual([]);
});
