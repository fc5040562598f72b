/**
 * @file @tapegrad/optim held against the separate plain-loop float64 implementation of
 * test/reference, to ~1e-12 relative: Ω in both forms with its immediate gradient (generic, through
 * a nested VJP of the paper's transition), the error signals of trajectorySignals, global-norm
 * clipping, SGD with momentum over several steps, and paperStep's whole SGD-CR update on a small
 * RNN. Finite differences (the other tests here) cannot see errors much below 1e-4 relative.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Rng,
  matmulT,
  mul,
  randn,
  square,
  sub,
  sum,
  tanh,
  tensor,
  valueAndGrad,
  type Tensor,
} from '@tapegrad/autodiff';
import { SGD, clipGradNorm, omega, paperStep, trajectorySignals, type OmegaForm } from '@tapegrad/optim';
import { expectAgree } from '../../../test/reference/compare.js';
import { referenceOmega } from '../../../test/reference/omega.js';
import { referenceBptt, type Mat, type RefParams } from '../../../test/reference/rnn.js';
import { referenceClip, referenceCombine, referenceSgd, type Flat } from '../../../test/reference/update.js';
import { paperTransition, randomProblem, runs, type RnnParams } from './helpers.js';

const mat = (t: Tensor): Mat => t.toArray() as Mat;
const flat = (tree: Record<string, Tensor>): Flat =>
  Object.fromEntries(Object.entries(tree).map(([k, t]) => [k, Array.from(t.data)]));

describe('Ω against the plain-loop reference', () => {
  it('value, immediate ∂Ω/∂W_rec and pairs, both forms, steps batched or not, signals that fade out', () => {
    const arb = fc.record({
      seed: fc.integer({ min: 0, max: 2 ** 31 }),
      n: fc.integer({ min: 1, max: 6 }),
      batch: fc.integer({ min: 1, max: 4 }),
      steps: fc.integer({ min: 1, max: 8 }),
      form: fc.constantFrom<OmegaForm>('paper', 'summary'),
      batchSteps: fc.boolean(),
      faded: fc.array(fc.nat(40), { maxLength: 5 }),
    });
    fc.assert(
      fc.property(arb, ({ seed, n, batch, steps, form, batchSteps, faded }) => {
        const { params, states, inputs, deltas } = randomProblem(seed, n, 2, batch, steps);
        // rows listed in `faded` get ‖δ‖² < 1e-20: those (step, example) pairs must not count
        for (const row of faded) {
          const k = row % steps;
          const e = Math.floor(row / steps) % batch;
          deltas[k].data.fill(0, e * n, (e + 1) * n);
        }
        const r = omega({
          transition: paperTransition,
          params,
          states,
          inputs,
          deltas,
          form,
          wrt: ['W_rec'],
          batchSteps,
        });
        const expected = referenceOmega(mat(params.W_rec), 'tanh', states.map(mat), deltas.map(mat), form);
        expect(r.pairs).toBe(expected.pairs);
        expectAgree(r.value, expected.value, `Ω (${form})`);
        expectAgree(r.grad!.W_rec, expected.grad, `∂Ω/∂W_rec (${form})`);
        expect([...r.grad!.W_in.data, ...r.grad!.b.data].every((v) => v === 0)).toBe(true);
      }),
      { numRuns: runs(60) },
    );
  });
});

/**
 * A small RNN: eq. 2 with tanh from x_0 (one row per example), and E the batch mean of
 * ‖tanh(x_T)·W_outᵀ − y‖², which is the reference's 'linear-last' head with b_out = 0.
 */
