// The pool driven by fake workers: each fake is a MessageChannel whose far end runs a scripted
// WorkerApi through the real comlink `expose`, so the pool talks to it exactly as to a module
// worker. The test decides when each call answers and when a worker dies; nothing waits on time.
import { getEventListeners } from 'node:events';
import { expose, type Remote } from 'comlink';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  AbortedError, BackendError, DisposedError, FaceKitError, InvalidInputError, ModelFetchError, QueueFullError, WorkerCrashedError,
  serializeError,
} from '../errors.js';
import { DEVICE_LOST, type DetectRequest, type Reply, type WorkerApi } from '../worker/worker-protocol.js';
import { raceAbort } from './abort.js';
import { createWorkerPool, type PoolWorker, type WorkerPool, type WorkerPoolOptions } from './worker-pool.js';

interface Deferred<T> { promise: Promise<T>; resolve(value: T): void; reject(e: unknown): void }
function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void, reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}

/** One call a fake worker has begun; the test answers it. */
interface StartedCall { label: string; worker: FakeWorker; answer(reply: Reply<unknown>): void }

const ok = <T>(value: T): Reply<T> => ({ ok: true, value });
const failed = (e: Error, extra: { fatal?: true; deviceLost?: string } = {}): Reply<never> => ({ ok: false, error: serializeError(e), ...extra });

/** Everything the fake workers did, in order, for the test to check and wait on. */
class Lab {
  readonly workers: FakeWorker[] = [];
  readonly log: string[] = [];
  /** Workers (by spawn number) whose `init` never answers, as a worker that dies while starting. */
  readonly hangInit = new Set<number>();
  /** Workers whose `dispose` never answers, as a stuck worker. */
  readonly hangDispose = new Set<number>();
  private readonly starts = new Map<string, Deferred<StartedCall>[]>();
  private readonly inOrder: Deferred<StartedCall>[] = [];
  private seen = 0;
  private readonly watchers: { line: string; resolve(): void }[] = [];

  /** Resolves once `line` is in the log. */
  when(line: string): Promise<void> {
    if (this.log.includes(line)) return Promise.resolve();
    return new Promise((resolve) => this.watchers.push({ line, resolve }));
  }

  note(line: string): void {
    this.log.push(line);
    for (const w of this.watchers.filter((x) => x.line === line)) w.resolve();
  }

  /** The `n`-th start (0-based) of the call labelled `label`, on whichever worker runs it. */
  started(label: string, n = 0): Promise<StartedCall> { return this.slot(label, n).promise; }
  /** The next call any worker begins (each call once, in the order they began). */
  next(): Promise<StartedCall> {
    while (this.inOrder.length <= this.seen) this.inOrder.push(deferred());
    return this.inOrder[this.seen++]!.promise;
  }
  /** How many times a worker began `label`. */
  startCount(label: string): number { return this.log.filter((l) => l.endsWith(`run ${label}`)).length; }

  record(label: string, call: StartedCall): void {
    const n = this.startCount(label);
    this.note(`w${call.worker.id} run ${label}`);
    this.slot(label, n).resolve(call);
    const i = this.log.filter((l) => l.includes(' run ')).length - 1;
    while (this.inOrder.length <= i) this.inOrder.push(deferred());
    this.inOrder[i]!.resolve(call);
  }

  private slot(label: string, n: number): Deferred<StartedCall> {
    const list = this.starts.get(label) ?? [];
    this.starts.set(label, list);
    while (list.length <= n) list.push(deferred());
    return list[n]!;
  }
}

/** A Worker look-alike: `postMessage`/'message' go through a MessageChannel to a scripted WorkerApi. */
class FakeWorker {
  readonly channel = new MessageChannel();
  terminated = false;
  private readonly errorListeners = new Set<(ev: { message: string; preventDefault(): void }) => void>();

