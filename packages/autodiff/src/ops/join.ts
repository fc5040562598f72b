/**
 * @file Joining and splitting along an axis: concat, stack and split. The VJP of a join hands each
 * input its own part of the gradient; split is a list of slices, so it needs no rule of its own.
 */
import { ShapeError, ValueError, showShape } from '../errors.js';
import { concatBlocks } from '../kernels/indexing.js';
import { axisBlocks } from '../kernels/reduce.js';
import { record } from '../tape.js';
import { Tensor } from '../tensor.js';
import { normalizeAxis } from './axes.js';
import { index, slice } from './indexing.js';

/** Checks `xs` is a non-empty array of tensors; returns the input names x0, x1, ... */
function checkList(op: string, xs: readonly Tensor[]): string[] {
  if (!Array.isArray(xs) || xs.length === 0)
    throw new ValueError(op, 'xs', `needs a non-empty array of tensors, got ${JSON.stringify(xs)}`);
  return xs.map((x, t) => {
    if (!(x instanceof Tensor)) throw new TypeError(`${op}: argument 'xs[${t}]' must be a Tensor, got ${typeof x}`);
    return `xs[${t}]`;
  });
}

/**
 * Joins tensors end to end along an existing `axis`; all other dimensions must agree.
 *
 * @example
 * concat([tensor([[1, 2]]), tensor([[3, 4], [5, 6]])]).toArray(); // [[1, 2], [3, 4], [5, 6]]
 * concat([tensor([[1], [2]]), tensor([[3], [4]])], 1).toArray(); // [[1, 3], [2, 4]]
 */
export function concat(xs: readonly Tensor[], axis = 0): Tensor {
  const names = checkList('concat', xs);
  const first = xs[0];
  const a = normalizeAxis('concat', axis, first.rank);
  for (let t = 1; t < xs.length; t++) {
    const s = xs[t].shape;
    if (s.length !== first.rank || s.some((n, d) => d !== a && n !== first.shape[d])) {
      throw new ShapeError(
        'concat',
        `xs[${t}]`,
        `has shape ${showShape(s)}, which does not match xs[0]'s ${showShape(first.shape)} outside axis ${a}`,
      );
    }
  }
  const sizes = xs.map((x) => x.shape[a]);
  const [outer, , inner] = axisBlocks(first.shape, a);
  const shape = [...first.shape];
  shape[a] = sizes.reduce((p, n) => p + n, 0);
  const out = new Tensor(
    concatBlocks(
      xs.map((x) => x.data),
      sizes,
      outer,
      inner,
    ),
    shape,
  );
  // ∂/∂xs[t] = the part of g along the axis that xs[t] filled
  return record(out, 'concat', xs, names, (g, needs) => {
    let start = 0;
    return sizes.map((n, t) => {
      start += n;
      return needs[t] ? sliceAxis(g, a, start - n, start) : null;
    });
  });
}

/**
 * Stacks equally shaped tensors along a new `axis` (in [−(rank+1), rank]).
 *
 * @example
 * stack([tensor([1, 2]), tensor([3, 4])]).toArray(); // [[1, 2], [3, 4]]
 * stack([tensor([1, 2]), tensor([3, 4])], 1).toArray(); // [[1, 3], [2, 4]]
 */
export function stack(xs: readonly Tensor[], axis = 0): Tensor {
  const names = checkList('stack', xs);
  const first = xs[0];
  const a = normalizeAxis('stack', axis, first.rank + 1);
  for (let t = 1; t < xs.length; t++) {
    const s = xs[t].shape;
    if (s.length !== first.rank || s.some((n, d) => n !== first.shape[d])) {
      throw new ShapeError(
        'stack',
        `xs[${t}]`,
        `has shape ${showShape(s)}, but every tensor must have xs[0]'s shape ${showShape(first.shape)}`,
      );
    }
  }
  const [outer, , inner] = axisBlocks([...first.shape.slice(0, a), 1, ...first.shape.slice(a)], a);
  const shape = [...first.shape.slice(0, a), xs.length, ...first.shape.slice(a)];
  const out = new Tensor(
    concatBlocks(
      xs.map((x) => x.data),
      xs.map(() => 1),
      outer,
      inner,
    ),
    shape,
  );
  // ∂/∂xs[t] = g at position t along the new axis
  return record(out, 'stack', xs, names, (g, needs) => xs.map((_, t) => (needs[t] ? index(g, t, a) : null)));
}

/**
 * Cuts `x` along `axis` into `count` equal parts, or into parts of the listed `sizes` (which must
 * add up to the axis's length). Each part is a {@link slice}, so parts along axis 0 share data.
 *
 * @example
 * split(arange(6), 3).map((p) => p.toArray()); // [[0, 1], [2, 3], [4, 5]]
 * split(arange(6), [1, 5]).map((p) => p.shape); // [[1], [5]]
 */
export function split(x: Tensor, sizesOrCount: number | readonly number[], axis = 0): Tensor[] {
  const a = normalizeAxis('split', axis, x.rank);
  const n = x.shape[a];
  let sizes: readonly number[];
  if (typeof sizesOrCount === 'number') {
    const count = sizesOrCount;
    if (!Number.isInteger(count) || count < 1 || n % count !== 0) {
      throw new ValueError(
        'split',
        'sizesOrCount',
        `cannot cut axis ${a} of length ${n} (shape ${showShape(x.shape)}) into ${count} equal parts`,
      );
    }
    sizes = new Array<number>(count).fill(n / count);
  } else {
    sizes = sizesOrCount;
    const total = Array.isArray(sizes) ? sizes.reduce((p, s) => p + s, 0) : NaN;
    if (!Array.isArray(sizes) || sizes.some((s) => !Number.isInteger(s) || s < 0) || total !== n) {
      throw new ValueError(
        'split',
        'sizesOrCount',
        `sizes ${JSON.stringify(sizes)} must be non-negative integers adding up to ${n}, the length of axis ${a} of shape ${showShape(x.shape)}`,
      );
    }
  }
  let start = 0;
  return sizes.map((s) => {
    start += s;
    return sliceAxis(x, a, start - s, start);
  });
}

/** The part [start, stop) of `x` along one axis, everything else whole. */
function sliceAxis(x: Tensor, axis: number, start: number, stop: number): Tensor {
  const begin = x.shape.map((_, d) => (d === axis ? start : 0));
  const end = x.shape.map((n, d) => (d === axis ? stop : n));
  return slice(x, begin, end);
}
