/**
 * @file Ops that move or copy values without arithmetic: reshape and broadcastTo. Their VJPs
 * move the gradient back the same way.
 */
import { ShapeError, showShape } from '../errors.js';
import { binaryMap, broadcastShapes } from '../kernels/elementwise.js';
import { record } from '../tape.js';
import { Tensor, checkShape } from '../tensor.js';
import { sumTo } from './reduce.js';

const X = ['x'];

/** The same values in a new shape with the same number of elements; one dimension may be −1. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const target = inferDimension(x, shape);
  const out = new Tensor(x.data, target);
  // ∂/∂x = g reshaped back
  return record(out, 'reshape', [x], X, (g) => [reshape(g, x.shape)]);
}

function inferDimension(x: Tensor, shape: readonly number[]): number[] {
  const free = shape.indexOf(-1);
  const known = shape.filter((d, i) => i !== free);
  const size = checkShape('reshape', known);
  const target = [...shape];
  if (free >= 0) {
    if (shape.indexOf(-1, free + 1) >= 0) throw new ShapeError('reshape', 'shape', `only one dimension may be −1, got ${showShape(shape)}`);
    if (size === 0 || x.size % size !== 0) {
      throw new ShapeError('reshape', 'shape', `cannot reshape ${showShape(x.shape)} (${x.size} elements) to ${showShape(shape)}`);
    }
    target[free] = x.size / size;
  } else if (size !== x.size) {
    throw new ShapeError('reshape', 'shape', `cannot reshape ${showShape(x.shape)} (${x.size} elements) to ${showShape(shape)}`);
  }
  return target;
}

/** Repeats `x` along broadcast dimensions to `shape` (NumPy's broadcast_to). */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  checkShape('broadcastTo', shape);
  const result = broadcastShapes('broadcastTo', x.shape, shape, 'x, shape');
  if (result.length !== shape.length || result.some((d, i) => d !== shape[i])) {
    throw new ShapeError('broadcastTo', 'shape', `${showShape(x.shape)} does not broadcast to ${showShape(shape)}`);
  }
  if (x.size === result.reduce((n, d) => n * d, 1)) return reshape(x, result);
  const out = new Tensor(binaryMap(x.data, x.shape, ZERO, [], result, (v) => v), result);
  // ∂/∂x = g summed over the broadcast dimensions
  return record(out, 'broadcastTo', [x], X, (g) => [sumTo(g, x.shape)]);
}

const ZERO = new Float64Array(1);

/** Alias of {@link broadcastTo}, as PyTorch names it. */
export const expand = broadcastTo;
