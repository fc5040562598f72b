/**
 * @file The functional transforms: grad and valueAndGrad (argnums, parameter records, onUnused),
 * vjp, jvp, jacobian, hessianVectorProduct, noGrad, stopGradient, and higher orders. Expected
 * values are derived by hand in the comments, or compared with central differences.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  Tensor,
  ValueError,
  add,
  exp,
  grad,
  hessianVectorProduct,
  jacobian,
  jvp,
  matmul,
  mul,
  noGrad,
  pow,
  randn,
  sigmoid,
  square,
  stopGradient,
  sub,
  sum,
  tanh,
  tensor,
  valueAndGrad,
  vjp,
} from '@tapegrad/autodiff';

const close = (actual: Tensor, expected: number[], digits = 12) => {
  expect(actual.size).toBe(expected.length);
  [...actual.data].forEach((v, i) => expect(v).toBeCloseTo(expected[i], digits));
};

/** Central difference of f along t at xs (all inputs moved together). */
function directional(f: (...xs: Tensor[]) => Tensor, xs: Tensor[], ts: Tensor[], eps = 1e-6): number[] {
  const at = (s: number) =>
    f(
      ...xs.map((x, i) =>
        tensor(
          x.data.map((v, k) => v + s * ts[i].data[k]),
          x.shape,
        ),
      ),
    );
  const plus = at(eps).data;
  const minus = at(-eps).data;
  return [...plus].map((p, k) => (p - minus[k]) / (2 * eps));
}

describe('grad and valueAndGrad', () => {
  const f = (a: Tensor, b: Tensor, c: Tensor) => sum(mul(mul(a, b), c));
  const [a, b, c] = [tensor([1, 2]), tensor([3, 4]), tensor([5, 6])];

  it('differentiates the first argument by default', () => {
    close(grad(f)(a, b, c), [15, 24]); // ∂/∂a Σ a·b·c = b·c
  });

  it('takes argnums as a number', () => {
    close(grad(f, { argnums: 1 })(a, b, c), [5, 12]); // a·c
  });

  it('takes argnums as a list and returns the gradients in that order', () => {
    const [dc, da] = grad(f, { argnums: [2, 0] })(a, b, c) as Tensor[];
    close(dc, [3, 8]); // a·b
    close(da, [15, 24]);
  });

  it('returns the value with the gradient', () => {
    const { value, grad: g } = valueAndGrad(f)(a, b, c);
    expect(value.item()).toBe(1 * 3 * 5 + 2 * 4 * 6);
    close(g, [15, 24]);
  });

  it('differentiates nested parameter records and returns gradients of the same structure', () => {
    // the documented example: (3w + b)² at w = 1, b = 2 is 25; d/dw = 2·5·3 = 30, d/db = 2·5 = 10
    const loss = (p: { w: Tensor; b: Tensor }) => sum(square(add(mul(p.w, 3), p.b)));
    const { value, grad: g } = valueAndGrad(loss)({ w: tensor([1]), b: tensor([2]) });
    expect(value.item()).toBe(25);
    close(g.w, [30]);
    close(g.b, [10]);
    // deeper: { layers: [{ w }, { w }], scale } with the loss Σ scale·w₀·w₁
    const params = { layers: [{ w: tensor([2, 3]) }, { w: tensor([4, 5]) }], scale: tensor(2) };
    const deep = (p: typeof params) => sum(mul(p.scale, mul(p.layers[0].w, p.layers[1].w)));
    const gd = grad(deep)(params);
    close(gd.layers[0].w, [8, 10]);
    close(gd.layers[1].w, [4, 6]);
    close(gd.scale, [2 * 4 + 3 * 5]);
    expect(gd.scale.shape).toEqual([]);
  });

  it('does not mutate or track its arguments', () => {
    const x = tensor([1, 2]);
    grad((t: Tensor) => sum(square(t)))(x);
    expect(x.toArray()).toEqual([1, 2]);
    expect(grad((t: Tensor) => sum(square(t)))(x).toArray()).toEqual([2, 4]);
  });
});

