import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IMAGES_DIR } from '@facekit/test-support/node';
import { encodedImageSize } from './encoded-size.js';

describe('encodedImageSize', () => {
  it('reads the size of real JPEG and PNG files (JPEG frame header after EXIF/ICC segments)', () => {
    const cases: [string, string, number, number][] = [
      ['insightface/t1.jpg', 'jpeg', 1280, 886],
      ['faceonnx/verification/brad_1.jpg', 'jpeg', 660, 660],
      ['ppu_uniface/image-fake1.jpg', 'jpeg', 640, 480],
      ['ppu_uniface/image-kevin1.png', 'png', 0, 0],
    ];
    for (const [file, format, w, h] of cases) {
      const size = encodedImageSize(new Uint8Array(readFileSync(join(IMAGES_DIR, file))));
      expect(size?.format, file).toBe(format);
      if (w) expect(size, file).toMatchObject({ width: w, height: h });
      else expect(size!.width * size!.height, file).toBeGreaterThan(0);
    }
  });

  it('reads hand-made GIF, WebP (VP8X, VP8L) and BMP headers, and a huge PNG header', () => {
    const bytes = (...parts: (number[] | string)[]) => new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));
    expect(encodedImageSize(bytes('GIF89a', [0x20, 0x03, 0x58, 0x02]))).toEqual({ format: 'gif', width: 800, height: 600 });
    // VP8X: 24-bit width-1 and height-1 at 24 and 27.
    expect(encodedImageSize(bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8X', [10, 0, 0, 0, 0, 0, 0, 0], [0x1f, 0x03, 0x00], [0x57, 0x02, 0x00]))).toEqual({ format: 'webp', width: 800, height: 600 });
    // VP8L: 14-bit width-1, 14-bit height-1 after the 0x2f signature.
    const w = 799, h = 599, bits = w | (h << 14);
    expect(encodedImageSize(bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8L', [0, 0, 0, 0], [0x2f], [bits & 255, (bits >> 8) & 255, (bits >> 16) & 255, (bits >>> 24) & 255], [0, 0, 0, 0, 0]))).toEqual({ format: 'webp', width: 800, height: 600 });
    const bmp = new Uint8Array(30); bmp.set([0x42, 0x4d]); new DataView(bmp.buffer).setInt32(18, 640, true); new DataView(bmp.buffer).setInt32(22, -480, true);
    expect(encodedImageSize(bmp)).toEqual({ format: 'bmp', width: 640, height: 480 });
    const png = new Uint8Array(24); png.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
    new DataView(png.buffer).setUint32(16, 20_000); new DataView(png.buffer).setUint32(20, 20_000);
    expect(encodedImageSize(png)).toEqual({ format: 'png', width: 20_000, height: 20_000 });
  });

  it('gives undefined for unknown formats, empty input and headers cut short', () => {
    const jpeg = new Uint8Array(readFileSync(join(IMAGES_DIR, 'insightface/t1.jpg')));
    expect(encodedImageSize(new Uint8Array())).toBeUndefined();
    expect(encodedImageSize(new TextEncoder().encode('not an image at all'))).toBeUndefined();
    expect(encodedImageSize(jpeg.subarray(0, 40))).toBeUndefined();
    expect(encodedImageSize(new Uint8Array([0xff, 0xd8, 0x00, 0x10, 0, 0, 0, 0, 0, 0, 0, 0]))).toBeUndefined();
  });
});
