/**
 * @file Ω at fixed states and error signals: its immediate gradient against central differences
 * for both forms and two transitions, the paper form against the hand-derived closed form, the
 * summary form on a one-unit example, and the checks on bad input.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ShapeError, ValueError, mean, mul, sub, tensor, zeros, type Tensor } from '@tapegrad/autodiff';
import { gradCheck } from '@tapegrad/autodiff/testing';
import { omega, omegaTensor, type OmegaForm } from '@tapegrad/optim';
import {
  centralDifference,
  mismatch,
  paperTransition,
  randomProblem,
  runs,
  sigmoidTransition,
  smallestStepRatio,
  type RnnParams,
} from './helpers.js';

const transitions = { paper: paperTransition, sigmoid: sigmoidTransition };

describe('omega: the immediate gradient (x and δ held fixed)', () => {
  for (const form of ['paper', 'summary'] as OmegaForm[]) {
    for (const [name, transition] of Object.entries(transitions)) {
      it(`equals central differences of Ω, form '${form}', ${name} transition`, () => {
        fc.assert(
          fc.property(
            fc.integer({ min: 0, max: 2 ** 31 }),
            fc.integer({ min: 1, max: 4 }),
            fc.integer({ min: 1, max: 3 }),
            fc.integer({ min: 1, max: 3 }),
            fc.integer({ min: 1, max: 4 }),
            (seed, n, m, batch, steps) => {
              const { params, states, inputs, deltas } = randomProblem(seed, n, m, batch, steps);
              if (form === 'summary') fc.pre(smallestStepRatio(transition, params, states, inputs, deltas) > 1e-3);
              const value = (p: RnnParams) =>
                omega({ transition, params: p, states, inputs, deltas, form, gradient: 'none' }).value;
              const result = omega({ transition, params, states, inputs, deltas, form });
              expect(result.value).toBe(value(params));
              expect(result.pairs).toBe(batch * steps);
              for (const path of ['W_rec', 'W_in', 'b'] as const) {
                const numeric = centralDifference(value, params, path);
                // eps 1e-6 on Ω of order 1–100: truncation and rounding stay below 1e-6 absolute.
                expect(mismatch(result.grad![path].data, numeric, 1e-6, 1e-5)).toBeLessThan(1);
              }
            },
          ),
          { numRuns: runs(15) },
        );
      });
    }
  }

  it('agrees with the testing kit gradCheck on Ω as a tensor function', () => {
    const { params, states, inputs, deltas } = randomProblem(7, 3, 2, 2, 3);
    for (const form of ['paper', 'summary'] as OmegaForm[]) {
      const f = (W_rec: Tensor, W_in: Tensor, b: Tensor) =>
        omegaTensor({ transition: paperTransition, params: { W_rec, W_in, b }, states, inputs, deltas, form }).value;
      expect(gradCheck(f, [params.W_rec, params.W_in, params.b], { name: `omega ${form}` }).worstRatio).toBeLessThan(1);
    }
  });

  it('gives the same Ω and gradient with the steps batched into one VJP or run one by one', () => {
    const { params, states, inputs, deltas } = randomProblem(21, 4, 2, 3, 5);
    for (const form of ['paper', 'summary'] as OmegaForm[]) {
      const batched = omega({ transition: sigmoidTransition, params, states, inputs, deltas, form });
      const stepwise = omega({
        transition: sigmoidTransition,
        params,
        states,
        inputs,
        deltas,
        form,
        batchSteps: false,
      });
      // Only the order of the sums differs.
      expect(batched.value).toBeCloseTo(stepwise.value, 12);
      expect(mismatch(batched.grad!.W_rec.data, stepwise.grad!.W_rec.data, 1e-13, 1e-12)).toBeLessThan(1);
    }
  });

  it('differentiates only the parameters listed in wrt, with zeros for the others', () => {
    const { params, states, inputs, deltas } = randomProblem(3, 3, 2, 2, 3);
    const all = omega({ transition: paperTransition, params, states, inputs, deltas });
    const rec = omega({ transition: paperTransition, params, states, inputs, deltas, wrt: ['W_rec'] });
    expect(rec.value).toBe(all.value);
    expect(Array.from(rec.grad!.W_rec.data)).toEqual(Array.from(all.grad!.W_rec.data));
    expect(Array.from(rec.grad!.W_in.data)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(rec.grad!.b.data)).toEqual([0, 0, 0]);
  });
});

describe('omega: closed forms', () => {
  /*
   * The paper form for eq. 2 (column vectors): x_{k+1} = W σ(x_k) + W_in u + b, so
   * ∂x_{k+1}/∂x_k = W diag(σ'(x_k)) and, for a row error signal δ = δ_{k+1},
   *   v = δᵀ W diag(σ'(x_k)),  i.e.  v_j = (Σ_i δ_i W_ij) σ'_j = ((Wᵀδ) ⊙ σ')_j.
   * With r = ‖v‖²/‖δ‖² and ‖v‖² = Σ_j (Σ_i δ_i W_ij)² σ'_j²:
   *   ∂‖v‖²/∂W_ij = 2 (Σ_l δ_l W_lj) σ'_j · δ_i σ'_j = 2 δ_i v_j σ'_j,
   *   ∂(r − 1)²/∂W = 2(r − 1) ∂r/∂W = 4(r − 1)/‖δ‖² · δ (v ⊙ σ')ᵀ.
   * The paper form averages (r − 1)² over the valid (k, example) pairs, so Ω and its immediate
   * gradient are the means of these terms. The batch-row transition x_{k+1} = σ(x_k) Wᵀ + ...
   * has the same Jacobian entries ∂x_{k+1,i}/∂x_{k,j} = W_ij σ'(x_kj), so the formulas carry over
   * with δ and x_k read as the rows of the batch.
   */
  it('the paper form and its gradient match the hand-derived formulas for the tanh RNN', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 4 }),
        (seed, n, batch, steps) => {
          const { params, states, inputs, deltas } = randomProblem(seed, n, 2, batch, steps);
          const W = params.W_rec.data;
          let total = 0;
          const G = new Float64Array(n * n);
          for (let k = 0; k < steps; k++) {
            for (let e = 0; e < batch; e++) {
              const d = deltas[k].data.subarray(e * n, (e + 1) * n);
              const s = Array.from(states[k].data.subarray(e * n, (e + 1) * n), (x) => 1 - Math.tanh(x) ** 2);
              const v = s.map((sj, j) => sj * d.reduce((acc, di, i) => acc + di * W[i * n + j], 0));
              const d2 = d.reduce((acc, x) => acc + x * x, 0);
              const r = v.reduce((acc, x) => acc + x * x, 0) / d2;
              total += (r - 1) ** 2;
              for (let i = 0; i < n; i++)
                for (let j = 0; j < n; j++) G[i * n + j] += ((4 * (r - 1)) / d2) * d[i] * v[j] * s[j];
            }
          }
          const count = steps * batch;
          const result = omega({
            transition: paperTransition,
            params,
            states,
            inputs,
            deltas,
            form: 'paper',
            wrt: ['W_rec'],
          });
          expect(result.value).toBeCloseTo(total / count, 12);
          expect(
            mismatch(
              result.grad!.W_rec.data,
              G.map((g) => g / count),
              1e-12,
              1e-10,
            ),
          ).toBeLessThan(1);
        },
      ),
      { numRuns: runs(25) },
    );
  });

  it("the summary form on one unit: Ω = Σ_k (|w·σ'(x_k)| − 1)²", () => {
    // One unit, δ = ±1: v = δ·w·tanh'(x_k), ‖v‖/‖δ‖ = |w|·tanh'(x_k). With w = 2 and x_0 = 0,
    // x_1 = atanh(0.6) (tanh' = 1 − 0.36 = 0.64): Ω = (2·1 − 1)² + (2·0.64 − 1)² = 1 + 0.0784.
    // The paper form averages the squared ratios: ((2² − 1)² + (1.28² − 1)²)/2 = (9 + 0.4161...)/2.
    const params = { W_rec: tensor([[2]]), W_in: tensor([[0]]), b: tensor([0]) };
    const states = [zeros([1, 1]), tensor([[Math.atanh(0.6)]]), zeros([1, 1])];
    const inputs = [zeros([1, 1]), zeros([1, 1])];
    const deltas = [tensor([[1]]), tensor([[-1]])];
    const summary = omega({ transition: paperTransition, params, states, inputs, deltas, form: 'summary' });
    expect(summary.value).toBeCloseTo(1.0784, 12);
    const paper = omega({ transition: paperTransition, params, states, inputs, deltas, form: 'paper' });
    expect(paper.value).toBeCloseTo((9 + (1.28 ** 2 - 1) ** 2) / 2, 12);
  });

  it('skips (step, example) pairs whose ‖δ‖² is below 1e-20, in value, gradient and count', () => {
    // Batch 2, two steps; example 0's δ_2 is scaled to ‖δ‖² ≈ 1e-24, so three pairs count:
    // both examples at step 1, example 1 at step 2. Ω over all must equal Ω over those pieces.
    const { params, states, inputs, deltas } = randomProblem(11, 3, 2, 2, 2);
    const row = (t: Tensor, e: number) => tensor(t.data.slice(e * t.shape[1], (e + 1) * t.shape[1]), [1, t.shape[1]]);
    const faded = [
      deltas[0],
      tensor(
        Float64Array.from(deltas[1].data, (x, i) => (i < 3 ? x * 1e-12 : x)),
        [2, 3],
      ),
    ];
    const F = paperTransition;
    for (const form of ['summary', 'paper'] as OmegaForm[]) {
      const all = omega({ transition: F, params, states, inputs, deltas: faded, form });
      const step1 = omega({
        transition: F,
        params,
        states: states.slice(0, 2),
        inputs: inputs.slice(0, 1),
        deltas: faded.slice(0, 1),
        form,
      });
      const step2 = omega({
        transition: F,
        params,
        states: [row(states[1], 1), row(states[2], 1)],
        inputs: [row(inputs[1], 1)],
        deltas: [row(faded[1], 1)],
        form,
      });
      expect([all.pairs, step1.pairs, step2.pairs]).toEqual([3, 2, 1]);
      // summary: a sum over pairs; paper: a mean, so the pieces are weighted by their counts.
      const combine = (a: number, b: number) => (form === 'summary' ? a + b : (2 * a + b) / 3);
      expect(all.value).toBeCloseTo(combine(step1.value, step2.value), 12);
      const expected = step1.grad!.W_rec.data.map((g, i) => combine(g, step2.grad!.W_rec.data[i]));
      expect(mismatch(all.grad!.W_rec.data, expected, 1e-13, 1e-12)).toBeLessThan(1);
    }
  });

  it('counts a pair whose ‖δ‖² is exactly 1e-20 (only those below are skipped)', () => {
    // 6e-11² + 8e-11² is 1e-20 exactly in float64, the threshold itself.
    const { params, states, inputs } = randomProblem(12, 2, 1, 1, 1);
    const deltas = [tensor([[6e-11, 8e-11]])];
    expect(deltas[0].data[0] ** 2 + deltas[0].data[1] ** 2).toBe(1e-20);
    expect(omega({ transition: paperTransition, params, states, inputs, deltas, gradient: 'none' }).pairs).toBe(1);
    const below = [tensor([[6e-11, 7.9e-11]])];
    expect(omega({ transition: paperTransition, params, states, inputs, deltas: below, gradient: 'none' }).pairs).toBe(
      0,
    );
  });

  it("gradient 'none' gives the value alone", () => {
    const { params, states, inputs, deltas } = randomProblem(6, 3, 2, 2, 3);
    const withGrad = omega({ transition: paperTransition, params, states, inputs, deltas });
    const r = omega({ transition: paperTransition, params, states, inputs, deltas, gradient: 'none' });
    expect([r.value, r.grad, r.pairs]).toEqual([withGrad.value, null, withGrad.pairs]);
  });

  it('gives 0 with no valid pair, and a zero gradient', () => {
    const { params, states, inputs } = randomProblem(5, 2, 1, 1, 2);
    const deltas = [zeros([1, 2]), zeros([1, 2])];
    const result = omega({ transition: paperTransition, params, states, inputs, deltas });
    expect(result.value).toBe(0);
    expect(result.pairs).toBe(0);
    expect(Array.from(result.grad!.W_rec.data).every((g) => g === 0)).toBe(true);
  });
});

