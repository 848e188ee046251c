// A fixed number of slots for work that holds memory or CPU (a body being received, a re-check),
// taken in arrival order. When all are taken a request waits in line, up to `maxWaiting` of them
// and for at most `maxWaitMs`, instead of being refused at once: a flood of stalled uploads then
// delays an honest login until the flood's bodies time out, and a flood kept up does not keep the
// honest login out, since it is served before anything that arrived after it.

export interface SlotQueueOptions {
  /** Slots held at once. */
  slots: number;
  /** Requests that may wait in line; one more is refused at once. */
  maxWaiting: number;
  /** Longest wait in line; after it the request is refused. */
  maxWaitMs: number;
}

/** Gives the slot back; calling it again does nothing. */
export type ReleaseSlot = () => void;

export interface SlotQueue {
  /**
   * A slot, when one is free or becomes free within `maxWaitMs` (first come, first served); undefined
   * when the line is full, the wait ran out, or `signal` aborted (the client went away).
   */
  acquire(signal?: AbortSignal): Promise<ReleaseSlot | undefined>;
  readonly used: number;
  readonly waiting: number;
}

export function createSlotQueue(options: SlotQueueOptions): SlotQueue {
  const { slots, maxWaiting, maxWaitMs } = options;
  let used = 0;
  const line: (() => void)[] = [];
  const release = (): ReleaseSlot => {
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      const next = line.shift();
      // The slot passes straight to the first in line, so nobody can jump it.
      if (next) next(); else used--;
    };
  };
  return {
    acquire(signal) {
      if (signal?.aborted) return Promise.resolve(undefined);
      if (used < slots) { used++; return Promise.resolve(release()); }
      if (line.length >= maxWaiting) return Promise.resolve(undefined);
      return new Promise((done) => {
        const leave = (): void => {
          const i = line.indexOf(admit);
          if (i >= 0) line.splice(i, 1);
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
        };
        const admit = (): void => { leave(); done(release()); };
        const onAbort = (): void => { leave(); done(undefined); };
        const timer = setTimeout(onAbort, maxWaitMs);
        signal?.addEventListener('abort', onAbort, { once: true });
        line.push(admit);
      });
    },
    get used() { return used; },
    get waiting() { return line.length; },
  };
}
