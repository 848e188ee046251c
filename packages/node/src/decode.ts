// Images in, RGBA out, with sharp (libvips). Decoded as the browser path does: EXIF orientation
// applied (createImageBitmap's default), colour profile ignored (`colorSpaceConversion: 'none'`).
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { ENCODED_SIZE_PROBE_BYTES, InvalidInputError, MAX_IMAGE_PIXELS, checkImageSize, encodedImageSize } from '@facekit/core';
import type { RgbaImage } from './pixels.js';

/** A file path, encoded bytes (JPEG, PNG, WebP, GIF, AVIF, TIFF), or decoded RGBA pixels. */
export type NodeImageInput = string | Uint8Array | RgbaImage;

const isRgba = (v: unknown): v is RgbaImage =>
  typeof v === 'object' && v !== null && 'data' in v && 'width' in v && 'height' in v && !(v instanceof Uint8Array);

export interface DecodeOptions {
  /** Most pixels an image may have; larger ones are refused from their header, before decoding. @defaultValue MAX_IMAGE_PIXELS (64 M) */
  maxPixels?: number;
}

export async function decodeImage(input: NodeImageInput, options: DecodeOptions = {}): Promise<RgbaImage> {
  const maxPixels = options.maxPixels ?? MAX_IMAGE_PIXELS;
  if (isRgba(input)) {
    const { width, height } = input;
    const data: unknown = input.data;
    const bytes = data instanceof Uint8ClampedArray || data instanceof Uint8Array ? data : undefined;
    if (!bytes || !Number.isInteger(width) || !Number.isInteger(height) || bytes.length !== width * height * 4) {
      throw new InvalidInputError(`An RGBA image needs data of width × height × 4 bytes (Uint8ClampedArray or Uint8Array); got ${bytes ? `${bytes.length} bytes` : 'no byte array'} for ${width}×${height}.`);
    }
    checkImageSize(width, height, 'The RGBA image', maxPixels);
    return { data: bytes instanceof Uint8ClampedArray ? bytes : new Uint8ClampedArray(bytes.buffer, bytes.byteOffset, bytes.length), width, height };
  }
  let bytes: Uint8Array;
  if (typeof input === 'string') {
    try {
      bytes = await readFile(input);
    } catch (e) {
      throw new InvalidInputError(`Could not read the image file ${input}: ${(e as Error).message}`, { cause: e });
    }
  } else if (input instanceof Uint8Array) {
    bytes = input;
  } else {
    throw new InvalidInputError(`Unsupported image input ${input === null ? 'null' : typeof input}; pass a file path, encoded bytes (Buffer/Uint8Array) or { data, width, height } RGBA.`);
  }
  const what = typeof input === 'string' ? `The image ${input}` : 'The image';
  if (bytes.length === 0) throw new InvalidInputError(`${what} is empty (0 bytes).`);
  // The declared size first: libvips would allocate all of a huge image before failing.
  const declared = encodedImageSize(bytes.subarray(0, ENCODED_SIZE_PROBE_BYTES));
  if (declared) checkImageSize(declared.width, declared.height, what, maxPixels);
  try {
    const { data, info } = await sharp(bytes, { ignoreIcc: true, failOn: 'error', limitInputPixels: maxPixels })
      .rotate() // EXIF orientation, as the browser's createImageBitmap applies it
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    checkImageSize(info.width, info.height, what, maxPixels);
    return { data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
  } catch (e) {
    if (e instanceof InvalidInputError) throw e;
    throw new InvalidInputError(`${what} could not be decoded: ${(e as Error).message}`, { cause: e });
  }
}
