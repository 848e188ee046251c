import { wrap, releaseProxy, type Remote } from 'comlink';
import { AbortedError, DisposedError, QueueFullError, WorkerCrashedError, deserializeError } from '../errors.js';
import { DEVICE_LOST, type Reply, type WorkerApi } from '../worker/worker-protocol.js';

export interface PoolWorker {
  readonly index: number;
  readonly remote: Remote<WorkerApi>;
}

export interface WorkerPoolOptions {
  size: number;
  /** Creates one worker (the bundler resolves the worker URL where this is written). */
  spawn: () => Worker;
  /** Brings a fresh (or respawned) worker to the ready state: init, load the first models. */
  prepare: (worker: PoolWorker) => Promise<void>;
  /** Calls that may wait for a worker; one more is refused with QueueFullError. */
  maxQueue: number;
  /**
   * A worker lost its WebGPU device. Called before its replacement starts (so `prepare` can pick
   * another backend); the calls it was running are run again on the replacement.
   */
  onDeviceLost?: (why: string) => void;
}

export interface RunOptions {
  signal?: AbortSignal;
  /** Releases what the request holds (a decoded bitmap) when it never reaches a worker. */
  onDropped?: () => void;
}

/** What the pool holds, for tests and diagnostics. */
export interface PoolStats {
  /** Calls waiting for a worker. */
  queued: number;
  /** Calls a worker is running. */
  inFlight: number;
  /** Calls handed to a worker since the pool started. */
  dispatched: number;
  /** Workers replaced after a crash. */
  respawned: number;
  /** Live workers (started, not terminated). */
  workers: number;
}

export interface WorkerPool {
  readonly size: number;
  /**
   * Runs `call` on a worker as soon as one is free, oldest call first; rejects with the typed
   * error the worker reported, with QueueFullError when `maxQueue` calls already wait, with
   * AbortedError when `signal` fires (a call still waiting is dropped without running), and
   * with WorkerCrashedError when its worker dies while running it (not retried: the input may
   * be what killed it). Calls still waiting go to the replacement worker.
   */
  run<T>(call: (remote: Remote<WorkerApi>) => Promise<Reply<T>>, options?: RunOptions): Promise<T>;
  /** Resolves when every worker is prepared; rejects with the first preparation error. */
  ready(): Promise<void>;
  /**
   * Adds a preparation step (e.g. loading a model on first use): runs it on every worker in
   * turn, the first one first (it fills the model cache), and on every respawned worker later.
   */
  extend(step: (worker: PoolWorker) => Promise<void>): Promise<void>;
  stats(): PoolStats;
  /** Test hook: kills worker `index` as a crash would ('terminate': it vanishes; 'uncaught': it throws outside any call; 'device': its WebGPU device is destroyed). */
  crashForTest(index: number, how: 'terminate' | 'uncaught' | 'device'): void;
  dispose(): Promise<void>;
}

interface Slot extends PoolWorker {
  worker: Worker;
  ready: Promise<void>;
  /** Set once `ready` settles: calls go only to a prepared worker. */
  state: 'starting' | 'ready' | 'failed';
  failure?: unknown;
  /** Terminated: a replacement takes its place, or (after repeated start failures) none yet. */
  dead: boolean;
  /** Crashes in a row before it was ever ready (a worker that cannot start is not respawned forever). */
  attempts: number;
  /** Rejects every call in flight when the worker dies. */
  crashed: Promise<never>;
  crash(e: Error): void;
  /** Calls this worker is running (one at most). */
  jobs: Set<Job>;
}

interface Job {
  call: (remote: Remote<WorkerApi>) => Promise<Reply<unknown>>;
  resolve(value: unknown): void;
  reject(e: unknown): void;
  options: RunOptions;
  /** Removes the abort listener. */
  detach(): void;
}

const MAX_START_ATTEMPTS = 3;

export function unwrapReply<T>(reply: Reply<T>): T {
  if (reply.ok) return reply.value;
  throw deserializeError(reply.error);
}

