import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from './sha256.js';

describe('sha256Hex', () => {
  it('matches node:crypto on edge lengths and random data', () => {
    for (const n of [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000, 100_003]) {
      const data = new Uint8Array(randomBytes(n));
      expect(sha256Hex(data)).toBe(createHash('sha256').update(data).digest('hex'));
    }
  });
  it('hashes a subarray view, not its whole buffer', () => {
    const buf = new Uint8Array(randomBytes(300));
    const view = buf.subarray(17, 217);
    expect(sha256Hex(view)).toBe(createHash('sha256').update(view).digest('hex'));
  });
});
