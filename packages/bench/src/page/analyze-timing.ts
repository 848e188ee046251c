// Timing `analyze` on one photo at one detector input size, in the page: the measuring half of
// the demo's Bench page (demo/src/bench-page.ts shows the numbers). Per-stage medians come from
// the kit's own timings; wall time is the call's, decode included.
import { median, percentile } from '@facekit/core';
import type { Analysis, FaceKit } from 'facekit';

/** The stages reported, in order: the label and where each comes from in an `Analysis`. */
export const ANALYZE_STAGES = [
  { key: 'decode', label: 'Decode', of: (a: Analysis) => a.timings.decode },
  { key: 'detectPreprocess', label: 'Detect preprocess', of: (a: Analysis) => a.timings.preprocess },
  { key: 'detectInference', label: 'Detect inference', of: (a: Analysis) => a.timings.inference },
  { key: 'detectPostprocess', label: 'Detect postprocess', of: (a: Analysis) => a.timings.postprocess },
  { key: 'embedPreprocess', label: 'Embed preprocess', of: (a: Analysis) => a.embeddingTimings.preprocess },
  { key: 'embedInference', label: 'Embed inference', of: (a: Analysis) => a.embeddingTimings.inference },
] as const;
export type AnalyzeStage = (typeof ANALYZE_STAGES)[number]['key'];

export interface AnalyzeTiming {
  inputSize: number;
  /** Faces found in the last timed call (embedding time grows with each face). */
  faces: number;
  /** Timed calls where nothing was found at this size and the tight-crop retry ran. */
  retried: number;
  medians: Record<AnalyzeStage, number>;
  wallMedian: number;
  wallP95: number;
  framesPerSecond: number;
}

/**
 * `warmup` untimed then `runs` timed analyze calls on `blob` at `inputSize` (the first calls at a
 * size pay for allocation and JIT, not for the model). `onCall` hears of each call. Resolves
 * undefined when the photo has no face at this size: there is nothing to time.
 */
export async function timeAnalyze(
  kit: Pick<FaceKit, 'analyze'>, blob: Blob, inputSize: number, warmup: number, runs: number,
  onCall: (phase: 'warm-up' | 'analyze', done: number, of: number) => void,
): Promise<AnalyzeTiming | undefined> {
  const calls = async (n: number, phase: 'warm-up' | 'analyze') => {
    const analyses: Analysis[] = [], walls: number[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      analyses.push(await kit.analyze(blob, { inputSize }));
      walls.push(performance.now() - t0);
      onCall(phase, i + 1, n);
    }
    return { analyses, walls };
  };
  const warm = await calls(warmup, 'warm-up');
  const first = warm.analyses[0] ?? (await kit.analyze(blob, { inputSize }));
  if (first.faces.length === 0) return undefined;
  const { analyses, walls } = await calls(runs, 'analyze');
  return {
    inputSize,
    faces: analyses.at(-1)?.faces.length ?? 0,
    retried: analyses.filter((a) => a.retried).length,
    medians: Object.fromEntries(ANALYZE_STAGES.map((s) => [s.key, median(analyses.map(s.of))])) as Record<AnalyzeStage, number>,
    wallMedian: median(walls),
    wallP95: percentile(walls, 95),
    framesPerSecond: runs / (walls.reduce((a, b) => a + b, 0) / 1000),
  };
}
