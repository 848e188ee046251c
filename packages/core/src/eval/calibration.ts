// Whether a probability means what it says: expected calibration error (Guo et al. 2017).

/**
 * ECE over equal-width bins of the confidence in the predicted label (`confidence[i]` in
 * 0.5–1 for a binary decision): Σ over bins of (share of samples) × |accuracy − mean confidence|.
 * `correct[i]`: whether the predicted label was right. NaN for no samples.
 */
export function expectedCalibrationError(confidence: readonly number[], correct: readonly boolean[], bins = 10): number {
  const n = confidence.length;
  if (n === 0) return NaN;
  const conf = new Float64Array(bins);
  const right = new Float64Array(bins);
  const count = new Float64Array(bins);
  for (let i = 0; i < n; i++) {
    const c = confidence[i]!;
    const b = Math.min(bins - 1, Math.max(0, Math.floor(c * bins)));
    conf[b]! += c;
    right[b]! += correct[i] ? 1 : 0;
    count[b]!++;
  }
  let ece = 0;
  for (let b = 0; b < bins; b++) if (count[b]) ece += Math.abs(right[b]! - conf[b]!) / n;
  return ece;
}
