import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, type Page } from '@playwright/test';
import { SHARED_DIR } from '@facekit/test-support/config';

export const IMAGES_DIR = resolve(SHARED_DIR, 'data/images');

/** URL of a shared photo, served by the preview server under /__data/. */
export const imageUrl = (rel: string): string => `/__data/images/${rel}`;

export async function openHarness(page: Page, base = ''): Promise<void> {
  await page.goto(`${base}/harness.html`);
  await page.waitForFunction(() => window.harnessReady === true);
}

export interface ManifestRow { file: string; width: number; height: number; det500m: number; notes: string }

/** The photo table of shared/data/images/MANIFEST.md. */
export function readImageManifest(): ManifestRow[] {
  const text = readFileSync(resolve(IMAGES_DIR, 'MANIFEST.md'), 'utf8');
  return text.split('\n')
    .filter((l) => /^\| [a-z_]+\/[^|]+\.(jpg|jpeg|png) \|/.test(l))
    .map((l) => {
      const c = l.split('|').map((s) => s.trim());
      const [w, h] = c[3]!.split('x').map(Number);
      return { file: c[1]!, width: w!, height: h!, det500m: Number(c[4]), notes: c[7] ?? '' };
    });
}

export function expectClose(actual: number, expected: number, tol: number, what: string): void {
  expect(Math.abs(actual - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(tol);
}
