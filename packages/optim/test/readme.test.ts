/**
 * @file The README's examples, run as written, with the values the README states.
 */
import { describe, expect, it } from 'vitest';
import { add, matmulT, randn, square, sub, sum, tanh, tensor, valueAndGrad, type Tensor } from '@tapegrad/autodiff';
import {
  NonFiniteGradientError,
  SGD,
  clipGradNorm,
  clipGradValue,
  compareOmegaGradients,
  constant,
  trajectorySignals,
  inverseTime,
  omega,
  paperStep,
  stepDecay,
} from '@tapegrad/optim';

const values = (t: Tensor) => Array.from(t.data);

describe('README examples', () => {
  it('SGD with momentum and checkpoints', () => {
    const opt = new SGD({ learningRate: 0.1, momentum: 0.9 });
    let params = { w: tensor([1, 2]) };
    params = opt.step(params, { w: tensor([1, 1]) });
    expect(values(params.w)).toEqual([0.9, 1.9]);
    params = opt.step(params, { w: tensor([1, 1]) });
    expect(values(params.w).map((x) => +x.toFixed(12))).toEqual([0.71, 1.71]);
    const saved = JSON.stringify(opt.state());
    const resumed = new SGD({ learningRate: 0.1, momentum: 0.9 });
    resumed.loadState(JSON.parse(saved));
    expect(values(resumed.step(params, { w: tensor([0.3, -1]) }).w)).toEqual(
      values(opt.step(params, { w: tensor([0.3, -1]) }).w),
    );
    expect(constant(0.01)(5)).toBe(0.01);
    expect(inverseTime(0.1, 1000)(1000)).toBe(0.05);
    expect(stepDecay(0.1, { every: 10000, factor: 0.5 })(20000)).toBe(0.025);
    expect(new SGD({ learningRate: (t) => (t < 100 ? 0.001 : 0.01) }).learningRate()).toBe(0.001);
  });

  it('clipping', () => {
    const r = clipGradNorm({ W: tensor([3]), b: tensor([4]) }, 1);
    expect(r).toMatchObject({ norm: 5, clipped: true, scale: 0.2, action: 'clipped' });
    expect([r.grads.W.data[0], r.grads.b.data[0]]).toEqual([0.6000000000000001, 0.8]);
    const bad = { W_rec: tensor([[NaN]]), b: tensor([1]) };
    expect(() => clipGradNorm(bad, 1)).toThrow(NonFiniteGradientError);
    expect(clipGradNorm(bad, 1, { nonFinite: 'skip' }).action).toBe('skipped');
    const f = clipGradNorm(bad, 1, { nonFinite: 'fallback', params: { W_rec: tensor([[0.5]]), b: tensor([0]) } });
    expect([f.grads.W_rec.data[0], f.grads.b.data[0]]).toEqual([0.01, 0]);
    const v = clipGradValue({ w: tensor([-3, 0.5, 2]) }, 1);
    expect(values(v.grads.w)).toEqual([-1, 0.5, 1]);
    expect(v.clippedElements).toBe(2);
  });

  it('Ω, its exact gradient, and paperStep', () => {
    type Params = { W_rec: Tensor; W_in: Tensor; b: Tensor };
    const F = (x: Tensor, u: Tensor, p: Params) =>
      add(add(matmulT(tanh(x), p.W_rec, false, true), matmulT(u, p.W_in, false, true)), p.b);
    const params = { W_rec: randn([4, 4], 1, 0, 0.5), W_in: randn([4, 2], 2, 0, 0.5), b: randn([4], 3, 0, 0.1) };
    const x0 = randn([3, 4], 4);
    const inputs = Array.from({ length: 10 }, (_, t) => randn([3, 2], 10 + t));
    const target = randn([3, 4], 5);
    const loss = (xs: readonly Tensor[]) => sum(square(sub(tanh(xs[xs.length - 1]), target)));
    const { states, deltas } = trajectorySignals({ transition: F, params, x0, inputs, loss });
    const om = omega({ transition: F, params, states, inputs, deltas, wrt: ['W_rec'] });
    expect(om.pairs).toBe(30);
    expect(om.grad!.W_rec.shape).toEqual([4, 4]);
    const exact = omega({
      transition: F,
      params,
      inputs,
      gradient: 'exact',
      wrt: ['W_rec'],
      trajectory: (p) => trajectorySignals({ transition: F, params: p, x0, inputs, loss }),
    });
    expect(exact.value).toBeCloseTo(om.value, 12);
    const cmp = compareOmegaGradients({
      transition: F,
      params,
      inputs,
      wrt: ['W_rec'],
      trajectory: (p) => trajectorySignals({ transition: F, params: p, x0, inputs, loss }),
    });
    expect(cmp.parameters[0].path).toBe('W_rec');
    const optimizer = new SGD({ learningRate: 0.01 });
    const { grad: lossGrads } = valueAndGrad(
      (p: Params) => trajectorySignals({ transition: F, params: p, x0, inputs, loss }).loss,
    )(params);
    const r = paperStep({ params, lossGrads, omega: om, alpha: 4, clip: { threshold: 1 }, optimizer });
    expect(r).toMatchObject({ omega: om.value, alpha: 4, learningRate: 0.01, updated: true });
    expect(r.params.W_rec.shape).toEqual([4, 4]);
  });
});
