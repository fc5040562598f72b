/**
 * @file Linear algebra ops: matmul (2-D and batched), outer and dot — values and gradients derived
 * by hand, gradient checks to second order, and mismatched shapes.
 */
import { describe, expect, it } from 'vitest';
import {
  ShapeError,
  dot,
  grad,
  matmul,
  mul,
  outer,
  randn,
  reshape,
  arange,
  sum,
  tensor,
  type Tensor,
} from '@tapegrad/autodiff';
import { gradCheck, gradGradCheck } from '@tapegrad/autodiff/testing';
import { expectClose } from './ops-helpers.js';

const a = tensor([1, 2]);
const b = tensor([3, 4, 5]);
const W = tensor([
  [1, 2, 3],
  [4, 5, 6],
]);

describe('matmul', () => {
  it('multiplies matrices and broadcasts batch dimensions', () => {
    // [1 2; 3 4]·[5; 6] = [17; 39]
    expectClose(
      matmul(
        tensor([
          [1, 2],
          [3, 4],
        ]),
        tensor([[5], [6]]),
      ),
      [[17], [39]],
    );
    // a batch of two 1×2 rows times one shared 2×1 column: [0 1]·[1; 1] = 1, [2 3]·[1; 1] = 5
    expectClose(matmul(reshape(arange(4), [2, 1, 2]), tensor([[1], [1]])), [[[1]], [[5]]]);
  });

  it('has gradients G·Bᵀ and Aᵀ·G', () => {
    // f = Σ A·B with A = W (2×3), B = ones (3×1): ∂A = 1·Bᵀ = ones, ∂B = Aᵀ·1 = column sums of W
    const B = tensor([[1], [1], [1]]);
    const [gA, gB] = grad((x: Tensor, y: Tensor) => sum(matmul(x, y)), { argnums: [0, 1] })(W, B) as Tensor[];
    expectClose(gA, [
      [1, 1, 1],
      [1, 1, 1],
    ]);
    expectClose(gB, [[5], [7], [9]]);
    gradGradCheck((x, y) => matmul(x, y), [randn([2, 2, 3], 1), randn([3, 2], 2)]);
  });

  it('refuses vectors and mismatched inner dimensions', () => {
    expect(() => matmul(a, W)).toThrow(
      /matmul: argument 'a': needs at least 2 dimensions, got shape \[2\] \(use dot or outer for vectors\)/,
    );
    expect(() => matmul(W, W)).toThrow(ShapeError);
    expect(() => matmul(W, W)).toThrow(
      /matmul: argument 'a, b': inner dimensions differ: \[2, 3\] · \[2, 3\] has 3 vs 2/,
    );
  });
});

describe('outer', () => {
  it('makes the matrix a[i]·b[j]', () => {
    expectClose(outer(a, b), [
      [3, 4, 5],
      [6, 8, 10],
    ]);
  });

  it('has gradients G·b and Gᵀ·a', () => {
    // f = Σ W ⊙ (a bᵀ): ∂a = W·b = [3 + 8 + 15, 12 + 20 + 30], ∂b = Wᵀ·a = [1 + 8, 2 + 10, 3 + 12]
    const [ga, gb] = grad((x: Tensor, y: Tensor) => sum(mul(outer(x, y), W)), { argnums: [0, 1] })(a, b) as Tensor[];
    expectClose(ga, [26, 62]);
    expectClose(gb, [9, 12, 15]);
    gradCheck((x, y) => outer(x, y), [randn([3], 1), randn([2], 2)]);
    gradGradCheck((x, y) => outer(x, y), [randn([3], 1), randn([2], 2)]);
  });

  it('refuses anything but vectors', () => {
    expect(() => outer(W, b)).toThrow(/outer: argument 'a': needs a vector \(1 dimension\), got shape \[2, 3\]/);
    expect(() => outer(a, tensor(2))).toThrow(ShapeError);
  });
});

describe('dot', () => {
  it('is Σ a[i]·b[i], a scalar', () => {
    const d = dot(tensor([1, 2, 3]), b);
    expect(d.shape).toEqual([]);
    // 3 + 8 + 15
    expect(d.item()).toBe(26);
  });

  it('has gradients g·b and g·a; its Hessian couples a with b', () => {
    const [ga, gb] = grad((x: Tensor, y: Tensor) => mul(dot(x, y), 2), { argnums: [0, 1] })(
      tensor([1, 2, 3]),
      b,
    ) as Tensor[];
    expectClose(ga, [6, 8, 10]);
    expectClose(gb, [2, 4, 6]);
    // d/da Σ ∂dot/∂a = d/da Σ b = 0, d/db Σ ∂dot/∂a = d/db Σ b = ones
    const [h0, h1] = grad((x: Tensor, y: Tensor) => sum(grad((u: Tensor) => dot(u, y))(x)), { argnums: [0, 1] })(
      tensor([1, 2, 3]),
      b,
    ) as Tensor[];
    expectClose(h0, [0, 0, 0]);
    expectClose(h1, [1, 1, 1]);
    gradGradCheck((x, y) => dot(x, y), [randn([4], 1), randn([4], 2)]);
  });

  it('refuses vectors of different lengths and non-vectors', () => {
    expect(() => dot(a, b)).toThrow(/dot: argument 'a, b': vectors differ in length: \[2\] · \[3\]/);
    expect(() => dot(W, W)).toThrow(/dot: argument 'a': needs a vector/);
  });
});
