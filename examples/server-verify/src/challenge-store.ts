// One-time login challenges. A challenge is 32 random bytes the server issued for one claimed id
// and one client, valid once and for a short time, with the head turn the frames must show (a
// random order of the person's own left and right). A nonce is refused for another id or from
// another client (its address and its session cookie), so a nonce taken from one browser cannot
// carry another's login. Bounded: each client address holds at most `perClient` live challenges
// (counted by address, since an attacker drops cookies at will), and the store at most `max`.
import { randomBytes, randomInt } from 'node:crypto';
import type { HeadTurnSide } from '@facekit/node';

export interface Challenge {
  nonce: string;
  /** ms since the epoch. */
  expiresAt: number;
  /** The head turn the frames must show, in this order. */
  turns: [HeadTurnSide, HeadTurnSide];
}

export type ChallengeCheck =
  | { ok: true; challenge: Challenge }
  | { ok: false; why: 'unknown' | 'expired' | 'other-id' | 'other-client' };

export interface ChallengeStore {
  /** A fresh challenge for `id` from `client` (its address) in `session`; 'client-full' when that client holds `perClient` live ones, 'full' when the store is full. */
  issue(id: string, client: string, session: string): Challenge | 'client-full' | 'full';
  /** Whether `client` in `session` holds a live challenge: a login from anyone else cannot succeed, so its upload need not be read. */
  holds(client: string, session: string): boolean;
  /** Uses the nonce up (whatever the answer: a nonce is tried once). */
  consume(nonce: string, id: string, client: string, session: string): ChallengeCheck;
  readonly size: number;
}

export function createChallengeStore(options: { ttlMs?: number; max?: number; perClient?: number; now?: () => number } = {}): ChallengeStore {
  const ttlMs = options.ttlMs ?? 120_000;
  const max = options.max ?? 10_000;
  const perClient = options.perClient ?? 3;
  const now = options.now ?? Date.now;
  // Insertion order is expiry order (one ttl for all), so expired challenges are at the front.
  const live = new Map<string, { challenge: Challenge; id: string; client: string; session: string }>();
  // Live challenges per address, and per address and session.
  const byClient = new Map<string, number>();
  const bySession = new Map<string, number>();
  const count = (m: Map<string, number>, key: string, by: 1 | -1): void => {
    const n = (m.get(key) ?? 0) + by;
    if (n > 0) m.set(key, n); else m.delete(key);
  };
  const sessionKey = (client: string, session: string): string => `${client}\n${session}`;
  const drop = (nonce: string): void => {
    const c = live.get(nonce);
    if (!c) return;
    live.delete(nonce);
    count(byClient, c.client, -1);
    count(bySession, sessionKey(c.client, c.session), -1);
  };
  const sweep = (): void => {
    const t = now();
    for (const [nonce, c] of live) {
      if (c.challenge.expiresAt > t) break;
      drop(nonce);
    }
  };
  return {
    issue(id, client, session) {
      sweep();
      if ((byClient.get(client) ?? 0) >= perClient) return 'client-full';
      if (live.size >= max) return 'full';
      const challenge: Challenge = {
        nonce: randomBytes(32).toString('base64url'),
        expiresAt: now() + ttlMs,
        turns: randomInt(2) === 0 ? ['left', 'right'] : ['right', 'left'],
      };
      live.set(challenge.nonce, { challenge, id, client, session });
      count(byClient, client, 1);
      count(bySession, sessionKey(client, session), 1);
      return challenge;
    },
    holds(client, session) {
      sweep();
      return bySession.has(sessionKey(client, session));
    },
    consume(nonce, id, client, session) {
      const c = live.get(nonce);
      if (!c) return { ok: false, why: 'unknown' };
      drop(nonce);
      if (c.challenge.expiresAt <= now()) return { ok: false, why: 'expired' };
      if (c.client !== client || c.session !== session) return { ok: false, why: 'other-client' };
      if (c.id !== id) return { ok: false, why: 'other-id' };
      return { ok: true, challenge: c.challenge };
    },
    get size() { return live.size; },
  };
}