/** A fixed-size pool of module workers, one call at a time per worker, a bounded FIFO queue, respawn on crash. */
export function createWorkerPool(options: WorkerPoolOptions): WorkerPool {
  let disposed = false;
  const slots: Slot[] = [];
  const steps: ((worker: PoolWorker) => Promise<void>)[] = [options.prepare];
  const queue: Job[] = [];
  let dispatched = 0, respawned = 0, live = 0;

  const track = (slot: Slot) => {
    slot.state = 'starting';
    slot.ready.then(() => { slot.state = 'ready'; pump(); }, (e) => {
      slot.state = 'failed';
      // A worker that died for good while starting keeps replace()'s account of it.
      if (!(slot.dead && slot.failure)) slot.failure = e;
      pump();
    });
  };

  const start = (index: number, after: Promise<unknown> = Promise.resolve(), attempts = 0): Slot => {
    const worker = options.spawn();
    live++;
    const remote = wrap<WorkerApi>(worker);
    let crash!: (e: Error) => void;
    const crashed = new Promise<never>((_, reject) => { crash = reject; });
    crashed.catch(() => undefined);
    const slot: Slot = {
      index, worker, remote, crashed, crash: (e) => crash(e), ready: Promise.resolve(), state: 'starting', dead: false, attempts, jobs: new Set(),
    };
    worker.addEventListener('error', (ev) => {
      ev.preventDefault();
      const message = ev.message || 'unknown error';
      if (message.includes(DEVICE_LOST)) lostDevice(slot, message.slice(message.indexOf(DEVICE_LOST)));
      else replace(slot, `facekit worker ${index} crashed: ${message}`);
    });
    // Workers prepare one after the other: the first fills the model cache, the rest read it.
    // A crash ends the preparation too (a dead worker never answers).
    slot.ready = Promise.race([after.then(async () => { for (const step of [...steps]) await step(slot); }), crashed]);
    slot.ready.catch(() => undefined);
    track(slot);
    return slot;
  };

  /**
   * The worker's WebGPU device was lost (its uncaught error, or a call that failed of it, whichever
   * comes first): not the calls' fault, so they run again on the replacement, which the kit moves to WASM.
   */
  const lostDevice = (slot: Slot, message: string) => {
    if (slot.dead) return;
    options.onDeviceLost?.(message);
    for (const job of slot.jobs) { slot.jobs.delete(job); queue.unshift(job); }
    replace(slot, `facekit worker ${slot.index} crashed: ${message}`);
  };

  /** The worker is dead or unusable: fail its calls in flight, start a new one for the rest. */
  const replace = (slot: Slot, why: string) => {
    if (slot.dead || slots[slot.index] !== slot) return;
    slot.dead = true;
    slot.crash(new WorkerCrashedError(`${why}. The call it was running failed; the worker is being replaced, so retry the call.`));
    slot.remote[releaseProxy]();
    slot.worker.terminate();
    live--;
    if (disposed) return;
    const attempts = slot.state === 'ready' ? 0 : slot.attempts + 1;
    if (attempts >= MAX_START_ATTEMPTS) {
      // It dies before it is ever ready: stop here. Waiting calls fail with this; the next call tries again.
      slot.state = 'failed';
      slot.failure = new WorkerCrashedError(`facekit worker ${slot.index} died ${attempts} times while starting (last: ${why}). Check the browser console for the worker's error.`);
      pump();
      return;
    }
    respawned++;
    slots[slot.index] = start(slot.index, Promise.resolve(), attempts);
  };

  /** Every worker ready, following replacements; rejects once a worker has failed for good. */
  const allReady = async (): Promise<void> => {
    for (;;) {
      const current = [...slots];
      try {
        await Promise.all(current.map((s) => s.ready));
        if (current.every((s, i) => slots[i] === s)) return;
      } catch (e) {
        const replaced = current.some((s, i) => slots[i] !== s);
        // A worker that kept dying while starting is not being replaced: say that, not the last crash.
        if (!replaced || disposed) throw current.find((s) => s.dead && s.failure)?.failure ?? e;
      }
    }
  };

  const drop = (job: Job, e: unknown) => {
    job.detach();
    job.options.onDropped?.();
    job.reject(e);
  };

  function pump(): void {
    while (queue.length) {
      const slot = slots.find((s) => s.state === 'ready' && s.jobs.size === 0);
      if (!slot) break;
      dispatch(queue.shift()!, slot);
    }
    // No worker can ever take them: every worker failed to prepare. Fail the waiting calls
    // with that error instead of leaving them hanging; the next call retries the preparation.
    if (queue.length && slots.length && slots.every((s) => s.state === 'failed')) {
      const failure = slots[0]!.failure;
      for (const job of queue.splice(0)) drop(job, failure);
    }
  }

  function dispatch(job: Job, slot: Slot): void {
    dispatched++;
    slot.jobs.add(job);
    // From here the input belongs to the worker: no onDropped.
    Promise.race([job.call(slot.remote), slot.crashed]).then(
      (reply) => {
        if (!reply.ok && reply.deviceLost) { lostDevice(slot, reply.deviceLost); return; }
        if (!reply.ok && reply.fatal) replace(slot, `facekit worker ${slot.index}'s runtime failed (${reply.error.message})`);
        try { job.resolve(unwrapReply(reply)); } catch (e) { job.reject(e); }
      },
      // A job taken back for another run (device lost) is no longer this worker's to settle.
      (e) => { if (slot.jobs.has(job)) job.reject(e); },
    ).finally(() => {
      if (slot.jobs.delete(job)) job.detach();
      pump();
    });
  }

  /** A worker whose preparation failed (or that kept dying while starting) gets another try when a call needs it. */
  const retryFailed = () => {
    for (const s of slots) {
      if (s.state !== 'failed') continue;
      if (s.dead) {
        slots[s.index] = start(s.index);
        continue;
      }
      s.ready = Promise.race([(async () => { for (const step of [...steps]) await step(s); })(), s.crashed]);
      s.ready.catch(() => undefined);
      track(s);
    }
  };

  for (let i = 0; i < options.size; i++) slots.push(start(i, slots[i - 1]?.ready));

  return {
    size: options.size,
    run<T>(call: (remote: Remote<WorkerApi>) => Promise<Reply<T>>, runOptions: RunOptions = {}): Promise<T> {
      const { signal } = runOptions;
      if (disposed) { runOptions.onDropped?.(); return Promise.reject(new DisposedError()); }
      if (signal?.aborted) { runOptions.onDropped?.(); return Promise.reject(new AbortedError()); }
      if (queue.length >= options.maxQueue) { runOptions.onDropped?.(); return Promise.reject(new QueueFullError(options.maxQueue)); }
      return new Promise<T>((resolve, reject) => {
        let onAbort: (() => void) | undefined;
        const job: Job = {
          call, resolve: resolve as (v: unknown) => void, reject, options: runOptions,
          detach: () => { if (onAbort) signal?.removeEventListener('abort', onAbort); },
        };
        if (signal) {
          onAbort = () => {
            const waiting = queue.indexOf(job);
            // Still waiting: drop it unrun. Running: the worker cannot be stopped mid-run; its result is dropped.
            if (waiting >= 0) { queue.splice(waiting, 1); drop(job, new AbortedError()); } else reject(new AbortedError());
          };
          signal.addEventListener('abort', onAbort, { once: true });
        }
        queue.push(job);
        retryFailed();
        pump();
      });
    },
    ready: allReady,
    async extend(step) {
      if (disposed) throw new DisposedError();
      steps.push(step);
      let previous: Promise<unknown> = Promise.resolve();
      for (const slot of slots) {
        const before = previous;
        // The step runs after the worker's current preparation; calls keep flowing meanwhile
        // (a call that needs the new model awaits extend() itself before it is queued).
        const extended = Promise.all([slot.ready, before]).then(() => step(slot));
        extended.catch(() => undefined);
        slot.ready = extended;
        previous = extended;
      }
      try {
        await allReady();
      } catch (e) {
        // A failed step (say, a model download) must not break what already works: forget it
        // so a later call can try again.
        steps.splice(steps.indexOf(step), 1);
        for (const s of slots) s.ready = s.ready.catch(() => undefined);
        throw e;
      }
    },
    stats: () => ({
      queued: queue.length,
      inFlight: slots.reduce((n, s) => n + s.jobs.size, 0),
      dispatched,
      respawned,
      workers: live,
    }),
    crashForTest(index, how) {
      const slot = slots[index];
      if (!slot) throw new RangeError(`no worker ${index}`);
      if (how === 'terminate') replace(slot, `facekit worker ${index} was terminated`);
      else void slot.remote.crashForTest(how).catch(() => undefined);
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      for (const job of queue.splice(0)) drop(job, new DisposedError());
      await Promise.all(slots.map(async (s) => {
        if (s.dead) return; // terminated already (it kept dying while starting)
        // Release sessions politely, but never wait long for a stuck worker.
        await Promise.race([s.remote.dispose().catch(() => undefined), new Promise((r) => setTimeout(r, 2000))]);
        if (s.dead) return; // it crashed meanwhile, and replace() terminated it
        s.dead = true;
        s.remote[releaseProxy]();
        s.worker.terminate();
        live--;
        // A call it was still running will get no reply now: it fails instead of hanging.
        s.crash(new DisposedError('The kit was disposed while this call was running.'));
      }));
      slots.length = 0;
    },
  };
}
