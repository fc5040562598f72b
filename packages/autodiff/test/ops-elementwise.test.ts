/**
 * @file Elementwise ops: forward values, hand-derived gradients of the piecewise and two-argument
 * ops, tanh/sigmoid stability at |x| = 20, 40 and 1000, their loops bit for bit against the scalar
 * formulas, and broadcasting errors.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ShapeError,
  ValueError,
  abs,
  add,
  clamp,
  div,
  exp,
  grad,
  log,
  maximum,
  minimum,
  mul,
  neg,
  ones,
  pow,
  randn,
  relu,
  sigmoid,
  sigmoidGrad,
  sqrt,
  square,
  sub,
  sum,
  tanh,
  tanhGrad,
  tensor,
  where,
  type Tensor,
} from '@tapegrad/autodiff';
import { sigmoidScalar } from '@tapegrad/autodiff/kernels';
import { gradGradCheck } from '@tapegrad/autodiff/testing';
import { runs } from '../../../test/fast-check.js';
import { expectClose } from './ops-helpers.js';

const x = tensor([-2, 0, 0.5, 3]);
const row = tensor([10, 20]);
const col = tensor([[1], [2], [3]]);

describe('forward values', () => {
  it('arithmetic broadcasts NumPy-style and accepts plain numbers', () => {
    // [3, 1] + [2] → [3, 2]
    expectClose(add(col, row), [
      [11, 21],
      [12, 22],
      [13, 23],
    ]);
    expectClose(sub(row, col), [
      [9, 19],
      [8, 18],
      [7, 17],
    ]);
    expectClose(mul(x, 2), [-4, 0, 1, 6]);
    expectClose(div(1, tensor([2, 4])), [0.5, 0.25]);
    expectClose(neg(x), [2, -0, -0.5, -3]);
    expectClose(pow(tensor([2, 9]), tensor([3, 0.5])), [8, 3]);
    expectClose(square(x), [4, 0, 0.25, 9]);
  });

  it('unary functions match their definitions', () => {
    expectClose(sqrt(tensor([4, 2])), [2, Math.SQRT2]);
    expectClose(exp(tensor([0, 1])), [1, Math.E]);
    expectClose(log(tensor([1, Math.E])), [0, 1]);
    expectClose(abs(x), [2, 0, 0.5, 3]);
    expectClose(relu(x), [0, 0, 0.5, 3]);
    expectClose(tanh(tensor([0, 0.5])), [0, Math.tanh(0.5)]);
    // σ(0) = ½, σ(log 3) = 3/4
    expectClose(sigmoid(tensor([0, Math.log(3)])), [0.5, 0.75], 1e-15);
  });

  it('maximum, minimum, where and clamp pick elementwise', () => {
    expectClose(maximum(x, 0.5), [0.5, 0.5, 0.5, 3]);
    expectClose(minimum(x, tensor([0])), [-2, 0, 0, 0]);
    expectClose(where(tensor([1, 0, 0, 1]), x, 7), [-2, 7, 7, 3]);
    expectClose(clamp(x, -1, 1), [-1, 0, 0.5, 1]);
  });
});

describe('gradients', () => {
  it('div and pow have the quotient and power rules', () => {
    // ∂(a/b)/∂a = 1/b, ∂(a/b)/∂b = −a/b²: a = 3, b = 2
    const [ga, gb] = grad((a: Tensor, b: Tensor) => sum(div(a, b)), { argnums: [0, 1] })(
      tensor([3]),
      tensor([2]),
    ) as Tensor[];
    expectClose(ga, [0.5]);
    expectClose(gb, [-0.75]);
    // ∂(aᵇ)/∂a = b·aᵇ⁻¹ = 3·4 = 12, ∂(aᵇ)/∂b = aᵇ·log a = 8 log 2: a = 2, b = 3
    const [pa, pb] = grad((a: Tensor, b: Tensor) => sum(pow(a, b)), { argnums: [0, 1] })(
      tensor([2]),
      tensor([3]),
    ) as Tensor[];
    expectClose(pa, [12]);
    expectClose(pb, [8 * Math.log(2)]);
  });

  it('a broadcast operand receives the gradient summed over the broadcast axes', () => {
    // Σ (col + row): row is used 3 times, col twice
    const [gc, gr] = grad((c: Tensor, r: Tensor) => sum(add(c, r)), { argnums: [0, 1] })(col, row) as Tensor[];
    expectClose(gc, [[2], [2], [2]]);
    expectClose(gr, [3, 3]);
  });

  it('piecewise ops take 0 at their kinks and split ties evenly', () => {
    expectClose(grad((t: Tensor) => sum(relu(t)))(x), [0, 0, 1, 1]);
    expectClose(grad((t: Tensor) => sum(abs(t)))(x), [-1, 0, 1, 1]);
    // ties at x = 0.5 with the constant 0.5: half the gradient each
    expectClose(grad((t: Tensor) => sum(maximum(t, 0.5)))(x), [0, 0, 0.5, 1]);
    expectClose(grad((t: Tensor) => sum(minimum(t, 0.5)))(x), [1, 1, 0.5, 0]);
    // clamp passes the gradient on the closed interval [−2, 0.5]
    expectClose(grad((t: Tensor) => sum(clamp(t, -2, 0.5)))(x), [1, 1, 1, 0]);
    expectClose(grad((t: Tensor) => sum(where(tensor([1, 0, 0, 1]), t, 0)))(x), [1, 0, 0, 1]);
  });

  it('smooth unary ops differentiate twice', () => {
    const p = tensor([0.3, 1.2, 2.5]);
    for (const f of [exp, log, sqrt, tanh, sigmoid, square]) gradGradCheck(f, [p]);
    gradGradCheck((a, b) => pow(a, b), [p, randn([3], 4)]);
  });
});

describe('tanh and sigmoid stability', () => {
  it.each([20, 40, 1000])('tanh saturates to ±1 and its derivative stays finite at |x| = %d', (c) => {
    expectClose(tanh(tensor([c, -c])), [1, -1], 1e-15);
    const g = grad((t: Tensor) => sum(tanh(t)))(tensor([c, -c]));
    // 1 − tanh²(c) = 1/cosh²(c) ≈ 4e⁻²ᶜ < 1e−16 here: tanh(c) rounds to 1, so (1 − t)(1 + t) gives 0
    for (const v of g.data) {
      expect(Number.isFinite(v)).toBe(true);
      expect(Math.abs(v - 1 / Math.cosh(c) ** 2)).toBeLessThanOrEqual(1e-16);
    }
  });

  it('tanh′ = (1 − t)(1 + t) keeps its relative precision where 1 − t² would cancel', () => {
    // at x = 5, 1/cosh² = 1.8e−4; t = 0.99991 has error ~1e−16, so (1 − t) has relative error ~1e−12
    const g = tanhGrad(tanh(tensor([5])), ones([1]));
    expect(Math.abs(g.item() - 1 / Math.cosh(5) ** 2)).toBeLessThanOrEqual(1e-11 * (1 / Math.cosh(5) ** 2));
  });

  it.each([20, 40, 1000])('sigmoid is exact in both tails at |x| = %d', (c) => {
    const s = sigmoid(tensor([c, -c]));
    // within an ulp of the Math.exp form: sigmoid computes its own exponential (the kernels' expm1),
    // and at c = 20 it is the correctly rounded value where 1/(1 + Math.exp(−c)) is one ulp below
    expect(Math.abs(s.data[0] - 1 / (1 + Math.exp(-c)))).toBeLessThanOrEqual(2 ** -53);
    // σ(−c) = e⁻ᶜ/(1 + e⁻ᶜ), not 1 − σ(c) = 0
    const small = Math.exp(-c) / (1 + Math.exp(-c));
    expect(Math.abs(s.data[1] - small)).toBeLessThanOrEqual(1e-15 * small);
  });

  it.each([20, 40, 1000])('sigmoid′ = σ(x)σ(−x) does not round to 0 where representable, at |x| = %d', (c) => {
    // σ(c)σ(−c) = e⁻ᶜ/(1 + e⁻ᶜ)² ≈ e⁻ᶜ; 0 only when e⁻ᶜ underflows (c = 1000)
    const expected = Math.exp(-c) / (1 + Math.exp(-c)) ** 2;
    const direct = sigmoidGrad(tensor([c, -c]), ones([2]));
    const viaGrad = grad((t: Tensor) => sum(sigmoid(t)))(tensor([c, -c]));
    for (const v of [...direct.data, ...viaGrad.data]) {
      expect(Number.isFinite(v)).toBe(true);
      expect(Math.abs(v - expected)).toBeLessThanOrEqual(1e-12 * expected);
    }
    if (c === 40) expect(direct.data[0]).toBeGreaterThan(0);
  });
});

describe('the activation loops', () => {
  // tanh, sigmoid and their VJPs have loops of their own (kernels/elementwise.ts) for speed; they
  // must give exactly the bits of the scalar formulas, and a broadcast operand the same values.
  const values = fc.array(
    fc.oneof(fc.double({ min: -800, max: 800, noNaN: true }), fc.constantFrom(0, -0, 1e-300, 30, -30)),
    {
      minLength: 1,
      maxLength: 40,
    },
  );
  const same = (t: Tensor, expected: number[]) => expect(Array.from(t.data)).toEqual(expected);

  it('tanh and tanhGrad are Math.tanh and g·(1 − t)(1 + t), bit for bit', () => {
    fc.assert(
      fc.property(values, values, (xs, gs) => {
        const n = Math.min(xs.length, gs.length);
        const [a, g] = [xs.slice(0, n), gs.slice(0, n)];
        same(tanh(tensor(a)), a.map(Math.tanh));
        same(
          tanhGrad(tensor(a), tensor(g)),
          a.map((y, i) => g[i] * (1 - y) * (1 + y)),
        );
        // a broadcast cotangent takes the general loop: the same formula
        same(
          tanhGrad(tensor(a), tensor(g[0])),
          a.map((y) => g[0] * (1 - y) * (1 + y)),
        );
      }),
      { numRuns: runs(100) },
    );
  });

  it('sigmoid and sigmoidGrad are σ and g·σ(x)σ(−x) by sigmoidScalar, bit for bit', () => {
    fc.assert(
      fc.property(values, values, (xs, gs) => {
        const n = Math.min(xs.length, gs.length);
        const [a, g] = [xs.slice(0, n), gs.slice(0, n)];
        same(sigmoid(tensor(a)), a.map(sigmoidScalar));
        const slope = (v: number, h: number) => h * sigmoidScalar(v) * sigmoidScalar(-v);
        same(
          sigmoidGrad(tensor(a), tensor(g)),
          a.map((v, i) => slope(v, g[i])),
        );
        same(
          sigmoidGrad(tensor(a), tensor(g[0])),
          a.map((v) => slope(v, g[0])),
        );
      }),
      { numRuns: runs(100) },
    );
  });
});

describe('bad operands', () => {
  it('shapes that do not broadcast are a ShapeError naming op, shapes and dimension', () => {
    const m = ones([2, 3]);
    expect(() => add(m, row)).toThrow(ShapeError);
    expect(() => add(m, row)).toThrow(
      /add: argument 'a, b': shapes \[2, 3\] and \[2\] do not broadcast \(dimension -1: 3 vs 2\)/,
    );
    expect(() => mul(col, ones([2, 1]))).toThrow(
      /mul: argument 'a, b': shapes \[3, 1\] and \[2, 1\] do not broadcast \(dimension -2: 3 vs 2\)/,
    );
    expect(() => where(tensor([1, 0, 1]), row, 0)).toThrow(
      /where: argument 'condition, a': shapes \[3\] and \[2\] do not broadcast/,
    );
  });

  it('non-tensor operands and an empty clamp interval are refused', () => {
    expect(() => add([1, 2] as unknown as Tensor, 1)).toThrow(TypeError);
    expect(() => add([1, 2] as unknown as Tensor, 1)).toThrow(
      /add: argument 'a' must be a Tensor or a number, got an array \(wrap it with tensor\(\)\)/,
    );
    expect(() => clamp(x, 1, -1)).toThrow(ValueError);
    expect(() => clamp(x, 1, -1)).toThrow(/clamp: argument 'low, high': need low ≤ high, got 1, -1/);
  });
});