  constructor(readonly id: number, private readonly lab: Lab) {
    const api: Omit<WorkerApi, 'loadModel' | 'analyze' | 'embed' | 'processFrame' | 'align'> = {
      init: async () => {
        lab.note(`w${id} init`);
        if (lab.hangInit.has(id)) return new Promise<never>(() => undefined);
        return ok({ backend: 'wasm', threads: 1, crossOriginIsolated: false, storage: 'memory' });
      },
      detect: (req: DetectRequest) => {
        const reply = deferred<Reply<never>>();
        lab.record(req.detector, { label: req.detector, worker: this, answer: (r) => reply.resolve(r as Reply<never>) });
        return reply.promise;
      },
      dispose: async () => {
        lab.note(`w${id} dispose`);
        if (lab.hangDispose.has(id)) return new Promise<never>(() => undefined);
        return ok(undefined);
      },
      crashForTest: async (how) => {
        lab.note(`w${id} crashForTest ${how}`);
        // As the real worker: the error surfaces outside the call, as the Worker's 'error' event.
        setImmediate(() => this.fail(how === 'device' ? `Uncaught Error: ${DEVICE_LOST}: destroyed for test` : 'Uncaught Error: crash for test'));
      },
    };
    expose(api, this.channel.port1);
  }

  addEventListener(type: string, listener: (ev: never) => void): void {
    if (type === 'error') this.errorListeners.add(listener as (ev: { message: string; preventDefault(): void }) => void);
    else this.channel.port2.addEventListener(type, listener as (ev: Event) => void);
  }
  removeEventListener(type: string, listener: (ev: never) => void): void {
    if (type === 'error') this.errorListeners.delete(listener as (ev: { message: string; preventDefault(): void }) => void);
    else this.channel.port2.removeEventListener(type, listener as (ev: Event) => void);
  }
  postMessage(message: unknown, transfer: Transferable[] = []): void { this.channel.port2.postMessage(message, transfer as never); }
  start(): void { this.channel.port2.start(); }

  terminate(): void {
    if (this.terminated) return;
    this.terminated = true;
    this.lab.note(`w${this.id} terminated`);
    // A terminated worker answers nothing more: its replies are lost, as in a browser.
    this.channel.port1.close();
    this.channel.port2.close();
  }

  /** Fires the Worker 'error' event of an uncaught exception; returns whether the pool called preventDefault. */
  fail(message: string): boolean {
    let prevented = false;
    for (const l of this.errorListeners) l({ message, preventDefault: () => { prevented = true; } });
    return prevented;
  }
}

/** A call for `pool.run` labelled `label` (the fake `detect` uses the detector field as the label). */
const call = (label: string) => (remote: Remote<WorkerApi>) =>
  remote.detect({ detector: label } as DetectRequest) as unknown as Promise<Reply<string>>;

/** Settles once the pool's current chain of promise and message callbacks has run. */
const flush = async () => { for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r)); };

/** How a promise settled (or 'pending' after a flush), without an unhandled rejection. */
function outcome<T>(p: Promise<T>): () => { state: 'pending' } | { state: 'resolved'; value: T } | { state: 'rejected'; error: unknown } {
  let o: { state: 'pending' } | { state: 'resolved'; value: T } | { state: 'rejected'; error: unknown } = { state: 'pending' };
  p.then((value) => { o = { state: 'resolved', value }; }, (error: unknown) => { o = { state: 'rejected', error }; });
  return () => o;
}

// A broken pool shows as a call that never starts: fail in seconds, not the suite's minute.
vi.setConfig({ testTimeout: 10_000 });

let open: { lab: Lab; pool: WorkerPool }[] = [];

function makePool(options: Partial<WorkerPoolOptions> & { lab?: Lab } = {}) {
  const lab = options.lab ?? new Lab();
  const spawn = vi.fn(() => {
    const w = new FakeWorker(lab.workers.length, lab);
    lab.workers.push(w);
    lab.note(`spawn w${w.id}`);
    return w as unknown as Worker;
  });
  const prepare = options.prepare ?? (async (w: PoolWorker) => {
    const reply = await w.remote.init({} as never);
    if (!reply.ok) throw new Error(reply.error.message);
  });
  const pool = createWorkerPool({ size: 1, maxQueue: 8, ...options, spawn, prepare });
  open.push({ lab, pool });
  return { lab, pool, spawn };
}

afterEach(async () => {
  vi.useRealTimers();
  for (const { lab, pool } of open) {
    lab.hangDispose.clear();
    await pool.dispose();
    for (const w of lab.workers) w.terminate();
  }
  open = [];
});

