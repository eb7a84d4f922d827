/**
 * Weight initialisers of the paper's stack (Flax defaults), drawn from the project's `Rng`.
 */
import type { Rng } from '../rng';

/** Std. dev. of a standard normal truncated to [−2, 2] (the constant Flax's `variance_scaling` divides by). */
const TRUNCATED_STD = 0.8796256610342398;

/**
 * Flax `lecun_normal()`: a normal truncated to ±2 standard deviations, scaled so the result has variance 1/fanIn.
 * Writes `out.length` draws.
 */
export function lecunNormal(out: Float32Array, fanIn: number, rng: Rng): void {
  const std = Math.sqrt(1 / fanIn) / TRUNCATED_STD;
  for (let i = 0; i < out.length; i++) {
    let v = rng.normal();
    while (v < -2 || v > 2) v = rng.normal();
    out[i] = v * std;
  }
}

/**
 * Flax `orthogonal()` for a square n×n matrix: QR of a standard normal matrix with the signs of R's diagonal
 * folded into Q, so the result is Haar-distributed. Row-major n×n, float64.
 */
export function orthogonal(n: number, rng: Rng): Float64Array {
  const a = new Float64Array(n * n);
  for (let i = 0; i < a.length; i++) a[i] = rng.normal();
  // Modified Gram–Schmidt on the columns of A: column j of Q is A's column j orthogonalised against columns < j;
  // dividing by its norm (R's positive diagonal) is exactly the sign-corrected QR.
  const q = new Float64Array(n * n);
  const col = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) col[i] = a[i * n + j];
    for (let k = 0; k < j; k++) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += q[i * n + k] * col[i];
      for (let i = 0; i < n; i++) col[i] -= dot * q[i * n + k];
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += col[i] * col[i];
    norm = Math.sqrt(norm);
    for (let i = 0; i < n; i++) q[i * n + j] = col[i] / norm;
  }
  return q;
}

/**
 * PyTorch's default for `nn.Linear` and `nn.GRU` weights and biases: uniform on [−bound, bound], with
 * bound = 1/√fanIn for a Linear layer and 1/√hidden for every GRU tensor. Writes `out.length` draws.
 */
export function uniformBound(out: Float32Array, bound: number, rng: Rng): void {
  for (let i = 0; i < out.length; i++) out[i] = (2 * rng.uniform() - 1) * bound;
}
