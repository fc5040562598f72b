/**
 * @file Ω's exact gradient: δ and the states recomputed from θ on the tape (BPTT by autodiff, then
 * Ω, then a gradient through both) against finite differences of the whole pipeline, where each
 * perturbed W_rec gets its own forward pass, BPTT and Ω. Also the error signals themselves and the
 * immediate-vs-exact comparison.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  Rng,
  ShapeError,
  add,
  concat,
  liveTapeEntries,
  matmulT,
  randn,
  square,
  sub,
  sum,
  tanh,
  valueAndGrad,
  type Tensor,
} from '@tapegrad/autodiff';
import { gradCheck } from '@tapegrad/autodiff/testing';
import { compareOmegaGradients, trajectorySignals, omega, omegaTensor, type OmegaForm } from '@tapegrad/optim';
import { cosineFromSums } from '../src/signals.js';
import { centralDifference, mismatch, paperTransition, runs, smallestStepRatio, type RnnParams } from './helpers.js';

/** A small RNN x_t = W_rec·tanh(x_{t−1}) + W_in·u_t + b with a squared-error loss on W_out·tanh(x_T). */
function smallRnn(seed: number, n: number, batch: number, steps: number) {
  const rng = new Rng(seed);
  const params: RnnParams = {
    W_rec: randn([n, n], rng, 0, 0.9),
    W_in: randn([n, 2], rng, 0, 0.9),
    b: randn([n], rng, 0, 0.2),
  };
  const W_out = randn([1, n], rng, 0, 1);
  const target = randn([batch, 1], rng);
  const x0 = randn([batch, n], rng, 0, 0.5);
  const inputs = Array.from({ length: steps }, () => randn([batch, 2], rng));
  const loss = (states: readonly Tensor[]) =>
    sum(square(sub(matmulT(tanh(states[states.length - 1]), W_out, false, true), target)));
  const trajectory = (p: RnnParams) => trajectorySignals({ transition: paperTransition, params: p, x0, inputs, loss });
  return { params, x0, inputs, loss, trajectory };
}

describe('trajectorySignals', () => {
  it('returns δ_t = ∂E/∂x_t, equal to the gradient of the loss restarted from x_t', () => {
    const { params, inputs, loss, trajectory } = smallRnn(1, 3, 2, 4);
    const { states, deltas, loss: E } = trajectory(params);
    expect(states).toHaveLength(5);
    expect(deltas).toHaveLength(4);
    for (let t = 1; t <= 4; t++) {
      // E as a function of x_t alone: run the remaining steps from x_t.
      const rest = (x: Tensor) => {
        const xs = [...states.slice(0, t), x];
        for (let k = t; k < 4; k++) xs.push(paperTransition(xs[k], inputs[k], params));
        return loss(xs);
      };
      const { value, grad } = valueAndGrad(rest)(states[t]);
      expect(value.item()).toBeCloseTo(E.item(), 12);
      expect(mismatch(deltas[t - 1].data, grad.data, 1e-14, 1e-12)).toBeLessThan(1);
    }
  });

  it('rejects a transition that changes the state shape', () => {
    const { params, x0, inputs, loss } = smallRnn(2, 3, 2, 2);
    const widen = (x: Tensor, u: Tensor, p: RnnParams) => add(paperTransition(x, u, p), randn([2, 1, 3], 0));
    expect(() => trajectorySignals({ transition: widen, params, x0, inputs, loss })).toThrow(ShapeError);
    expect(() => trajectorySignals({ transition: widen, params, x0, inputs, loss })).toThrow(
      /step 1 returned shape \[2, 2, 3\], but x0 has shape \[2, 3\]/,
    );
    const wider = (x: Tensor, u: Tensor, p: RnnParams) => concat([paperTransition(x, u, p), x], 1);
    expect(() => trajectorySignals({ transition: wider, params, x0, inputs, loss })).toThrow(
      "trajectorySignals: argument 'transition': step 1 returned shape [2, 6], but x0 has shape [2, 3]",
    );
    // fewer dimensions, each matching x0's leading ones: the rank alone tells them apart
    const narrower = (x: Tensor, u: Tensor, p: RnnParams) => sum(paperTransition(x, u, p), { axis: 1 });
    expect(() => trajectorySignals({ transition: narrower, params, x0, inputs, loss })).toThrow(
      "trajectorySignals: argument 'transition': step 1 returned shape [2], but x0 has shape [2, 3]",
    );
  });
});