describe('createWorkerPool: queueing', () => {
  it('runs calls one at a time on a worker, oldest first', async () => {
    const { lab, pool } = makePool();
    await pool.ready();
    const a = pool.run(call('a')), b = pool.run(call('b')), c = pool.run(call('c'));
    for (const label of ['a', 'b', 'c']) {
      // b, not c, goes next; c waits until b answers.
      const started = await lab.next();
      expect(started.label).toBe(label);
      started.answer(ok(label.toUpperCase()));
    }
    expect(await Promise.all([a, b, c])).toEqual(['A', 'B', 'C']);
    expect(lab.log.filter((l) => l.includes(' run '))).toEqual(['w0 run a', 'w0 run b', 'w0 run c']);
    expect(pool.stats()).toMatchObject({ queued: 0, inFlight: 0, dispatched: 3 });
  });

  it('keeps a second call waiting while the only worker is busy', async () => {
    const { lab, pool } = makePool();
    await pool.ready();
    const a = pool.run(call('a'));
    const b = outcome(pool.run(call('b')));
    const startedA = await lab.started('a');
    await flush();
    expect(lab.startCount('b')).toBe(0);
    expect(pool.stats()).toMatchObject({ queued: 1, inFlight: 1, dispatched: 1 });
    startedA.answer(ok('A'));
    await a;
    (await lab.started('b')).answer(ok('B'));
    await flush();
    expect(b()).toEqual({ state: 'resolved', value: 'B' });
  });

  it('spreads calls over idle workers', async () => {
    const { lab, pool } = makePool({ size: 2 });
    await pool.ready();
    const a = pool.run(call('a')), b = pool.run(call('b'));
    const [sa, sb] = await Promise.all([lab.started('a'), lab.started('b')]);
    // Both run at once, on different workers.
    expect(sa.worker).not.toBe(sb.worker);
    expect(pool.stats()).toMatchObject({ queued: 0, inFlight: 2 });
    sb.answer(ok('B'));
    sa.answer(ok('A'));
    expect(await Promise.all([a, b])).toEqual(['A', 'B']);
  });

  it('prepares workers one after the other, the first one first', async () => {
    const gate = deferred<void>();
    const log: string[] = [];
    const { pool } = makePool({
      size: 2,
      prepare: async (w) => {
        log.push(`prepare ${w.index}`);
        if (w.index === 0) await gate.promise;
        log.push(`prepared ${w.index}`);
      },
    });
    await flush();
    // The second worker reads the cache the first one fills: it waits.
    expect(log).toEqual(['prepare 0']);
    gate.resolve();
    await pool.ready();
    expect(log).toEqual(['prepare 0', 'prepared 0', 'prepare 1', 'prepared 1']);
  });

  it('holds calls made before any worker is ready, then runs them', async () => {
    const gate = deferred<void>();
    const { lab, pool } = makePool({ prepare: () => gate.promise });
    const a = pool.run(call('a'));
    await flush();
    expect(lab.startCount('a')).toBe(0);
    expect(pool.stats().queued).toBe(1);
    gate.resolve();
    (await lab.started('a')).answer(ok('A'));
    expect(await a).toBe('A');
  });

  it('refuses a call beyond maxQueue with QueueFullError and drops its input', async () => {
    const { lab, pool } = makePool({ maxQueue: 2 });
    await pool.ready();
    const running = pool.run(call('a'));
    const startedA = await lab.started('a');
    // The running call does not count: two may still wait.
    const waiting = [pool.run(call('b')), pool.run(call('c'))];
    const onDropped = vi.fn();
    const refused = pool.run(call('d'), { onDropped });
    await expect(refused).rejects.toBeInstanceOf(QueueFullError);
    await expect(refused).rejects.toMatchObject({ limit: 2, code: 'QUEUE_FULL' });
    expect(onDropped).toHaveBeenCalledTimes(1);
    expect(pool.stats().queued).toBe(2);

    // Room again once the worker takes the next one.
    startedA.answer(ok('A'));
    await running;
    await lab.started('b');
    const again = pool.run(call('e'));
    expect(pool.stats().queued).toBe(2);
    (await lab.started('b')).answer(ok('B'));
    (await lab.started('c')).answer(ok('C'));
    (await lab.started('e')).answer(ok('E'));
    expect(await Promise.all([...waiting, again])).toEqual(['B', 'C', 'E']);
    expect(lab.startCount('d')).toBe(0);
  });

  it("rejects with the worker's typed error and keeps the worker", async () => {
    const { lab, pool, spawn } = makePool();
    await pool.ready();
    const a = pool.run(call('a'));
    (await lab.started('a')).answer(failed(new InvalidInputError('The image is 0 × 0 pixels.')));
    await expect(a).rejects.toBeInstanceOf(InvalidInputError);
    await expect(a).rejects.toThrow('The image is 0 × 0 pixels.');
    const b = pool.run(call('b'));
    const startedB = await lab.started('b');
    expect(startedB.worker.id).toBe(0);
    startedB.answer(ok('B'));
    expect(await b).toBe('B');
    expect(spawn).toHaveBeenCalledTimes(1);
    expect(pool.stats().respawned).toBe(0);
  });
});

