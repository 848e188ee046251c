import { describe, expect, it } from 'vitest';
import { CALIBRATIONS, DEFAULT_FAR, thresholdFor } from './thresholds.js';

describe('thresholdFor', () => {
  it('returns the calibrated thresholds, stricter at lower FAR', () => {
    expect(thresholdFor('fr_feature', 1e-2)).toBe(CALIBRATIONS.fr_feature!.thresholds['1e-2']);
    expect(thresholdFor('fr_feature', 0.001)).toBeGreaterThan(thresholdFor('fr_feature', 0.01));
    expect(thresholdFor('fr_feature')).toBe(thresholdFor('fr_feature', DEFAULT_FAR));
    expect(thresholdFor('fr_feature', 1e-3, true)).toBe(CALIBRATIONS.fr_feature!.flipThresholds['1e-3']);
  });
  it('says what is calibrated when asked for something that is not', () => {
    expect(() => thresholdFor('w600k_mbf')).toThrow(/no calibrated thresholds.*calibrated: fr_feature/);
    expect(() => thresholdFor('fr_feature', 1e-5)).toThrow(/calibrated FARs: 1e-2, 1e-3, 1e-4/);
  });
});
