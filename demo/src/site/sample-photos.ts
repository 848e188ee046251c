// The Photo page's sample photos: which (sample-photos.json), and the samples.json that lists
// them. The list is data, not code, because vite.config.ts reads it too, to serve the same samples
// on the dev and preview servers.
import { readFileSync } from 'node:fs';

/** A sample photo: copied from `from` (relative to shared/data) to samples/<file>. */
export interface SampleSource { from: string; file: string; label: string; credit: string }

/**
 * Three photos that show what the Photo page does: a group, an eye state, a presentation attack.
 * From shared/data/images (its MANIFEST.md: internal testing only, not to be republished), so they
 * are copied at build time, never committed, and `--no-samples` leaves them out of a public site.
 */
export const SAMPLE_PHOTOS: readonly SampleSource[] = JSON.parse(readFileSync(new URL('./sample-photos.json', import.meta.url), 'utf8')) as SampleSource[];

/** samples/samples.json, which the Photo page reads (demo/src/samples.ts). */
export function samplesManifest(samples: readonly SampleSource[] = SAMPLE_PHOTOS): string {
  return `${JSON.stringify({ samples: samples.map(({ file, label, credit }) => ({ file, label, credit })) }, null, 2)}\n`;
}
