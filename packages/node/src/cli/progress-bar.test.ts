// The progress line: contents, in-place redraws, throttling, the closing newline.
import { describe, expect, it } from 'vitest';
import { createProgressBar, formatDuration, progressLine } from './progress-bar.js';

describe('progress bar', () => {
  it('shows done/total, percent, rate, ETA and skips', () => {
    expect(progressLine(25, 100, 3, 5000)).toBe(' 25/100   25.0%  5.0 img/s  ETA 15s  skipped 3');
    expect(progressLine(0, 10, 0, 0)).toBe(' 0/10    0.0%  0.0 img/s  ETA ?  skipped 0');
    expect([formatDuration(59.4), formatDuration(184), formatDuration(3720), formatDuration(Number.NaN)]).toEqual(['59s', '3m04s', '1h02m', '?']);
  });

  it('redraws one line with \\r, throttled, blanks leftovers and ends with a newline', () => {
    let t = 0;
    const out: string[] = [];
    const bar = createProgressBar({ total: 1000, stream: { write: (s: string) => out.push(s) }, intervalMs: 100, now: () => t });
    expect(out).toHaveLength(1); // drawn at once
    t = 50; bar.update(1, 0);
    expect(out).toHaveLength(1); // too soon
    t = 200; bar.update(999, 0);
    t = 210; bar.update(1000, 0); // the last one always draws
    expect(out).toHaveLength(3);
    bar.finish(); bar.finish();
    expect(out.at(-1)).toBe('\n');
    expect(out.slice(0, -1).every((s) => s.startsWith('\r') && !s.includes('\n'))).toBe(true);
    // A line never gets shorter on screen: a shorter one is padded so no old digits remain.
    const lengths = out.slice(0, -1).map((s) => s.length);
    expect(lengths).toEqual([...lengths].sort((a, b) => a - b));
  });

  it('pads a shorter line over a longer one', () => {
    let t = 0;
    const out: string[] = [];
    const bar = createProgressBar({ total: 10, stream: { write: (s: string) => out.push(s) }, intervalMs: 0, now: () => t });
    t = 1000; bar.update(1, 0); // ETA 9s
    t = 100_000; bar.update(2, 0); // ETA 6m40s: longer
    t = 100_001; bar.update(10, 0); // ETA 0s: shorter, padded
    expect(out[3]!.length).toBe(out[2]!.length);
    expect(out[3]!.endsWith(' ')).toBe(true);
  });
});
