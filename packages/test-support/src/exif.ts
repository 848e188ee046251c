// EXIF orientation for Node decoding: browsers apply the tag when decoding (createImageBitmap's
// default `imageOrientation: 'from-image'`), jpeg-js does not, so Node evaluations apply it here.
import { readFileSync } from 'node:fs';
import { decodeImageFile, type RgbaImage } from './node.js';

/** The EXIF orientation (1–8) of a JPEG's bytes (APP1 "Exif" → TIFF IFD0 tag 0x0112); 1 for anything else. */
export function jpegOrientation(bytes: Uint8Array): number {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return 1;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let p = 2; p + 4 <= bytes.length;) {
    if (bytes[p] !== 0xff) return 1;
    const marker = bytes[p + 1]!;
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) { p += 2; continue; }
    if (marker === 0xda || marker === 0xd9) return 1; // pixels start: no EXIF before them
    const length = view.getUint16(p + 2);
    if (marker === 0xe1 && p + 18 <= bytes.length && view.getUint32(p + 4) === 0x45786966 && view.getUint16(p + 8) === 0) {
      const tiff = p + 10;
      const le = view.getUint16(tiff) === 0x4949;
      const ifd = tiff + view.getUint32(tiff + 4, le);
      if (ifd + 2 > bytes.length) return 1;
      const count = view.getUint16(ifd, le);
      for (let i = 0; i < count && ifd + 14 + 12 * i <= bytes.length; i++) {
        const e = ifd + 2 + 12 * i;
        if (view.getUint16(e, le) === 0x0112) {
          const o = view.getUint16(e + 8, le);
          return o >= 1 && o <= 8 ? o : 1;
        }
      }
      return 1;
    }
    p += 2 + length;
  }
  return 1;
}

/** The image as displayed under EXIF `orientation` (1–8): rotated and/or mirrored. */
export function applyOrientation(image: RgbaImage, orientation: number): RgbaImage {
  if (orientation <= 1 || orientation > 8) return image;
  const { width: w, height: h, data } = image;
  const swap = orientation >= 5;
  const ow = swap ? h : w, oh = swap ? w : h;
  // Display pixel (x, y) ← stored pixel at (sx, sy).
  const at: Record<number, (x: number, y: number) => [number, number]> = {
    2: (x, y) => [w - 1 - x, y],
    3: (x, y) => [w - 1 - x, h - 1 - y],
    4: (x, y) => [x, h - 1 - y],
    5: (x, y) => [y, x],
    6: (x, y) => [y, h - 1 - x],
    7: (x, y) => [w - 1 - y, h - 1 - x],
    8: (x, y) => [w - 1 - y, x],
  };
  const map = at[orientation]!;
  const out = new Uint8ClampedArray(ow * oh * 4);
  for (let y = 0, o = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++, o += 4) {
      const [sx, sy] = map(x, y);
      const s = (sy * w + sx) * 4;
      out[o] = data[s]!; out[o + 1] = data[s + 1]!; out[o + 2] = data[s + 2]!; out[o + 3] = data[s + 3]!;
    }
  }
  return { data: out, width: ow, height: oh };
}

/** `decodeImageFile` with the EXIF orientation applied, as a browser decodes the file. */
export function decodeImageFileOriented(path: string): RgbaImage & { orientation: number } {
  const orientation = jpegOrientation(readFileSync(path));
  return { ...applyOrientation(decodeImageFile(path), orientation), orientation };
}
