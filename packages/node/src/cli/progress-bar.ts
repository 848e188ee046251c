// One status line on stderr, redrawn in place with `\r`, so stdout stays clean for the summary
// (and for `--json`). Redraws are throttled: a 100k-photo run must not write 100k lines' worth
// of bytes to a log when stderr is redirected.

/** Where the bar draws: process.stderr, or anything with `write` (tests). */
export interface TextSink { write(text: string): unknown }

export interface ProgressBarOptions {
  total: number;
  stream?: TextSink;
  /** Minimum milliseconds between redraws (the first and last draw always happen). @defaultValue 100 */
  intervalMs?: number;
  /** Clock in ms (tests). @defaultValue performance.now */
  now?: () => number;
}

export interface ProgressBar {
  /** `done` images processed so far this run, `skipped` of them skipped. */
  update(done: number, skipped: number): void;
  /** Draws the last state and ends the line. Idempotent. */
  finish(): void;
}

/** `1h02m`, `3m04s`, `12s`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** The line itself, without `\r`: `  120/1000  12.0%  8.3 img/s  ETA 1m46s  skipped 4`. */
export function progressLine(done: number, total: number, skipped: number, elapsedMs: number): string {
  const pct = total > 0 ? (100 * done) / total : 100;
  const rate = elapsedMs > 0 ? done / (elapsedMs / 1000) : 0;
  // No rate before the first image: an ETA from nothing is noise.
  const eta = rate > 0 ? formatDuration((total - done) / rate) : '?';
  const width = String(total).length;
  return `${String(done).padStart(width)}/${total}  ${pct.toFixed(1).padStart(5)}%  ${rate.toFixed(1)} img/s  ETA ${eta}  skipped ${skipped}`;
}

export function createProgressBar(options: ProgressBarOptions): ProgressBar {
  const { total, stream = process.stderr, intervalMs = 100, now = () => performance.now() } = options;
  const t0 = now();
  let lastDraw = -Infinity;
  let lastLength = 0;
  let state = { done: 0, skipped: 0 };
  let finished = false;
  const draw = (): void => {
    const line = progressLine(state.done, total, state.skipped, now() - t0);
    // Blank out what a longer previous line left behind.
    stream.write(`\r${line}${' '.repeat(Math.max(0, lastLength - line.length))}`);
    lastLength = line.length;
    lastDraw = now();
  };
  draw(); // at once: the user sees the total before the first (slowest) image
  return {
    update(done, skipped) {
      if (finished) return;
      state = { done, skipped };
      if (now() - lastDraw >= intervalMs || done >= total) draw();
    },
    finish() {
      if (finished) return;
      finished = true;
      draw();
      stream.write('\n');
    },
  };
}
