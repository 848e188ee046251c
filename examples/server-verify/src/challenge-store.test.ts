import { describe, expect, it } from 'vitest';
import { createChallengeStore } from './challenge-store.js';

describe('createChallengeStore', () => {
  it('a nonce verifies once, for its id, from its address and session only; each refusal uses it up', () => {
    const s = createChallengeStore();
    const c = s.issue('ann', '10.0.0.1', 'cookie-a');
    if (typeof c === 'string') throw new Error(c);
    expect(c.nonce).toMatch(/^[\w-]{43}$/);
    expect([['left', 'right'], ['right', 'left']]).toContainEqual(c.turns);
    expect(s.consume(c.nonce, 'ann', '10.0.0.1', 'cookie-a')).toEqual({ ok: true, challenge: c });
    expect(s.consume(c.nonce, 'ann', '10.0.0.1', 'cookie-a')).toEqual({ ok: false, why: 'unknown' });
    const cases = [['bob', '10.0.0.1', 'cookie-a', 'other-id'], ['ann', '10.0.0.2', 'cookie-a', 'other-client'], ['ann', '10.0.0.1', 'cookie-b', 'other-client']] as const;
    for (const [id, address, session, why] of cases) {
      const n = s.issue('ann', '10.0.0.1', 'cookie-a');
      if (typeof n === 'string') throw new Error(n);
      expect(s.consume(n.nonce, id, address, session)).toEqual({ ok: false, why });
      expect(s.consume(n.nonce, 'ann', '10.0.0.1', 'cookie-a')).toEqual({ ok: false, why: 'unknown' });
    }
    expect(s.size).toBe(0);
  });

  it('both turn orders come up', () => {
    const s = createChallengeStore({ perClient: 100 });
    const seen = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const c = s.issue('ann', 'a', 's');
      if (typeof c !== 'string') seen.add(c.turns.join());
    }
    expect([...seen].sort()).toEqual(['left,right', 'right,left']);
  });

  it('expires after ttlMs, and an expired challenge frees its place', () => {
    let t = 0;
    const s = createChallengeStore({ ttlMs: 1000, perClient: 1, now: () => t });
    const c = s.issue('ann', 'a', 's');
    if (typeof c === 'string') throw new Error(c);
    expect(c.expiresAt).toBe(1000);
    expect(s.issue('ann', 'a', 's')).toBe('client-full');
    t = 1000;
    expect(s.consume(c.nonce, 'ann', 'a', 's')).toEqual({ ok: false, why: 'expired' });
    const d = s.issue('ann', 'a', 's');
    t = 2500;
    expect(typeof s.issue('ann', 'a', 's')).toBe('object');
    expect(typeof d).toBe('object');
  });

  it('caps open challenges per address (whatever the session) and in all', () => {
    const s = createChallengeStore({ perClient: 2, max: 3 });
    expect(typeof s.issue('ann', 'a', 's1')).toBe('object');
    expect(typeof s.issue('ann', 'a', 's2')).toBe('object');
    expect(s.issue('ann', 'a', 's3')).toBe('client-full');
    expect(typeof s.issue('bob', 'b', 's')).toBe('object');
    expect(s.issue('cid', 'c', 's')).toBe('full');
  });

  it('holds: whether an address and session hold a live challenge (not another session, not once used or expired)', () => {
    let t = 0;
    const s = createChallengeStore({ ttlMs: 1000, now: () => t });
    expect(s.holds('a', 's')).toBe(false);
    const c = s.issue('ann', 'a', 's');
    const d = s.issue('ann', 'a', 's');
    if (typeof c === 'string' || typeof d === 'string') throw new Error('full');
    expect([s.holds('a', 's'), s.holds('a', 'other'), s.holds('b', 's')]).toEqual([true, false, false]);
    s.consume(c.nonce, 'ann', 'a', 's');
    expect(s.holds('a', 's')).toBe(true);
    t = 1000;
    expect(s.holds('a', 's')).toBe(false);
  });
});
