// Probabilities and their log-odds: eye-state readings are averaged and thresholded as log-odds.

export const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** The log-odds of `p` (±Infinity at 0 and 1). */
export const logit = (p: number): number => Math.log(p / (1 - p));
