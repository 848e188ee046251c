// Calibrates verify() thresholds of a recognizer on an LFW-format image folder: every image
// embedded by the real SDK in headless Chromium, genuine = all same-name pairs, impostor = all
// different-name pairs; threshold at FAR f = the smallest similarity that at most a fraction f
// of impostor pairs reach. Prints the numbers for packages/core/src/match/thresholds.ts.
//   pnpm calibrate:verify -- [--images ../shared/data/lfw-dev/images] [--model fr_feature]
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { tarAtFar } from '@facekit/core';
import { SHARED_DIR } from '@facekit/test-support/config';
import { openBrowserSession, parseArgs } from '@facekit/test-support/browser-session';
import { cosine, embedImages } from './lfw-embeddings.js';

const args = parseArgs(process.argv.slice(2));
const imagesDir = resolve(String(args.get('images') ?? resolve(SHARED_DIR, 'data/lfw-dev/images')));
const model = String(args.get('model') ?? 'fr_feature');
const images = readdirSync(imagesDir).sort().flatMap((name) => readdirSync(resolve(imagesDir, name)).sort().map((f) => `${name}/${f}`));
const fars = [1e-2, 1e-3, 1e-4];

const session = await openBrowserSession({ dataDir: imagesDir });
const result: Record<string, unknown> = { model, images: images.length };
try {
  for (const flip of [false, true]) {
    const emb = await embedImages(session.page, images, { recognizer: model, detector: 'det_500m', flip, onProgress: (d, t) => process.stderr.write(`\rflip=${flip}: ${d}/${t}`) });
    process.stderr.write('\n');
    const ok = images.filter((p) => emb.get(p));
    const genuine: number[] = [], impostor: number[] = [];
    for (let i = 0; i < ok.length; i++) for (let j = i + 1; j < ok.length; j++) {
      const same = ok[i]!.split('/')[0] === ok[j]!.split('/')[0];
      (same ? genuine : impostor).push(cosine(emb.get(ok[i]!)!, emb.get(ok[j]!)!));
    }
    const thresholds = Object.fromEntries(fars.map((f) => {
      const t = tarAtFar(genuine, impostor, f);
      console.log(`flip=${flip} FAR ${f.toExponential()}: threshold ${t.threshold.toFixed(4)}, TAR ${(100 * t.tar).toFixed(2)} % (achieved FAR ${t.far.toExponential(2)})`);
      return [f.toExponential(), Number(t.threshold.toFixed(4))];
    }));
    result[flip ? 'flip' : 'plain'] = { thresholds, genuinePairs: genuine.length, impostorPairs: impostor.length, missing: images.length - ok.length };
  }
} finally {
  await session.close();
}
console.log(JSON.stringify(result));
