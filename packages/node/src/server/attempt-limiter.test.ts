import { describe, expect, it } from 'vitest';
import { createAttemptLimiter } from './attempt-limiter.js';

describe('createAttemptLimiter', () => {
  it('backs off 1 s, 2 s, 4 s, 8 s, then locks out for 15 min, then 30 min', () => {
    let t = 0;
    const l = createAttemptLimiter({ now: () => t });
    expect(l.retryAfterMs('ann')).toBe(0);
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) { l.fail('ann'); waits.push(l.retryAfterMs('ann')); t += l.retryAfterMs('ann'); }
    expect(waits).toEqual([1000, 2000, 4000, 8000]);
    expect(l.lockedOut('ann')).toBe(false);
    l.fail('ann');
    expect(l.lockedOut('ann')).toBe(true);
    expect(l.retryAfterMs('ann')).toBe(900_000);
    t += 900_000;
    expect(l.lockedOut('ann')).toBe(false);
    for (let i = 0; i < 5; i++) { l.fail('ann'); t += 1; }
    expect(l.retryAfterMs('ann')).toBe(1_800_000 - 1);
    // Another key is not affected.
    expect(l.retryAfterMs('bob')).toBe(0);
  });

  it('the backoff is capped at the lockout when maxFailures is large', () => {
    let t = 0;
    const l = createAttemptLimiter({ now: () => t, maxFailures: 20 });
    const waits: number[] = [];
    for (let i = 0; i < 19; i++) { l.fail('ann'); waits.push(l.retryAfterMs('ann')); }
    expect(waits.slice(8, 11)).toEqual([256_000, 512_000, 900_000]);
    expect(Math.max(...waits)).toBe(900_000);
    expect(l.lockedOut('ann')).toBe(false);
    l.fail('ann');
    expect(l.lockedOut('ann')).toBe(true);
  });

  it('a success starts the key over; a key idle for forgetAfterMs starts over', () => {
    let t = 0;
    const l = createAttemptLimiter({ now: () => t, forgetAfterMs: 60_000 });
    l.fail('ann'); l.fail('ann');
    l.succeed('ann');
    expect(l.retryAfterMs('ann')).toBe(0);
    l.fail('ann'); l.fail('ann'); l.fail('ann');
    t += 60_001;
    l.fail('ann');
    expect(l.retryAfterMs('ann')).toBe(1000);
  });

  it('holds at most maxKeys keys, and refuses bad options', () => {
    const l = createAttemptLimiter({ maxKeys: 2 });
    l.fail('a'); l.fail('b'); l.fail('c');
    expect(l.size).toBe(2);
    expect(l.retryAfterMs('a')).toBe(0);
    expect(() => createAttemptLimiter({ maxFailures: 0 })).toThrow(/maxFailures/);
    expect(() => createAttemptLimiter({ lockoutMs: -1 })).toThrow(/lockoutMs/);
  });

  it('begin counts an attempt when it starts: a second one at once must wait, and is not counted', () => {
    let t = 0;
    const l = createAttemptLimiter({ now: () => t });
    // Ten attempts at the same instant (a burst from ten addresses): one starts.
    const waits = Array.from({ length: 10 }, () => l.begin('ann'));
    expect(waits).toEqual([0, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000]);
    // The attacker retries in bursts as soon as told: in the first 15 min five attempts start.
    let started = 1;
    for (;;) {
      const wait = Math.max(1, l.retryAfterMs('ann'));
      if (t + wait >= 900_000) break;
      t += wait;
      for (let i = 0; i < 10; i++) if (l.begin('ann') === 0) started++;
    }
    expect(started).toBe(5);
    expect(l.lockedOut('ann')).toBe(true);
    // A begun attempt that succeeds starts the key over.
    const m = createAttemptLimiter({ now: () => t });
    expect(m.begin('bob')).toBe(0);
    m.succeed('bob');
    expect(m.begin('bob')).toBe(0);
  });

  it('a failure never shortens a lockout, and a key is not forgotten while it waits', () => {
    let t = 0;
    const l = createAttemptLimiter({ now: () => t, forgetAfterMs: 60_000 });
    for (let i = 0; i < 5; i++) l.fail('ann');
    expect(l.retryAfterMs('ann')).toBe(900_000);
    t += 120_000; // past forgetAfterMs, still locked
    l.fail('ann'); // the old code set a 1 s wait here
    expect(l.lockedOut('ann')).toBe(true);
    expect(l.retryAfterMs('ann')).toBe(780_000);
  });
});
