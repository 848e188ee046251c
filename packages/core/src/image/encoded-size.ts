// The pixel size an encoded image declares in its header (PNG, JPEG, GIF, WebP, BMP), read from
// its first bytes without decoding: a 20,000 × 20,000 photo would need 1.6 GB as RGBA, and the
// browser tries to allocate that before it fails (or the tab dies). Callers check the size first.

import { InvalidInputError } from '../errors.js';

/**
 * The largest image facekit decodes: 64 megapixels (256 MB as RGBA). Larger ones are refused
 * before decoding, with a typed error; downscale them first (detection never needs more than
 * its 640-pixel input).
 */
export const MAX_IMAGE_PIXELS = 64_000_000;

/** The smallest side an image can have and still hold a detectable face (SCRFD finds faces from about 10 pixels). */
export const MIN_IMAGE_SIDE = 16;

/** Refuses an image larger than MAX_IMAGE_PIXELS or with a side under MIN_IMAGE_SIDE, naming its size. */
export function checkImageSize(width: number, height: number, what: string, maxPixels = MAX_IMAGE_PIXELS): void {
  if (Math.min(width, height) < MIN_IMAGE_SIDE) {
    throw new InvalidInputError(`${what} is ${width}×${height}: too small to hold a face (each side needs at least ${MIN_IMAGE_SIDE} pixels).`);
  }
  if (width * height > maxPixels) {
    throw new InvalidInputError(`${what} is ${width}×${height} (${Number((width * height / 1e6).toFixed(1))} megapixels); at most ${maxPixels / 1e6} megapixels are decoded here. Downscale it first (detection runs at 640 pixels).`);
  }
}

export interface EncodedSize { format: 'png' | 'jpeg' | 'gif' | 'webp' | 'bmp'; width: number; height: number }

/** Bytes to read for `encodedImageSize`: JPEG puts its frame header after the metadata segments. */
export const ENCODED_SIZE_PROBE_BYTES = 256 * 1024;

const u16be = (b: Uint8Array, i: number) => (b[i]! << 8) | b[i + 1]!;
const u16le = (b: Uint8Array, i: number) => b[i]! | (b[i + 1]! << 8);
const u24le = (b: Uint8Array, i: number) => b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16);
const u32be = (b: Uint8Array, i: number) => ((b[i]! << 24) >>> 0) + ((b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!);
const i32le = (b: Uint8Array, i: number) => b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24);
const ascii = (b: Uint8Array, i: number, n: number) => String.fromCharCode(...b.subarray(i, i + n));

function jpegSize(b: Uint8Array): EncodedSize | undefined {
  let i = 2;
  while (i + 9 < b.length) {
    if (b[i] !== 0xff) return undefined;
    const marker = b[i + 1]!;
    if (marker === 0xff) { i++; continue; } // fill byte
    // SOF0–SOF15 carry the frame size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but do not.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { format: 'jpeg', height: u16be(b, i + 5), width: u16be(b, i + 7) };
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) { i += 2; continue; } // no length
    i += 2 + u16be(b, i + 2);
  }
  return undefined;
}

/**
 * Width and height from the header of an encoded image; undefined when the format is not
 * recognised or the header is cut short (the decoder then decides).
 */
export function encodedImageSize(b: Uint8Array): EncodedSize | undefined {
  if (b.length >= 24 && b[0] === 0x89 && ascii(b, 1, 3) === 'PNG' && ascii(b, 12, 4) === 'IHDR') {
    return { format: 'png', width: u32be(b, 16), height: u32be(b, 20) };
  }
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8) return jpegSize(b);
  if (b.length >= 10 && ascii(b, 0, 4) === 'GIF8') return { format: 'gif', width: u16le(b, 6), height: u16le(b, 8) };
  if (b.length >= 30 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') {
    const chunk = ascii(b, 12, 4);
    if (chunk === 'VP8X') return { format: 'webp', width: u24le(b, 24) + 1, height: u24le(b, 27) + 1 };
    if (chunk === 'VP8 ') return { format: 'webp', width: u16le(b, 26) & 0x3fff, height: u16le(b, 28) & 0x3fff };
    if (chunk === 'VP8L') {
      const bits = b[21]! | (b[22]! << 8) | (b[23]! << 16) | (b[24]! << 24);
      return { format: 'webp', width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
    }
    return undefined;
  }
  if (b.length >= 26 && b[0] === 0x42 && b[1] === 0x4d) return { format: 'bmp', width: Math.abs(i32le(b, 18)), height: Math.abs(i32le(b, 22)) };
  return undefined;
}
