// Embeds LFW-style images with the real SDK in headless Chromium (one face per image: the
// detected face nearest the centre, as LFW images are centred on their subject).
import type { Page } from '@playwright/test';

export interface EmbedImagesOptions {
  recognizer: string;
  detector: string;
  flip: boolean;
  /** Detector input size. @defaultValue 640 */
  inputSize?: number;
  /** Called every 50 images. */
  onProgress?: (done: number, total: number) => void;
}

/** Embeddings by relative path; null where no face was found (after the tight-crop retry). */
export async function embedImages(page: Page, relPaths: readonly string[], o: EmbedImagesOptions): Promise<Map<string, Float32Array | null>> {
  await page.evaluate(async ({ recognizer, detector }) => {
    (window as unknown as { kit: unknown }).kit = await window.facekit.createFaceKit({ recognizer, detector, preloadRecognizer: true });
  }, { recognizer: o.recognizer, detector: o.detector });
  const out = new Map<string, Float32Array | null>();
  const chunk = 50;
  for (let i = 0; i < relPaths.length; i += chunk) {
    const batch = relPaths.slice(i, i + chunk);
    const result: (number[] | null)[] = await page.evaluate(async ({ paths, flip, inputSize }) => {
      const kit = (window as unknown as { kit: Awaited<ReturnType<typeof window.facekit.createFaceKit>> }).kit;
      const res: (number[] | null)[] = [];
      for (const p of paths) {
        let a;
        try {
          a = await kit.analyze(await window.fetchBlob(`/__data/${p.split('/').map(encodeURIComponent).join('/')}`), { flip, inputSize });
        } catch (e) {
          console.error(`${p}: ${(e as Error).message}`); // unreadable or missing: no face
          res.push(null);
          continue;
        }
        const best = window.centralFace(a.faces, a.width, a.height);
        res.push(best ? Array.from(best.embedding) : null);
      }
      return res;
    }, { paths: batch, flip: o.flip, inputSize: o.inputSize ?? 640 });
    batch.forEach((p, k) => out.set(p, result[k] ? Float32Array.from(result[k]!) : null));
    o.onProgress?.(Math.min(i + chunk, relPaths.length), relPaths.length);
  }
  await page.evaluate(async () => {
    await (window as unknown as { kit: { dispose(): Promise<void> } }).kit.dispose();
  });
  return out;
}

export function cosine(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s; // both L2-normalised
}
