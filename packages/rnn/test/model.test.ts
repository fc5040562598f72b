import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Tensor, noGrad, tensor, valueAndGrad, zeros } from '@tapegrad/autodiff';
import { gradCheck } from '@tapegrad/autodiff/testing';
import { forward, rnnLoss, transition, truncatedLoss, type RnnParams } from '@tapegrad/rnn';
import { ACTS, HEAD_KINDS, leavesOf, randomProblem, rebuild, runs } from './rnn-helpers.js';

/** Smallest |x| over all states: relu's kink at 0 would make finite differences meaningless. */
function closestToKink(params: RnnParams, inputs: Tensor, activation: 'relu'): number {
  const { states } = forward(params, inputs, { activation });
  return Math.min(...states.slice(1).flatMap((x) => Array.from(x.data, Math.abs)));
}

describe('full BPTT through the tape', () => {
  for (const activation of ACTS) {
    for (const head of HEAD_KINDS) {
      it(`equals central finite differences: ${activation} × ${head}`, () => {
        const dims = fc.record({
          seed: fc.integer({ min: 0, max: 1e6 }),
          n: fc.integer({ min: 1, max: 5 }),
          nIn: fc.integer({ min: 1, max: 3 }),
          nOut: fc.integer({ min: 1, max: 3 }),
          T: fc.integer({ min: 1, max: 30 }),
          B: fc.integer({ min: 1, max: 3 }),
          learnX0: fc.boolean(),
        });
        fc.assert(
          fc.property(dims, (d) => {
            const { params, batch, config } = randomProblem({ ...d, activation, head });
            if (activation === 'relu') fc.pre(closestToKink(params, batch.inputs as Tensor, 'relu') > 1e-3);
            const f = (...leaves: Tensor[]) => rnnLoss(rebuild(params, leaves), batch, config);
            gradCheck(f, leavesOf(params), { name: `rnnLoss ${activation} ${head}` });
          }),
          { numRuns: runs(6) },
        );
      });
    }
  }

  it('gives the same loss for a [T, B, n_in] tensor and an array of T [B, n_in] tensors', () => {
    const { params, batch, config } = randomProblem({
      seed: 3,
      n: 4,
      nIn: 2,
      nOut: 3,
      T: 7,
      B: 2,
      activation: 'tanh',
      head: 'softmax-every',
    });
    const x = batch.inputs as Tensor;
    const steps = Array.from({ length: 7 }, (_, t) => tensor(x.data.slice(t * 4, (t + 1) * 4), [2, 2]));
    expect(rnnLoss(params, { ...batch, inputs: steps }, config).item()).toBe(rnnLoss(params, batch, config).item());
  });

  it('matches a hand computation for one unit and one step', () => {
    // x_1 = w·σ(0) + v·u + b = 0.5·0 + 2·1 + 0.5 = 2.5 (tanh(0) = 0); y = 3·tanh(2.5) − 1; E = (y − 1)²
    const params: RnnParams = {
      W_rec: tensor([[0.5]]),
      W_in: tensor([[2]]),
      b: tensor([0.5]),
      W_out: tensor([[3]]),
      b_out: tensor([-1]),
    };
    const loss = rnnLoss(
      params,
      { inputs: tensor([[[1]]]), targets: tensor([[1]]) },
      { activation: 'tanh', head: 'linear-last' },
    );
    expect(loss.item()).toBeCloseTo((3 * Math.tanh(2.5) - 2) ** 2, 14);
  });

  it('starts sigmoid networks from σ(x_0) = 0.5, not 0', () => {
    // x_1 = W_rec·σ(0) = 2·0.5 = 1 with no input and no bias
    const params: RnnParams = {
      W_rec: tensor([[2]]),
      W_in: tensor([[0]]),
      b: tensor([0]),
      W_out: tensor([[1]]),
      b_out: tensor([0]),
    };
    const { states } = forward(params, zeros([1, 1, 1]), { activation: 'sigmoid' });
    expect(states[1].item()).toBe(1);
  });

  it('averages softmax-every over steps and batch, and softmax-last over the batch', () => {
    const { params, batch } = randomProblem({
      seed: 9,
      n: 3,
      nIn: 2,
      nOut: 4,
      T: 5,
      B: 2,
      activation: 'tanh',
      head: 'softmax-every',
    });
    const { outputs } = forward(params, batch.inputs, { activation: 'tanh', outputs: 'every' });
    const classes = batch.targets as Int32Array;
    let expected = 0;
    outputs.forEach((y, t) => {
      for (let b = 0; b < 2; b++) {
        const row = Array.from(y.data.slice(b * 4, b * 4 + 4));
        const lse = Math.log(row.reduce((s, v) => s + Math.exp(v), 0));
        expected += (lse - row[classes[t * 2 + b]]) / (5 * 2);
      }
    });
    expect(rnnLoss(params, batch, { activation: 'tanh', head: 'softmax-every' }).item()).toBeCloseTo(expected, 13);
  });

  it('forward states follow the exported transition', () => {
    const { params, batch } = randomProblem({
      seed: 4,
      n: 3,
      nIn: 2,
      nOut: 2,
      T: 4,
      B: 3,
      activation: 'sigmoid',
      head: 'softmax-last',
      learnX0: true,
    });
    const { states } = forward(params, batch.inputs, { activation: 'sigmoid' });
    const F = transition('sigmoid');
    const x = batch.inputs as Tensor;
    for (let t = 1; t <= 4; t++) {
      const u = new Tensor(x.data.subarray((t - 1) * 6, t * 6), [3, 2]);
      expect(Array.from(F(states[t - 1], u, params).data)).toEqual(Array.from(states[t].data));
    }
  });

  it('keeps softmax cross-entropy finite for logits of size 1000', () => {
    const params: RnnParams = {
      W_rec: tensor([[0]]),
      W_in: tensor([[0]]),
      b: tensor([1]),
      W_out: tensor([[1000], [-1000]]),
      b_out: tensor([0, 0]),
    };
    const { value, grad } = valueAndGrad((p: RnnParams) =>
      rnnLoss(p, { inputs: zeros([1, 1, 1]), targets: [1] }, { activation: 'identity', head: 'softmax-last' }),
    )(params);
    expect(value.item()).toBeCloseTo(2000, 9);
    expect(Number.isFinite(grad.W_out.data[0])).toBe(true);
  });
});