function smallRnn(seed: number, n: number, batch: number, steps: number) {
  const rng = new Rng(seed);
  const params: RnnParams = {
    W_rec: randn([n, n], rng, 0, 1.5 / Math.sqrt(n)),
    W_in: randn([n, 2], rng),
    b: randn([n], rng, 0, 0.1),
  };
  const W_out = randn([2, n], rng);
  const x0 = randn([batch, n], rng);
  const inputs = Array.from({ length: steps }, () => randn([batch, 2], rng));
  const target = randn([batch, 2], rng);
  const loss = (xs: readonly Tensor[]) =>
    mul(sum(square(sub(matmulT(tanh(xs[xs.length - 1]), W_out, false, true), target))), 1 / batch);
  const reference = (p: RnnParams) => {
    const ref: RefParams = {
      W_rec: mat(p.W_rec),
      W_in: mat(p.W_in),
      b: Array.from(p.b.data),
      W_out: mat(W_out),
      b_out: [0, 0],
    };
    return referenceBptt(
      ref,
      inputs.map(mat),
      'tanh',
      { kind: 'linear-last', target: mat(target) },
      undefined,
      mat(x0),
    );
  };
  return { params, x0, inputs, loss, reference };
}

const arbRnn = fc.record({
  seed: fc.integer({ min: 0, max: 2 ** 31 }),
  n: fc.integer({ min: 1, max: 5 }),
  batch: fc.integer({ min: 1, max: 3 }),
  steps: fc.integer({ min: 1, max: 12 }),
});

describe('trajectorySignals against the plain-loop reference', () => {
  it('states x_t, error signals δ_t, the loss and its gradient', () => {
    fc.assert(
      fc.property(arbRnn, ({ seed, n, batch, steps }) => {
        const { params, x0, inputs, loss, reference } = smallRnn(seed, n, batch, steps);
        const expected = reference(params);
        const s = trajectorySignals({ transition: paperTransition, params, x0, inputs, loss });
        expectAgree(s.loss, expected.loss, 'E');
        s.states.forEach((x, k) => expectAgree(x, expected.forward.states[k], `x_${k}`));
        s.deltas.forEach((d, k) => expectAgree(d, expected.deltas[k], `δ_${k + 1}`));
        const { grad } = valueAndGrad(
          (p: RnnParams) => trajectorySignals({ transition: paperTransition, params: p, x0, inputs, loss }).loss,
        )(params);
        for (const name of ['W_rec', 'W_in', 'b'] as const)
          expectAgree(grad[name], expected.grads[name], `∂E/∂${name}`);
      }),
      { numRuns: runs(30) },
    );
  });
});

describe('clipping and SGD against the plain-loop reference', () => {
  const arbRecord = fc.record({
    seed: fc.integer({ min: 0, max: 2 ** 31 }),
    sizes: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 4 }),
    scale: fc.double({ min: 1e-3, max: 1e3, noNaN: true }),
  });
  const record = (rng: Rng, sizes: number[], scale: number): Record<string, Tensor> =>
    Object.fromEntries(sizes.map((size, i) => [`p${i}`, randn([size], rng, 0, scale)]));

  it("clipGradNorm: the norm, whether it clips and the clipped values, for thresholds on both sides, '>=' and '>'", () => {
    fc.assert(
      fc.property(
        arbRecord,
        fc.double({ min: 0.05, max: 20, noNaN: true }),
        fc.constantFrom<'>=' | '>'>('>=', '>'),
        ({ seed, sizes, scale }, ratio, compare) => {
          const grads = record(new Rng(seed), sizes, scale);
          const expectedNorm = referenceClip(flat(grads), 1).norm;
          // the threshold as a multiple of the norm: below it (clips), above it (does not); not within
          // rounding of the norm itself, where the two sums of squares may round either way
          fc.pre(Math.abs(ratio - 1) > 1e-9);
          const threshold = ratio * expectedNorm;
          const r = clipGradNorm(grads, threshold, { compare });
          const expected = referenceClip(flat(grads), threshold, compare);
          expectAgree(r.norm, expected.norm, 'norm');
          expect(r.clipped).toBe(expected.clipped);
          expectAgree(flat(r.grads), expected.grads, 'clipped gradients');
        },
      ),
      { numRuns: runs(100) },
    );
  });

  it('clips exactly at the threshold with >= and not with > (Algorithm 1 and the original code)', () => {
    const grads = { w: tensor([3, 4]) };
    expect(clipGradNorm(grads, 5).clipped).toBe(true);
    expect(clipGradNorm(grads, 5, { compare: '>' }).clipped).toBe(false);
    expect(referenceClip(flat(grads), 5).clipped).toBe(true);
  });

  it('SGD over several steps, plain, heavy-ball and Nesterov momentum, at other learning rates', () => {
    fc.assert(
      fc.property(
        arbRecord,
        fc.double({ min: 1e-3, max: 2, noNaN: true }),
        fc.constantFrom(0, 0.5, 0.9),
        fc.boolean(),
        ({ seed, sizes }, lr, momentum, nesterov) => {
          const rng = new Rng(seed);
          const opt = new SGD({ learningRate: lr, momentum, nesterov });
          let params = record(rng, sizes, 1);
          let expected = { params: flat(params), buffers: {} as Flat };
          for (let step = 0; step < 4; step++) {
            const grads = record(rng, sizes, 1);
            params = opt.step(params, grads);
            expected = referenceSgd(expected.params, flat(grads), { lr, momentum, nesterov }, expected.buffers);
            expectAgree(flat(params), expected.params, `parameters after step ${step + 1}`);
            expectAgree(opt.state().buffers, expected.buffers, `momentum buffers after step ${step + 1}`);
          }
        },
      ),
      { numRuns: runs(50) },
    );
  });
});

