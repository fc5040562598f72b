/**
 * @file Shape and indexing ops: reshape, broadcastTo, transpose/permute, slice, pad, gather,
 * scatterAdd, index, concat, stack, split — values, hand-derived gradients, data sharing, gradient
 * checks, and every bad argument.
 */
import { describe, expect, it } from 'vitest';
import {
  ShapeError,
  ValueError,
  add,
  arange,
  broadcastTo,
  concat,
  gather,
  grad,
  index,
  mul,
  pad,
  permute,
  randn,
  reshape,
  scatterAdd,
  slice,
  split,
  stack,
  sum,
  tensor,
  transpose,
  zeros,
  type Tensor,
} from '@tapegrad/autodiff';
import { gradCheck, gradGradCheck } from '@tapegrad/autodiff/testing';
import { expectClose } from './ops-helpers.js';

// m = [[0, 1, 2], [3, 4, 5]]
const m = reshape(arange(6), [2, 3]);
/** A weighted sum, so each position's gradient is its own weight: d/dx Σ w⊙f(x). */
const weighted = (y: Tensor) => sum(mul(y, reshape(arange(1, y.size + 1), y.shape)));

/** Checks first and second derivatives of `f` at a seeded random point of `shape`. */
function checkBoth(f: (x: Tensor) => Tensor, shape: number[], seed = 1): void {
  const x = randn(shape, seed);
  gradCheck(f, [x]);
  gradGradCheck(f, [x]);
}

describe('reshape and broadcastTo', () => {
  it('reshape shares data and infers one −1 dimension', () => {
    const r = reshape(m, [3, -1]);
    expect(r.shape).toEqual([3, 2]);
    expect(r.data).toBe(m.data);
  });

  it('broadcastTo repeats and its gradient sums back', () => {
    expectClose(broadcastTo(tensor([1, 2]), [2, 2]), [
      [1, 2],
      [1, 2],
    ]);
    // each entry of x is used twice, with weights (1, 3) and (2, 4)
    expectClose(grad((x: Tensor) => weighted(broadcastTo(x, [2, 2])))(tensor([1, 2])), [4, 6]);
  });

  it('refuse sizes that do not fit', () => {
    expect(() => reshape(m, [4, 2])).toThrow(
      /reshape: argument 'shape': cannot reshape \[2, 3\] \(6 elements\) to \[4, 2\]/,
    );
    expect(() => broadcastTo(m, [3, 3])).toThrow(ShapeError);
  });
});

describe('transpose and permute', () => {
  it('transpose reverses the axes by default', () => {
    expectClose(transpose(m), [
      [0, 3],
      [1, 4],
      [2, 5],
    ]);
    expect(transpose(zeros([2, 3, 4])).shape).toEqual([4, 3, 2]);
  });

  it('permute moves input axis axes[d] to position d', () => {
    const x = reshape(arange(24), [2, 3, 4]);
    const p = permute(x, [2, 0, -2]);
    expect(p.shape).toEqual([4, 2, 3]);
    // p[k][i][j] = x[i][j][k] = 12i + 4j + k; p[3][1][2] = 12 + 8 + 3
    expect((p.toArray() as number[][][])[3][1][2]).toBe(23);
    expectClose(transpose(x, [2, 0, 1]), p.toArray());
  });

  it('passes the gradient back through the inverse permutation', () => {
    // weights of transpose(m) are [[1, 2], [3, 4], [5, 6]], so x[i][j] gets weight at [j][i]
    expectClose(grad((x: Tensor) => weighted(transpose(x)))(m), [
      [1, 3, 5],
      [2, 4, 6],
    ]);
    checkBoth((x) => permute(x, [1, 2, 0]), [2, 3, 2]);
  });

  it('refuses axes that are not a permutation', () => {
    expect(() => permute(m, [0])).toThrow(/permute: argument 'axes': needs 2 axes for shape \[2, 3\], got \[0\]/);
    expect(() => permute(m, [1, 1])).toThrow(
      /permute: argument 'axes': \[1,1\] is not a permutation: axis 1 is repeated/,
    );
    expect(() => transpose(m, [0, 2])).toThrow(
      /transpose: argument 'axes': axis 2 is out of range for a tensor of rank 2/,
    );
  });
});