describe('onUnused: a function that does not depend on an argument', () => {
  const ignoresB = (a: Tensor, _b: Tensor) => sum(square(a));
  afterEach(() => vi.restoreAllMocks());

  it('gives a zero gradient by default, not a crash', () => {
    const [, db] = grad(ignoresB, { argnums: [0, 1] })(tensor([1]), tensor([[1, 2]])) as Tensor[];
    expect(db.toArray()).toEqual([[0, 0]]);
    expect(grad((_x: Tensor) => tensor(3))(tensor([1, 2])).toArray()).toEqual([0, 0]);
  });

  it("warns when asked with 'warn'", () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const g = grad(ignoresB, { argnums: 1, onUnused: 'warn' })(tensor([1]), tensor([1]));
    expect(g.toArray()).toEqual([0]);
    expect(warn).toHaveBeenCalledOnce();
    expect(warn.mock.calls[0][0]).toMatch(/does not depend on argument\(s\) 1/);
  });

  it("throws a ValueError when asked with 'throw'", () => {
    const g = grad(ignoresB, { argnums: [0, 1], onUnused: 'throw' });
    expect(() => g(tensor([1]), tensor([1]))).toThrow(ValueError);
    expect(() => g(tensor([1]), tensor([1]))).toThrow(/valueAndGrad.*argument\(s\) 1; their gradient is zero/);
    expect(() => grad(ignoresB, { onUnused: 'throw' })(tensor([1]), tensor([1]))).not.toThrow();
  });
});