describe('paperStep (SGD-CR) against the plain-loop reference', () => {
  it('∇E by BPTT + α·∇Ω on W_rec, clipped by the global norm, SGD: the new parameters and what it reports', () => {
    const arb = fc.record({
      problem: arbRnn,
      alpha: fc.double({ min: 0.1, max: 8, noNaN: true }),
      threshold: fc.double({ min: 0.01, max: 10, noNaN: true }),
      lr: fc.double({ min: 1e-3, max: 1, noNaN: true }),
      form: fc.constantFrom<OmegaForm>('paper', 'summary'),
    });
    fc.assert(
      fc.property(arb, ({ problem: { seed, n, batch, steps }, alpha, threshold, lr, form }) => {
        const { params, x0, inputs, loss, reference } = smallRnn(seed, n, batch, steps);
        const trajectory = trajectorySignals({ transition: paperTransition, params, x0, inputs, loss });
        const { grad: lossGrads } = valueAndGrad(
          (p: RnnParams) => trajectorySignals({ transition: paperTransition, params: p, x0, inputs, loss }).loss,
        )(params);
        const om = omega({
          transition: paperTransition,
          params,
          states: trajectory.states,
          inputs,
          deltas: trajectory.deltas,
          form,
          wrt: ['W_rec'],
        });
        const r = paperStep({
          params,
          lossGrads,
          omega: om,
          alpha,
          clip: { threshold },
          optimizer: new SGD({ learningRate: lr }),
        });

        const bptt = reference(params);
        const refOmega = referenceOmega(mat(params.W_rec), 'tanh', bptt.forward.states, bptt.deltas, form);
        const { W_rec, W_in, b } = bptt.grads;
        const g = referenceCombine(
          { W_rec: W_rec.flat(), W_in: W_in.flat(), b },
          { W_rec: refOmega.grad.flat() },
          alpha,
        );
        const clipped = referenceClip(g, threshold);
        const expected = referenceSgd(flat(params), clipped.grads, { lr });
        expectAgree(r.omega, refOmega.value, 'Ω');
        expectAgree(r.gradNorm, clipped.norm, 'pre-clip norm');
        expect(r.clipped).toBe(clipped.clipped);
        expectAgree(flat(r.params), expected.params, 'new parameters');
      }),
      { numRuns: runs(40) },
    );
  });
});
