import { iou, type Box } from '../geometry/box.js';

export interface ScoredBox { box: Box; score: number }

export interface DetectionMetrics {
  /** Ground-truth faces. */
  positives: number;
  detections: number;
  /** True-positive rate at the given false-positive counts (the discrete ROC). */
  tprAtFp: Record<number, number>;
  /** Average precision (all-point interpolated precision/recall area). */
  ap: number;
}

/**
 * Discrete ROC and AP over a set of images. A detection is a true positive when its best
 * still-unmatched ground truth overlaps it at IoU ≥ `minIou`; images are matched greedily by
 * score (highest first), then all detections are ranked by score together.
 */
export function evaluateDetections(
  images: readonly { truth: readonly Box[]; detections: readonly ScoredBox[] }[],
  fpPoints: readonly number[] = [100, 500, 1000],
  minIou = 0.5,
): DetectionMetrics {
  const ranked: { score: number; tp: boolean }[] = [];
  let positives = 0;
  for (const img of images) {
    positives += img.truth.length;
    const taken = new Uint8Array(img.truth.length);
    const dets = [...img.detections].sort((a, b) => b.score - a.score);
    for (const d of dets) {
      let best = -1, bestIou = minIou;
      img.truth.forEach((t, j) => {
        if (taken[j]) return;
        const v = iou(d.box, t);
        if (v >= bestIou) { bestIou = v; best = j; }
      });
      if (best >= 0) taken[best] = 1;
      ranked.push({ score: d.score, tp: best >= 0 });
    }
  }
  ranked.sort((a, b) => b.score - a.score);
  const tprAtFp: Record<number, number> = Object.fromEntries(fpPoints.map((p) => [p, 0]));
  const recall: number[] = [], precision: number[] = [];
  let tp = 0, fp = 0;
  for (const r of ranked) {
    if (r.tp) tp++; else fp++;
    for (const p of fpPoints) if (fp <= p) tprAtFp[p] = tp / Math.max(1, positives);
    recall.push(tp / Math.max(1, positives));
    precision.push(tp / (tp + fp));
  }
  // All-point interpolation: precision made monotone from the right, summed over recall steps.
  for (let i = precision.length - 2; i >= 0; i--) precision[i] = Math.max(precision[i]!, precision[i + 1]!);
  let ap = 0, prevRecall = 0;
  for (let i = 0; i < recall.length; i++) {
    ap += (recall[i]! - prevRecall) * precision[i]!;
    prevRecall = recall[i]!;
  }
  return { positives, detections: ranked.length, tprAtFp, ap };
}
