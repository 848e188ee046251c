import { describe, expect, it } from 'vitest';
import { createBurst } from './burst.js';

describe('createBurst', () => {
  it('keeps frames at least 250 ms apart, and every pinned one', () => {
    const b = createBurst<number>();
    for (let t = 0; t <= 1000; t += 100) b.add(() => t, t, t === 550 - 50);
    expect(b.frames.map((f) => f.atMs)).toEqual([0, 300, 500, 800]);
    expect(b.frames.filter((f) => f.pinned).map((f) => f.atMs)).toEqual([500]);
  });

  it('a long turn: the spacing doubles and thins what was kept, so at most maxFrames remain, evenly spread over the whole turn', () => {
    const b = createBurst<number>();
    // 15 fps for 10 s; the challenge's frames at 0, 4 s and 10 s.
    for (let i = 0; i <= 150; i++) { const t = Math.round(i * 1000 / 15); b.add(() => i, t, t === 0 || i === 60 || i === 150); }
    const times = b.frames.map((f) => f.atMs);
    expect(b.frames.filter((f) => !f.pinned).length).toBeLessThanOrEqual(12);
    expect(times[0]).toBe(0);
    expect(times.at(-1)).toBe(10_000);
    expect(times).toContain(4000);
    // No gap much over the final spacing (1 s here, plus one camera frame): neighbours stay close in time.
    const gaps = times.slice(1).map((t, k) => t - times[k]!);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(1000 + 67);
    b.reset();
    expect(b.frames).toEqual([]);
    b.add(() => 1, 0); b.add(() => 2, 250);
    expect(b.frames.length).toBe(2); // the spacing starts over too
  });
});
