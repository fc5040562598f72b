/**
 * @file Reductions: sum, mean, max, min, logsumexp, norm — values, gradients (hand-derived),
 * stability at |x| = 20, 40, 1000, gradient checks, and bad axes.
 */
import { describe, expect, it } from 'vitest';
import {
  ShapeError,
  grad,
  logsumexp,
  max,
  mean,
  min,
  mul,
  norm,
  randn,
  sum,
  tensor,
  zeros,
  type Tensor,
} from '@tapegrad/autodiff';
import { gradCheck, gradGradCheck } from '@tapegrad/autodiff/testing';
import { expectClose } from './ops-helpers.js';

const m = tensor([
  [1, 5, 5],
  [7, 2, 0],
]);

describe('sum and mean', () => {
  it('reduce over one axis, a list of axes, or everything', () => {
    expectClose(sum(m, { axis: 1 }), [11, 9]);
    expectClose(sum(m, { axis: -2, keepdims: true }), [[8, 7, 5]]);
    expectClose(sum(m, { axis: [0, 1] }), 20);
    expectClose(mean(m), 20 / 6);
    expectClose(mean(m, { axis: 0 }), [4, 3.5, 2.5]);
  });

  it('spread the gradient evenly: d mean / dx = 1/n', () => {
    expectClose(grad((x: Tensor) => mean(x))(m), [
      [1 / 6, 1 / 6, 1 / 6],
      [1 / 6, 1 / 6, 1 / 6],
    ]);
  });
});

describe('max and min', () => {
  it('reduce over an axis, keeping it on request', () => {
    expectClose(max(m, { axis: 1 }), [5, 7]);
    expectClose(max(m, { axis: 0 }), [7, 5, 5]);
    expectClose(max(m), 7);
    expectClose(min(m, { axis: 1, keepdims: true }), [[1], [0]]);
    expectClose(min(m), 0);
  });

  it('send the gradient to the extreme position and split it evenly among ties', () => {
    // row 0 has its max 5 twice: each gets ½; row 1's max 7 is alone
    expectClose(grad((x: Tensor) => sum(max(x, { axis: 1 })))(m), [
      [0, 0.5, 0.5],
      [1, 0, 0],
    ]);
    expectClose(grad((x: Tensor) => min(x))(m), [
      [0, 0, 0],
      [0, 0, 1],
    ]);
  });

  it('weight the incoming gradient per reduced position', () => {
    // d/dx Σ_j (j+1)·max(x[:, j]) over axis 0: column j's winner gets j + 1
    const w = tensor([1, 2, 3]);
    const g = grad((x: Tensor) => sum(mul(max(x, { axis: 0 }), w)))(m);
    expectClose(g, [
      [0, 2, 3],
      [1, 0, 0],
    ]);
  });

  it('match finite differences to first and second order (distinct values)', () => {
    const x = randn([3, 4], 7);
    for (const f of [
      (t: Tensor) => max(t, { axis: 1 }),
      (t: Tensor) => min(t, { axis: [0, 1] }),
      (t: Tensor) => max(t, { axis: 0, keepdims: true }),
    ]) {
      gradCheck(f, [x]);
      gradGradCheck(f, [x]);
    }
  });

  it('refuse an axis out of range, a repeated axis, and an empty axis', () => {
    expect(() => max(m, { axis: 2 })).toThrow(ShapeError);
    expect(() => max(m, { axis: 2 })).toThrow(/max: argument 'axis': axis 2 is out of range for a tensor of rank 2/);
    expect(() => min(m, { axis: [1, -1] })).toThrow(/min: argument 'axis': axis 1 is repeated/);
    expect(() => max(zeros([0, 3]), { axis: 0 })).toThrow(
      /max: argument 'x': cannot take the max over axis 0 of size 0 \(shape \[0, 3\]\)/,
    );
    expect(() => min(m, { axis: 0.5 })).toThrow(ShapeError);
  });
});

