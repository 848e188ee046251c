// What `pnpm build:site` (build-site.ts) puts in the static site beside the built pages: the
// models the pages can ask for, a few sample photos, the <script> that registers the isolation
// service worker, and a notice of licences. Pure, so the lists are unit-tested.
import { getModel, type ModelSpec } from '@facekit/core';
import { SAMPLE_PHOTOS, type SampleSource } from './sample-photos.js';

export { SAMPLE_PHOTOS, samplesManifest, type SampleSource } from './sample-photos.js';

/** Where the site is written unless --out says otherwise (git-ignored, like all of .cache/). */
export const DEFAULT_SITE_DIR = '.cache/site';

/** The service worker's file name at the site's root (its scope is the site's folder). */
export const SERVICE_WORKER_FILE = 'coi-serviceworker.js';

/**
 * Every model a demo page can load: the default pack (det_500m + fr_feature), the Photo page's
 * other detectors, passive liveness and each attribute the Photo page offers. Unit-tested against
 * the kit's defaults and photo.html's detector list, so a page never asks for a file the site lacks.
 */
export const SITE_MODEL_IDS = [
  'det_500m', 'scrfd_2.5g_kps', 'yunet_2026may', 'fr_feature', 'minifasnet_v2', 'minifasnet_v1se',
  'fr_eye', 'fr_age', 'fr_gender', 'fr_expression', 'fr_pose', 'fr_landmark',
] as const;

export function siteModels(): ModelSpec[] {
  return SITE_MODEL_IDS.map((id) => getModel(id));
}

/** One file the build copies: absolute source, path inside the site. */
export interface SiteCopy { from: string; to: string }

/** The sample photos' copies, from `dataDir` (shared/data) into samples/. */
export function sampleCopies(dataDir: string, samples: readonly SampleSource[] = SAMPLE_PHOTOS): SiteCopy[] {
  const base = dataDir.endsWith('/') ? dataDir : `${dataDir}/`;
  return samples.map((s) => ({ from: `${base}${s.from}`, to: `samples/${s.file}` }));
}


/**
 * The page with the service worker's <script> first in its <head>, so the reload it may need comes
 * before the page starts its models. Relative src: the site works under any base path.
 */
export function withIsolationScript(html: string): string {
  const tag = `<script src="./${SERVICE_WORKER_FILE}"></script>`;
  if (html.includes(tag)) return html;
  const head = /<head[^>]*>/i.exec(html);
  if (!head) throw new Error('The page has no <head>: cannot add the isolation service worker');
  const at = head.index + head[0].length;
  return `${html.slice(0, at)}\n  ${tag}${html.slice(at)}`;
}

/** NOTICE.txt at the site's root: what the folder is for, each model's licence, the photos' origin. */
export function noticeText(models: readonly ModelSpec[], samples: readonly SampleSource[]): string {
  const lines = [
    'facekit demo site, built by `pnpm build:site`: for local or private static hosting of this demo.',
    '',
    'Models (models/), each under its own licence:',
    ...models.map((m) => `- ${m.file} (${m.id}): ${m.licence.id}${m.licence.commercialUse ? '' : ` — ${m.licence.note}`}`),
    '',
  ];
  if (samples.length) {
    lines.push(
      'Sample photos (samples/): copies of test photos redistributed in public GitHub repositories;',
      'copyright belongs to their photographers and subjects. For testing only: do not republish them',
      '(build a public site with `pnpm build:site --no-samples`).',
      ...samples.map((s) => `- ${s.file}: ${s.credit}`),
      '',
    );
  }
  return lines.join('\n');
}