describe('slice and pad', () => {
  it('cuts a window per dimension, end exclusive, negatives from the end, missing dims whole', () => {
    expectClose(slice(m, [0, 1], [2, 3]), [
      [1, 2],
      [4, 5],
    ]);
    expectClose(slice(m, [-1], [2]), [[3, 4, 5]]);
    expectClose(slice(m, [0, -2], [1, -1]), [[1]]);
    expect(slice(m, [1, 1], [1, 3]).shape).toEqual([0, 2]);
  });

  it('shares data when the window is contiguous and copies otherwise', () => {
    const rows = slice(m, [1], [2]);
    expect(rows.data.buffer).toBe(m.data.buffer);
    expectClose(rows, [[3, 4, 5]]);
    const cols = slice(m, [0, 1], [2, 2]);
    expect(cols.data.buffer).not.toBe(m.data.buffer);
    expectClose(cols, [[1], [4]]);
  });

  it('slice has gradient g placed back in zeros; pad has the window of g', () => {
    // slice picks m[:, 1:3] with weights [[1, 2], [3, 4]]
    expectClose(grad((x: Tensor) => weighted(slice(x, [0, 1], [2, 3])))(m), [
      [0, 1, 2],
      [0, 3, 4],
    ]);
    expectClose(pad(tensor([1, 2]), [1], [2]), [0, 1, 2, 0, 0]);
    // pad puts x at positions 1, 2 of a length-5 vector with weights 1..5
    expectClose(grad((x: Tensor) => weighted(pad(x, [1], [2])))(tensor([1, 2])), [2, 3]);
    checkBoth((x) => slice(x, [1, -3], [3, 4]), [3, 4]);
    checkBoth((x) => pad(x, [0, 2], [1]), [2, 2]);
  });

  it('refuses windows out of bounds, reversed or fractional, and too many dimensions', () => {
    expect(() => slice(m, [0, 0], [2, 4])).toThrow(ShapeError);
    expect(() => slice(m, [0, 0], [2, 4])).toThrow(
      /slice: argument 'begin, end': window \[0, 4\) of dimension 1 does not fit shape \[2, 3\]/,
    );
    expect(() => slice(m, [2], [1])).toThrow(/window \[2, 1\) of dimension 0/);
    expect(() => slice(m, [-3], [2])).toThrow(
      /window \[-3, 2\) of dimension 0 does not fit shape \[2, 3\]: counting negatives from the end it is \[-1, 2\)/,
    );
    expect(() => slice(m, [0.5], [2])).toThrow(ShapeError);
    expect(() => slice(m, [0, 0, 0], [1, 1, 1])).toThrow(
      /slice: argument 'begin': must list at most 2 positions for shape \[2, 3\], got \[0,0,0\]/,
    );
    expect(() => pad(m, [-1], [0])).toThrow(
      /pad: argument 'before, after': padding of dimension 0 must be non-negative integers, got -1 and 0/,
    );
  });
});

describe('gather, scatterAdd and index', () => {
  it('gather picks positions along an axis, repeats and negatives allowed', () => {
    expectClose(gather(m, [1, 1, 0]), [
      [3, 4, 5],
      [3, 4, 5],
      [0, 1, 2],
    ]);
    expectClose(gather(m, [-1, 0], 1), [
      [2, 0],
      [5, 3],
    ]);
  });

  it('gather accumulates the gradient of repeated indices', () => {
    // columns [2, 0, 2] with weights [[1, 2, 3], [4, 5, 6]]: column 2 gets 1 + 3 and 4 + 6
    expectClose(grad((x: Tensor) => weighted(gather(x, [2, 0, 2], 1)))(m), [
      [2, 0, 4],
      [5, 0, 10],
    ]);
    checkBoth((x) => gather(x, [0, 2, 2, 1], 1), [2, 3]);
  });

  it('scatterAdd is gather’s adjoint: sums slices into the listed positions', () => {
    expectClose(scatterAdd(tensor([1, 2, 3]), [0, 2, 0], 0, 3), [4, 0, 2]);
    // ⟨gather(x, i), y⟩ = ⟨x, scatterAdd(y, i)⟩ for x = m, y = weights of shape [2, 3] along axis 1
    const y = reshape(arange(1, 7), [2, 3]);
    const lhs = sum(mul(gather(m, [2, 0, 2], 1), y)).item();
    const rhs = sum(mul(m, scatterAdd(y, [2, 0, 2], 1, 3))).item();
    expect(lhs).toBe(rhs);
    checkBoth((x) => scatterAdd(x, [1, 1, 0], 0, 2), [3, 2]);
  });

  it('index takes one position and drops the axis; along axis 0 it shares data', () => {
    expectClose(index(m, 1), [3, 4, 5]);
    expectClose(index(m, -1, 1), [2, 5]);
    expect(index(m, 1).data.buffer).toBe(m.data.buffer);
    // column 1 of x with weights [1, 2]
    expectClose(grad((x: Tensor) => weighted(index(x, 1, 1)))(m), [
      [0, 1, 0],
      [0, 2, 0],
    ]);
    checkBoth((x) => index(x, 2, 1), [2, 3, 2]);
  });

  it('refuses indices out of range or fractional and axes out of range', () => {
    expect(() => gather(m, [0, 2])).toThrow(ShapeError);
    expect(() => gather(m, [0, 2])).toThrow(
      /gather: argument 'indices\[1\]': index 2 is out of range for a dimension of size 2 \(valid: integers -2 to 1\)/,
    );
    expect(() => gather(m, [0, 1.5], 1)).toThrow(ValueError);
    expect(() => gather(m, [0, 1.5], 1)).toThrow(/gather: argument 'indices\[1\]': index 1.5 is not an integer/);
    expect(() => gather(m, [0], 2)).toThrow(/gather: argument 'axis': axis 2 is out of range for a tensor of rank 2/);
    expect(() => index(m, 3, 1)).toThrow(/index: argument 'i': index 3 is out of range for a dimension of size 3/);
    expect(() => index(m, NaN)).toThrow(/index: argument 'i': index NaN is not an integer/);
    expect(() => scatterAdd(m, [0], 0, 2)).toThrow(
      /scatterAdd: argument 'indices': has 1 entries but x has 2 along axis 0/,
    );
    expect(() => scatterAdd(m, [0, 2], 0, 2)).toThrow(/scatterAdd: argument 'indices\[1\]': index 2 is out of range/);
  });
});

