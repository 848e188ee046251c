import { InvalidOptionError } from '../errors.js';
import { describeValue } from './describe.js';

/**
 * An integer option checked against its range: undefined when not given (the caller applies
 * its default: `intOption(o.workers, 'workers', { max: 64 }) ?? 1`), the value when it is an
 * integer in [min, max], else an InvalidOptionError naming the option and its range.
 * @defaultValue min 1, max Infinity
 */
export function intOption(value: unknown, name: string, range: { min?: number; max?: number } = {}): number | undefined {
  if (value === undefined) return undefined;
  const { min = 1, max = Infinity } = range;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const span = max === Infinity ? `≥ ${min}` : `from ${min} to ${max}`;
    throw new InvalidOptionError(`${name} must be an integer ${span}, got ${describeValue(value)}.`);
  }
  return value;
}