describe('omega: batching the steps (batchSteps)', () => {
  // Centring over the batch, x_{k+1} = w·(x_k − mean over rows of x_k), mixes the rows, so the T
  // steps must not be run as one batch of T·B rows. Its Jacobian is w times the centring matrix, so
  // one step of backpropagation is v_b = w·(δ_b − δ̄), δ̄ the mean of the rows of δ at that step.
  const centre = (x: Tensor, _u: Tensor, p: { w: Tensor }) => mul(sub(x, mean(x, { axis: 0, keepdims: true })), p.w);
  const { states, inputs, deltas } = randomProblem(31, 2, 1, 3, 3);
  const params = { w: tensor([1.5]) };

  it('runs a transition that mixes rows step by step with batchSteps false, as the closed form says', () => {
    let total = 0;
    deltas.forEach((d) => {
      const [B, n] = d.shape;
      for (let b = 0; b < B; b++) {
        let vv = 0;
        let dd = 0;
        for (let j = 0; j < n; j++) {
          let dbar = 0;
          for (let c = 0; c < B; c++) dbar += d.data[c * n + j] / B;
          vv += (1.5 * (d.data[b * n + j] - dbar)) ** 2;
          dd += d.data[b * n + j] ** 2;
        }
        total += (vv / dd - 1) ** 2;
      }
    });
    const r = omega({ transition: centre, params, states, inputs, deltas, gradient: 'none', batchSteps: false });
    expect(r.pairs).toBe(9);
    expect(r.value).toBeCloseTo(total / 9, 12);
  });

  it('calls the transition once on all T·B rows by default, once per step on B rows with batchSteps false', () => {
    for (const batchSteps of [undefined, true, false]) {
      const seen: number[][] = [];
      const spy = (x: Tensor, u: Tensor, p: { w: Tensor }) => {
        seen.push([...x.shape]);
        return centre(x, u, p);
      };
      omega({ transition: spy, params, states, inputs, deltas, gradient: 'none', batchSteps });
      expect(seen).toEqual(
        batchSteps === false
          ? [
              [3, 2],
              [3, 2],
              [3, 2],
            ]
          : [[9, 2]],
      );
    }
  });
});

