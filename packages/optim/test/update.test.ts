/**
 * @file The paper's update in one call, paperStep: ∇E + α·∇Ω on the recurrent weights, then one
 * global clipping, then the optimizer step, on hand-derived numbers; each non-finite policy inside
 * it; α's schedule; and a full SGD-CR step on a small RNN composed from the pieces.
 */
import { describe, expect, it } from 'vitest';
import {
  Rng,
  ShapeError,
  ValueError,
  matmulT,
  randn,
  square,
  sub,
  sum,
  tanh,
  tensor,
  valueAndGrad,
  type Tensor,
} from '@tapegrad/autodiff';
import {
  SGD,
  clipGradNorm,
  combineGradients,
  trajectorySignals,
  globalNorm,
  inverseTime,
  omega,
  paperStep,
} from '@tapegrad/optim';
import { paperTransition, type RnnParams } from './helpers.js';

const values = (t: Tensor) => Array.from(t.data);

describe('combineGradients', () => {
  it('adds α·∇Ω leaf by leaf and checks the structures match', () => {
    const g = combineGradients(
      { W_rec: tensor([1, 2]), b: tensor([1]) },
      { W_rec: tensor([0.5, -1]), b: tensor([0]) },
      4,
    );
    expect(values(g.W_rec)).toEqual([3, -2]);
    expect(values(g.b)).toEqual([1]);
    expect(() => combineGradients({ W_rec: tensor([1]) }, { W: tensor([1]) }, 1)).toThrow(ShapeError);
    expect(() => combineGradients({ W_rec: tensor([1]) }, { W: tensor([1]) }, 1)).toThrow(/^combineGradients: /);
    expect(() => combineGradients({ W_rec: tensor([1]) }, { W_rec: tensor([1]) }, -1)).toThrow(
      /combineGradients: argument 'alpha'.*got -1/,
    );
    expect(() => combineGradients({ W_rec: tensor([1]) }, { W_rec: tensor([1]) }, NaN)).toThrow(
      "combineGradients: argument 'alpha': must be a finite number ≥ 0, got NaN",
    );
  });
});

