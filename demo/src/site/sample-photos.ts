// The Photo page's sample photos: which, and the samples.json that lists them. Its own module,
// free of workspace imports, because vite.config.ts serves the same samples on the dev and
// preview servers (and Vite loads its config without resolving workspace TypeScript).

/** A sample photo: copied from `from` (relative to shared/data) to samples/<file>. */
export interface SampleSource { from: string; file: string; label: string; credit: string }

/**
 * Three photos that show what the Photo page does: a group, an eye state, a presentation attack.
 * From shared/data/images (its MANIFEST.md: internal testing only, not to be republished), so they
 * are copied at build time, never committed, and `--no-samples` leaves them out of a public site.
 */
export const SAMPLE_PHOTOS: readonly SampleSource[] = [
  { from: 'images/insightface/t1.jpg', file: 'group.jpg', label: 'A group of six', credit: 'InsightFace demo image (deepinsight/insightface)' },
  { from: 'images/faceonnx/landmarks/eyes_closed_open.jpg', file: 'wink.jpg', label: 'A wink', credit: 'FaceONNX examples (FaceONNX/FaceONNX)' },
  { from: 'images/ppu_uniface/image-fake1.jpg', file: 'phone-screen.jpg', label: 'A face on a phone screen (try Liveness)', credit: 'ppu-uniface assets (PT-Perkasa-Pilar-Utama/ppu-uniface)' },
];

/** samples/samples.json, which the Photo page reads (demo/src/samples.ts). */
export function samplesManifest(samples: readonly SampleSource[] = SAMPLE_PHOTOS): string {
  return `${JSON.stringify({ samples: samples.map(({ file, label, credit }) => ({ file, label, credit })) }, null, 2)}\n`;
}
