/**
 * @file Ops that rearrange values without arithmetic: reshape, broadcastTo/expand and
 * transpose/permute. Their VJPs move the gradient back the same way. Indexing (slice, gather,
 * index) lives in indexing.ts, joining and splitting (concat, stack, split) in join.ts.
 */
import { ShapeError, showShape } from '../errors.js';
import { binaryMap, broadcastShapes } from '../kernels/elementwise.js';
import { permuteData } from '../kernels/indexing.js';
import { record } from '../tape.js';
import { Tensor, checkShape } from '../tensor.js';
import { normalizePermutation } from './axes.js';
import { sumTo } from './reduce.js';

const X = ['x'];

/**
 * The same values in a new shape with the same number of elements; one dimension may be −1.
 * The result shares `x`'s data: nothing is copied.
 *
 * @example
 * reshape(arange(6), [2, -1]).shape; // [2, 3]
 */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const target = inferDimension(x, shape);
  const out = new Tensor(x.data, target);
  // ∂/∂x = g reshaped back
  return record(out, 'reshape', [x], X, (g) => [reshape(g, x.shape)]);
}

function inferDimension(x: Tensor, shape: readonly number[]): number[] {
  const free = Array.isArray(shape) ? shape.indexOf(-1) : -1;
  // before checkShape, which would call a second −1 a negative dimension
  if (free >= 0 && shape.indexOf(-1, free + 1) >= 0)
    throw new ShapeError('reshape', 'shape', `only one dimension may be −1, got ${showShape(shape)}`);
  const known = free >= 0 ? shape.filter((d, i) => i !== free) : shape;
  const size = checkShape('reshape', known);
  const target = [...shape];
  if (free >= 0) {
    if (size === 0 || x.size % size !== 0) {
      throw new ShapeError(
        'reshape',
        'shape',
        `cannot reshape ${showShape(x.shape)} (${x.size} elements) to ${showShape(shape)}`,
      );
    }
    target[free] = x.size / size;
  } else if (size !== x.size) {
    throw new ShapeError(
      'reshape',
      'shape',
      `cannot reshape ${showShape(x.shape)} (${x.size} elements) to ${showShape(shape)}`,
    );
  }
  return target;
}

/**
 * Repeats `x` along broadcast dimensions to `shape` (NumPy's broadcast_to).
 *
 * @example
 * broadcastTo(tensor([1, 2]), [2, 2]).toArray(); // [[1, 2], [1, 2]]
 */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  checkShape('broadcastTo', shape);
  const result = broadcastShapes('broadcastTo', x.shape, shape, 'x, shape');
  if (result.length !== shape.length || result.some((d, i) => d !== shape[i])) {
    throw new ShapeError('broadcastTo', 'shape', `${showShape(x.shape)} does not broadcast to ${showShape(shape)}`);
  }
  if (x.size === result.reduce((n, d) => n * d, 1)) return reshape(x, result);
  const out = new Tensor(
    binaryMap(x.data, x.shape, ZERO, [], result, (v) => v),
    result,
  );
  // ∂/∂x = g summed over the broadcast dimensions
  return record(out, 'broadcastTo', [x], X, (g) => [sumTo(g, x.shape)]);
}

const ZERO = new Float64Array(1);

/**
 * Alias of {@link broadcastTo}, as PyTorch names it.
 *
 * @example
 * expand(tensor([[1], [2]]), [2, 3]).toArray(); // [[1, 1, 1], [2, 2, 2]]
 */
export const expand = broadcastTo;

/**
 * Reorders the axes of `x`: output axis d is input axis `axes[d]` (negative axes count from the
 * end). The same op as {@link transpose} with the order spelled out.
 *
 * @example
 * permute(zeros([2, 3, 4]), [2, 0, 1]).shape; // [4, 2, 3]
 */
export function permute(x: Tensor, axes: readonly number[]): Tensor {
  return permuteNormalized(x, normalizePermutation('permute', axes, x.shape));
}

/**
 * Reverses the axes of `x` (the matrix transpose for 2-D), or reorders them as `axes` says.
 *
 * @example
 * transpose(tensor([[1, 2, 3]])).toArray(); // [[1], [2], [3]]
 */
export function transpose(x: Tensor, axes?: readonly number[]): Tensor {
  const perm =
    axes === undefined ? x.shape.map((_, d) => x.rank - 1 - d) : normalizePermutation('transpose', axes, x.shape);
  return permuteNormalized(x, perm);
}

function permuteNormalized(x: Tensor, perm: readonly number[]): Tensor {
  const out = new Tensor(
    permuteData(x.data, x.shape, perm),
    perm.map((a) => x.shape[a]),
  );
  // ∂/∂x = g permuted by the inverse permutation
  return record(out, 'permute', [x], X, (g) => {
    const inverse = new Array<number>(perm.length);
    for (let d = 0; d < perm.length; d++) inverse[perm[d]] = d;
    return [permuteNormalized(g, inverse)];
  });
}
