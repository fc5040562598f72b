import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng, Tensor, eye, jacobian, largestSingularValue, mul, randn, reshape, tensor } from '@tapegrad/autodiff';
import {
  ACTIVATION_GAMMA,
  forward,
  initRnn,
  jacobianProducts,
  recurrentConditions,
  transition,
  type Activation,
  type RnnParams,
} from '@tapegrad/rnn';
import { randomProblem, runs } from './rnn-helpers.js';

/** A one-example network whose W_rec is a random matrix scaled to largest singular value λ1. */
function networkWithLambda1(seed: number, n: number, lambda1: number, activation: Activation, T: number) {
  const rng = new Rng(seed);
  const W = randn([n, n], rng);
  const params: RnnParams = {
    W_rec: mul(W, lambda1 / largestSingularValue(W)),
    W_in: randn([n, 2], rng),
    b: randn([n], rng, 0, 0.5),
    W_out: randn([2, n], rng),
    b_out: randn([2], rng),
  };
  const { states } = forward(params, randn([T, 1, 2], rng), { activation });
  return { params, states };
}

describe('eq. (7): the explicit Jacobian products', () => {
  it('equal the autodiff Jacobian ∂x_t/∂x_k of the unrolled steps', () => {
    for (const activation of ['tanh', 'sigmoid', 'identity', 'relu'] as const) {
      const { params, batch } = randomProblem({
        seed: 21,
        n: 4,
        nIn: 2,
        nOut: 2,
        T: 8,
        B: 1,
        activation,
        head: 'softmax-last',
      });
      const { states } = forward(params, batch.inputs, { activation });
      const x = batch.inputs as Tensor;
      const F = transition(activation);
      for (const k of [0, 3]) {
        const { products } = jacobianProducts(params, activation, states, { from: k });
        for (let t = k + 1; t <= 8; t++) {
          const run = (xk: Tensor): Tensor => {
            let s = xk;
            for (let i = k + 1; i <= t; i++) s = F(s, new Tensor(x.data.subarray((i - 1) * 2, i * 2), [1, 2]), params);
            return s;
          };
          const J = reshape(jacobian(run)(states[k]), [4, 4]);
          J.data.forEach((v, i) => expect(products[t - k].data[i]).toBeCloseTo(v, 12));
        }
      }
    }
  });

  it('start from the identity and report spectral norms', () => {
    const { params, states } = networkWithLambda1(1, 3, 0.9, 'tanh', 5);
    const { products, norms } = jacobianProducts(params, 'tanh', states, { from: 2 });
    expect(Array.from(products[0].data)).toEqual(Array.from(eye(3).data));
    expect(products).toHaveLength(4);
    norms.forEach((v, i) => expect(v).toBeCloseTo(largestSingularValue(products[i]), 14));
  });
});

describe("the paper's conditions, as properties", () => {
  const acts = fc.constantFrom<Activation>('tanh', 'sigmoid', 'identity', 'relu');

  it('λ1 < 1/γ ⇒ ‖∂x_t/∂x_k‖ ≤ η^{t−k} with η = λ1·γ, for all t > k (eq. 10)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e6 }),
        fc.integer({ min: 1, max: 6 }),
        fc.double({ min: 0.05, max: 0.999, noNaN: true }),
        acts,
        (seed, n, c, activation) => {
          const gamma = ACTIVATION_GAMMA[activation];
          const { params, states } = networkWithLambda1(seed, n, c / gamma, activation, 25);
          const conditions = recurrentConditions(params.W_rec, activation);
          expect(conditions.verdict).toBe('vanish');
          expect(conditions.eta).toBeCloseTo(c, 12);
          for (const k of [0, 7, 20]) {
            const { norms } = jacobianProducts(params, activation, states, { from: k });
            // 1e-12 relative slack: the product and its SVD round; the bound itself is exact
            norms.forEach((v, d) => expect(v).toBeLessThanOrEqual(conditions.eta ** d * (1 + 1e-12) + 1e-300));
          }
        },
      ),
      { numRuns: runs(40) },
    );
  });

  it('whenever the products grow without bound, λ1 > 1/γ held', () => {
    let grew = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e6 }),
        fc.integer({ min: 1, max: 6 }),
        fc.double({ min: 0.2, max: 4, noNaN: true }),
        acts,
        (seed, n, c, activation) => {
          const gamma = ACTIVATION_GAMMA[activation];
          const { params, states } = networkWithLambda1(seed, n, c / gamma, activation, 60);
          const { norms } = jacobianProducts(params, activation, states);
          // "without bound": still growing geometrically at the end, far above 1
          if (norms[60] > 1e4 && norms[60] > 10 * norms[40]) {
            grew++;
            expect(recurrentConditions(params.W_rec, activation).lambda1 * gamma).toBeGreaterThan(1);
          }
        },
      ),
      { numRuns: runs(60) },
    );
    expect(grew).toBeGreaterThan(0); // the property was exercised, not vacuous
  });

  it('words the verdict with the numbers; spectral radius 0.95 does not mean λ1 < 1', () => {
    const { params } = initRnn({ nIn: 6, nHidden: 50, nOut: 4, init: 'smart-tanh', seed: 1 });
    const smart = recurrentConditions(params.W_rec, 'tanh');
    expect(smart.spectralRadius).toBeCloseTo(0.95, 12);
    expect(smart.gamma).toBe(1);
    // A sparse random matrix is far from normal: its largest singular value exceeds its spectral radius.
    expect(smart.lambda1).toBeGreaterThan(1);
    expect(smart.verdict).toBe('may-explode');
    const half = recurrentConditions(mul(params.W_rec, 0.5), 'tanh');
    expect(half.verdict).toBe('vanish');
    expect(half.message).toBe(
      `λ1 = ${half.lambda1.toPrecision(4)} < 1/γ = 1.000: long-term components must vanish (bound η^{t−k} with η = λ1·γ = ${half.lambda1.toPrecision(4)})`,
    );
    const big = recurrentConditions(mul(params.W_rec, 5), 'tanh');
    expect(big.verdict).toBe('may-explode');
    expect(big.message).toMatch(/λ1 = .* > 1\/γ = 1\.000: exploding is possible/);
    const sig = recurrentConditions(tensor([[3]]), 'sigmoid');
    expect(sig.verdict).toBe('vanish');
    expect(sig.eta).toBe(0.75);
    expect(recurrentConditions(tensor([[4]]), 'sigmoid').verdict).toBe('boundary');
  });
});