describe('concat, stack and split', () => {
  it('concat joins along an existing axis', () => {
    expectClose(concat([m, tensor([[6, 7, 8]])]), [
      [0, 1, 2],
      [3, 4, 5],
      [6, 7, 8],
    ]);
    expectClose(concat([m, tensor([[9], [9]])], -1), [
      [0, 1, 2, 9],
      [3, 4, 5, 9],
    ]);
  });

  it('concat hands each input its part of the gradient', () => {
    const [ga, gb] = grad((a: Tensor, b: Tensor) => weighted(concat([a, b], 1)), { argnums: [0, 1] })(
      m,
      tensor([[9], [9]]),
    ) as Tensor[];
    // weights [[1, 2, 3, 4], [5, 6, 7, 8]]
    expectClose(ga, [
      [1, 2, 3],
      [5, 6, 7],
    ]);
    expectClose(gb, [[4], [8]]);
    const b = randn([2, 2], 5);
    gradCheck((x, y) => concat([x, y, x], 1), [randn([2, 3], 4), b]);
    gradGradCheck((x, y) => concat([y, x]), [randn([1, 2], 4), b]);
  });

  it('stack joins along a new axis and hands each input its slice of the gradient', () => {
    const a = tensor([1, 2]);
    const b = tensor([3, 4]);
    expectClose(stack([a, b]), [
      [1, 2],
      [3, 4],
    ]);
    expectClose(stack([a, b], -1), [
      [1, 3],
      [2, 4],
    ]);
    const [ga, gb] = grad((x: Tensor, y: Tensor) => weighted(stack([x, y], 1)), { argnums: [0, 1] })(a, b) as Tensor[];
    // weights [[1, 2], [3, 4]]: column 0 for x, column 1 for y
    expectClose(ga, [1, 3]);
    expectClose(gb, [2, 4]);
    gradCheck((x, y) => stack([x, y, x], 1), [randn([2, 3], 1), randn([2, 3], 2)]);
    gradGradCheck((x, y) => stack([y, x], 2), [randn([2, 2], 1), randn([2, 2], 2)]);
  });

  it('split cuts into equal parts or listed sizes, inverse to concat', () => {
    expect(split(arange(6), 3).map((p) => p.toArray())).toEqual([
      [0, 1],
      [2, 3],
      [4, 5],
    ]);
    const [left, right] = split(m, [1, 2], 1);
    expectClose(left, [[0], [3]]);
    expectClose(right, [
      [1, 2],
      [4, 5],
    ]);
    expectClose(concat(split(m, [1, 0, 2], -1), 1), m.toArray());
    // f = 1·Σ part₀ + 2·Σ part₁ + 3·Σ part₂, each part one element: ∂f/∂x = [1, 2, 3]
    const f = (x: Tensor) => {
      const [p0, p1, p2] = split(x, 3);
      return add(add(sum(p0), sum(mul(p1, 2))), sum(mul(p2, 3)));
    };
    expectClose(grad(f)(arange(3)), [1, 2, 3]);
    checkBoth((x) => concat(split(x, [2, 1], 1).reverse(), 1), [2, 3]);
  });

  it('refuses empty lists, ragged shapes, bad axes and sizes that do not add up', () => {
    expect(() => concat([])).toThrow(/concat: argument 'xs': needs a non-empty array of tensors/);
    expect(() => concat([m, zeros([2, 2])])).toThrow(
      /concat: argument 'xs\[1\]': has shape \[2, 2\], which does not match xs\[0\]'s \[2, 3\] outside axis 0/,
    );
    expect(() => concat([m, zeros([3])])).toThrow(ShapeError);
    expect(() => concat([m, m], 2)).toThrow(/concat: argument 'axis': axis 2 is out of range/);
    expect(() => stack([m, zeros([3, 2])])).toThrow(
      /stack: argument 'xs\[1\]': has shape \[3, 2\], but every tensor must have xs\[0\]'s shape \[2, 3\]/,
    );
    expect(() => stack([m, m], 3)).toThrow(/stack: argument 'axis': axis 3 is out of range for a tensor of rank 3/);
    expect(() => split(m, 2, 1)).toThrow(ValueError);
    expect(() => split(m, 2, 1)).toThrow(
      /split: argument 'sizesOrCount': cannot cut axis 1 of length 3 \(shape \[2, 3\]\) into 2 equal parts/,
    );
    expect(() => split(m, [1, 1], 1)).toThrow(
      /split: argument 'sizesOrCount': sizes \[1,1\] must be non-negative integers adding up to 3/,
    );
    expect(() => split(m, [4, -1], 1)).toThrow(ValueError);
  });
});
