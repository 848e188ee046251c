// Hooks for facekit's own browser tests, reachable only through a symbol that is in no public
// type: `kit[Symbol.for('facekit.testHooks')]`. They observe the pool and kill workers the way
// a crash would; they change nothing else.
import type { PoolStats, WorkerPool } from '../pool/worker-pool.js';

export const TEST_HOOKS = Symbol.for('facekit.testHooks');

export interface TestHooks {
  pool(): PoolStats;
  crashWorker(index: number, how: 'terminate' | 'uncaught' | 'device'): void;
  /** Starts counting the bitmaps the kit decodes for still-image calls. */
  trackBitmaps(): void;
  /** Of those, how many still hold pixels (neither handed to a worker nor closed). */
  openBitmaps(): number;
  /** How many were decoded since `trackBitmaps()`. */
  decodedBitmaps(): number;
}

export function attachTestHooks<T extends object>(kit: T, pool: WorkerPool, bitmaps: { start(): void; open(): number; decoded(): number }): T {
  const hooks: TestHooks = {
    pool: () => pool.stats(),
    crashWorker: (index, how) => pool.crashForTest(index, how),
    trackBitmaps: bitmaps.start,
    openBitmaps: bitmaps.open,
    decodedBitmaps: bitmaps.decoded,
  };
  Object.defineProperty(kit, TEST_HOOKS, { value: hooks, enumerable: false });
  return kit;
}