describe('omega: bad input', () => {
  const { params, states, inputs, deltas } = randomProblem(1, 3, 2, 2, 3);
  const base = { transition: paperTransition, params, states, inputs, deltas };

  it('rejects states and deltas of mismatched lengths, naming the counts', () => {
    expect(() => omega({ ...base, states: states.slice(1) })).toThrow(ShapeError);
    expect(() => omega({ ...base, states: states.slice(1) })).toThrow(/got 3 states, 3 inputs, 3 deltas/);
    expect(() => omega({ ...base, deltas: deltas.slice(1) })).toThrow(
      "omega: argument 'states, inputs, deltas': need states x_0..x_T (T + 1), inputs u_1..u_T (T) and deltas δ_1..δ_T (T); got 4 states, 3 inputs, 2 deltas",
    );
  });

  it('rejects an error signal shaped unlike its state, naming both shapes', () => {
    const bad = [...deltas];
    bad[1] = zeros([2, 4]);
    expect(() => omega({ ...base, deltas: bad })).toThrow(ShapeError);
    expect(() => omega({ ...base, deltas: bad })).toThrow(/deltas\[1\].*\[2, 3\], got \[2, 4\]/);
  });

  it('rejects states with another batch size or rank', () => {
    const bad = [...states];
    bad[2] = zeros([3, 3]);
    expect(() => omega({ ...base, states: bad })).toThrow(/states\[2\].*batch size of states\[0\] \(2\), got \[3, 3\]/);
    bad[2] = zeros([2, 3, 1]);
    expect(() => omega({ ...base, states: bad })).toThrow(
      "omega: argument 'states[2]': must be [B, n] with the batch size of states[0] (2), got [2, 3, 1]",
    );
    const flatDeltas = [...deltas];
    flatDeltas[0] = zeros([2]);
    expect(() => omega({ ...base, deltas: flatDeltas })).toThrow(
      "omega: argument 'deltas[0]': δ_1 must have the shape of states[1] [2, 3], got [2]",
    );
  });

  it('rejects a transition that is not a function, lists that are not arrays, and an empty wrt', () => {
    expect(() => omega({ ...base, transition: 'tanh' as never })).toThrow(
      "omega: argument 'transition': must be a function (x, u, params) => Tensor, got string",
    );
    for (const name of ['states', 'inputs', 'deltas'] as const) {
      expect(() => omega({ ...base, [name]: {} as never })).toThrow(
        `omega: argument '${name}': must be an array of tensors, got object`,
      );
    }
    expect(() => omega({ ...base, wrt: [] })).toThrow(
      "omega: argument 'wrt': must list paths of params [W_rec, W_in, b], got []",
    );
  });

  it('rejects unknown forms, gradients and wrt paths', () => {
    expect(() => omega({ ...base, form: 'mean' as OmegaForm })).toThrow(ValueError);
    expect(() => omega({ ...base, form: 'mean' as OmegaForm })).toThrow(/'form'.*got mean/);
    expect(() => omega({ ...base, gradient: 'total' as 'none' })).toThrow(
      "omega: argument 'gradient': must be 'immediate', 'exact' or 'none', got total",
    );
    expect(() => omegaTensor({ ...base, form: 'mean' as OmegaForm })).toThrow(
      "omegaTensor: argument 'form': must be 'paper' or 'summary', got mean",
    );
    expect(() => omega({ ...base, wrt: ['W'] })).toThrow(/'wrt'.*\[W_rec, W_in, b\], got \[W\]/);
    expect(() => omega({ ...base, wrt: ['W', 'U'] })).toThrow(
      "omega: argument 'wrt': must list paths of params [W_rec, W_in, b], got [W, U]",
    );
  });
});