describe('createWorkerPool: abort', () => {
  it('drops an aborted waiting call unrun and releases its input', async () => {
    const { lab, pool } = makePool();
    await pool.ready();
    const a = pool.run(call('a'));
    const controller = new AbortController();
    const onDropped = vi.fn();
    const b = pool.run(call('b'), { signal: controller.signal, onDropped });
    const c = pool.run(call('c'));
    const startedA = await lab.started('a');
    controller.abort();
    await expect(b).rejects.toBeInstanceOf(AbortedError);
    expect(onDropped).toHaveBeenCalledTimes(1);
    expect(pool.stats().queued).toBe(1);
    startedA.answer(ok('A'));
    (await lab.started('c')).answer(ok('C'));
    expect(await Promise.all([a, c])).toEqual(['A', 'C']);
    expect(lab.startCount('b')).toBe(0);
  });

  it('refuses a call whose signal has already fired', async () => {
    const { lab, pool } = makePool();
    await pool.ready();
    const onDropped = vi.fn();
    await expect(pool.run(call('a'), { signal: AbortSignal.abort(), onDropped })).rejects.toBeInstanceOf(AbortedError);
    expect(onDropped).toHaveBeenCalledTimes(1);
    await flush();
    expect(lab.startCount('a')).toBe(0);
    expect(pool.stats()).toMatchObject({ queued: 0, dispatched: 0 });
  });

  it('rejects an aborted running call at once, but the worker stays busy until it answers', async () => {
    const { lab, pool } = makePool();
    await pool.ready();
    const controller = new AbortController();
    const onDropped = vi.fn();
    const a = pool.run(call('a'), { signal: controller.signal, onDropped });
    const b = pool.run(call('b'));
    const startedA = await lab.started('a');
    controller.abort();
    await expect(a).rejects.toBeInstanceOf(AbortedError);
    // The input already belongs to the worker: not the caller's to release.
    expect(onDropped).not.toHaveBeenCalled();
    await flush();
    // A running ORT session cannot be stopped: b still waits for the worker.
    expect(lab.startCount('b')).toBe(0);
    expect(pool.stats()).toMatchObject({ inFlight: 1, queued: 1 });
    startedA.answer(ok('late'));
    (await lab.started('b')).answer(ok('B'));
    expect(await b).toBe('B');
  });

  it('leaves no abort listener behind, so one signal can serve many calls', async () => {
    const { lab, pool } = makePool();
    await pool.ready();
    const { signal } = new AbortController();
    for (const label of ['a', 'b', 'c']) {
      const p = pool.run(call(label), { signal });
      expect(getEventListeners(signal, 'abort')).toHaveLength(1);
      (await lab.started(label)).answer(ok(label));
      await p;
      await flush();
      expect(getEventListeners(signal, 'abort')).toHaveLength(0);
    }
  });
});

