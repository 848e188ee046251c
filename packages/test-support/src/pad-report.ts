// ISO/IEC 30107-3 figures for the presentation-attack evaluation (eval:pad): per liveness mode,
// APCER per attack type (attacks accepted as live), BPCER (genuine presentations refused or
// never decided), the time to a decision and per-frame score distributions.
import { percentile } from '@facekit/core';

export type Outcome = 'accepted' | 'rejected' | 'timeout' | 'error';

/** One clip played in one mode. */
export interface Attempt {
  clip: string;
  label: 'genuine' | 'attack';
  kind: string;
  person: string;
  /** A genuine clip counts towards BPCER in this mode (a clip that never blinks is no test of a blink mode). */
  eligible: boolean;
  outcome: Outcome;
  durationMs: number;
}

export interface ModeRates {
  /** Attack kind → accepted / presented. */
  apcer: Record<string, { rate: number; accepted: number; presented: number }>;
  /** The worst attack kind's APCER (the standard's APCER of the system), NaN without attacks. */
  maxApcer: number;
  bpcer: number;
  /** Eligible genuine presentations not accepted: refused as attacks, or never decided within the time allowed (both count in BPCER). */
  refused: number;
  /** Of `refused`, those never decided (the quality gate or the challenge blocked until the timeout). */
  undecided: number;
  genuine: number;
  /** (max APCER + BPCER) / 2. */
  acer: number;
  /** Accepted genuine presentations: median and 90th percentile of the time to accept, ms. */
  decisionMs: { median: number; p90: number } | undefined;
}

export function modeRates(attempts: readonly Attempt[]): ModeRates {
  const apcer: ModeRates['apcer'] = {};
  for (const a of attempts.filter((x) => x.label === 'attack')) {
    const r = (apcer[a.kind] ??= { rate: 0, accepted: 0, presented: 0 });
    r.presented++;
    if (a.outcome === 'accepted') r.accepted++;
    r.rate = r.accepted / r.presented;
  }
  const rates = Object.values(apcer).map((r) => r.rate);
  const maxApcer = rates.length ? Math.max(...rates) : Number.NaN;
  const genuine = attempts.filter((x) => x.label === 'genuine' && x.eligible);
  const refused = genuine.filter((x) => x.outcome !== 'accepted').length;
  const undecided = genuine.filter((x) => x.outcome === 'timeout').length;
  const bpcer = genuine.length ? refused / genuine.length : Number.NaN;
  const times = genuine.filter((x) => x.outcome === 'accepted').map((x) => x.durationMs);
  return {
    apcer, maxApcer, bpcer, refused, undecided, genuine: genuine.length, acer: (maxApcer + bpcer) / 2,
    decisionMs: times.length ? { median: percentile(times, 50), p90: percentile(times, 90) } : undefined,
  };
}

/** Quartiles and extremes of a score list, for the per-frame distributions. */
export function fiveNumbers(xs: readonly number[]): { n: number; min: number; q1: number; median: number; q3: number; max: number } | undefined {
  if (!xs.length) return undefined;
  return { n: xs.length, min: Math.min(...xs), q1: percentile(xs, 25), median: percentile(xs, 50), q3: percentile(xs, 75), max: Math.max(...xs) };
}

/** One scored presentation for threshold cross-validation. */
export interface ScoredItem { score: number; attack: boolean; group: string }

export interface CvFold { group: string; threshold: number; apcer: number; bpcer: number; acer: number; attacks: number; genuine: number }

/**
 * Leave-one-group-out cross-validation of a threshold: for each group (a source, a person), the
 * threshold is chosen by `rule` on the other groups' scores and applied to the group's own
 * (score ≥ threshold accepted as genuine). A fold's ACER is (APCER + BPCER) / 2, with an empty
 * side counting 0; `pooled` counts the errors over every held-out item together.
 */
export function groupThresholdCv(items: readonly ScoredItem[], rule: (genuine: number[], attacks: number[]) => number): { folds: CvFold[]; pooled: { apcer: number; bpcer: number; acer: number }; acerMean: number; acerStd: number } {
  const groups = [...new Set(items.map((i) => i.group))].sort();
  const folds: CvFold[] = [];
  let aAcc = 0, aN = 0, gRej = 0, gN = 0;
  for (const g of groups) {
    const train = items.filter((i) => i.group !== g), test = items.filter((i) => i.group === g);
    const threshold = rule(train.filter((i) => !i.attack).map((i) => i.score), train.filter((i) => i.attack).map((i) => i.score));
    const attacks = test.filter((i) => i.attack), genuine = test.filter((i) => !i.attack);
    const accepted = attacks.filter((i) => i.score >= threshold).length, refused = genuine.filter((i) => i.score < threshold).length;
    const apcer = attacks.length ? accepted / attacks.length : 0, bpcer = genuine.length ? refused / genuine.length : 0;
    folds.push({ group: g, threshold, apcer, bpcer, acer: (apcer + bpcer) / 2, attacks: attacks.length, genuine: genuine.length });
    aAcc += accepted; aN += attacks.length; gRej += refused; gN += genuine.length;
  }
  const acers = folds.map((f) => f.acer);
  const acerMean = acers.reduce((s, v) => s + v, 0) / acers.length;
  const acerStd = Math.sqrt(acers.reduce((s, v) => s + (v - acerMean) ** 2, 0) / acers.length);
  const pooled = { apcer: aN ? aAcc / aN : 0, bpcer: gN ? gRej / gN : 0, acer: 0 };
  pooled.acer = (pooled.apcer + pooled.bpcer) / 2;
  return { folds, pooled, acerMean, acerStd };
}
