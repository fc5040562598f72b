/**
 * @file Eigenvalues of a real square matrix, symmetric or not: balance, reduce to upper Hessenberg
 * form, then run the Francis implicit double-shift QR algorithm with deflation (Golub & Van Loan,
 * Matrix Computations, §7.5). Real arithmetic throughout: a complex conjugate pair of eigenvalues
 * shows up as a 2 × 2 block on the diagonal, solved in closed form once it splits off.
 */
import { ValueError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { balance, reduceToHessenberg } from './hessenberg.js';
import { ConvergenceError, matrixArgument, scaleOf } from './matrix.js';

/** Complex numbers as two parallel arrays: the k-th is `re[k] + i·im[k]`. */
export interface ComplexValues {
  re: Float64Array;
  im: Float64Array;
}

/** Options for {@link eigenvalues} and {@link spectralRadius}. */
export interface EigenvalueOptions {
  /**
   * Most double-shift QR steps to take before giving up with a {@link ConvergenceError};
   * default 30·max(10, n). Typical matrices need two to four per eigenvalue pair.
   */
  maxIterations?: number;
}

/**
 * All n eigenvalues of a real n × n matrix, sorted by descending modulus (ties: larger real part,
 * then larger imaginary part first). Complex eigenvalues come in conjugate pairs, next to each
 * other, `+` imaginary part first. Throws a ConvergenceError (a RangeError) if the QR iteration
 * has not converged after `maxIterations` steps.
 *
 * @example
 * // A rotation by θ has eigenvalues cos θ ± i sin θ.
 * const { re, im } = eigenvalues(tensor([[0, -1], [1, 0]]));
 * // re = [0, 0], im = [1, -1]
 */
export function eigenvalues(A: Tensor, options: EigenvalueOptions = {}): ComplexValues {
  return computeEigenvalues('eigenvalues', A, options);
}

/**
 * The spectral radius ρ(A) = max |λᵢ| of a real square matrix, from the full QR algorithm (not
 * power iteration, which stalls when the dominant eigenvalues are a complex pair or nearly tie).
 *
 * @example
 * spectralRadius(tensor([[0, -2], [2, 0]])); // 2  (eigenvalues ±2i)
 * // Rescale to spectral radius 0.95:
 * const W2 = mul(W, 0.95 / spectralRadius(W)); // spectralRadius(W2) ≈ 0.95
 */
export function spectralRadius(A: Tensor, options: EigenvalueOptions = {}): number {
  const { re, im } = computeEigenvalues('spectralRadius', A, options);
  return Math.hypot(re[0], im[0]);
}

function computeEigenvalues(op: string, A: Tensor, options: EigenvalueOptions): ComplexValues {
  const { rows: n, data: h } = matrixArgument(op, 'A', A, true);
  const maxIterations = options.maxIterations ?? 30 * Math.max(10, n);
  if (!Number.isInteger(maxIterations) || maxIterations < 0) {
    throw new ValueError(op, 'options.maxIterations', `must be a non-negative integer, got ${maxIterations}`);
  }
  // The shift polynomial squares entries: work on A/s with s a power of two near max |aᵢⱼ| so
  // that 1e200 or 1e-200 matrices neither overflow nor underflow; λ(A) = s·λ(A/s) exactly.
  const scale = scaleOf(h);
  if (scale === 0) return { re: new Float64Array(n), im: new Float64Array(n) };
  for (let k = 0; k < h.length; k++) h[k] /= scale;
  balance(h, n);
  reduceToHessenberg(h, n);
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  francisQR(op, h, n, re, im, maxIterations);
  for (let k = 0; k < n; k++) {
    re[k] *= scale;
    im[k] *= scale;
  }
  return sortByModulus(re, im);
}

/**
 * The QR algorithm on the Hessenberg matrix h. The active block h[lo..hi, lo..hi] is unreduced
 * (no zero subdiagonal); each Francis step is one implicit double-shift QR step on it. When a
 * subdiagonal entry becomes negligible the block splits; a 1 × 1 or 2 × 2 block at the bottom
 * yields its eigenvalues and the window moves up. Only the active block is updated: the rest of
 * the Schur form would be needed for eigenvectors, not for eigenvalues.
 */
function francisQR(
  op: string,
  h: Float64Array,
  n: number,
  re: Float64Array,
  im: Float64Array,
  maxIterations: number,
): void {
  let norm = 0;
  for (let i = 0; i < n; i++) for (let j = Math.max(0, i - 1); j < n; j++) norm += Math.abs(h[i * n + j]);
  let iterations = 0;
  let sinceDeflation = 0;
  let hi = n - 1;
  while (hi >= 0) {
    const lo = splitPoint(h, n, hi, norm);
    if (lo === hi) {
      re[hi] = h[hi * n + hi];
      im[hi] = 0;
      hi -= 1;
      sinceDeflation = 0;
    } else if (lo === hi - 1) {
      const i = hi - 1;
      eigenvalues2x2(h[i * n + i], h[i * n + hi], h[hi * n + i], h[hi * n + hi], re, im, i);
      hi -= 2;
      sinceDeflation = 0;
    } else {
      if (iterations === maxIterations) {
        throw new ConvergenceError(
          op,
          iterations,
          `QR algorithm on a ${n}×${n} matrix, rows ${lo}..${hi} still coupled`,
        );
      }
      iterations += 1;
      sinceDeflation += 1;
      // Standard shifts can cycle forever on some matrices (e.g. a cyclic permutation); an
      // occasional ad hoc shift breaks the symmetry.
      francisStep(h, n, lo, hi, sinceDeflation % 10 === 0);
    }
  }
}

/**
 * The lowest row lo ≤ hi such that h[lo..hi] is unreduced. A subdiagonal entry counts as zero
 * when it is below rounding relative to its two diagonal neighbours (or to the whole matrix if
 * both are zero); it is then set to exactly zero.
 */
function splitPoint(h: Float64Array, n: number, hi: number, norm: number): number {
  for (let k = hi; k > 0; k--) {
    let s = Math.abs(h[(k - 1) * n + k - 1]) + Math.abs(h[k * n + k]);
    if (s === 0) s = norm;
    if (Math.abs(h[k * n + k - 1]) <= Number.EPSILON * s) {
      h[k * n + k - 1] = 0;
      return k;
    }
  }
  return 0;
}

/**
 * One Francis double-shift step on the block h[lo..hi], hi − lo ≥ 2. The shifts σ₁, σ₂ are the
 * eigenvalues of the trailing 2 × 2 block; they enter only through s = σ₁ + σ₂ and t = σ₁σ₂, so
 * complex shifts need no complex arithmetic. A Householder reflector maps the first column of
 * (H − σ₁I)(H − σ₂I) = H² − sH + tI to a multiple of e₁, creating a bulge below the subdiagonal;
 * further reflectors chase the bulge down and off the bottom, restoring Hessenberg form. By the
 * implicit Q theorem the result is the same as two explicit shifted QR steps.
 */
function francisStep(h: Float64Array, n: number, lo: number, hi: number, exceptional: boolean): void {
  const m = hi - 1;
  let s: number;
  let t: number;
  if (exceptional) {
    // Shifts near, but not at, the bottom corner, in the style of LAPACK's dlahqr.
    const w = Math.abs(h[hi * n + m]) + Math.abs(h[m * n + m - 1]);
    const c = h[hi * n + hi] + 0.75 * w;
    s = 2 * c;
    t = c * c + 0.4375 * w * w;
  } else {
    s = h[m * n + m] + h[hi * n + hi];
    t = h[m * n + m] * h[hi * n + hi] - h[m * n + hi] * h[hi * n + m];
  }
  const h00 = h[lo * n + lo];
  const h10 = h[(lo + 1) * n + lo];
  let x = h00 * h00 + h[lo * n + lo + 1] * h10 - s * h00 + t;
  let y = h10 * (h00 + h[(lo + 1) * n + lo + 1] - s);
  let z = h10 * h[(lo + 2) * n + lo + 1];
  for (let k = lo; k < hi; k++) {
    const three = k < hi - 1;
    if (k > lo) {
      // The bulge: column k − 1 below the subdiagonal.
      x = h[k * n + k - 1];
      y = h[(k + 1) * n + k - 1];
      z = three ? h[(k + 2) * n + k - 1] : 0;
    }
    // Reflector P = I − τvvᵀ with v = (x − α, y, z), mapping (x, y, z) to (α, 0, 0); scaled
    // first so that squaring cannot overflow.
    const scale = Math.abs(x) + Math.abs(y) + Math.abs(z);
    if (scale === 0) continue;
    x /= scale;
    y /= scale;
    z /= scale;
    const norm = Math.hypot(x, y, z);
    const alpha = x >= 0 ? -norm : norm;
    const v0 = x - alpha;
    const tau = 1 / (norm * (norm + Math.abs(x)));
    // Left: rows k..k+2 ← P · rows k..k+2. In column k − 1 the result is known, (α, 0, 0), and
    // is written directly below.
    for (let j = k; j <= hi; j++) {
      const r0 = k * n + j;
      const r1 = r0 + n;
      const r2 = r1 + n;
      const d = tau * (v0 * h[r0] + y * h[r1] + (three ? z * h[r2] : 0));
      h[r0] -= d * v0;
      h[r1] -= d * y;
      if (three) h[r2] -= d * z;
    }
    if (k > lo) {
      h[k * n + k - 1] = alpha * scale;
      h[(k + 1) * n + k - 1] = 0;
      if (three) h[(k + 2) * n + k - 1] = 0;
    }
    // Right: columns k..k+2 ← columns k..k+2 · P (rows below k + 3 are zero there).
    for (let i = lo; i <= Math.min(k + 3, hi); i++) {
      const c0 = i * n + k;
      const d = tau * (v0 * h[c0] + y * h[c0 + 1] + (three ? z * h[c0 + 2] : 0));
      h[c0] -= d * v0;
      h[c0 + 1] -= d * y;
      if (three) h[c0 + 2] -= d * z;
    }
  }
}

/**
 * Eigenvalues of [[a, b], [c, d]], written to re/im at k and k + 1. With p = (a − d)/2 and
 * Δ = p² + bc they are d + p ± √Δ. For real ones, the root of larger magnitude is d + z with
 * z = p + sign(p)√Δ (no cancellation) and the other is d − bc/z (from the product of the roots).
 */
function eigenvalues2x2(
  a: number,
  b: number,
  c: number,
  d: number,
  re: Float64Array,
  im: Float64Array,
  k: number,
): void {
  // Work in units of the largest entry so that p² and bc cannot overflow.
  const scale = Math.max(Math.abs(a), Math.abs(b), Math.abs(c), Math.abs(d));
  if (scale === 0) {
    re[k] = re[k + 1] = im[k] = im[k + 1] = 0;
    return;
  }
  [a, b, c, d] = [a / scale, b / scale, c / scale, d / scale];
  const p = 0.5 * (a - d);
  const bc = b * c;
  const disc = p * p + bc;
  if (disc >= 0) {
    const z = p + (p >= 0 ? Math.sqrt(disc) : -Math.sqrt(disc));
    re[k] = (d + z) * scale;
    re[k + 1] = (z === 0 ? d : d - bc / z) * scale;
    im[k] = im[k + 1] = 0;
  } else {
    re[k] = re[k + 1] = (d + p) * scale;
    im[k] = Math.sqrt(-disc) * scale;
    im[k + 1] = -im[k];
  }
}

/** Reorders by descending |λ|, then descending real part, then descending imaginary part. */
function sortByModulus(re: Float64Array, im: Float64Array): ComplexValues {
  const order = Array.from(re, (_, k) => k);
  const modulus = Array.from(re, (r, k) => Math.hypot(r, im[k]));
  order.sort((i, j) => modulus[j] - modulus[i] || re[j] - re[i] || im[j] - im[i]);
  return { re: Float64Array.from(order, (k) => re[k]), im: Float64Array.from(order, (k) => im[k]) };
}
