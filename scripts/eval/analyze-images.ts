// Attributes of the face nearest the centre of each image, by the real SDK in headless Chromium
// (shared by eval-attributes and eval-age).
import type { Page } from '@playwright/test';

export type Kind = 'age' | 'gender' | 'expression' | 'pose' | 'eyes' | 'landmarks';
export interface FaceOut {
  faces: number;
  age?: number; gender?: { label: string; probability: number };
  expression?: { label: string; probability: number };
  pose?: { yaw: number; pitch: number; roll: number }; keypointPose?: { yaw: number; pitch: number; roll: number };
  eyes?: { left: number; right: number }; landmarkError?: number;
  embedding?: number[];
}

export interface AnalyzeOptions {
  /** Passed to createFaceKit (e.g. { gender: 'fr_gender' }). */
  attributeModels?: Record<string, string>;
  /** Also return the face's embedding. */
  embedding?: boolean;
  /** Passed to createFaceKit. @defaultValue true */
  genderHead?: boolean;
}

/** Attributes of the face nearest the centre of each image; null when none was found. */
export async function analyzeImages(page: Page, detector: string, paths: readonly string[], kinds: Kind[], onProgress: (done: number) => void, o: AnalyzeOptions = {}): Promise<(FaceOut | null)[]> {
  await page.evaluate(async ({ detector, attributeModels, genderHead }) => {
    (window as unknown as { kit: unknown }).kit = await window.facekit.createFaceKit({ detector, genderHead, ...(attributeModels ? { attributeModels } : {}) });
  }, { detector, attributeModels: o.attributeModels, genderHead: o.genderHead ?? true });
  const out: (FaceOut | null)[] = [];
  for (let i = 0; i < paths.length; i += 25) {
    const batch = paths.slice(i, i + 25);
    out.push(...await page.evaluate(async ({ paths, kinds, embedding }) => {
      const kit = (window as unknown as { kit: Awaited<ReturnType<typeof window.facekit.createFaceKit>> }).kit;
      const res: (FaceOut | null)[] = [];
      for (const p of paths) {
        let a;
        try {
          a = await kit.analyze(await window.fetchBlob(`/__data/${p.split('/').map(encodeURIComponent).join('/')}`), { attributes: kinds });
        } catch (e) {
          console.error(`${p}: ${(e as Error).message}`);
          res.push(null);
          continue;
        }
        const best = window.centralFace(a.faces, a.width, a.height);
        if (!best) { res.push(null); continue; }
        const at = best.attributes ?? {};
        const r: FaceOut = { faces: a.faces.length };
        if (at.age !== undefined) r.age = at.age;
        if (at.gender) r.gender = at.gender;
        if (at.expression) r.expression = { label: at.expression.label, probability: at.expression.probability };
        if (at.pose) r.pose = at.pose;
        if (at.eyes) r.eyes = at.eyes;
        if (at.landmarks) r.landmarkError = window.facekit.keypointAgreement(window.facekit.keypointsFrom68(at.landmarks), best.keypoints);
        r.keypointPose = window.facekit.headPoseFromKeypoints(best.keypoints);
        if (embedding) r.embedding = Array.from(best.embedding);
        res.push(r);
      }
      return res;
    }, { paths: batch, kinds, embedding: o.embedding ?? false }));
    onProgress(Math.min(i + 25, paths.length));
  }
  await page.evaluate(async () => { await (window as unknown as { kit: { dispose(): Promise<void> } }).kit.dispose(); });
  return out;
}

