/**
 * @file Singular values of a real matrix by one-sided Jacobi (Hestenes): rotate pairs of columns
 * until every pair is orthogonal; the column lengths are then the singular values. Slower than
 * Golub–Kahan bidiagonalisation for big matrices but short, and accurate to high relative
 * precision even for the small singular values.
 */
import type { Tensor } from '../tensor.js';
import { ConvergenceError, matrixArgument, scaleOf } from './matrix.js';

/** Far more than needed: Jacobi converges quadratically, typically in 6–12 sweeps. */
const MAX_SWEEPS = 60;

/**
 * All min(m, n) singular values of an m × n matrix, in descending order.
 *
 * @example
 * singularValues(tensor([[3, 0], [0, -4]])); // Float64Array [4, 3]
 * singularValues(tensor([[1, 1, 1]]));       // Float64Array [√3]
 */
export function singularValues(A: Tensor): Float64Array {
  return jacobiSingularValues('singularValues', A);
}

/**
 * The largest singular value σ₁ = ‖A‖₂ = max ‖Ax‖ over unit x.
 *
 * @example
 * largestSingularValue(tensor([[0, 2], [0, 0]])); // 2
 */
export function largestSingularValue(A: Tensor): number {
  return jacobiSingularValues('largestSingularValue', A)[0];
}

function jacobiSingularValues(op: string, A: Tensor): Float64Array {
  const { rows, cols, data } = matrixArgument(op, 'A', A);
  // Orthogonalise the shorter side: the columns of A if it is tall, else the rows (columns of Aᵀ).
  const count = Math.min(rows, cols);
  const length = Math.max(rows, cols);
  const scale = scaleOf(data);
  const sigma = new Float64Array(count);
  if (scale === 0) return sigma;
  // u holds vector j in u[j*length .. (j+1)*length), scaled to a largest entry near 1.
  const u = new Float64Array(count * length);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const v = data[i * cols + j] / scale;
      if (rows >= cols) u[j * length + i] = v;
      else u[i * length + j] = v;
    }
  }
  // A dot product of length-ℓ vectors carries rounding of about √ℓ·ε relative to the norms, so
  // asking for more orthogonality than that could never be satisfied.
  const tolerance = Math.sqrt(length) * Number.EPSILON;
  // norm2[j] = ‖u_j‖², refreshed each sweep and updated in closed form after each rotation,
  // which saves two of the three dot products per pair.
  const norm2 = new Float64Array(count);
  let converged = false;
  for (let sweep = 0; sweep < MAX_SWEEPS && !converged; sweep++) {
    converged = true;
    for (let j = 0; j < count; j++) norm2[j] = dot(u, j * length, j * length, length);
    for (let p = 0; p < count - 1; p++) {
      for (let q = p + 1; q < count; q++) {
        if (rotatePair(u, norm2, p, q, length, tolerance)) converged = false;
      }
    }
  }
  if (!converged) {
    throw new ConvergenceError(op, MAX_SWEEPS, `Jacobi sweeps on a ${rows}×${cols} matrix`);
  }
  for (let j = 0; j < count; j++) sigma[j] = scale * Math.sqrt(dot(u, j * length, j * length, length));
  return sigma.sort().reverse();
}

function dot(u: Float64Array, p: number, q: number, length: number): number {
  let s = 0;
  for (let i = 0; i < length; i++) s += u[p + i] * u[q + i];
  return s;
}

/**
 * One Jacobi rotation making columns p and q orthogonal: with α = ‖u_p‖², β = ‖u_q‖²,
 * γ = u_p·u_q, the angle solves tan 2θ = 2γ / (β − α); the smaller root t = tan θ keeps the
 * rotation small, and then α ← α − tγ, β ← β + tγ. Returns false when the pair is already
 * orthogonal to within `tolerance`.
 */
function rotatePair(
  u: Float64Array,
  norm2: Float64Array,
  p: number,
  q: number,
  length: number,
  tolerance: number,
): boolean {
  const [alpha, beta] = [norm2[p], norm2[q]];
  const [up, uq] = [p * length, q * length];
  const gamma = dot(u, up, uq, length);
  if (gamma === 0 || Math.abs(gamma) <= tolerance * Math.sqrt(Math.max(alpha, 0) * Math.max(beta, 0))) return false;
  const zeta = (beta - alpha) / (2 * gamma);
  const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.hypot(1, zeta));
  const c = 1 / Math.sqrt(1 + t * t);
  const s = c * t;
  for (let i = 0; i < length; i++) {
    const x = u[up + i];
    const y = u[uq + i];
    u[up + i] = c * x - s * y;
    u[uq + i] = s * x + c * y;
  }
  norm2[p] = alpha - t * gamma;
  norm2[q] = beta + t * gamma;
  return true;
}
