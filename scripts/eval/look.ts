// Still-image TAR (analyze at 640 on the original photo, flip test) on the pairs eval:live decided.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MODELS } from '../../packages/core/src/registry/models.js';
import { thresholdFor } from '../../packages/core/src/match/thresholds.js';
import { mainFaceIndex } from '../../packages/core/src/quality/quality-gate.js';
import { createNodeDetector, createNodeRecognizer, decodeImageFile, SHARED_DIR } from '../../packages/core/test-support/node.js';
import { collectGateFeatures } from './gate-features.js';
const { results } = JSON.parse(readFileSync('.cache/eval/live-300.json', 'utf8')) as { results: { motion: string; same: boolean; a: string; b: string; verify?: { ok: boolean; isMatch?: boolean } }[] };
const det = await createNodeDetector(MODELS.det_500m, 2), rec = await createNodeRecognizer(MODELS.fr_feature, 2);
const cache = new Map<string, Float32Array>();
const emb = async (img: string) => {
  let e = cache.get(img); if (e) return e;
  const im = decodeImageFile(join(SHARED_DIR, 'data/lfw-dev/images', img));
  const faces = (await det.detect(im)).faces; const m = mainFaceIndex(faces, im);
  e = (await rec.embedFaces(im, [faces[m]!], true)).embeddings[0]!; cache.set(img, e); return e;
};
const t = thresholdFor('fr_feature', 1e-4, true);
const gate = await collectGateFeatures();
for (const motion of ['still', 'motion']) {
  const rs = results.filter((r) => r.motion === motion && r.same);
  const decided = rs.filter((r) => r.verify?.ok);
  let still = 0, stillAll = 0, frame = 0;
  for (const r of decided) { const [a, b] = [await emb(r.a), await emb(r.b)]; let d = 0; for (let i = 0; i < a.length; i++) d += a[i]! * b[i]!; if (d >= t) still++; }
  for (const r of rs) { const [a, b] = [await emb(r.a), await emb(r.b)]; let d = 0; for (let i = 0; i < a.length; i++) d += a[i]! * b[i]!; if (d >= t) stillAll++; }
  for (const r of decided) { const a = gate.get(r.a)!.embedding!, b = gate.get(r.b)!.embedding!; if (a.reduce((s, v, i) => s + v * b[i]!, 0) >= t) frame++; }
  console.log(motion, 'live TAR', (100 * decided.filter((r) => r.verify!.isMatch).length / decided.length).toFixed(1), '| still-image (640, original photo) on the same decided pairs', (100 * still / decided.length).toFixed(1), 'on all', rs.length, 'same pairs', (100 * stillAll / rs.length).toFixed(1), '| one camera frame (320 pass)', (100 * frame / decided.length).toFixed(1));
}
await det.release(); await rec.release();