describe('truncated BPTT(k1, k2)', () => {
  const dims = fc.record({
    seed: fc.integer({ min: 0, max: 1e6 }),
    T: fc.integer({ min: 1, max: 20 }),
    k1: fc.integer({ min: 1, max: 6 }),
    extra: fc.integer({ min: 0, max: 6 }),
    head: fc.constantFrom('softmax-every' as const, 'per-step' as const, 'linear-last' as const),
    learnX0: fc.boolean(),
  });

  it('its gradient equals finite differences of its own objective J(θ; anchors)', () => {
    fc.assert(
      fc.property(dims, ({ seed, T, k1, extra, head, learnX0 }) => {
        const { params, batch, config } = randomProblem({
          seed,
          n: 3,
          nIn: 2,
          nOut: 2,
          T,
          B: 2,
          activation: 'tanh',
          head,
          learnX0,
        });
        const truncated = { ...config, truncation: { k1, k2: k1 + extra } };
        const anchors = noGrad(() => forward(params, batch.inputs, { activation: 'tanh' }).states);
        const J = (...leaves: Tensor[]) => truncatedLoss(rebuild(params, leaves), anchors, batch, truncated);
        gradCheck(J, leavesOf(params), { name: 'truncatedLoss' });
        // rnnLoss with truncation has J's value and gradient at θ = θ̄
        const viaLoss = valueAndGrad((p: RnnParams) => rnnLoss(p, batch, truncated))(params);
        const viaJ = valueAndGrad((p: RnnParams) => truncatedLoss(p, anchors, batch, truncated))(params);
        expect(viaLoss.value.item()).toBeCloseTo(rnnLoss(params, batch, config).item(), 12);
        leavesOf(viaLoss.grad).forEach((g, i) => {
          const h = leavesOf(viaJ.grad)[i];
          g.data.forEach((v, j) => expect(v).toBeCloseTo(h.data[j], 12));
        });
      }),
      { numRuns: runs(15) },
    );
  });

  it('equals full BPTT when k2 ≥ T, and differs from it when long-range paths are cut', () => {
    const { params, batch, config } = randomProblem({
      seed: 11,
      n: 4,
      nIn: 2,
      nOut: 3,
      T: 12,
      B: 2,
      activation: 'tanh',
      head: 'softmax-every',
      scale: 0.8,
    });
    const full = valueAndGrad((p: RnnParams) => rnnLoss(p, batch, config))(params).grad;
    const long = valueAndGrad((p: RnnParams) => rnnLoss(p, batch, { ...config, truncation: { k1: 3, k2: 12 } }))(
      params,
    ).grad;
    const short = valueAndGrad((p: RnnParams) => rnnLoss(p, batch, { ...config, truncation: { k1: 3, k2: 3 } }))(
      params,
    ).grad;
    long.W_rec.data.forEach((v, i) => expect(v).toBeCloseTo(full.W_rec.data[i], 12));
    const gap = Math.max(...short.W_rec.data.map((v, i) => Math.abs(v - full.W_rec.data[i])));
    expect(gap).toBeGreaterThan(1e-6);
  });
});
