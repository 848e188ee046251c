// Exposes the real facekit module to Playwright (e2e tests, eval:detect, bench).
import * as facekit from 'facekit';

declare global {
  interface Window {
    facekit: typeof facekit;
    harnessReady: boolean;
    /** Fetches an image URL as a Blob. */
    fetchBlob(url: string): Promise<Blob>;
    /** Loads an image URL into a decoded HTMLImageElement. */
    loadImage(url: string): Promise<HTMLImageElement>;
  }
}

window.facekit = facekit;
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
window.harnessReady = true;
