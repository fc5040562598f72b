/**
 * @file Reductions over an `axis` (a number, a list, or all axes) with `keepdims`. Each VJP
 * broadcasts the output gradient back over the reduced axes.
 */
import { reduceAxes } from '../kernels/reduce.js';
import { record } from '../tape.js';
import { Tensor } from '../tensor.js';
import { normalizeAxes, reducedShape } from './axes.js';
import { broadcastTo, reshape } from './shape.js';
import { ShapeError, showShape } from '../errors.js';
import { mul } from './elementwise.js';

/** Which axes to reduce and whether to keep them as size-1 dimensions. */
export interface ReduceOptions {
  axis?: number | readonly number[];
  keepdims?: boolean;
}

const X = ['x'];

/** Sum over `axis` (all axes by default). */
export function sum(x: Tensor, options: ReduceOptions = {}): Tensor {
  const axes = normalizeAxes('sum', options.axis, x.shape);
  const kept = reducedShape(x.shape, axes, true);
  const out = new Tensor(reduceAxes(x.data, x.shape, axes, 0, (s, v) => s + v), reducedShape(x.shape, axes, options.keepdims ?? false));
  // ∂/∂x = g broadcast back over the reduced axes
  return record(out, 'sum', [x], X, (g) => [broadcastTo(reshape(g, kept), x.shape)]);
}

/** Mean over `axis` (all axes by default). */
export function mean(x: Tensor, options: ReduceOptions = {}): Tensor {
  const axes = normalizeAxes('mean', options.axis, x.shape);
  const count = axes.reduce((n, a) => n * x.shape[a], 1);
  return mul(sum(x, options), 1 / count);
}

/**
 * Sums `x` down to `shape`, which must broadcast to `x.shape`: the adjoint of broadcastTo, and how
 * the tape undoes broadcasting in gradients.
 */
export function sumTo(x: Tensor, shape: readonly number[]): Tensor {
  const lead = x.shape.length - shape.length;
  if (lead < 0) throw new ShapeError('sumTo', 'shape', `${showShape(x.shape)} cannot be summed to ${showShape(shape)}`);
  const axes: number[] = [];
  for (let d = 0; d < x.shape.length; d++) {
    const target = d < lead ? 1 : shape[d - lead];
    if (d < lead || (target === 1 && x.shape[d] !== 1)) axes.push(d);
    else if (target !== x.shape[d]) {
      throw new ShapeError('sumTo', 'shape', `${showShape(x.shape)} cannot be summed to ${showShape(shape)}`);
    }
  }
  const out = new Tensor(reduceAxes(x.data, x.shape, axes, 0, (s, v) => s + v), [...shape]);
  // ∂/∂x = g broadcast back to x's shape
  return record(out, 'sumTo', [x], X, (g) => [broadcastTo(g, x.shape)]);
}