describe('raceAbort', () => {
  it('passes the result through and removes its listener', async () => {
    const { signal } = new AbortController();
    expect(await raceAbort(Promise.resolve(7), signal)).toBe(7);
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
    await expect(raceAbort(Promise.reject(new BackendError('no')), signal)).rejects.toBeInstanceOf(BackendError);
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });

  it('rejects with AbortedError when the signal fires first, or had fired', async () => {
    const controller = new AbortController();
    const never = new Promise<number>(() => undefined);
    const raced = raceAbort(never, controller.signal);
    controller.abort();
    await expect(raced).rejects.toBeInstanceOf(AbortedError);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    await expect(raceAbort(never, AbortSignal.abort())).rejects.toBeInstanceOf(AbortedError);
  });

  it('returns the promise itself without a signal', () => {
    const p = Promise.resolve(1);
    expect(raceAbort(p, undefined)).toBe(p);
  });
});

describe('createWorkerPool: crashes', () => {
  it('fails the call a crashing worker was running, replaces the worker and keeps serving', async () => {
    const { lab, pool, spawn } = makePool();
    await pool.ready();
    const a = pool.run(call('a'));
    const b = pool.run(call('b'));
    await lab.started('a');
    expect(lab.workers[0]!.fail('Uncaught RuntimeError: memory access out of bounds')).toBe(true);
    // Not retried: the input may be what killed it.
    await expect(a).rejects.toBeInstanceOf(WorkerCrashedError);
    await expect(a).rejects.toThrow(/facekit worker 0 crashed: Uncaught RuntimeError: memory access out of bounds.*retry the call/);
    expect(lab.workers[0]!.terminated).toBe(true);
    // The waiting call goes to the replacement, once it is prepared.
    const startedB = await lab.started('b');
    expect(startedB.worker.id).toBe(1);
    expect(lab.log).toContain('w1 init');
    startedB.answer(ok('B'));
    expect(await b).toBe('B');
    expect(spawn).toHaveBeenCalledTimes(2);
    expect(lab.startCount('a')).toBe(1);
    expect(pool.stats()).toMatchObject({ respawned: 1, workers: 1 });
    await pool.ready();
  });

  it('replaces a worker killed by crashForTest("terminate")', async () => {
    const { lab, pool } = makePool({ size: 2 });
    await pool.ready();
    const a = pool.run(call('a'));
    const startedA = await lab.started('a');
    pool.crashForTest(startedA.worker.id, 'terminate');
    await expect(a).rejects.toThrow(/was terminated/);
    await pool.ready();
    expect(pool.stats()).toMatchObject({ respawned: 1, workers: 2 });
    expect(() => pool.crashForTest(5, 'terminate')).toThrow(RangeError);
  });

  it('replaces a worker that crashes outside any call (crashForTest("uncaught"))', async () => {
    const { lab, pool } = makePool();
    await pool.ready();
    pool.crashForTest(0, 'uncaught');
    await lab.when('w0 terminated');
    const a = pool.run(call('a'));
    const startedA = await lab.started('a');
    expect(startedA.worker.id).toBe(1);
    expect(lab.log).toContain('w0 crashForTest uncaught');
    startedA.answer(ok('A'));
    expect(await a).toBe('A');
    expect(pool.stats().respawned).toBe(1);
  });

  it('replaces a worker whose runtime failed (a fatal reply), failing only that call', async () => {
    const { lab, pool } = makePool();
    await pool.ready();
    const a = pool.run(call('a'));
    const b = pool.run(call('b'));
    (await lab.started('a')).answer(failed(new BackendError('RuntimeError: unreachable'), { fatal: true }));
    await expect(a).rejects.toBeInstanceOf(BackendError);
    const startedB = await lab.started('b');
    expect(startedB.worker.id).toBe(1);
    expect(lab.workers[0]!.terminated).toBe(true);
    startedB.answer(ok('B'));
    expect(await b).toBe('B');
  });

  it('stops respawning a worker that dies 3 times while starting; waiting calls fail; the next call tries again', async () => {
    const lab = new Lab();
    lab.hangInit.add(0).add(1).add(2);
    const { pool, spawn } = makePool({ lab });
    const onDropped = vi.fn();
    const a = pool.run(call('a'), { onDropped });
    const ready = pool.ready();
    ready.catch(() => undefined);
    for (const id of [0, 1, 2]) {
      await lab.when(`w${id} init`);
      lab.workers[id]!.fail('Uncaught SyntaxError: bad module');
    }
    await expect(a).rejects.toBeInstanceOf(WorkerCrashedError);
    await expect(a).rejects.toThrow(/died 3 times while starting.*bad module/);
    expect(onDropped).toHaveBeenCalledTimes(1);
    await expect(ready).rejects.toBeInstanceOf(WorkerCrashedError);
    await expect(ready).rejects.toThrow(/died 3 times while starting/);
    expect(spawn).toHaveBeenCalledTimes(3);
    expect(pool.stats()).toMatchObject({ workers: 0, respawned: 2 });

    // The page may have recovered (a network blip): a new call starts a fresh worker.
    const b = pool.run(call('b'));
    const startedB = await lab.started('b');
    expect(startedB.worker.id).toBe(3);
    startedB.answer(ok('B'));
    expect(await b).toBe('B');
    expect(pool.stats().workers).toBe(1);
  });

  it('fails waiting calls with the preparation error, and prepares again for the next call', async () => {
    let tries = 0;
    const { lab, pool, spawn } = makePool({
      prepare: async () => {
        if (tries++ === 0) throw new ModelFetchError('https://x/det.onnx', 503, 'HTTP 503');
      },
    });
    const onDropped = vi.fn();
    const a = pool.run(call('a'), { onDropped });
    await expect(a).rejects.toBeInstanceOf(ModelFetchError);
    expect(onDropped).toHaveBeenCalledTimes(1);
    await expect(pool.ready()).rejects.toBeInstanceOf(ModelFetchError);
    const b = pool.run(call('b'));
    (await lab.started('b')).answer(ok('B'));
    expect(await b).toBe('B');
    // The same worker, prepared again: it never crashed.
    expect(spawn).toHaveBeenCalledTimes(1);
    expect(tries).toBe(2);
  });
});

