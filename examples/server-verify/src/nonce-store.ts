// One-time login challenges. A nonce is 32 random bytes the server issued, valid once and for a
// short time, so a captured request (frames + nonce) cannot be replayed. The store is bounded:
// a flood of /challenge calls cannot grow it without limit.
import { randomBytes } from 'node:crypto';

export type NonceCheck = 'ok' | 'unknown' | 'expired';

export interface NonceStore {
  /** A fresh nonce and when it expires (ms since the epoch); undefined when the store is full of live nonces. */
  issue(): { nonce: string; expiresAt: number } | undefined;
  /** Uses `nonce` up: 'ok' once, then 'unknown' for ever after. */
  consume(nonce: string): NonceCheck;
  readonly size: number;
}

export function createNonceStore(options: { ttlMs?: number; max?: number; now?: () => number } = {}): NonceStore {
  const ttlMs = options.ttlMs ?? 120_000;
  const max = options.max ?? 10_000;
  const now = options.now ?? Date.now;
  // Insertion order is expiry order (one ttl for all), so expired nonces are at the front.
  const live = new Map<string, number>();
  const sweep = (): void => {
    const t = now();
    for (const [n, exp] of live) {
      if (exp > t) break;
      live.delete(n);
    }
  };
  return {
    issue() {
      sweep();
      if (live.size >= max) return undefined;
      const nonce = randomBytes(32).toString('base64url');
      const expiresAt = now() + ttlMs;
      live.set(nonce, expiresAt);
      return { nonce, expiresAt };
    },
    consume(nonce) {
      const exp = live.get(nonce);
      if (exp === undefined) return 'unknown';
      live.delete(nonce);
      return exp > now() ? 'ok' : 'expired';
    },
    get size() { return live.size; },
  };
}
