/**
 * @file Normalising the `axis` arguments of reductions and shape ops: negative axes count from the
 * end, duplicates and out-of-range axes are errors that name the op.
 */
import { ShapeError, showShape } from '../errors.js';

/** One axis in [−rank, rank) as a non-negative index. */
export function normalizeAxis(op: string, axis: number, rank: number, argument = 'axis'): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new ShapeError(op, argument, `axis ${axis} is out of range for a tensor of rank ${rank} (valid: ${-rank} to ${rank - 1})`);
  }
  return axis < 0 ? axis + rank : axis;
}

/** Sorted distinct axes; `undefined` means all of them. */
export function normalizeAxes(op: string, axis: number | readonly number[] | undefined, shape: readonly number[]): number[] {
  const rank = shape.length;
  if (axis === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axis === 'number' ? [axis] : [...axis];
  const axes = list.map((a) => normalizeAxis(op, a, rank)).sort((p, q) => p - q);
  for (let i = 1; i < axes.length; i++) {
    if (axes[i] === axes[i - 1]) {
      throw new ShapeError(op, 'axis', `axis ${axes[i]} is repeated in ${JSON.stringify(list)} for shape ${showShape(shape)}`);
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