describe('createWorkerPool: lost WebGPU device', () => {
  const lost = `${DEVICE_LOST}: the GPU process was reset`;

  it('runs a call that failed of a lost device again on the replacement', async () => {
    const lab = new Lab();
    const onDeviceLost = vi.fn((why: string) => { lab.log.push(`device lost: ${why}`); });
    const { pool } = makePool({ lab, onDeviceLost });
    await pool.ready();
    const a = pool.run(call('a'));
    const first = await lab.started('a');
    first.answer(failed(new BackendError(lost), { deviceLost: lost }));
    const second = await lab.started('a', 1);
    expect(second.worker.id).toBe(1);
    second.answer(ok('A'));
    expect(await a).toBe('A');
    // Told before the replacement starts, so `prepare` can choose another backend.
    expect(lab.log.indexOf(`device lost: ${lost}`)).toBeLessThan(lab.log.indexOf('spawn w1'));
    expect(onDeviceLost).toHaveBeenCalledTimes(1);
    expect(lab.workers[0]!.terminated).toBe(true);
    expect(pool.stats()).toMatchObject({ dispatched: 2, respawned: 1, workers: 1 });
  });

  it("re-runs the calls on the worker's uncaught device-lost error too, quoting the message from the marker on", async () => {
    const onDeviceLost = vi.fn();
    const { lab, pool } = makePool({ onDeviceLost });
    await pool.ready();
    const a = pool.run(call('a'));
    const b = pool.run(call('b'));
    await lab.started('a');
    lab.workers[0]!.fail(`Uncaught Error: ${lost}`);
    expect(onDeviceLost).toHaveBeenCalledWith(lost);
    // The re-run call keeps its place ahead of the one that was waiting.
    (await lab.started('a', 1)).answer(ok('A'));
    (await lab.started('b')).answer(ok('B'));
    expect(await Promise.all([a, b])).toEqual(['A', 'B']);
    expect(lab.log.filter((l) => l.includes(' run '))).toEqual(['w0 run a', 'w1 run a', 'w1 run b']);
  });

  it('handles the failed reply and the uncaught error of one loss once, whichever comes first', async () => {
    const onDeviceLost = vi.fn();
    const { lab, pool, spawn } = makePool({ onDeviceLost });
    await pool.ready();
    const a = pool.run(call('a'));
    (await lab.started('a')).answer(failed(new BackendError(lost), { deviceLost: lost }));
    await lab.started('a', 1);
    lab.workers[0]!.fail(`Uncaught Error: ${lost}`);
    await flush();
    expect(onDeviceLost).toHaveBeenCalledTimes(1);
    expect(spawn).toHaveBeenCalledTimes(2);
    expect(lab.startCount('a')).toBe(2);
    (await lab.started('a', 1)).answer(ok('A'));
    expect(await a).toBe('A');
  });

  it('reaches the worker through crashForTest("device")', async () => {
    const onDeviceLost = vi.fn();
    const { lab, pool } = makePool({ onDeviceLost });
    await pool.ready();
    const a = pool.run(call('a'));
    await lab.started('a');
    pool.crashForTest(0, 'device');
    (await lab.started('a', 1)).answer(ok('A'));
    expect(await a).toBe('A');
    expect(onDeviceLost).toHaveBeenCalledWith(`${DEVICE_LOST}: destroyed for test`);
  });
});

