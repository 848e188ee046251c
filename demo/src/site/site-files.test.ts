import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKS } from '@facekit/core';
import { resolveKitOptions } from 'facekit/kit-options';
import { parseSamples } from '../samples.js';
import {
  SAMPLE_PHOTOS, SERVICE_WORKER_FILE, SITE_MODEL_IDS, noticeText, sampleCopies, samplesManifest, siteModels, withIsolationScript,
} from './site-files.js';

const ROOT = resolve(import.meta.dirname, '../../..');

/** The detectors the Photo page offers (its <select id="detector">). */
function photoPageDetectors(): string[] {
  const html = readFileSync(resolve(ROOT, 'demo/photo.html'), 'utf8');
  const select = /<select id="detector">([\s\S]*?)<\/select>/.exec(html)?.[1] ?? '';
  return [...select.matchAll(/<option value="([^"]+)"/g)].map((m) => m[1]!);
}

describe('the site\'s models', () => {
  it('are registered, each once', () => {
    expect(new Set(SITE_MODEL_IDS).size).toBe(SITE_MODEL_IDS.length);
    expect(siteModels().map((m) => m.id)).toEqual([...SITE_MODEL_IDS]);
  });

  it('hold every model a page can load: the default kit and each detector of the Photo page, with liveness and every attribute', () => {
    const detectors = photoPageDetectors();
    expect(detectors.length).toBeGreaterThan(1);
    for (const detector of [PACKS.facekit_s.detector, ...detectors]) {
      const { models } = resolveKitOptions({ detector }, 'https://example.com/site/');
      const needed = [models.detector, models.recognizer, ...models.antispoof, models.eyeModel, ...Object.values(models.attributeModels), ...(models.genderHead ? [models.genderHead] : [])];
      for (const m of needed) expect(SITE_MODEL_IDS, `${detector} needs ${m.id}`).toContain(m.id);
    }
  });

  it('are found at models/ beside the pages, which is where a kit looks by default', () => {
    expect(resolveKitOptions({}, 'https://example.com/any/base/photo.html').modelBase).toBe('https://example.com/any/base/models/');
  });
});

describe('the sample photos', () => {
  it('are copied from shared/data into samples/, each under its own name', () => {
    const copies = sampleCopies('/data/shared');
    expect(copies).toEqual(SAMPLE_PHOTOS.map((s) => ({ from: `/data/shared/${s.from}`, to: `samples/${s.file}` })));
    expect(new Set(copies.map((c) => c.to)).size).toBe(copies.length);
    expect(sampleCopies('/d/', [SAMPLE_PHOTOS[0]!])[0]!.from).toBe(`/d/${SAMPLE_PHOTOS[0]!.from}`);
    expect(sampleCopies('/d', [])).toEqual([]);
  });

  it('are listed in a samples.json the Photo page reads back unchanged', () => {
    expect(parseSamples(JSON.parse(samplesManifest()))).toEqual(SAMPLE_PHOTOS.map(({ file, label, credit }) => ({ file, label, credit })));
  });

  it.runIf(existsSync(resolve(ROOT, '../shared/data/images')))('exist in shared/data', () => {
    for (const c of sampleCopies(resolve(ROOT, '../shared/data'))) expect(existsSync(c.from), c.from).toBe(true);
  });
});

describe('withIsolationScript', () => {
  const page = '<!doctype html>\n<html lang="en">\n<head>\n  <meta charset="utf-8">\n  <script type="module" src="./assets/a.js"></script>\n</head><body></body></html>';

  it('puts the service worker\'s script first in <head>, by a relative URL', () => {
    const out = withIsolationScript(page);
    const tag = `<script src="./${SERVICE_WORKER_FILE}"></script>`;
    expect(out.indexOf(tag)).toBeGreaterThan(out.indexOf('<head>'));
    expect(out.indexOf(tag)).toBeLessThan(out.indexOf('<meta charset'));
    expect(out.replace(`\n  ${tag}`, '')).toBe(page);
  });

  it('adds it once, and refuses a page without <head>', () => {
    expect(withIsolationScript(withIsolationScript(page))).toBe(withIsolationScript(page));
    expect(withIsolationScript('<HEAD data-x="1"></HEAD>')).toContain(`<HEAD data-x="1">\n  <script src="./${SERVICE_WORKER_FILE}">`);
    expect(() => withIsolationScript('<html><body></body></html>')).toThrow(/no <head>/);
  });
});

describe('noticeText', () => {
  it('names each model\'s licence, the non-commercial ones with their terms, and the photos\' limits', () => {
    const text = noticeText(siteModels(), SAMPLE_PHOTOS);
    for (const m of siteModels()) expect(text).toContain(`${m.file} (${m.id}): ${m.licence.id}`);
    expect(text).toMatch(/det_500m.*non-commercial research only/);
    expect(text).toContain('--no-samples');
    expect(noticeText(siteModels(), [])).not.toContain('Sample photos');
  });
});
