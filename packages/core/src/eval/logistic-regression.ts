// Binary logistic regression with an L2 penalty, fitted by Newton's method (exact for a convex
// problem of a few hundred dimensions: each step solves one (d+1)² system by Cholesky), and
// Platt scaling of its scores. Used to fit linear heads on embeddings (gender) by cross-validation.
import { InvalidOptionError } from '../errors.js';
import { sigmoid } from '../util/log-odds.js';

export interface LinearHead {
  /** One weight per embedding dimension. */
  weights: Float32Array;
  bias: number;
}

export interface LogisticFitOptions {
  /** L2 penalty on the weights (not the bias), as λ·|w|²/2 added to the mean weighted log-loss. @defaultValue 0.01 */
  l2?: number;
  /** `balanced`: each class weighs half of the loss, whatever its count. @defaultValue 'balanced' */
  classWeight?: 'balanced' | 'none';
  /** Newton steps at most. @defaultValue 50 */
  maxSteps?: number;
}


/** w·x + b. */
export function linearScore(head: LinearHead, x: ArrayLike<number>): number {
  let s = head.bias;
  for (let i = 0; i < head.weights.length; i++) s += head.weights[i]! * x[i]!;
  return s;
}

/** Solves A·x = b in place for symmetric positive definite A (n×n, row-major); returns x. */
function choleskySolve(a: Float64Array, b: Float64Array, n: number): Float64Array {
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j]!;
    for (let k = 0; k < j; k++) d -= a[j * n + k]! ** 2;
    if (!(d > 0)) throw new InvalidOptionError('logistic regression: the system is not positive definite; use a larger l2');
    const l = Math.sqrt(d);
    a[j * n + j] = l;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= a[i * n + k]! * a[j * n + k]!;
      a[i * n + j] = s / l;
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= a[i * n + k]! * y[k]!;
    y[i] = s / a[i * n + i]!;
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < n; k++) s -= a[k * n + i]! * y[k]!;
    y[i] = s / a[i * n + i]!;
  }
  return y;
}

/**
 * Fits P(y = 1 | x) = σ(w·x + b). `x`: rows of equal length; `y`: 0 or 1 each.
 * Throws InvalidOptionError on empty input, ragged rows, or a single class.
 */
export function fitLogistic(x: readonly ArrayLike<number>[], y: readonly number[], o: LogisticFitOptions = {}): LinearHead {
  const l2 = o.l2 ?? 0.01;
  const n = x.length;
  if (n === 0 || n !== y.length) throw new InvalidOptionError(`logistic regression needs one label per row, got ${n} rows and ${y.length} labels`);
  const d = x[0]!.length;
  if (x.some((r) => r.length !== d)) throw new InvalidOptionError('logistic regression: rows differ in length');
  if (y.some((v) => v !== 0 && v !== 1)) throw new InvalidOptionError('logistic regression: labels must be 0 or 1');
  const pos = y.filter((v) => v === 1).length;
  if (pos === 0 || pos === n) throw new InvalidOptionError('logistic regression needs both classes in its training rows');
  if (!(l2 > 0)) throw new InvalidOptionError(`l2 must be > 0, got ${l2}`);
  const balanced = (o.classWeight ?? 'balanced') === 'balanced';
  // Sample weights summing to 1.
  const sw = y.map((v) => (balanced ? 0.5 / (v === 1 ? pos : n - pos) : 1 / n));
  const m = d + 1; // weights, then bias
  const beta = new Float64Array(m);
  const maxSteps = o.maxSteps ?? 50;
  for (let step = 0; step < maxSteps; step++) {
    const grad = new Float64Array(m);
    const hess = new Float64Array(m * m);
    for (let r = 0; r < n; r++) {
      const row = x[r]!;
      let z = beta[d]!;
      for (let i = 0; i < d; i++) z += beta[i]! * row[i]!;
      const p = sigmoid(z);
      const g = sw[r]! * (p - y[r]!);
      const h = sw[r]! * p * (1 - p);
      for (let i = 0; i < d; i++) {
        const xi = row[i]!;
        grad[i]! += g * xi;
        const hx = h * xi;
        const base = i * m;
        for (let j = 0; j <= i; j++) hess[base + j]! += hx * row[j]!;
        hess[d * m + i]! += hx;
      }
      grad[d]! += g;
      hess[d * m + d]! += h;
    }
    for (let i = 0; i < d; i++) {
      grad[i]! += l2 * beta[i]!;
      hess[i * m + i]! += l2;
    }
    hess[d * m + d]! += 1e-9; // the bias is unpenalised; keep the system definite
    // Mirror the lower triangle (the bias row holds hess[d][i]).
    for (let i = 0; i < m; i++) for (let j = i + 1; j < m; j++) hess[i * m + j] = hess[j * m + i]!;
    const delta = choleskySolve(hess, grad, m);
    let change = 0;
    for (let i = 0; i < m; i++) {
      beta[i]! -= delta[i]!;
      change = Math.max(change, Math.abs(delta[i]!));
    }
    if (change < 1e-7) break;
  }
  return { weights: Float32Array.from(beta.subarray(0, d)), bias: beta[d]! };
}

/** Platt scaling: P(y = 1 | s) = σ(a·s + b), fitted to held-out scores `s` by maximum likelihood. */
export interface PlattScaling { a: number; b: number }

export function fitPlatt(scores: readonly number[], y: readonly number[]): PlattScaling {
  const head = fitLogistic(scores.map((s) => [s]), y, { l2: 1e-6, classWeight: 'none' });
  return { a: head.weights[0]!, b: head.bias };
}

export const applyPlatt = (p: PlattScaling, score: number): number => sigmoid(p.a * score + p.b);