describe('logsumexp', () => {
  it('computes log Σ exp(x) over an axis', () => {
    expectClose(logsumexp(tensor([0, 0])), Math.log(2));
    // log(e¹ + e²) = 2 + log(1 + e⁻¹); log(e³ + e⁴) = 4 + log(1 + e⁻¹)
    const c = Math.log1p(Math.exp(-1));
    expectClose(
      logsumexp(
        tensor([
          [1, 2],
          [3, 4],
        ]),
        { axis: 1 },
      ),
      [2 + c, 4 + c],
    );
    expectClose(logsumexp(tensor([[1, 2]]), { axis: 1, keepdims: true }), [[2 + c]]);
  });

  it.each([20, 40, 1000])('stays finite and exact at |x| = %d', (c) => {
    // log(2eᶜ) = c + log 2; log(eᶜ + e⁻ᶜ) = c + log(1 + e⁻²ᶜ)
    expectClose(logsumexp(tensor([c, c])), c + Math.log(2), 1e-15);
    expectClose(logsumexp(tensor([-c, -c])), -c + Math.log(2), 1e-15);
    expectClose(logsumexp(tensor([c, -c])), c + Math.log1p(Math.exp(-2 * c)), 1e-15);
    // log(e⁰ + e⁻ᶜ) = log1p(e⁻ᶜ) ≈ e⁻ᶜ: tiny but representable, so it must not round to 0
    const tiny = Math.log1p(Math.exp(-c));
    expect(Math.abs(logsumexp(tensor([0, -c])).item() - tiny)).toBeLessThanOrEqual(1e-14 * tiny);
    // gradient softmax([c, 0]) = [σ(c), σ(−c)] = [1/(1 + e⁻ᶜ), e⁻ᶜ/(1 + e⁻ᶜ)], the small one not rounded to 0
    const g = grad((x: Tensor) => logsumexp(x))(tensor([c, 0]));
    const e = Math.exp(-c);
    // exp(x − out) inherits the rounding of out (≈ c): a few ulps of 1, and relative ulps of the small one
    expect(Math.abs(g.data[0] - 1 / (1 + e))).toBeLessThanOrEqual(1e-14);
    expect(Math.abs(g.data[1] - e / (1 + e))).toBeLessThanOrEqual(1e-12 * (e / (1 + e)));
  });

  it('matches finite differences to first and second order', () => {
    const x = randn([2, 3, 2], 3);
    gradCheck((t) => logsumexp(t, { axis: [0, 2] }), [x]);
    gradGradCheck((t) => logsumexp(t, { axis: 1 }), [x]);
    gradGradCheck((t) => logsumexp(t), [x]);
  });

  it('refuses an axis out of range', () => {
    expect(() => logsumexp(m, { axis: -3 })).toThrow(
      /logsumexp: argument 'axis': axis -3 is out of range for a tensor of rank 2/,
    );
  });
});

describe('norm', () => {
  it('is the Euclidean norm of vectors and the Frobenius norm of matrices', () => {
    expectClose(norm(tensor([3, 4])), 5);
    // √(1 + 4 + 4 + 16) = 5
    expectClose(
      norm(
        tensor([
          [1, 2],
          [2, 4],
        ]),
      ),
      5,
    );
    expectClose(
      norm(
        tensor([
          [3, 4],
          [6, 8],
        ]),
        { axis: 1, keepdims: true },
      ),
      [[5], [10]],
    );
  });

  it('neither overflows nor underflows where the squares would', () => {
    expectClose(norm(tensor([3e200, 4e200])), 5e200);
    expectClose(norm(tensor([3e-200, 4e-200])), 5e-200);
  });

  it('has gradient x/‖x‖, and 0 at x = 0', () => {
    expectClose(grad((x: Tensor) => norm(x))(tensor([3, 4])), [0.6, 0.8]);
    expectClose(grad((x: Tensor) => norm(x))(zeros([3])), [0, 0, 0]);
    // one row zero, the other [3, 4]
    expectClose(
      grad((x: Tensor) => sum(norm(x, { axis: 1 })))(
        tensor([
          [0, 0],
          [3, 4],
        ]),
      ),
      [
        [0, 0],
        [0.6, 0.8],
      ],
    );
  });

  it('matches finite differences to first and second order', () => {
    const x = randn([3, 3], 11);
    gradCheck((t) => norm(t, { axis: 0 }), [x]);
    gradGradCheck((t) => norm(t), [x]);
  });
});
