/**
 * @file Reductions over an `axis` (a number, a list, or all axes) with `keepdims`: sum, mean, max,
 * min, logsumexp, norm, and sumTo (how the tape undoes broadcasting). Each VJP reshapes the output
 * gradient to keepdims form so that it broadcasts back over the reduced axes.
 */
import { extremeWeights, logSumExpAxes, normAxes, reduceAxes } from '../kernels/reduce.js';
import { record } from '../tape.js';
import { Tensor } from '../tensor.js';
import { normalizeAxes, reducedShape } from './axes.js';
import { broadcastTo, reshape } from './shape.js';
import { ShapeError, showShape } from '../errors.js';
import { div, exp, mul, sub, where } from './elementwise.js';

/** Which axes to reduce and whether to keep them as size-1 dimensions. */
export interface ReduceOptions {
  axis?: number | readonly number[];
  keepdims?: boolean;
}

const X = ['x'];

/**
 * Sum over `axis` (all axes by default).
 *
 * @example
 * sum(tensor([[1, 2], [3, 4]]), { axis: 1 }).toArray(); // [3, 7]
 */
export function sum(x: Tensor, options: ReduceOptions = {}): Tensor {
  const axes = normalizeAxes('sum', options.axis, x.shape);
  const kept = reducedShape(x.shape, axes, true);
  const out = new Tensor(
    reduceAxes(x.data, x.shape, axes, 0, (s, v) => s + v),
    reducedShape(x.shape, axes, options.keepdims ?? false),
  );
  // ∂/∂x = g broadcast back over the reduced axes
  return record(out, 'sum', [x], X, (g) => [broadcastTo(reshape(g, kept), x.shape)]);
}

/**
 * Mean over `axis` (all axes by default).
 *
 * @example
 * mean(tensor([[1, 2], [3, 4]]), { axis: 0, keepdims: true }).toArray(); // [[2, 3]]
 */
export function mean(x: Tensor, options: ReduceOptions = {}): Tensor {
  const axes = normalizeAxes('mean', options.axis, x.shape);
  const count = axes.reduce((n, a) => n * x.shape[a], 1);
  return mul(sum(x, options), 1 / count);
}

/**
 * Sums `x` down to `shape`, which must broadcast to `x.shape`: the adjoint of broadcastTo, and how
 * the tape undoes broadcasting in gradients.
 *
 * @example
 * sumTo(ones([2, 3]), [1, 3]).toArray(); // [[2, 2, 2]]
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
  const out = new Tensor(
    reduceAxes(x.data, x.shape, axes, 0, (s, v) => s + v),
    [...shape],
  );
  // ∂/∂x = g broadcast back to x's shape
  return record(out, 'sumTo', [x], X, (g) => [broadcastTo(g, x.shape)]);
}

/**
 * Largest element over `axis` (all axes by default). The gradient goes to the positions holding
 * the maximum, split evenly among ties.
 *
 * @example
 * max(tensor([[1, 5], [7, 2]]), { axis: 1 }).toArray(); // [5, 7]
 */
export function max(x: Tensor, options: ReduceOptions = {}): Tensor {
  return extreme('max', x, options, -Infinity, Math.max);
}

/**
 * Smallest element over `axis` (all axes by default). The gradient goes to the positions holding
 * the minimum, split evenly among ties.
 *
 * @example
 * min(tensor([[1, 5], [7, 2]]), { axis: 0 }).toArray(); // [1, 2]
 */
export function min(x: Tensor, options: ReduceOptions = {}): Tensor {
  return extreme('min', x, options, Infinity, Math.min);
}

function extreme(
  op: string,
  x: Tensor,
  options: ReduceOptions,
  init: number,
  pick: (a: number, b: number) => number,
): Tensor {
  const axes = normalizeAxes(op, options.axis, x.shape);
  for (const a of axes) {
    if (x.shape[a] === 0)
      throw new ShapeError(op, 'x', `cannot take the ${op} over axis ${a} of size 0 (shape ${showShape(x.shape)})`);
  }
  const kept = reducedShape(x.shape, axes, true);
  const values = reduceAxes(x.data, x.shape, axes, init, pick);
  const out = new Tensor(values, reducedShape(x.shape, axes, options.keepdims ?? false));
  // ∂/∂x = g·[x = out] / #ties (the tie weights are constant, so higher orders see a linear map)
  return record(out, op, [x], X, (g) => [
    mul(reshape(g, kept), new Tensor(extremeWeights(x.data, x.shape, axes, values), x.shape)),
  ]);
}

/**
 * log Σ exp(x) over `axis` (all axes by default), computed with the maximum subtracted so it is
 * finite for any finite input (e.g. 1000 + log 2 for [1000, 1000]).
 *
 * @example
 * logsumexp(tensor([0, 0])).item(); // log 2 ≈ 0.6931
 */
export function logsumexp(x: Tensor, options: ReduceOptions = {}): Tensor {
  const axes = normalizeAxes('logsumexp', options.axis, x.shape);
  const kept = reducedShape(x.shape, axes, true);
  const out = new Tensor(logSumExpAxes(x.data, x.shape, axes), reducedShape(x.shape, axes, options.keepdims ?? false));
  // ∂/∂x = g·exp(x − out) = g·softmax(x) over the reduced axes; exp(x − out) ≤ 1 never overflows
  return record(out, 'logsumexp', [x], X, (g) => [mul(reshape(g, kept), exp(sub(x, reshape(out, kept))))]);
}

/**
 * Euclidean norm √Σ x² over `axis` (all axes by default: the Frobenius norm of a matrix). Its
 * gradient x/‖x‖ is taken as 0 where ‖x‖ = 0.
 *
 * @example
 * norm(tensor([3, 4])).item(); // 5
 */
export function norm(x: Tensor, options: ReduceOptions = {}): Tensor {
  const axes = normalizeAxes('norm', options.axis, x.shape);
  const kept = reducedShape(x.shape, axes, true);
  const values = normAxes(x.data, x.shape, axes);
  const out = new Tensor(values, reducedShape(x.shape, axes, options.keepdims ?? false));
  // ∂/∂x = g·x/‖x‖; where ‖x‖ = 0 every x is 0, so dividing by 1 there gives the chosen 0
  return record(out, 'norm', [x], X, (g) => {
    const n = reshape(out, kept);
    const zero = values.some((v) => v === 0)
      ? new Tensor(
          values.map((v) => (v === 0 ? 1 : 0)),
          kept,
        )
      : null;
    return [mul(reshape(g, kept), div(x, zero === null ? n : where(zero, 1, n)))];
  });
}
