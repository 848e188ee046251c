// CPU use while a benchmark section runs, read from /proc (Linux): the whole machine's busy
// share, and the share of Chromium's processes (browser, renderer, GPU, utility).
import { readdirSync, readFileSync } from 'node:fs';

interface Sample { busy: number; total: number; chromium: number }

const TICKS_PER_CORE_LINE = /^cpu\s+(.*)$/m;

function sample(): Sample {
  const fields = TICKS_PER_CORE_LINE.exec(readFileSync('/proc/stat', 'utf8'))![1]!.trim().split(/\s+/).map(Number);
  // user nice system idle iowait irq softirq steal
  const idle = fields[3]! + (fields[4] ?? 0);
  const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
  let chromium = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (!/chrom/i.test(comm)) continue;
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      chromium += Number(rest[11]) + Number(rest[12]); // utime, stime (fields 14, 15)
    } catch { /* the process ended meanwhile */ }
  }
  return { busy: total - idle, total, chromium };
}

export interface CpuUse {
  /** Busy share of all cores, 0–100 (100 = every core busy). */
  machinePercent: number;
  /** Chromium's processes, as a share of all cores, 0–100. */
  chromiumPercent: number;
}

/** Starts counting; `stop()` returns the shares since the start. */
export function startCpuMeter(): { stop(): CpuUse } {
  const a = sample();
  return {
    stop() {
      const b = sample();
      const total = b.total - a.total || 1;
      return { machinePercent: (100 * (b.busy - a.busy)) / total, chromiumPercent: (100 * (b.chromium - a.chromium)) / total };
    },
  };
}