describe('createWorkerPool: extend', () => {
  it('runs a step on every worker in turn, the first one first', async () => {
    const { pool } = makePool({ size: 2 });
    await pool.ready();
    const gate = deferred<void>();
    const log: string[] = [];
    const extended = pool.extend(async (w) => {
      log.push(`load ${w.index}`);
      if (w.index === 0) await gate.promise;
      log.push(`loaded ${w.index}`);
    });
    await flush();
    // The second worker waits: the first one fills the model cache it will read.
    expect(log).toEqual(['load 0']);
    gate.resolve();
    await extended;
    expect(log).toEqual(['load 0', 'loaded 0', 'load 1', 'loaded 1']);
  });

  it('keeps serving calls while a step runs', async () => {
    const { lab, pool } = makePool();
    await pool.ready();
    const gate = deferred<void>();
    const extended = outcome(pool.extend(() => gate.promise));
    const a = pool.run(call('a'));
    (await lab.started('a')).answer(ok('A'));
    expect(await a).toBe('A');
    expect(extended()).toEqual({ state: 'pending' });
    gate.resolve();
    await flush();
    expect(extended()).toEqual({ state: 'resolved', value: undefined });
  });

  it('runs prepare and every step on a respawned worker', async () => {
    const { lab, pool } = makePool();
    await pool.ready();
    await pool.extend(async (w) => { lab.log.push(`step on slot ${w.index}`); });
    pool.crashForTest(0, 'terminate');
    await pool.ready();
    expect(lab.log.filter((l) => /init|step/.test(l))).toEqual(['w0 init', 'step on slot 0', 'w1 init', 'step on slot 0']);
  });

  it('forgets a failed step, so what worked keeps working and a later call can try again', async () => {
    const { lab, pool } = makePool({ size: 2 });
    await pool.ready();
    const log: string[] = [];
    const failure = new ModelFetchError('https://x/rec.onnx', null, 'network error');
    await expect(pool.extend(async (w) => { log.push(`step ${w.index}`); throw failure; })).rejects.toBe(failure);
    // The first worker failed it: the second never tried.
    expect(log).toEqual(['step 0']);
    await pool.ready();
    const a = pool.run(call('a'));
    (await lab.started('a')).answer(ok('A'));
    expect(await a).toBe('A');
    // A respawned worker does not run the forgotten step.
    pool.crashForTest(0, 'terminate');
    await pool.ready();
    expect(log).toEqual(['step 0']);
    // Trying again works.
    await pool.extend(async (w) => { log.push(`retry ${w.index}`); });
    expect(log).toEqual(['step 0', 'retry 0', 'retry 1']);
  });
});

