import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../errors.js';
import { intOption } from './int-option.js';

describe('intOption', () => {
  it('passes integers in range through and leaves a missing option to the default', () => {
    expect(intOption(undefined, 'workers', { max: 64 }) ?? 1).toBe(1);
    expect(intOption(64, 'workers', { max: 64 })).toBe(64);
    expect(intOption(0, 'limit', { min: 0 })).toBe(0);
    expect(intOption(1e9, 'timeoutMs')).toBe(1e9);
  });

  it('refuses anything else with the option name and its range', () => {
    expect(() => intOption(65, 'workers', { max: 64 })).toThrow(new InvalidOptionError('workers must be an integer from 1 to 64, got 65.'));
    expect(() => intOption(0, 'k')).toThrow('k must be an integer ≥ 1, got 0.');
    expect(() => intOption(1.5, 'batch', { max: 10 })).toThrow(InvalidOptionError);
    expect(() => intOption(Number.NaN, 'batch')).toThrow('got NaN');
    expect(() => intOption('4', 'threads')).toThrow('got "4"');
  });
});
