/**
 * @file Vector and matrix norms. Plain numbers out, no tape: these measure tensors (gradient
 * norms, weight norms), they are not ops to differentiate through.
 */
import { ValueError } from '../errors.js';
import { Tensor } from '../tensor.js';
import { matrixArgument, maxAbs, scaleOf } from './matrix.js';
import { largestSingularValue } from './svd.js';

/** Which vector norm: a p ≥ 1 for (Σ|xᵢ|ᵖ)^(1/p), or `'inf'` (also `Infinity`) for max |xᵢ|. */
export type VectorNormOrder = number | 'inf';

/** Which matrix norm: Frobenius, max column sum, max row sum, or the largest singular value. */
export type MatrixNormOrder = 'fro' | 1 | 'inf' | 2;

/**
 * The p-norm of all elements of `x`, whatever its shape (an empty tensor has norm 0).
 * NaN and ±Infinity propagate as in arithmetic: any NaN gives NaN, otherwise any ±Infinity gives
 * Infinity. Sums are scaled by the largest |xᵢ|, so 1e200 or 1e-200 entries neither overflow nor
 * underflow.
 *
 * @example
 * vectorNorm(tensor([3, -4]));        // 5
 * vectorNorm(tensor([3, -4]), 1);     // 7
 * vectorNorm(tensor([[3, -4]]), 'inf'); // 4
 */
export function vectorNorm(x: Tensor, ord: VectorNormOrder = 2): number {
  if (!(x instanceof Tensor)) {
    throw new ValueError('vectorNorm', 'x', `must be a Tensor, got ${x === null ? 'null' : typeof x}`);
  }
  const p = ord === 'inf' ? Infinity : ord;
  if (typeof p !== 'number' || !(p >= 1)) {
    throw new ValueError('vectorNorm', 'ord', `must be a number ≥ 1 or 'inf', got ${String(ord)}`);
  }
  return pNorm(x.data, p);
}

/**
 * A norm of the matrix `A`: `'fro'` √(Σ aᵢⱼ²), `1` the largest column sum of |aᵢⱼ|, `'inf'` the
 * largest row sum, `2` the spectral norm (largest singular value). `A` must be a non-empty matrix
 * of finite values.
 *
 * @example
 * const A = tensor([[1, -2], [3, 4]]);
 * matrixNorm(A);        // √30
 * matrixNorm(A, 1);     // 6  (column 2: 2 + 4)
 * matrixNorm(A, 'inf'); // 7  (row 2: 3 + 4)
 * matrixNorm(A, 2);     // 5.1167…
 */
export function matrixNorm(A: Tensor, ord: MatrixNormOrder = 'fro'): number {
  if (ord !== 'fro' && ord !== 1 && ord !== 'inf' && ord !== 2) {
    throw new ValueError('matrixNorm', 'ord', `must be 'fro', 1, 'inf' or 2, got ${String(ord)}`);
  }
  const { rows, cols, data } = matrixArgument('matrixNorm', 'A', A);
  if (ord === 'fro') return pNorm(data, 2);
  if (ord === 2) return largestSingularValue(A);
  let best = 0;
  if (ord === 1) {
    for (let j = 0; j < cols; j++) {
      let s = 0;
      for (let i = 0; i < rows; i++) s += Math.abs(data[i * cols + j]);
      best = Math.max(best, s);
    }
  } else {
    for (let i = 0; i < rows; i++) {
      let s = 0;
      for (let j = 0; j < cols; j++) s += Math.abs(data[i * cols + j]);
      best = Math.max(best, s);
    }
  }
  return best;
}

/** (Σ|xᵢ|ᵖ)^(1/p), computed as m·(Σ(|xᵢ|/m)ᵖ)^(1/p) with m ≈ max |xᵢ| so nothing overflows. */
function pNorm(data: Float64Array, p: number): number {
  if (data.some(Number.isNaN)) return NaN;
  let s = 0;
  if (p === 1) {
    for (let k = 0; k < data.length; k++) s += Math.abs(data[k]);
    return s;
  }
  if (p === Infinity) return maxAbs(data);
  const m = scaleOf(data);
  if (m === 0 || m === Infinity) return m;
  if (p === 2) {
    for (let k = 0; k < data.length; k++) {
      const r = data[k] / m;
      s += r * r;
    }
    return m * Math.sqrt(s);
  }
  for (let k = 0; k < data.length; k++) s += Math.abs(data[k] / m) ** p;
  return m * s ** (1 / p);
}