describe('createWorkerPool: dispose', () => {
  it('rejects waiting calls with DisposedError, releases their input and ends every worker', async () => {
    const { lab, pool } = makePool({ size: 2 });
    await pool.ready();
    // Busy both workers, so the next calls wait.
    const running = [pool.run(call('a')), pool.run(call('b'))];
    for (const p of running) p.catch(() => undefined);
    await Promise.all([lab.started('a'), lab.started('b')]);
    const onDropped = vi.fn();
    const waiting = Promise.allSettled([pool.run(call('c'), { onDropped }), pool.run(call('d'), { onDropped })]);
    await pool.dispose();
    for (const r of await waiting) expect(r.status === 'rejected' && r.reason).toBeInstanceOf(DisposedError);
    expect(onDropped).toHaveBeenCalledTimes(2);
    expect(lab.log).toEqual(expect.arrayContaining(['w0 dispose', 'w1 dispose', 'w0 terminated', 'w1 terminated']));
    expect(pool.stats()).toMatchObject({ queued: 0, workers: 0 });
  });

  it('refuses calls and steps after dispose', async () => {
    const { pool } = makePool();
    await pool.ready();
    await pool.dispose();
    const onDropped = vi.fn();
    await expect(pool.run(call('a'), { onDropped })).rejects.toBeInstanceOf(DisposedError);
    expect(onDropped).toHaveBeenCalledTimes(1);
    await expect(pool.extend(async () => undefined)).rejects.toBeInstanceOf(DisposedError);
    await pool.dispose(); // twice is fine
  });

  it('does not wait forever for a stuck worker', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { lab, pool } = makePool();
    await pool.ready();
    lab.hangDispose.add(0);
    const disposed = outcome(pool.dispose());
    await lab.when('w0 dispose');
    await flush();
    expect(disposed()).toEqual({ state: 'pending' });
    await vi.advanceTimersByTimeAsync(2000);
    expect(disposed()).toEqual({ state: 'resolved', value: undefined });
    expect(lab.workers[0]!.terminated).toBe(true);
  });

  it('does not respawn a worker that dies during dispose', async () => {
    const { lab, pool, spawn } = makePool();
    await pool.ready();
    lab.hangDispose.add(0);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const disposed = pool.dispose();
    await lab.when('w0 dispose');
    lab.workers[0]!.fail('Uncaught Error: late');
    await vi.advanceTimersByTimeAsync(2000);
    await disposed;
    expect(spawn).toHaveBeenCalledTimes(1);
  });

  // A worker that crashes while dispose() waits for its answer is already released and
  // terminated by the crash handling: dispose() must not release it again (comlink throws) or
  // count it off twice.
  it('resolves dispose() when a worker crashes while it is being disposed', async () => {
    const { lab, pool } = makePool();
    await pool.ready();
    lab.hangDispose.add(0);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const disposed = outcome(pool.dispose());
    await lab.when('w0 dispose');
    lab.workers[0]!.fail('Uncaught Error: late');
    await vi.advanceTimersByTimeAsync(2000);
    await flush();
    expect(disposed()).toEqual({ state: 'resolved', value: undefined });
    expect(pool.stats().workers).toBe(0);
  });

  // dispose() drops waiting calls, and a call a worker is still running gets no reply once the
  // worker is terminated: it must fail with DisposedError, not hang `await kit.detect(...)`.
  it('rejects a call still running at dispose with DisposedError', async () => {
    const { lab, pool } = makePool();
    await pool.ready();
    const a = outcome(pool.run(call('a')));
    await lab.started('a');
    await pool.dispose();
    await flush();
    const o = a();
    expect(o.state).toBe('rejected');
    expect(o.state === 'rejected' && o.error).toBeInstanceOf(DisposedError);
  });
});

describe('createWorkerPool: stats', () => {
  it('counts what the pool holds', async () => {
    const { lab, pool } = makePool({ size: 2 });
    expect(pool.size).toBe(2);
    await pool.ready();
    expect(pool.stats()).toEqual({ queued: 0, inFlight: 0, dispatched: 0, respawned: 0, workers: 2 });
    const calls = ['a', 'b', 'c'].map((l) => pool.run(call(l)));
    await Promise.all([lab.started('a'), lab.started('b')]);
    expect(pool.stats()).toEqual({ queued: 1, inFlight: 2, dispatched: 2, respawned: 0, workers: 2 });
    (await lab.started('a')).answer(ok(1));
    (await lab.started('b')).answer(ok(2));
    (await lab.started('c')).answer(failed(new FaceKitError('INTERNAL', 'x')));
    await Promise.allSettled(calls);
    await flush();
    expect(pool.stats()).toEqual({ queued: 0, inFlight: 0, dispatched: 3, respawned: 0, workers: 2 });
  });
});
