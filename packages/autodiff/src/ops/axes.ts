/**
 * @file Normalising the `axis`, permutation and index arguments of reductions, shape and indexing
 * ops: negative values count from the end; duplicates and out-of-range values are errors naming the op.
 */
import { ShapeError, ValueError, showShape } from '../errors.js';

/** One axis in [−rank, rank) as a non-negative index. */
export function normalizeAxis(op: string, axis: number, rank: number, argument = 'axis'): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new ShapeError(
      op,
      argument,
      `axis ${axis} is out of range for a tensor of rank ${rank} (valid: ${-rank} to ${rank - 1})`,
    );
  }
  return axis < 0 ? axis + rank : axis;
}

/** Sorted distinct axes; `undefined` means all of them. */
export function normalizeAxes(
  op: string,
  axis: number | readonly number[] | undefined,
  shape: readonly number[],
): number[] {
  const rank = shape.length;
  if (axis === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axis === 'number' ? [axis] : [...axis];
  const axes = list.map((a) => normalizeAxis(op, a, rank)).sort((p, q) => p - q);
  for (let i = 1; i < axes.length; i++) {
    if (axes[i] === axes[i - 1]) {
      throw new ShapeError(
        op,
        'axis',
        `axis ${axes[i]} is repeated in ${JSON.stringify(list)} for shape ${showShape(shape)}`,
      );
    }
  }
  return axes;
}

/** The shape after reducing `axes`, with or without the reduced dimensions kept as 1. */
export function reducedShape(shape: readonly number[], axes: readonly number[], keepdims: boolean): number[] {
  const out: number[] = [];
  for (let d = 0; d < shape.length; d++) {
    if (!axes.includes(d)) out.push(shape[d]);
    else if (keepdims) out.push(1);
  }
  return out;
}

/** `axes` as a permutation of 0..rank−1 (negative axes allowed); anything else is a ShapeError. */
export function normalizePermutation(op: string, axes: readonly number[], shape: readonly number[]): number[] {
  const rank = shape.length;
  if (!Array.isArray(axes) || axes.length !== rank) {
    throw new ShapeError(op, 'axes', `needs ${rank} axes for shape ${showShape(shape)}, got ${JSON.stringify(axes)}`);
  }
  const perm = axes.map((a) => normalizeAxis(op, a, rank, 'axes'));
  const seen = new Array<boolean>(rank).fill(false);
  for (const a of perm) {
    if (seen[a])
      throw new ShapeError(op, 'axes', `${JSON.stringify(axes)} is not a permutation: axis ${a} is repeated`);
    seen[a] = true;
  }
  return perm;
}

/**
 * Position `i` along a dimension of size `n`, in [−n, n) with negatives counting from the end,
 * as a non-negative index. A fractional or NaN position is a ValueError, one out of range a ShapeError.
 */
export function normalizeIndex(op: string, i: number, n: number, argument: string): number {
  if (typeof i !== 'number' || !Number.isInteger(i)) {
    throw new ValueError(op, argument, `index ${String(i)} is not an integer (dimension of size ${n})`);
  }
  if (i < -n || i >= n) {
    throw new ShapeError(
      op,
      argument,
      `index ${i} is out of range for a dimension of size ${n} (valid: integers ${-n} to ${n - 1})`,
    );
  }
  return i < 0 ? i + n : i;
}

/** A list of positions along a dimension of size `n`, each checked by {@link normalizeIndex}. */
export function normalizeIndices(
  op: string,
  indices: readonly number[] | Int32Array,
  n: number,
  argument = 'indices',
): Int32Array {
  if (!Array.isArray(indices) && !(indices instanceof Int32Array)) {
    throw new TypeError(`${op}: argument '${argument}' must be an array of integers, got ${typeof indices}`);
  }
  const out = new Int32Array(indices.length);
  for (let j = 0; j < indices.length; j++) out[j] = normalizeIndex(op, indices[j], n, `${argument}[${j}]`);
  return out;
}
