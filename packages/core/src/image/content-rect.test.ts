import { describe, expect, it } from 'vitest';
import { findContentRect } from './content-rect.js';

/** A w×h RGBA frame: `pixel(x, y)` gives each pixel's RGB. */
function frame(w: number, h: number, pixel: (x: number, y: number) => [number, number, number]) {
  const data = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set([...pixel(x, y), 255], (y * w + x) * 4);
  return {
    width: w, height: h,
    read: (r: { x: number; y: number; width: number; height: number }) => {
      const out = new Uint8ClampedArray(r.width * r.height * 4);
      for (let y = 0; y < r.height; y++) out.set(data.subarray(((r.y + y) * w + r.x) * 4, ((r.y + y) * w + r.x + r.width) * 4), y * r.width * 4);
      return out;
    },
  };
}
/** Noise-like picture content, never equal along a line. */
const texture = (x: number, y: number): [number, number, number] => [(x * 37 + y * 91) % 200 + 20, (x * 13 + y * 7) % 180 + 30, (x * 5 + y * 29) % 160 + 40];

describe('findContentRect', () => {
  it('finds pillarbox bars of any colour (grey, black, white) around a picture', async () => {
    for (const bar of [[128, 128, 128], [0, 0, 0], [255, 255, 255]] as [number, number, number][]) {
      const f = frame(640, 480, (x, y) => (x < 140 || x >= 500 ? bar : texture(x, y)));
      expect(await findContentRect(f)).toEqual({ x: 140, y: 0, width: 360, height: 480 });
    }
  });

  it('finds letterbox bars top and bottom, and bars of slightly noisy compressed colour', async () => {
    const f = frame(640, 480, (x, y) => (y < 60 || y >= 420 ? [16 + ((x + y) % 3), 16, 17] : texture(x, y)));
    expect(await findContentRect(f)).toEqual({ x: 0, y: 60, width: 640, height: 360 });
  });

  it('reads a frame with no bars, or with a dark region that is not a full-height bar, as all picture', async () => {
    expect(await findContentRect(frame(320, 240, texture))).toEqual({ x: 0, y: 0, width: 320, height: 240 });
    // A black wall at the left of the upper half only (a real scene): no bar.
    const wall = frame(320, 240, (x, y) => (x < 80 && y < 120 ? [0, 0, 0] : texture(x, y)));
    expect(await findContentRect(wall)).toEqual({ x: 0, y: 0, width: 320, height: 240 });
  });

  it('ignores a sliver under 2 % and bars that would leave under a quarter of the frame', async () => {
    expect(await findContentRect(frame(640, 480, (x, y) => (x < 6 ? [0, 0, 0] : texture(x, y))))).toEqual({ x: 0, y: 0, width: 640, height: 480 });
    expect(await findContentRect(frame(200, 100, (x, y) => (x < 90 || x >= 130 ? [9, 9, 9] : texture(x, y))))).toEqual({ x: 0, y: 0, width: 200, height: 100 });
    // A uniform frame is one colour, not bars.
    expect(await findContentRect(frame(64, 48, () => [128, 128, 128]))).toEqual({ x: 0, y: 0, width: 64, height: 48 });
  });
});
