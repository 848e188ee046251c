// Exposes the real facekit module to Playwright (e2e tests, eval:detect, bench).
import * as facekit from 'facekit';
import { de } from 'facekit/locales/de';

declare global {
  interface Window {
    facekit: typeof facekit;
    /** The shipped locales of <facekit-verify>, by language. */
    facekitLocales: { de: typeof de };
    harnessReady: boolean;
    /** Fetches an image URL as a Blob. */
    fetchBlob(url: string): Promise<Blob>;
    /** Loads an image URL into a decoded HTMLImageElement. */
    loadImage(url: string): Promise<HTMLImageElement>;
    /** The face nearest the image centre (LFW-style images are centred on their subject). */
    centralFace<F extends { box: [number, number, number, number] }>(faces: readonly F[], width: number, height: number): F | undefined;
    /** The browser's own decode of an image (as facekit's worker sees it), as base64 RGBA. */
    decodeToRgba(blob: Blob): Promise<{ rgba: string; width: number; height: number }>;
  }
}

window.facekit = facekit;
window.facekitLocales = { de };
window.fetchBlob = async (url) => {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`HTTP ${res.status} for ${url}`);
  return res.blob();
};
window.loadImage = async (url) => {
  const img = new Image();
  img.src = url;
  await img.decode();
  return img;
};
window.centralFace = (faces, width, height) => {
  let best: (typeof faces)[number] | undefined, bestD = Infinity;
  for (const f of faces) {
    const d = Math.hypot((f.box[0] + f.box[2]) / 2 - width / 2, (f.box[1] + f.box[3]) / 2 - height / 2);
    if (d < bestD) { bestD = d; best = f; }
  }
  return best;
};
window.decodeToRgba = async (blob) => {
  const bmp = await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  const ctx = new OffscreenCanvas(bmp.width, bmp.height).getContext('2d')!;
  ctx.drawImage(bmp, 0, 0);
  const bytes = ctx.getImageData(0, 0, bmp.width, bmp.height).data;
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  const out = { rgba: btoa(bin), width: bmp.width, height: bmp.height };
  bmp.close();
  return out;
};
window.harnessReady = true;
