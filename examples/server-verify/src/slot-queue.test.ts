import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSlotQueue } from './slot-queue.js';

afterEach(() => { vi.useRealTimers(); });

describe('createSlotQueue', () => {
  it('serves in arrival order: a freed slot goes to the first in line', async () => {
    const q = createSlotQueue({ slots: 2, maxWaiting: 5, maxWaitMs: 10_000 });
    const a = (await q.acquire())!;
    const b = (await q.acquire())!;
    const order: string[] = [];
    const c = q.acquire().then((r) => { order.push('c'); return r; });
    const d = q.acquire().then((r) => { order.push('d'); return r; });
    expect([q.used, q.waiting]).toEqual([2, 2]);
    b();
    b(); // a second release does nothing
    const rc = await c;
    expect(rc).toBeTypeOf('function');
    expect([q.used, q.waiting, order]).toEqual([2, 1, ['c']]);
    a();
    expect(await d).toBeTypeOf('function');
    expect(order).toEqual(['c', 'd']);
    rc!();
    expect([q.used, q.waiting]).toEqual([1, 0]);
  });

  it('refuses at once when the line is full, after maxWaitMs, and when the client goes away', async () => {
    vi.useFakeTimers();
    const q = createSlotQueue({ slots: 1, maxWaiting: 2, maxWaitMs: 5000 });
    const held = (await q.acquire())!;
    const late = q.acquire();
    const gone = new AbortController();
    const leaving = q.acquire(gone.signal);
    expect(await q.acquire()).toBeUndefined(); // the line holds 2
    gone.abort();
    expect(await leaving).toBeUndefined();
    expect(q.waiting).toBe(1);
    vi.advanceTimersByTime(5000);
    expect(await late).toBeUndefined();
    expect(q.waiting).toBe(0);
    // The slot was never lost: released, it is free again.
    held();
    expect(q.used).toBe(0);
    expect(await q.acquire(AbortSignal.abort())).toBeUndefined();
  });
});