describe('vjp, jvp, jacobian, hessianVectorProduct', () => {
  it('vjp returns the value and a pullback that can be called many times', () => {
    const { value, pullback } = vjp((x: Tensor, y: Tensor) => mul(x, y), tensor([1, 2]), tensor([3, 4]));
    expect(value.toArray()).toEqual([3, 8]);
    const [dx1, dy1] = pullback(tensor([1, 1])) as Tensor[];
    close(dx1, [3, 4]);
    close(dy1, [1, 2]);
    const [dx2] = pullback(tensor([2, -1])) as Tensor[];
    close(dx2, [6, -4]); // linear in the output gradient
    close(pullback(tensor([1, 1]))[0] as Tensor, [3, 4]); // and unchanged by earlier calls
  });

  it('jvp matches central differences', () => {
    const f = (a: Tensor, b: Tensor) => add(tanh(mul(a, b)), exp(a));
    const xs = [randn([2, 3], 1), randn([2, 3], 2)];
    const ts = [randn([2, 3], 3), randn([2, 3], 4)];
    const { value, tangent } = jvp(f, xs, ts);
    close(value, [...f(xs[0], xs[1]).data]);
    const expected = directional(f, xs, ts);
    [...tangent.data].forEach((v, k) => expect(v).toBeCloseTo(expected[k], 7));
  });

  it('jacobian of x·Σx is diag(Σx) + x·1ᵀ', () => {
    // f_i = x_i·s, s = Σx: ∂f_i/∂x_j = s·[i = j] + x_i
    const J = jacobian((x: Tensor) => mul(x, sum(x)))(tensor([1, 2, 3]));
    expect(J.shape).toEqual([3, 3]);
    expect(J.toArray()).toEqual([
      [7, 1, 1],
      [2, 8, 2],
      [3, 3, 9],
    ]);
  });

  it('jacobian of a matrix function has shape [...out, ...in]', () => {
    const w = tensor([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(jacobian((x: Tensor) => matmul(w, x))(tensor([[1], [1]])).shape).toEqual([3, 1, 2, 1]);
  });

  it('hessianVectorProduct matches a hand-derived Hessian', () => {
    // f = x₀²·x₁ + x₁³: H = [[2x₁, 2x₀], [2x₀, 6x₁]]; at (1, 2): [[4, 2], [2, 12]]
    const g = (x: Tensor) => {
      const [x0, x1] = [mul(x, tensor([1, 0])), mul(x, tensor([0, 1]))];
      return add(mul(sum(mul(x0, x0)), sum(x1)), sum(pow(x1, 3)));
    };
    const x = tensor([1, 2]);
    close(hessianVectorProduct(g, x, tensor([1, 0])), [4, 2]);
    close(hessianVectorProduct(g, x, tensor([0, 1])), [2, 12]);
    close(hessianVectorProduct(g, x, tensor([1, -1])), [2, -10]);
  });
});

describe('noGrad and stopGradient', () => {
  it('noGrad results are constants: the gradient flows only through the tracked factor', () => {
    // x · c with c = 3x held constant: d/dx = c = 3x (not 6x)
    const g = grad((x: Tensor) =>
      sum(
        mul(
          x,
          noGrad(() => mul(x, 3)),
        ),
      ),
    )(tensor([1, 2]));
    close(g, [3, 6]);
  });

  it('a transform called inside noGrad still computes its gradient (as a constant)', () => {
    const f = (x: Tensor) => sum(mul(x, x));
    const inside = noGrad(() => grad(f)(tensor([3])));
    close(inside, [6]);
  });

  it('stopGradient blocks the gradient, as documented, for tensors and records', () => {
    close(grad((x: Tensor) => sum(mul(x, stopGradient(x))))(tensor([3])), [3]);
    const g = grad((p: { a: Tensor; b: Tensor }) => {
      const q = stopGradient(p);
      return sum(add(mul(p.a, q.b), mul(q.a, p.b)));
    })({ a: tensor([2]), b: tensor([5]) });
    close(g.a, [5]);
    close(g.b, [2]);
  });
});

describe('higher order', () => {
  const second = (f: (x: Tensor) => Tensor) => grad((x: Tensor) => sum(grad(f)(x)));
  const xs = [-2, -0.5, 0, 0.7, 3];

  it('grad(grad(tanh)) = −2t(1 − t²), the case TensorFlow.js cannot do (tfjs#3252)', () => {
    const t = xs.map(Math.tanh);
    close(
      second((x) => sum(tanh(x)))(tensor(xs)),
      t.map((v) => -2 * v * (1 - v * v)),
    );
  });

  it('grad(grad(sigmoid)) = σ(1 − σ)(1 − 2σ)', () => {
    const s = xs.map((v) => 1 / (1 + Math.exp(-v)));
    close(
      second((x) => sum(sigmoid(x)))(tensor(xs)),
      s.map((v) => v * (1 - v) * (1 - 2 * v)),
    );
  });

  it('grad(grad(exp)) = exp', () => {
    close(second((x) => sum(exp(x)))(tensor(xs)), xs.map(Math.exp));
  });

  it('third derivatives: (x⁴)‴ = 24x and tanh‴ = −2(1 − t²)(1 − 3t²)', () => {
    const third = (f: (x: Tensor) => Tensor) => grad((x: Tensor) => sum(second(f)(x)));
    close(
      third((x) => sum(mul(square(x), square(x))))(tensor(xs)),
      xs.map((v) => 24 * v),
      10,
    );
    const t = xs.map(Math.tanh);
    close(
      third((x) => sum(tanh(x)))(tensor(xs)),
      t.map((v) => -2 * (1 - v * v) * (1 - 3 * v * v)),
      10,
    );
  });

  it('jvp inside grad: d/dx of the directional derivative of Σx³ along v is 6x·v', () => {
    const v = tensor([1, 2]);
    const g = grad((x: Tensor) => sum(jvp((y: Tensor) => sum(mul(y, mul(y, y))), [x], [v]).tangent))(tensor([1, -1]));
    close(g, [6, -12]);
  });

  it('a gradient of a difference of gradients (the shape of the Ω regulariser) matches finite differences', () => {
    // h(w) = Σ (∂/∂x Σ tanh(w·x))² at fixed x: checked against central differences of h
    const x = tensor([0.3, -0.8]);
    const h = (w: Tensor) => sum(square(sub(grad((y: Tensor) => sum(tanh(mul(w, y))))(x), 0.1)));
    const w = tensor([0.5, 1.5]);
    const g = grad(h)(w);
    const numeric = [0, 1].map((k) => directional(h, [w], [tensor([k === 0 ? 1 : 0, k === 1 ? 1 : 0])])[0]);
    [...g.data].forEach((v, k) => expect(v).toBeCloseTo(numeric[k], 7));
  });
});
