// Brute force, slowed down: each key (a claimed id, a client address) that fails must wait
// longer before its next try (1 s, 2 s, 4 s, …, at most `lockoutMs`), and after `maxFailures`
// failures in a row it is locked out for `lockoutMs`, twice as long at each lockout after that. A success forgets the
// key. Bounded: at most `maxKeys` keys are held (the least recently failed is forgotten first),
// and a key that has not failed for `forgetAfterMs` (and is not waiting) starts over.
// An attempt counts when it starts (`begin`), not when its verdict comes: ten logins sent at once
// would otherwise all pass the check before the first failure was recorded. A failure never
// shortens a wait already imposed.
import { InvalidOptionError } from '@facekit/core';

export interface AttemptLimiterOptions {
  /** Failures in a row before a lockout. @defaultValue 5 */
  maxFailures?: number;
  /** The wait after the first failure; it doubles with each failure in a row. @defaultValue 1000 */
  baseDelayMs?: number;
  /** The first lockout; each later one is twice the one before, up to 24 h. @defaultValue 900000 (15 min) */
  lockoutMs?: number;
  /** A key with no failure for this long starts over. @defaultValue 86400000 (24 h) */
  forgetAfterMs?: number;
  /** Most keys held. @defaultValue 100000 */
  maxKeys?: number;
  now?: () => number;
}

export interface AttemptLimiter {
  /** 0 when `key` may try now, else how many ms it must wait. */
  retryAfterMs(key: string): number;
  /** Whether `key` is locked out now (not only backing off). */
  lockedOut(key: string): boolean;
  /**
   * Starts an attempt by `key`: 0 when it may try now, and the attempt is then counted as a
   * failure (with its backoff) until `succeed(key)` says otherwise; else how many ms `key` must
   * still wait, and nothing is counted. Check and count are one step, so concurrent attempts
   * cannot all pass before the first is counted.
   */
  begin(key: string): number;
  /** Records a failure of `key` that was not begun (a malformed request, a wrong nonce). */
  fail(key: string): void;
  /** Records a success: `key` starts over. */
  succeed(key: string): void;
  readonly size: number;
}

const DAY = 86_400_000;

export function createAttemptLimiter(options: AttemptLimiterOptions = {}): AttemptLimiter {
  const o = { maxFailures: 5, baseDelayMs: 1000, lockoutMs: 900_000, forgetAfterMs: DAY, maxKeys: 100_000, ...options };
  const now = options.now ?? Date.now;
  for (const k of ['maxFailures', 'maxKeys'] as const) {
    if (!Number.isInteger(o[k]) || o[k] < 1) throw new InvalidOptionError(`${k} must be a positive integer, got ${o[k]}.`);
  }
  for (const k of ['baseDelayMs', 'lockoutMs', 'forgetAfterMs'] as const) {
    if (!(o[k] >= 0 && Number.isFinite(o[k]))) throw new InvalidOptionError(`${k} must be a finite number ≥ 0, got ${o[k]}.`);
  }
  // Map order is recency order: a key that fails moves to the end.
  const keys = new Map<string, { failures: number; lockouts: number; until: number; last: number; locked: boolean }>();
  const entry = (key: string) => {
    const e = keys.get(key);
    const t = now();
    if (e && t - e.last > o.forgetAfterMs && e.until <= t) { keys.delete(key); return undefined; }
    return e;
  };
  const retryAfterMs = (key: string): number => {
    const e = entry(key);
    return e ? Math.max(0, e.until - now()) : 0;
  };
  const fail = (key: string): void => {
    const t = now();
    const e = entry(key) ?? { failures: 0, lockouts: 0, until: 0, last: t, locked: false };
    const wasLocked = e.locked && e.until > t;
    e.failures++;
    e.last = t;
    let until: number;
    let locked = false;
    if (e.failures >= o.maxFailures) {
      until = t + Math.min(o.lockoutMs * 2 ** e.lockouts, DAY);
      e.lockouts++;
      e.failures = 0;
      locked = true;
    } else {
      // The backoff never exceeds a lockout (with a large maxFailures it would grow past days).
      until = t + Math.min(o.baseDelayMs * 2 ** (e.failures - 1), o.lockoutMs);
    }
    // A later failure (say, a malformed request during a lockout) never shortens the wait.
    if (until >= e.until) { e.until = until; e.locked = locked || wasLocked; }
    keys.delete(key);
    keys.set(key, e);
    if (keys.size > o.maxKeys) keys.delete(keys.keys().next().value!);
  };
  return {
    retryAfterMs,
    lockedOut(key) {
      const e = entry(key);
      return e !== undefined && e.locked && e.until > now();
    },
    begin(key) {
      const wait = retryAfterMs(key);
      if (wait === 0) fail(key);
      return wait;
    },
    fail,
    succeed(key) { keys.delete(key); },
    get size() { return keys.size; },
  };
}