describe("omega with gradient 'exact'", () => {
  for (const form of ['paper', 'summary'] as OmegaForm[]) {
    it(`equals finite differences of the whole pipeline (BPTT redone per perturbed W_rec), form '${form}'`, () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 2 ** 31 }),
          fc.integer({ min: 1, max: 3 }),
          fc.integer({ min: 1, max: 3 }),
          fc.integer({ min: 1, max: 4 }),
          (seed, n, batch, steps) => {
            const { params, inputs, trajectory } = smallRnn(seed, n, batch, steps);
            if (form === 'summary') {
              const { states, deltas } = trajectory(params);
              fc.pre(smallestStepRatio(paperTransition, params, states, inputs, deltas) > 1e-3);
            }
            const exact = omega({
              transition: paperTransition,
              params,
              inputs,
              trajectory,
              form,
              gradient: 'exact',
              wrt: ['W_rec'],
            });
            const pipeline = (p: RnnParams) => {
              const { states, deltas } = trajectory(p);
              return omega({ transition: paperTransition, params: p, states, inputs, deltas, form, gradient: 'none' })
                .value;
            };
            expect(exact.value).toBeCloseTo(pipeline(params), 12);
            const numeric = centralDifference(pipeline, params, 'W_rec');
            // Ω here is O(1–10) with curvature through two chained backward passes: 1e-6 absolute
            // plus 1e-5 relative is still far below the size of the δ(θ) part it must capture.
            expect(mismatch(exact.grad!.W_rec.data, numeric, 1e-6, 1e-5)).toBeLessThan(1);
          },
        ),
        { numRuns: runs(10) },
      );
    });
  }

  it('passes the testing kit gradCheck for every parameter at once', () => {
    const { params, inputs, trajectory } = smallRnn(9, 3, 2, 3);
    const f = (W_rec: Tensor, W_in: Tensor, b: Tensor) => {
      const p = { W_rec, W_in, b };
      const { states, deltas } = trajectory(p);
      return omegaTensor({ transition: paperTransition, params: p, states, inputs, deltas }).value;
    };
    expect(gradCheck(f, [params.W_rec, params.W_in, params.b], { name: 'omega exact' }).worstRatio).toBeLessThan(1);
  });

  it('differs from the immediate gradient by the δ(θ) and x(θ) terms, and compareOmegaGradients reports it', () => {
    const { params, inputs, trajectory } = smallRnn(4, 3, 2, 4);
    const cmp = compareOmegaGradients({ transition: paperTransition, params, inputs, trajectory, wrt: ['W_rec'] });
    expect(cmp.parameters.map((c) => c.path)).toEqual(['W_rec']);
    const all = compareOmegaGradients({ transition: paperTransition, params, inputs, trajectory });
    expect(all.parameters.map((c) => c.path)).toEqual(['W_rec', 'W_in', 'b']);
    // b does not appear in ∂x_{k+1}/∂x_k: its immediate gradient is 0, so there is no angle
    expect(all.parameters[2]).toMatchObject({ immediateNorm: 0, cosine: NaN });
    expect(all.parameters[2].exactNorm).toBeGreaterThan(0);
    const [c] = cmp.parameters;
    expect(cmp.immediate.value).toBe(cmp.exact.value);
    expect(c.immediateNorm).toBeCloseTo(Math.hypot(...cmp.immediate.grad!.W_rec.data), 12);
    expect(c.exactNorm).toBeCloseTo(Math.hypot(...cmp.exact.grad!.W_rec.data), 12);
    // The two differ (δ depends on W_rec), and the numbers reported are consistent with the grads.
    expect(c.relativeDifference).toBeGreaterThan(1e-3);
    const a = cmp.immediate.grad!.W_rec.data;
    const b = cmp.exact.grad!.W_rec.data;
    const dot = a.reduce((s, x, i) => s + x * b[i], 0);
    expect(c.cosine).toBeCloseTo(dot / (c.immediateNorm * c.exactNorm), 12);
    const diff = Math.hypot(...a.map((x, i) => b[i] - x));
    expect(c.relativeDifference).toBeCloseTo(diff / c.exactNorm, 12);
  });

  it('leaves no tape entries alive after immediate, exact and compared gradients', () => {
    const { params, inputs, trajectory } = smallRnn(6, 3, 2, 3);
    const before = liveTapeEntries();
    compareOmegaGradients({ transition: paperTransition, params, inputs, trajectory });
    omega({ transition: paperTransition, params, inputs, ...trajectory(params), gradient: 'none', batchSteps: false });
    expect(liveTapeEntries()).toBe(before);
  });

  it('rejects a missing trajectory function', () => {
    const { params, inputs } = smallRnn(3, 2, 1, 2);
    const call = () =>
      omega({ transition: paperTransition, params, inputs, gradient: 'exact', trajectory: undefined as never });
    expect(call).toThrow(/'trajectory'.*got undefined/);
  });
});

describe("compareOmegaGradients' cosine", () => {
  it('stays 1 for parallel gradients however small or large their norms (the product of the sums would not)', () => {
    // a = b = s·(3, 4): Σa² = Σb² = Σab = 25·s²; at s = 1e-90 the product 625e-360 underflows to 0,
    // at s = 1e80 it overflows to Infinity; the cosine is exactly 1 either way
    for (const s of [1e-90, 1e-3, 1, 1e80]) {
      const sums = 25 * s * s;
      expect(cosineFromSums(sums, sums, sums)).toBeCloseTo(1, 14);
    }
    expect(cosineFromSums(25, 100, -50)).toBeCloseTo(-1, 14); // b = −2a
    expect(cosineFromSums(0, 1, 0)).toBeNaN();
  });
});
