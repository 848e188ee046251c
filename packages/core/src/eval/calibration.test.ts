import { describe, expect, it } from 'vitest';
import { expectedCalibrationError } from './calibration.js';

describe('expectedCalibrationError', () => {
  it('is 0 when each bin is right as often as it claims, and the gap otherwise', () => {
    // Ten readings at 0.8 confidence, eight right: calibrated.
    const conf = Array(10).fill(0.8);
    expect(expectedCalibrationError(conf, [...Array(8).fill(true), false, false])).toBeCloseTo(0, 10);
    // The same readings all wrong: off by 0.8.
    expect(expectedCalibrationError(conf, Array(10).fill(false))).toBeCloseTo(0.8, 10);
  });
  it('weighs each bin by its share of samples', () => {
    // Half at 0.95 (all right: gap 0.05), half at 0.55 (all right: gap 0.45) → 0.25.
    expect(expectedCalibrationError([0.95, 0.95, 0.55, 0.55], [true, true, true, true])).toBeCloseTo(0.25, 10);
    expect(expectedCalibrationError([], [])).toBeNaN();
  });
});
