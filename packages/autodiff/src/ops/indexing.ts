/**
 * @file Indexing ops: slice (a window), pad (its adjoint: a window put back into zeros), gather
 * (chosen positions along an axis), scatterAdd (its adjoint) and index (one position, dropping the
 * axis). Each VJP is the adjoint op, so gradients of gradients stay on the tape.
 */
import { ShapeError, showShape } from '../errors.js';
import { copyWindow, gatherBlocks, scatterAddBlocks } from '../kernels/indexing.js';
import { axisBlocks } from '../kernels/reduce.js';
import { record } from '../tape.js';
import { Tensor, sizeOf } from '../tensor.js';
import { normalizeAxis, normalizeIndex, normalizeIndices } from './axes.js';
import { reshape } from './shape.js';

const X = ['x'];

/**
 * The window begin[d] ≤ i < end[d] of each dimension d. Negative positions count from the end;
 * dimensions past the end of `begin`/`end` are taken whole. When the window is one contiguous run
 * of `x`'s data (e.g. rows of a matrix) the result shares that data instead of copying it.
 *
 * @example
 * slice(tensor([[1, 2, 3], [4, 5, 6]]), [0, 1], [2, 3]).toArray(); // [[2, 3], [5, 6]]
 * slice(arange(5), [-2], [5]).toArray(); // [3, 4]
 */
export function slice(x: Tensor, begin: readonly number[], end: readonly number[]): Tensor {
  const rank = x.rank;
  for (const [name, list] of [
    ['begin', begin],
    ['end', end],
  ] as const) {
    if (!Array.isArray(list) || list.length > rank) {
      throw new ShapeError(
        'slice',
        name,
        `must list at most ${rank} positions for shape ${showShape(x.shape)}, got ${JSON.stringify(list)}`,
      );
    }
  }
  const b = new Array<number>(rank);
  const shape = new Array<number>(rank);
  for (let d = 0; d < rank; d++) {
    const n = x.shape[d];
    const lo = begin[d] ?? 0;
    const hi = end[d] ?? n;
    const from = lo < 0 ? lo + n : lo;
    const to = hi < 0 ? hi + n : hi;
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || from < 0 || to > n || from > to) {
      throw new ShapeError(
        'slice',
        'begin, end',
        `window [${lo}, ${hi}) of dimension ${d} does not fit shape ${showShape(x.shape)}: counting negatives from the end it is [${from}, ${to}), and it needs 0 ≤ begin ≤ end ≤ ${n}`,
      );
    }
    b[d] = from;
    shape[d] = to - from;
  }
  return sliceNormalized(x, b, shape);
}

function sliceNormalized(x: Tensor, begin: readonly number[], shape: number[]): Tensor {
  const offset = contiguousOffset(x.shape, begin, shape);
  let data: Float64Array;
  if (offset >= 0) data = x.data.subarray(offset, offset + sizeOf(shape));
  else {
    data = new Float64Array(sizeOf(shape));
    copyWindow(x.data, x.shape, begin, data, shape, true);
  }
  const out = new Tensor(data, shape);
  // ∂/∂x = g placed back at `begin` in zeros of x's shape
  return record(out, 'slice', [x], X, (g) => [padNormalized(g, begin, x.shape)]);
}

/**
 * Where the window starts in `x`'s data if it is one contiguous run there, else −1: true when every
 * dimension after the last cut one is whole and every dimension before it has extent 1.
 */
function contiguousOffset(xShape: readonly number[], begin: readonly number[], shape: readonly number[]): number {
  let cut = -1;
  for (let d = 0; d < xShape.length; d++) if (shape[d] !== xShape[d]) cut = d;
  for (let d = 0; d < cut; d++) if (shape[d] !== 1) return -1;
  let offset = 0;
  let stride = 1;
  for (let d = xShape.length - 1; d >= 0; d--) {
    offset += begin[d] * stride;
    stride *= xShape[d];
  }
  return offset;
}

/**
 * Surrounds `x` with zeros: `before[d]` zeros ahead of dimension d and `after[d]` behind it
 * (missing entries are 0). The adjoint of {@link slice}.
 *
 * @example
 * pad(tensor([1, 2]), [1], [2]).toArray(); // [0, 1, 2, 0, 0]
 */
export function pad(x: Tensor, before: readonly number[], after: readonly number[]): Tensor {
  if (before.length > x.rank || after.length > x.rank) {
    throw new ShapeError(
      'pad',
      'before, after',
      `list ${before.length} and ${after.length} entries for shape ${showShape(x.shape)}`,
    );
  }
  const shape = x.shape.map((n, d) => {
    const lo = before[d] ?? 0;
    const hi = after[d] ?? 0;
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < 0 || hi < 0) {
      throw new ShapeError(
        'pad',
        'before, after',
        `padding of dimension ${d} must be non-negative integers, got ${lo} and ${hi}`,
      );
    }
    return lo + n + hi;
  });
  return padNormalized(
    x,
    x.shape.map((_, d) => before[d] ?? 0),
    shape,
  );
}

