/**
 * @file The composed gradients of @tapegrad/rnn held against a separate plain-loop float64
 * implementation (test/reference): full BPTT (fused and per-step tape), the error signals δ_t,
 * truncated BPTT(k1, k2), and both forms of Ω with their immediate gradient (closed form and the
 * generic one of @tapegrad/optim), to ~1e-12 relative. Finite differences cannot see an error much
 * below 1e-4 relative; the reference can, and it shares no code with what it checks.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tensor, valueAndGrad } from '@tapegrad/autodiff';
import { omega, type OmegaForm } from '@tapegrad/optim';
import { errorSignals, paperOmega, rnnLoss, transition, type RnnParams } from '@tapegrad/rnn';
import { expectAgree } from '../../../test/reference/compare.js';
import { referenceOmega } from '../../../test/reference/omega.js';
import { referenceBptt } from '../../../test/reference/rnn.js';
import { ACTS, randomProblem, refBatch, refParams, runs } from './rnn-helpers.js';

const HEADS = ['softmax-last', 'linear-last', 'softmax-every'] as const;

const arbProblem = fc.record({
  seed: fc.integer({ min: 0, max: 1e6 }),
  n: fc.integer({ min: 1, max: 6 }),
  nIn: fc.integer({ min: 1, max: 3 }),
  nOut: fc.integer({ min: 1, max: 3 }),
  T: fc.integer({ min: 1, max: 25 }),
  B: fc.integer({ min: 1, max: 4 }),
  activation: fc.constantFrom(...ACTS),
  head: fc.constantFrom(...HEADS),
  learnX0: fc.boolean(),
});

describe('full BPTT against the plain-loop reference', () => {
  it('loss and every parameter gradient, fused op and per-step tape, every activation × head', () => {
    fc.assert(
      fc.property(arbProblem, (d) => {
        const { params, batch, config } = randomProblem(d);
        const ref = refBatch(batch, d.head);
        const expected = referenceBptt(refParams(params), ref.inputs, d.activation, ref.head);
        for (const fused of [true, false]) {
          const { value, grad } = valueAndGrad((p: RnnParams) => rnnLoss(p, batch, { ...config, fused }))(params);
          expectAgree(value, expected.loss, `loss (fused ${fused})`);
          for (const [name, g] of Object.entries(grad))
            expectAgree(g, expected.grads[name as keyof RnnParams], `∂${name} (fused ${fused})`);
        }
      }),
      { numRuns: runs(40) },
    );
  });

  it('error signals δ_t = ∂E/∂x_t and states x_t (errorSignals), fused and per-step', () => {
    fc.assert(
      fc.property(arbProblem, (d) => {
        const { params, batch, config } = randomProblem(d);
        const ref = refBatch(batch, d.head);
        const expected = referenceBptt(refParams(params), ref.inputs, d.activation, ref.head);
        for (const fused of [true, false]) {
          const s = errorSignals(params, batch, { ...config, fused });
          expect(s.deltas).toHaveLength(d.T);
          s.deltas.forEach((delta, k) => expectAgree(delta, expected.deltas[k], `δ_${k + 1} (fused ${fused})`));
          s.states.forEach((x, k) => expectAgree(x, expected.forward.states[k], `x_${k} (fused ${fused})`));
          for (const [name, g] of Object.entries(s.grads))
            expectAgree(g, expected.grads[name as keyof RnnParams], `∂${name} (fused ${fused})`);
        }
      }),
      { numRuns: runs(25) },
    );
  });
});

describe('truncated BPTT(k1, k2) against the plain-loop reference', () => {
  const arb = fc.record({
    seed: fc.integer({ min: 0, max: 1e6 }),
    T: fc.integer({ min: 1, max: 20 }),
    k1: fc.integer({ min: 1, max: 6 }),
    extra: fc.integer({ min: 0, max: 6 }),
    head: fc.constantFrom(...HEADS),
    activation: fc.constantFrom(...ACTS),
    learnX0: fc.boolean(),
  });

  it('rnnLoss with config.truncation: every gradient, every chunk start (0 and later)', () => {
    fc.assert(
      fc.property(arb, ({ seed, T, k1, extra, head, activation, learnX0 }) => {
        const { params, batch, config } = randomProblem({
          seed,
          n: 3,
          nIn: 2,
          nOut: 2,
          T,
          B: 2,
          activation,
          head,
          learnX0,
        });
        const truncation = { k1, k2: k1 + extra };
        const ref = refBatch(batch, head);
        const expected = referenceBptt(refParams(params), ref.inputs, activation, ref.head, truncation);
        const { value, grad } = valueAndGrad((p: RnnParams) => rnnLoss(p, batch, { ...config, truncation }))(params);
        expectAgree(value, expected.loss, 'loss');
        for (const [name, g] of Object.entries(grad))
          expectAgree(g, expected.grads[name as keyof RnnParams], `∂${name}, k1 = ${k1}, k2 = ${k1 + extra}, T = ${T}`);
      }),
      // chunks that start after step 0 (k2 < T), which a chunk start off by one would get wrong
      {
        numRuns: runs(40),
        examples: [
          [{ seed: 1, T: 12, k1: 3, extra: 2, head: 'softmax-every', activation: 'tanh', learnX0: true }],
          [{ seed: 2, T: 9, k1: 2, extra: 0, head: 'linear-last', activation: 'sigmoid', learnX0: false }],
        ],
      },
    );
  });

  it('one unit, T = 3, k1 = 1, k2 = 1, identity: each loss reaches back one step only (by hand)', () => {
    // x_t = w·x_{t−1} + v·u_t + b, y_t = x_t, and the linear-last head's loss E = (x_3 − c)².
    // With k1 = k2 = 1 the chunk of step 3 starts from the anchor x_2 (a constant), so
    // ∂E/∂w = 2(x_3 − c)·x_2, ∂E/∂v = 2(x_3 − c)·u_3, ∂E/∂b = 2(x_3 − c): the chain through x_2 is cut.
    const params: RnnParams = {
      W_rec: tensor([[0.5]]),
      W_in: tensor([[2]]),
      b: tensor([0]),
      W_out: tensor([[1]]),
      b_out: tensor([0]),
    };
    const inputs = tensor([[[1]], [[-1]], [[0.5]]]);
    const x1 = 2;
    const x2 = 0.5 * x1 - 2;
    const x3 = 0.5 * x2 + 1;
    const c = 0.25;
    const batch = { inputs, targets: tensor([[c]]) };
    const { grad } = valueAndGrad((p: RnnParams) =>
      rnnLoss(p, batch, { activation: 'identity', head: 'linear-last', truncation: { k1: 1, k2: 1 } }),
    )(params);
    expect(grad.W_rec.item()).toBeCloseTo(2 * (x3 - c) * x2, 14);
    expect(grad.W_in.item()).toBeCloseTo(2 * (x3 - c) * 0.5, 14);
    expect(grad.b.item()).toBeCloseTo(2 * (x3 - c), 14);
  });
});

describe('Ω and its immediate gradient against the plain-loop reference', () => {
  const arb = fc.record({
    seed: fc.integer({ min: 0, max: 1e6 }),
    n: fc.integer({ min: 1, max: 6 }),
    T: fc.integer({ min: 1, max: 20 }),
    B: fc.integer({ min: 1, max: 4 }),
    activation: fc.constantFrom(...ACTS),
    head: fc.constantFrom(...HEADS),
    form: fc.constantFrom<OmegaForm>('paper', 'summary'),
    scale: fc.constantFrom(0.1, 0.5),
  });

  it("paperOmega and optim's generic omega, on error signals from errorSignals, equal the reference's on its own δ", () => {
    fc.assert(
      fc.property(arb, ({ seed, n, T, B, activation, head, form, scale }) => {
        // scale 0.1 makes the signals fade below 1e-20 over the steps, so pairs drop out
        const { params, batch, config } = randomProblem({ seed, n, nIn: 2, nOut: 3, T, B, activation, head, scale });
        const ref = refBatch(batch, head);
        const bptt = referenceBptt(refParams(params), ref.inputs, activation, ref.head);
        const expected = referenceOmega(refParams(params).W_rec, activation, bptt.forward.states, bptt.deltas, form);
        const s = errorSignals(params, batch, config);
        const closed = paperOmega({ W_rec: params.W_rec, activation, states: s.states, deltas: s.deltas, form });
        const generic = omega({
          transition: transition(activation),
          params,
          states: s.states,
          inputs: s.inputs,
          deltas: s.deltas,
          form,
          wrt: ['W_rec'],
        });
        for (const [name, r] of [
          ['paperOmega', { value: closed.value, grad: closed.grad!, pairs: closed.pairs }],
          ['omega', { ...generic, grad: generic.grad!.W_rec }],
        ] as const) {
          expect(r.pairs, `${name}: pairs`).toBe(expected.pairs);
          expectAgree(r.value, expected.value, `${name}: Ω (${form})`);
          expectAgree(r.grad, expected.grad, `${name}: ∂Ω/∂W_rec (${form})`);
        }
        expect(generic.grad!.W_in.data.every((v) => v === 0)).toBe(true);
      }),
      { numRuns: runs(40) },
    );
  });

  it('counts only the pairs with ‖δ‖² ≥ 1e-20 and averages over them (paper form)', () => {
    // Two examples, one step; example 1 has no signal. Ω is the one term of example 0, not half of it.
    const W_rec = tensor([
      [2, 0],
      [0, 1],
    ]);
    const states = [
      tensor([
        [0, 0],
        [0, 0],
      ]),
      tensor([
        [0, 0],
        [0, 0],
      ]),
    ];
    const deltas = [
      tensor([
        [1, 0],
        [0, 0],
      ]),
    ];
    const r = paperOmega({ W_rec, activation: 'identity', states, deltas, form: 'paper' });
    // v = Wᵀδ = (2, 0): r = 4, term (4 − 1)² = 9; ∂/∂W_00 = 4(r − 1)/‖δ‖²·v_0·δ_0 = 4·3·2 = 24
    expect(r.pairs).toBe(1);
    expect(r.value).toBe(9);
    expect(Array.from(r.grad!.data)).toEqual([24, 0, 0, 0]);
    expectAgree(
      r,
      referenceOmega(
        W_rec.toArray() as number[][],
        'identity',
        states.map((x) => x.toArray() as number[][]),
        deltas.map((x) => x.toArray() as number[][]),
        'paper',
      ),
      'Ω record',
    );
  });
});
