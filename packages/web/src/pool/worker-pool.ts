import { wrap, releaseProxy, type Remote } from 'comlink';
import { AbortedError, DisposedError, WorkerCrashedError, deserializeError } from '../api/errors.js';
import type { Reply, WorkerApi } from '../worker/messages.js';
import { raceAbort } from './abort.js';

export interface PoolWorker {
  readonly index: number;
  readonly remote: Remote<WorkerApi>;
  /** Calls in flight on this worker. */
  busy: number;
}

export interface WorkerPoolOptions {
  size: number;
  /** Creates one worker (the bundler resolves the worker URL where this is written). */
  spawn: () => Worker;
  /** Brings a fresh (or respawned) worker to the ready state: init, load the first models. */
  prepare: (worker: PoolWorker) => Promise<void>;
}

export interface RunOptions {
  signal?: AbortSignal;
  /** Transfer list of the request; released if the call never reaches a worker. */
  onDropped?: () => void;
}

export interface WorkerPool {
  readonly size: number;
  /** Runs `call` on the least busy worker; rejects with the typed error the worker reported. */
  run<T>(call: (remote: Remote<WorkerApi>) => Promise<Reply<T>>, options?: RunOptions): Promise<T>;
  /** Resolves when every worker is prepared; rejects with the first preparation error. */
  ready(): Promise<void>;
  /**
   * Adds a preparation step (e.g. loading a model on first use): runs it on every worker in
   * turn, the first one first (it fills the model cache), and on every respawned worker later.
   */
  extend(step: (worker: PoolWorker) => Promise<void>): Promise<void>;
  dispose(): Promise<void>;
}

interface Slot extends PoolWorker {
  worker: Worker;
  ready: Promise<void>;
  /** Rejects every call in flight when the worker dies. */
  crashed: Promise<never>;
}

export function unwrapReply<T>(reply: Reply<T>): T {
  if (reply.ok) return reply.value;
  throw deserializeError(reply.error);
}

/** A fixed-size pool of module workers, least-busy scheduling, respawn on crash. */
export function createWorkerPool(options: WorkerPoolOptions): WorkerPool {
  let disposed = false;
  const slots: Slot[] = [];
  const steps: ((worker: PoolWorker) => Promise<void>)[] = [options.prepare];

  const start = (index: number, after: Promise<unknown> = Promise.resolve()): Slot => {
    const worker = options.spawn();
    const remote = wrap<WorkerApi>(worker);
    let crash!: (e: Error) => void;
    const crashed = new Promise<never>((_, reject) => { crash = reject; });
    crashed.catch(() => undefined);
    const slot: Slot = { index, worker, remote, busy: 0, crashed, ready: Promise.resolve() };
    worker.addEventListener('error', (ev) => {
      ev.preventDefault();
      crash(new WorkerCrashedError(`facekit worker ${index} crashed: ${ev.message || 'unknown error'}. It is being replaced; retry the call.`));
      if (!disposed && slots[index] === slot) {
        worker.terminate();
        slots[index] = start(index);
      }
    });
    // Workers prepare one after the other: the first fills the model cache, the rest read it.
    slot.ready = after.then(async () => { for (const step of [...steps]) await step(slot); });
    slot.ready.catch(() => undefined);
    return slot;
  };

  for (let i = 0; i < options.size; i++) slots.push(start(i, slots[i - 1]?.ready));

  const pick = (): Slot => slots.reduce((best, s) => (s.busy < best.busy ? s : best), slots[0]!);

  return {
    size: options.size,
    async run(call, runOptions = {}) {
      const { signal } = runOptions;
      if (disposed) { runOptions.onDropped?.(); throw new DisposedError(); }
      if (signal?.aborted) { runOptions.onDropped?.(); throw new AbortedError(); }
      const slot = pick();
      slot.busy++;
      try {
        await raceAbort(slot.ready, signal);
        const reply = await raceAbort(Promise.race([call(slot.remote), slot.crashed]), signal);
        return unwrapReply(reply);
      } finally {
        slot.busy--;
      }
    },
    async ready() {
      await Promise.all(slots.map((s) => s.ready));
    },
    async extend(step) {
      if (disposed) throw new DisposedError();
      steps.push(step);
      let previous: Promise<unknown> = Promise.resolve();
      for (const slot of slots) {
        const before = previous;
        slot.ready = Promise.all([slot.ready, before]).then(() => step(slot));
        slot.ready.catch(() => undefined);
        previous = slot.ready;
      }
      try {
        await Promise.all(slots.map((s) => s.ready));
      } catch (e) {
        // A failed step (say, a model download) must not break what already works: forget it
        // so a later call can try again.
        steps.splice(steps.indexOf(step), 1);
        for (const s of slots) s.ready = s.ready.catch(() => undefined);
        throw e;
      }
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      await Promise.all(slots.map(async (s) => {
        // Release sessions politely, but never wait long for a stuck worker.
        await Promise.race([s.remote.dispose().catch(() => undefined), new Promise((r) => setTimeout(r, 2000))]);
        s.remote[releaseProxy]();
        s.worker.terminate();
      }));
    },
  };
}