function padNormalized(x: Tensor, begin: readonly number[], shape: readonly number[]): Tensor {
  const data = new Float64Array(sizeOf(shape));
  copyWindow(data, shape, begin, x.data, x.shape, false);
  const out = new Tensor(data, [...shape]);
  // ∂/∂x = the window of g where x was placed
  return record(out, 'pad', [x], X, (g) => [sliceNormalized(g, begin, [...x.shape])]);
}

/**
 * The entries at `indices` along `axis` (negative indices count from the end); the result has
 * `indices.length` in place of that dimension. Repeated indices are allowed and their gradients add.
 *
 * @example
 * gather(tensor([[1, 2], [3, 4], [5, 6]]), [2, 0, 2]).toArray(); // [[5, 6], [1, 2], [5, 6]]
 */
export function gather(x: Tensor, indices: readonly number[], axis = 0): Tensor {
  const a = normalizeAxis('gather', axis, x.rank);
  return gatherNormalized(x, normalizeIndices('gather', indices, x.shape[a]), a);
}

/**
 * Adds slice j of `x` along `axis` into position `indices[j]` of a zero tensor whose `axis` has
 * `size` entries. The adjoint of {@link gather}.
 *
 * @example
 * scatterAdd(tensor([1, 2, 3]), [0, 2, 0], 0, 3).toArray(); // [4, 0, 2]
 */
export function scatterAdd(x: Tensor, indices: readonly number[], axis: number, size: number): Tensor {
  const a = normalizeAxis('scatterAdd', axis, x.rank);
  if (!Number.isInteger(size) || size < 0)
    throw new ShapeError('scatterAdd', 'size', `must be a non-negative integer, got ${size}`);
  if (indices.length !== x.shape[a]) {
    throw new ShapeError(
      'scatterAdd',
      'indices',
      `has ${indices.length} entries but x has ${x.shape[a]} along axis ${a} (shape ${showShape(x.shape)})`,
    );
  }
  return scatterAddNormalized(x, normalizeIndices('scatterAdd', indices, size), a, size);
}

function scatterAddNormalized(x: Tensor, idx: Int32Array, axis: number, size: number): Tensor {
  const [outer, , inner] = axisBlocks(x.shape, axis);
  const shape = [...x.shape];
  shape[axis] = size;
  const out = new Tensor(scatterAddBlocks(x.data, outer, size, inner, idx), shape);
  // ∂/∂x = g gathered at the scattered positions
  return record(out, 'scatterAdd', [x], X, (g) => [gatherNormalized(g, idx, axis)]);
}

function gatherNormalized(x: Tensor, idx: Int32Array, axis: number): Tensor {
  const [outer, n, inner] = axisBlocks(x.shape, axis);
  const shape = [...x.shape];
  shape[axis] = idx.length;
  const out = new Tensor(gatherBlocks(x.data, outer, n, inner, idx), shape);
  // ∂/∂x = g scattered back to the gathered positions
  return record(out, 'gather', [x], X, (g) => [scatterAddNormalized(g, idx, axis, n)]);
}

/**
 * Position `i` along `axis` (negative counts from the end), with that axis dropped: `index(m, 1)`
 * is row 1 of a matrix, `index(m, 0, 1)` its first column. Along axis 0 the result shares data.
 *
 * @example
 * index(tensor([[1, 2], [3, 4]]), 1).toArray(); // [3, 4]
 * index(tensor([[1, 2], [3, 4]]), 0, 1).toArray(); // [1, 3]
 */
export function index(x: Tensor, i: number, axis = 0): Tensor {
  const a = normalizeAxis('index', axis, x.rank);
  const [outer, n, inner] = axisBlocks(x.shape, a);
  const k = normalizeIndex('index', i, n, 'i');
  const idx = Int32Array.of(k);
  const data = outer === 1 ? x.data.subarray(k * inner, (k + 1) * inner) : gatherBlocks(x.data, outer, n, inner, idx);
  const out = new Tensor(
    data,
    x.shape.filter((_, d) => d !== a),
  );
  const kept = x.shape.map((m, d) => (d === a ? 1 : m));
  // ∂/∂x = g placed at position i along the axis, zeros elsewhere
  return record(out, 'index', [x], X, (g) => [scatterAddNormalized(reshape(g, kept), idx, a, n)]);
}
