/**
 * @file What the numerical linear algebra shares: checking that a tensor is a usable matrix,
 * copying it out as a plain row-major array, and the error an iteration throws when it gives up.
 */
import { ShapeError, ValueError, showShape } from '../errors.js';
import { Tensor } from '../tensor.js';

/**
 * An iterative algorithm (the QR algorithm, Jacobi sweeps) did not converge within its budget.
 * A RangeError like the other value errors, so `catch (e) { if (e instanceof RangeError) ... }`
 * still works.
 *
 * @example
 * try {
 *   eigenvalues(A, { maxIterations: 5 });
 * } catch (e) {
 *   if (e instanceof ConvergenceError) console.log(e.iterations); // 5
 * }
 */
export class ConvergenceError extends RangeError {
  override readonly name = 'ConvergenceError';
  constructor(
    readonly op: string,
    readonly iterations: number,
    detail: string,
  ) {
    super(`${op}: did not converge after ${iterations} iterations: ${detail}`);
  }
}

/** A matrix as the kernels here use it: a private row-major copy plus its dimensions. */
export interface DenseMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

/**
 * Checks that `x` is a non-empty rank-2 tensor of finite values (iterations cannot converge on
 * NaN or ±Infinity, so they are refused up front) and returns a copy the caller may overwrite.
 */
export function matrixArgument(op: string, argument: string, x: Tensor, square = false): DenseMatrix {
  if (!(x instanceof Tensor)) {
    throw new ValueError(op, argument, `must be a Tensor, got ${x === null ? 'null' : typeof x}`);
  }
  if (x.rank !== 2) {
    throw new ShapeError(op, argument, `must be a matrix (rank 2), got shape ${showShape(x.shape)}`);
  }
  const [rows, cols] = x.shape;
  if (rows === 0 || cols === 0) {
    throw new ShapeError(op, argument, `must not be empty, got shape ${showShape(x.shape)}`);
  }
  if (square && rows !== cols) {
    throw new ShapeError(op, argument, `must be square, got shape ${showShape(x.shape)}`);
  }
  for (let k = 0; k < x.size; k++) {
    if (!Number.isFinite(x.data[k])) {
      const i = Math.floor(k / cols);
      throw new ValueError(op, argument, `must be finite, element [${i}, ${k - i * cols}] is ${x.data[k]}`);
    }
  }
  return { rows, cols, data: Float64Array.from(x.data) };
}

/** The largest absolute value in `data` (0 for all zeros; NaN is skipped). */
export function maxAbs(data: Float64Array): number {
  let m = 0;
  for (let k = 0; k < data.length; k++) {
    const a = Math.abs(data[k]);
    if (a > m) m = a;
  }
  return m;
}

/**
 * A power of two within a factor 2 of the largest |xᵢ| (0 for all zeros), to divide by before
 * squaring so sums of squares neither overflow nor underflow. Dividing and multiplying back by a
 * power of two is exact, so scaling itself adds no rounding.
 */
export function scaleOf(data: Float64Array): number {
  const m = maxAbs(data);
  return m === 0 || m === Infinity ? m : 2 ** Math.floor(Math.log2(m));
}
