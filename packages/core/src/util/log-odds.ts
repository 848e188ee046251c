// Probabilities and their log-odds: eye-state readings are averaged and thresholded as log-odds;
// logistic heads (gender) are fitted and read through them.

/** σ(x), without overflow for large |x|. */
export const sigmoid = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

/** The log-odds of `p` (±Infinity at 0 and 1). */
export const logit = (p: number): number => Math.log(p / (1 - p));

/** log(p / (1 − p)) with p clamped to [1e-6, 1 − 1e-6], so a saturated model reading stays finite. */
export const clampedLogit = (p: number): number => logit(Math.min(1 - 1e-6, Math.max(1e-6, p)));
