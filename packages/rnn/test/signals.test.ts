import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Tensor, square, sum, tensor, valueAndGrad, zeros } from '@tapegrad/autodiff';
import { gradCheck } from '@tapegrad/autodiff/testing';
import { omega } from '@tapegrad/optim';
import { errorSignals, jacobianProducts, rnnLoss, signalStatistics, transition, type RnnParams } from '@tapegrad/rnn';
import { randomProblem, rebuild, leavesOf, runs } from './rnn-helpers.js';

const norm = (v: ArrayLike<number>): number => Math.sqrt(Array.from(v).reduce((s, x) => s + x * x, 0));

describe('errorSignals', () => {
  it('δ_k equals δ_T·∂x_T/∂x_k from the explicit eq. (7) product, for every k and example', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e6 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 3 }),
        (seed, T, B) => {
          const n = 4;
          const { params, batch, config } = randomProblem({
            seed,
            n,
            nIn: 2,
            nOut: 3,
            T,
            B,
            activation: 'tanh',
            head: 'softmax-last',
            scale: 0.8,
          });
          const s = errorSignals(params, batch, config);
          const dT = s.deltas[T - 1].data;
          for (let k = 1; k <= T; k++) {
            for (let b = 0; b < B; b++) {
              const P = jacobianProducts(params, 'tanh', s.states, { example: b, from: k }).products[T - k].data;
              for (let c = 0; c < n; c++) {
                let expected = 0;
                for (let i = 0; i < n; i++) expected += dT[b * n + i] * P[i * n + c];
                expect(s.deltas[k - 1].data[b * n + c]).toBeCloseTo(expected, 13);
              }
            }
          }
        },
      ),
      { numRuns: runs(10) },
    );
  });

  it('returns the loss and the same parameter gradient as valueAndGrad(rnnLoss)', () => {
    const { params, batch, config } = randomProblem({
      seed: 2,
      n: 3,
      nIn: 2,
      nOut: 2,
      T: 9,
      B: 2,
      activation: 'sigmoid',
      head: 'softmax-every',
      learnX0: true,
    });
    const s = errorSignals(params, batch, config);
    const direct = valueAndGrad((p: RnnParams) => rnnLoss(p, batch, config))(params);
    expect(s.loss.item()).toBe(direct.value.item());
    leavesOf(s.grads).forEach((g, i) => expect(Array.from(g.data)).toEqual(Array.from(leavesOf(direct.grad)[i].data)));
    expect(s.states).toHaveLength(10);
    expect(s.deltas).toHaveLength(9);
    expect(s.states.every((x) => x.tape === null)).toBe(true);
  });

  it('reports norms, one-step ratios ‖δ_{k+1}·∂x_{k+1}/∂x_k‖/‖δ_{k+1}‖ and steps in the past', () => {
    const T = 15;
    const { params, batch, config } = randomProblem({
      seed: 5,
      n: 5,
      nIn: 2,
      nOut: 3,
      T,
      B: 2,
      activation: 'tanh',
      head: 'softmax-last',
    });
    const { deltas, stats } = errorSignals(params, batch, config);
    for (let k = 1; k <= T; k++) {
      for (let b = 0; b < 2; b++)
        expect(stats.exampleNorms[k - 1][b]).toBeCloseTo(norm(deltas[k - 1].data.subarray(b * 5, b * 5 + 5)), 14);
      expect(stats.meanNorms[k - 1]).toBeCloseTo((stats.exampleNorms[k - 1][0] + stats.exampleNorms[k - 1][1]) / 2, 14);
    }
    // With a loss only at T, δ_k = δ_{k+1}·∂x_{k+1}/∂x_k exactly, so the ratio is ‖δ_k‖/‖δ_{k+1}‖.
    for (let k = 1; k < T; k++) {
      for (let b = 0; b < 2; b++)
        expect(stats.ratios[k][b]).toBeCloseTo(stats.exampleNorms[k - 1][b] / stats.exampleNorms[k][b], 10);
    }
    expect(stats.ratios).toHaveLength(T);
    expect(stats.stepsInPast).toBe(1);
  });

  it('counts steps whose ‖δ_k‖² fell under 1e-20 as no longer reached', () => {
    // Tiny recurrent weights: the signal shrinks by ~1e-3 per step and is gone after a few steps.
    const T = 20;
    const { params, batch, config } = randomProblem({
      seed: 6,
      n: 3,
      nIn: 2,
      nOut: 2,
      T,
      B: 2,
      activation: 'tanh',
      head: 'softmax-last',
      maxLambda1: 1e-3,
    });
    const { stats } = errorSignals(params, batch, config);
    const reached = stats.exampleNorms.flatMap((r) => Array.from(r)).filter((v) => v * v >= 1e-20).length;
    expect(stats.stepsInPast).toBe(reached / (T * 2));
    expect(stats.stepsInPast).toBeGreaterThan(0);
    expect(stats.stepsInPast).toBeLessThan(0.5);
    expect(stats.ratios[0].every(Number.isNaN)).toBe(true);
  });

  it('averages the ratios over the examples that carry a signal, not over the batch (by hand)', () => {
    // identity σ and W_rec = diag(2, 0.5): v = W_recᵀδ. Step 1: example 0 has δ = (1, 0), ratio 2;
    // example 1 has δ = 0 (no signal); example 2 has δ = (0, 3), ratio 0.5. Mean over the two
    // with a signal: 1.25 (over the batch of 3 it would be 0.8333…). Step 2: no example has a
    // signal, so its mean ratio is NaN, and steps in the past = 2 of 6 pairs.
    const params: RnnParams = {
      W_rec: tensor([
        [2, 0],
        [0, 0.5],
      ]),
      W_in: zeros([2, 1]),
      b: zeros([2]),
      W_out: zeros([1, 2]),
      b_out: zeros([1]),
    };
    const states = [zeros([3, 2]), zeros([3, 2]), zeros([3, 2])];
    const deltas = [
      tensor([
        [1, 0],
        [0, 0],
        [0, 3],
      ]),
      zeros([3, 2]),
    ];
    const stats = signalStatistics(params, 'identity', states, deltas);
    expect(Array.from(stats.ratios[0])).toEqual([2, NaN, 0.5]);
    expect(stats.meanRatios[0]).toBe(1.25);
    expect(stats.meanRatios[1]).toBeNaN();
    expect(stats.meanNorms[0]).toBe((1 + 0 + 3) / 3);
    expect(stats.stepsInPast).toBe(2 / 6);
  });

  it('keeps ‖δ_k‖ exact far below 1e-154, where a plain sum of squares underflows to 0', () => {
    // Row 0: a 3-4-5 triangle at 1e-300; row 1: one entry at 1e-320 (subnormal); row 2: zeros.
    const n = 3;
    const params: RnnParams = {
      W_rec: zeros([n, n]),
      W_in: zeros([n, 2]),
      b: zeros([n]),
      W_out: zeros([2, n]),
      b_out: zeros([2]),
    };
    const delta = tensor([
      [3e-300, 4e-300, 0],
      [0, 1e-320, 0],
      [0, 0, 0],
    ]);
    const states = [zeros([3, n]), zeros([3, n])];
    const stats = signalStatistics(params, 'tanh', states, [delta]);
    expect(stats.exampleNorms[0][0] / 5e-300).toBeCloseTo(1, 14);
    expect(stats.exampleNorms[0][1]).toBe(1e-320);
    expect(stats.exampleNorms[0][2]).toBe(0);
    expect(stats.meanNorms[0] / ((5e-300 + 1e-320) / 3)).toBeCloseTo(1, 14);
    expect(stats.stepsInPast).toBe(0);
    // Non-finite entries still show: an exploded signal is Infinity, a broken one NaN.
    const bad = tensor([
      [Infinity, 1, 0],
      [NaN, 1, 0],
      [1, 1, 1],
    ]);
    const badStats = signalStatistics(params, 'tanh', states, [bad]);
    expect(badStats.exampleNorms[0][0]).toBe(Infinity);
    expect(badStats.exampleNorms[0][1]).toBeNaN();
    expect(badStats.exampleNorms[0][2]).toBeCloseTo(Math.sqrt(3), 15);
  });

  it('stays differentiable inside another transform: ∂‖δ_1‖²/∂θ equals finite differences', () => {
    const { params, batch, config } = randomProblem({
      seed: 8,
      n: 3,
      nIn: 2,
      nOut: 2,
      T: 6,
      B: 2,
      activation: 'tanh',
      head: 'softmax-every',
    });
    const f = (...leaves: Tensor[]) => sum(square(errorSignals(rebuild(params, leaves), batch, config).deltas[0]));
    gradCheck(f, leavesOf(params), { name: '‖δ_1‖²' });
  });

  it("feeds @tapegrad/optim's Ω: its summary form is Σ (ratio − 1)² over the pairs with a signal", () => {
    const { params, batch, config } = randomProblem({
      seed: 12,
      n: 4,
      nIn: 2,
      nOut: 3,
      T: 10,
      B: 3,
      activation: 'tanh',
      head: 'softmax-every',
    });
    const s = errorSignals(params, batch, config);
    const result = omega({
      transition: transition('tanh'),
      params,
      states: s.states,
      inputs: s.inputs,
      deltas: s.deltas,
      form: 'summary',
      gradient: 'none',
    });
    const expected = s.stats.ratios
      .flatMap((r) => Array.from(r))
      .filter((r) => !Number.isNaN(r))
      .reduce((acc, r) => acc + (r - 1) ** 2, 0);
    expect(result.value).toBeCloseTo(expected, 12);
    expect(result.pairs).toBe(30);
  });
});