describe('paperStep', () => {
  const params = { W_rec: tensor([[1]]), b: tensor([0]) };
  const lossGrads = { W_rec: tensor([[3]]), b: tensor([3]) };
  const om = { value: 0.5, grad: { W_rec: tensor([[1]]), b: tensor([0]) } };

  it('adds α∇Ω, clips over everything, then steps', () => {
    // g = (3 + 1·1, 3) = (4, 3), ‖g‖ = 5 ≥ 1 → (0.8, 0.6); lr 0.1 → W_rec 1 − 0.08, b −0.06.
    const optimizer = new SGD({ learningRate: 0.1 });
    const r = paperStep({ params, lossGrads, omega: om, alpha: 1, clip: { threshold: 1 }, optimizer });
    // scale = 1/5 = 0.2 and the clipped entries are g·scale, rounded as float64 computes them.
    expect(values(r.params.W_rec)).toEqual([1 - 0.1 * (4 * 0.2)]);
    expect(values(r.params.b)).toEqual([0 - 0.1 * (3 * 0.2)]);
    expect(r).toMatchObject({
      gradNorm: 5,
      clipped: true,
      action: 'clipped',
      scale: 0.2,
      omega: 0.5,
      alpha: 1,
      learningRate: 0.1,
      updated: true,
    });
    expect(optimizer.updates).toBe(1);
  });

  it('without clip it is plain SGD on ∇E + α∇Ω, without omega plain SGD on ∇E', () => {
    const r = paperStep({ params, lossGrads, omega: om, alpha: 2, optimizer: new SGD({ learningRate: 0.1 }) });
    expect(values(r.params.W_rec)).toEqual([1 - 0.1 * 5]);
    expect(r).toMatchObject({ gradNorm: Math.sqrt(5 * 5 + 3 * 3), clipped: false, action: 'none', omega: 0.5 });
    const plain = paperStep({ params, lossGrads, optimizer: new SGD({ learningRate: 0.1 }) });
    expect(values(plain.params.W_rec)).toEqual([1 - 0.1 * 3]);
    expect(plain).toMatchObject({ omega: null, alpha: 0, updated: true, clipped: false, scale: 1 });
  });

  it("evaluates α's schedule at the optimizer's update count", () => {
    // α_t = 4/(1 + t): 4 at the first update, 2 at the second.
    const optimizer = new SGD({ learningRate: 0 });
    const alpha = inverseTime(4, 1);
    expect(paperStep({ params, lossGrads, omega: om, alpha, optimizer }).alpha).toBe(4);
    const second = paperStep({ params, lossGrads, omega: om, alpha, optimizer });
    expect(second.alpha).toBe(2);
    expect(second.gradNorm).toBe(Math.sqrt(5 * 5 + 3 * 3));
  });

  it("with nonFinite 'skip' leaves the params and the optimizer untouched", () => {
    const optimizer = new SGD({ learningRate: 0.1, momentum: 0.9 });
    const r = paperStep({
      params,
      lossGrads: { W_rec: tensor([[NaN]]), b: tensor([1]) },
      clip: { threshold: 1, nonFinite: 'skip' },
      optimizer,
    });
    expect(r.params).toBe(params);
    expect(r).toMatchObject({ updated: false, action: 'skipped', clipped: false, scale: 0 });
    expect(optimizer.updates).toBe(0);
  });

  it("with nonFinite 'fallback' shrinks W_rec by lr·0.02 and leaves the rest", () => {
    const optimizer = new SGD({ learningRate: 0.5 });
    const r = paperStep({
      params,
      lossGrads: { W_rec: tensor([[Infinity]]), b: tensor([1]) },
      clip: { threshold: 1, nonFinite: 'fallback' },
      optimizer,
    });
    expect(r.action).toBe('fallback');
    expect(values(r.params.W_rec)).toEqual([1 - 0.5 * 0.02]);
    expect(values(r.params.b)).toEqual([0]);
  });

  it('rejects omega without alpha, a negative alpha, a null Ω gradient and mismatched grads', () => {
    const optimizer = new SGD({ learningRate: 0.1 });
    expect(() => paperStep({ params, lossGrads, omega: om, optimizer })).toThrow(
      /paperStep: argument 'alpha': is required/,
    );
    expect(() => paperStep({ params, lossGrads, omega: om, alpha: -4, optimizer })).toThrow(ValueError);
    expect(() => paperStep({ params, lossGrads, omega: om, alpha: -4, optimizer })).toThrow(/'alpha'.*got -4/);
    expect(() => paperStep({ params, lossGrads, omega: { value: 1, grad: null }, alpha: 1, optimizer })).toThrow(
      /'omega.grad': is null; compute Ω with gradient 'immediate' or 'exact'/,
    );
    // a gradient left out (a JavaScript caller) is not silently read as "no Ω"
    const noGrad = { value: 1 } as unknown as { value: number; grad: null };
    expect(() => paperStep({ params, lossGrads, omega: noGrad, alpha: 1, optimizer })).toThrow(/'omega.grad'/);
    expect(optimizer.updates).toBe(0);
    expect(() => paperStep({ params, lossGrads: { W_rec: tensor([[1]]) }, optimizer })).toThrow(ShapeError);
    expect(() => paperStep({ params, lossGrads, clip: { threshold: 0 }, optimizer })).toThrow(/'threshold'.*got 0/);
  });
});

describe('SGD-CR on a small RNN, composed from the pieces', () => {
  it('matches doing each stage by hand', () => {
    const rng = new Rng(3);
    const n = 4;
    const params: RnnParams = {
      W_rec: randn([n, n], rng, 0, 1.5),
      W_in: randn([n, 2], rng, 0, 1),
      b: randn([n], rng, 0, 0.1),
    };
    const W_out = randn([1, n], rng);
    const x0 = randn([3, n], rng);
    const inputs = Array.from({ length: 6 }, () => randn([3, 2], rng));
    const target = randn([3, 1], rng);
    const loss = (xs: readonly Tensor[]) =>
      sum(square(sub(matmulT(tanh(xs[xs.length - 1]), W_out, false, true), target)));

    const { states, deltas } = trajectorySignals({ transition: paperTransition, params, x0, inputs, loss });
    const { grad: lossGrads } = valueAndGrad(
      (p: RnnParams) => trajectorySignals({ transition: paperTransition, params: p, x0, inputs, loss }).loss,
    )(params);
    const om = omega({ transition: paperTransition, params, states, inputs, deltas, wrt: ['W_rec'] });
    const r = paperStep({
      params,
      lossGrads,
      omega: om,
      alpha: 4,
      clip: { threshold: 1 },
      optimizer: new SGD({ learningRate: 0.01 }),
    });

    const g = combineGradients(lossGrads, om.grad!, 4);
    expect(r.gradNorm).toBe(globalNorm(g));
    const clipped = clipGradNorm(g, 1);
    const expected = new SGD({ learningRate: 0.01 }).step(params, clipped.grads);
    expect(values(r.params.W_rec)).toEqual(values(expected.W_rec));
    expect(values(r.params.W_in)).toEqual(values(expected.W_in));
    expect(om.value).toBeGreaterThan(0);
    expect(values(om.grad!.W_in).every((x) => x === 0)).toBe(true);
  });
});
