import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.js';
import { fitInputToStride, planLetterbox, roundToStride } from './letterbox.js';

describe('planLetterbox', () => {
  it('fits a landscape image to the width, top-left', () => {
    const p = planLetterbox(1280, 886, 640, 640);
    expect(p.drawWidth).toBe(640);
    expect(p.drawHeight).toBe(443);
    expect(p.scaleX).toBeCloseTo(0.5, 12);
    expect(p.scaleY).toBeCloseTo(443 / 886, 12);
  });
  it('fits a portrait image to the height', () => {
    const p = planLetterbox(250, 352, 640, 640);
    expect(p.drawHeight).toBe(640);
    expect(p.drawWidth).toBe(Math.floor((640 * 250) / 352));
  });
  it('shrinks into a fraction of the input for the tight-crop retry', () => {
    const p = planLetterbox(250, 250, 640, 640, 0.5);
    expect([p.drawWidth, p.drawHeight]).toEqual([320, 320]);
  });
  it('rejects empty images', () => {
    expect(() => planLetterbox(0, 10, 640, 640)).toThrow(InvalidInputError);
  });
  it('cuts the input down to the drawn area rounded up to the stride, same placement', () => {
    const p = fitInputToStride(planLetterbox(1280, 886, 640, 640), 32);
    expect([p.inputWidth, p.inputHeight, p.drawWidth, p.drawHeight]).toEqual([640, 448, 640, 443]);
    expect(p.scaleX).toBeCloseTo(0.5, 12);
    const q = fitInputToStride(planLetterbox(640, 480, 640, 640), 32);
    expect([q.inputWidth, q.inputHeight]).toEqual([640, 480]);
    const tiny = fitInputToStride(planLetterbox(1000, 10, 640, 640), 32);
    expect([tiny.inputWidth, tiny.inputHeight]).toEqual([640, 32]);
  });
  it('rounds to stride', () => {
    expect(roundToStride(500, 32)).toBe(512);
    expect(roundToStride(10, 32)).toBe(32);
  });
});
