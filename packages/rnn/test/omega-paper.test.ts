/**
 * @file The closed-form Ω of eq. 2 (paperOmega): equal to the generic autodiff Ω of
 * @tapegrad/optim (value, immediate W_rec gradient, pair count) for both forms, every activation
 * and skipped pairs; its gradient against central differences of its own value; a one-unit example
 * by hand; bad input; and the training loop's two Ω implementations side by side (each is also
 * held against the plain-loop reference: reference.test.ts for Ω, train.test.ts for the updates).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng, ShapeError, Tensor, ValueError, mul, randn, record, tensor, zeros } from '@tapegrad/autodiff';
import { gradCheck } from '@tapegrad/autodiff/testing';
import { omega, type OmegaForm } from '@tapegrad/optim';
import {
  Trainer,
  errorSignals,
  paperOmega,
  transition,
  type Activation,
  type TrainConfig,
  type TrainState,
} from '@tapegrad/rnn';
import { ACTS, randomProblem, runs } from './rnn-helpers.js';

const FORMS: readonly OmegaForm[] = ['paper', 'summary'];

interface Problem {
  W_rec: Tensor;
  W_in: Tensor;
  b: Tensor;
  states: Tensor[];
  inputs: Tensor[];
  deltas: Tensor[];
}

/**
 * Random W_rec, states x_0..x_T (x_0 zero, as in training, which puts relu at its kink) and
 * deltas; rows listed in `faded` (k·B + b) get ‖δ‖² below 1e-20 (zero or scaled by 1e-12), so
 * those pairs must be skipped. States need not follow the transition: the immediate gradient
 * holds x and δ fixed.
 */
function problem(seed: number, n: number, B: number, T: number, faded: readonly number[]): Problem {
  const rng = new Rng(seed);
  const W_rec = randn([n, n], rng, 0, 1.2 / Math.sqrt(n));
  const states = [zeros([B, n]), ...Array.from({ length: T }, () => randn([B, n], rng, 0, 1.5))];
  const deltas = Array.from({ length: T }, () => randn([B, n], rng));
  faded.forEach((kb, i) => {
    const k = Math.floor(kb / B) % T;
    const row = deltas[k].data.subarray((kb % B) * n, ((kb % B) + 1) * n);
    for (let j = 0; j < n; j++) row[j] = i % 2 === 0 ? 0 : row[j] * 1e-12;
  });
  return {
    W_rec,
    W_in: zeros([n, 1]),
    b: zeros([n]),
    states,
    inputs: Array.from({ length: T }, () => zeros([B, 1])),
    deltas,
  };
}

/** max |a − b| / max |b| (or |a − b| when b is all zeros). */
function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let size = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    size = Math.max(size, Math.abs(b[i]));
  }
  return size > 0 ? diff / size : diff;
}

const arbCase = fc.record({
  seed: fc.integer({ min: 0, max: 2 ** 31 }),
  n: fc.integer({ min: 1, max: 7 }),
  B: fc.integer({ min: 1, max: 4 }),
  T: fc.integer({ min: 1, max: 6 }),
  activation: fc.constantFrom(...ACTS),
  faded: fc.array(fc.integer({ min: 0, max: 23 }), { maxLength: 4 }),
});

describe('paperOmega equals the generic autodiff Ω', () => {
  for (const form of FORMS) {
    it(`form '${form}': value, immediate ∂Ω/∂W_rec and pairs to ~1e-12, every activation, skipped pairs included`, () => {
      fc.assert(
        fc.property(arbCase, ({ seed, n, B, T, activation, faded }) => {
          const { W_rec, W_in, b, states, inputs, deltas } = problem(seed, n, B, T, faded);
          const reference = omega({
            transition: transition(activation),
            params: { W_rec, W_in, b, W_out: zeros([1, n]), b_out: zeros([1]) },
            states,
            inputs,
            deltas,
            form,
            wrt: ['W_rec'],
            gradient: 'immediate',
          });
          const fast = paperOmega({ W_rec, activation, states, deltas, form });
          expect(fast.pairs).toBe(reference.pairs);
          // Only the order of the sums differs (T·B·n terms): rounding far below 1e-12 relative.
          expect(Math.abs(fast.value - reference.value)).toBeLessThanOrEqual(
            1e-12 * Math.max(Math.abs(reference.value), 1e-300),
          );
          expect(relativeError(fast.grad!.data, reference.grad!.W_rec.data)).toBeLessThan(1e-12);
          const valueOnly = paperOmega({ W_rec, activation, states, deltas, form, gradient: 'none' });
          expect([valueOnly.value, valueOnly.grad, valueOnly.pairs]).toEqual([fast.value, null, fast.pairs]);
        }),
        { numRuns: runs(60), examples: [[{ seed: 1, n: 3, B: 2, T: 2, activation: 'relu', faded: [0, 1, 2, 3] }]] },
      );
    });
  }

  it('counts the pairs the error-signal statistics count as "steps in the past" (the training loop reads one for the other)', () => {
    // Small weights over 40 steps: ‖δ_k‖² falls below 1e-20 towards k = 1, so part of the pairs drop out.
    const { params, batch, config } = randomProblem({
      seed: 3,
      n: 5,
      nIn: 2,
      nOut: 3,
      T: 40,
      B: 3,
      activation: 'tanh',
      head: 'softmax-last',
      scale: 0.1,
    });
    const s = errorSignals(params, batch, config);
    const { pairs } = paperOmega({
      W_rec: params.W_rec,
      activation: 'tanh',
      states: s.states,
      deltas: s.deltas,
      gradient: 'none',
    });
    expect(s.stats.stepsInPast).toBeGreaterThan(0.1);
    expect(s.stats.stepsInPast).toBeLessThan(0.9);
    expect(pairs / (40 * 3)).toBe(s.stats.stepsInPast);
  });

  it('with no valid pair: Ω = 0, zero gradient, 0 pairs (like the generic Ω)', () => {
    const { W_rec, states } = problem(4, 3, 2, 2, []);
    const deltas = [zeros([2, 3]), zeros([2, 3])];
    for (const form of FORMS) {
      const r = paperOmega({ W_rec, activation: 'tanh', states, deltas, form });
      expect([r.value, r.pairs, Array.from(r.grad!.data).every((g) => g === 0)]).toEqual([0, 0, true]);
    }
  });
});

/** Ω as a function of W_rec alone (x and δ fixed) recorded as one tape op with the closed-form gradient. */
function omegaOfW(activation: Activation, form: OmegaForm, states: Tensor[], deltas: Tensor[]) {
  return (W_rec: Tensor): Tensor => {
    const r = paperOmega({ W_rec, activation, states, deltas, form });
    const G = r.grad!;
    return record(tensor(r.value), 'paperOmega', [W_rec], ['W_rec'], (g) => [mul(g, G)]);
  };
}

describe('paperOmega: the closed-form gradient', () => {
  for (const form of FORMS) {
    it(`form '${form}' equals central differences of its value (x and δ held fixed)`, () => {
      fc.assert(
        fc.property(arbCase, ({ seed, n, B, T, activation, faded }) => {
          const { W_rec, states, deltas } = problem(seed, n, B, T, faded);
          // The summary form's ‖v‖ has a kink at v = 0: keep every valid pair's ratio away from it.
          const ratios = paperOmega({ W_rec, activation, states, deltas, form: 'summary', gradient: 'none' });
          if (form === 'summary') fc.pre(ratios.pairs === 0 || smallestRatio(W_rec, activation, states, deltas) > 1e-3);
          gradCheck(omegaOfW(activation, form, states, deltas), [W_rec], {
            name: `paperOmega ${form} ${activation}`,
            inputNames: ['W_rec'],
          });
        }),
        { numRuns: runs(30) },
      );
    });
  }

  it("one unit by hand: summary Ω = Σ_k (|w|·tanh'(x_k) − 1)², paper Ω the mean of (r − 1)², and their derivatives in w", () => {
    // w = 2, x_0 = 0 (tanh' = 1), x_1 = atanh(0.6) (tanh' = 0.64), δ = ±1: ratios 2 and 1.28.
    // summary: Ω = 1 + 0.0784; dΩ/dw = 2(2 − 1)·1 + 2(1.28 − 1)·0.64 = 2.3584.
    // paper: r = 4 and 1.6384; Ω = (9 + 0.6384²)/2; dΩ/dw = (2·3·4 + 2·0.6384·2·2·0.64²)/2 (dr/dw = 2w·s²).
    const W_rec = tensor([[2]]);
    const states = [zeros([1, 1]), tensor([[Math.atanh(0.6)]]), zeros([1, 1])];
    const deltas = [tensor([[1]]), tensor([[-1]])];
    const summary = paperOmega({ W_rec, activation: 'tanh', states, deltas, form: 'summary' });
    expect(summary.value).toBeCloseTo(1.0784, 12);
    expect(summary.grad!.item()).toBeCloseTo(2.3584, 12);
    const paper = paperOmega({ W_rec, activation: 'tanh', states, deltas, form: 'paper' });
    expect(paper.value).toBeCloseTo((9 + 0.6384 ** 2) / 2, 12);
    expect(paper.grad!.item()).toBeCloseTo((24 + 2 * 0.6384 * 4 * 0.64 ** 2) / 2, 12);
    expect(paper.pairs).toBe(2);
  });
});

/** min over valid pairs of ‖v‖/‖δ‖, v = (W_recᵀδ) ⊙ σ'(x_k) (computed independently of paperOmega). */
function smallestRatio(W_rec: Tensor, activation: Activation, states: Tensor[], deltas: Tensor[]): number {
  const n = W_rec.shape[0];
  const W = W_rec.data;
  const ds = (x: number) =>
    activation === 'tanh'
      ? 1 - Math.tanh(x) ** 2
      : activation === 'sigmoid'
        ? (1 / (1 + Math.exp(-x))) * (1 - 1 / (1 + Math.exp(-x)))
        : activation === 'relu'
          ? x > 0
            ? 1
            : 0
          : 1;
  let smallest = Infinity;
  deltas.forEach((d, k) => {
    for (let b = 0; b < d.shape[0]; b++) {
      const row = d.data.subarray(b * n, (b + 1) * n);
      const d2 = row.reduce((s, x) => s + x * x, 0);
      if (d2 < 1e-20) continue;
      let v2 = 0;
      for (let j = 0; j < n; j++)
        v2 += (row.reduce((s, di, i) => s + di * W[i * n + j], 0) * ds(states[k].data[b * n + j])) ** 2;
      smallest = Math.min(smallest, Math.sqrt(v2 / d2));
    }
  });
  return smallest;
}

describe('paperOmega: bad input', () => {
  const { W_rec, states, deltas } = problem(2, 3, 2, 3, []);
  const base = { W_rec, activation: 'tanh' as Activation, states, deltas };

  it('rejects mismatched lengths and shapes, naming the argument and the values', () => {
    expect(() => paperOmega({ ...base, states: states.slice(1) })).toThrow(ShapeError);
    expect(() => paperOmega({ ...base, states: states.slice(1) })).toThrow(/paperOmega.*got 3 states, 3 deltas/);
    const bad = [...deltas];
    bad[1] = zeros([2, 4]);
    expect(() => paperOmega({ ...base, deltas: bad })).toThrow(/deltas\[1\].*\[2, 3\].*got \[2, 4\]/);
    expect(() => paperOmega({ ...base, W_rec: zeros([3, 2]) })).toThrow(/W_rec.*square.*got \[3, 2\]/);
    const other = [...states];
    other[2] = zeros([3, 3]);
    expect(() => paperOmega({ ...base, states: other })).toThrow(/states\[2\].*\[2, 3\].*got \[3, 3\]/);
  });

  it('rejects unknown activations, forms and gradients, listing the valid values', () => {
    expect(() => paperOmega({ ...base, activation: 'gelu' as Activation })).toThrow(ValueError);
    expect(() => paperOmega({ ...base, activation: 'gelu' as Activation })).toThrow(
      /"gelu".*tanh, sigmoid, identity, relu/,
    );
    expect(() => paperOmega({ ...base, form: 'mean' as OmegaForm })).toThrow(/'form'.*got mean/);
    expect(() => paperOmega({ ...base, gradient: 'exact' as 'none' })).toThrow(/'gradient'.*got exact/);
  });
});

describe('the training loop with either Ω', () => {
  const config = (omegaImpl: TrainConfig['omegaImpl'], omegaForm: OmegaForm): TrainConfig => ({
    task: 'temporal-order',
    minLength: 10,
    maxLength: 14,
    hidden: 6,
    batchSize: 4,
    learningRate: 0.5,
    method: 'sgd-cr',
    init: 'basic-tanh',
    seed: 5,
    maxUpdates: 10,
    validateEvery: 5,
    validationSequences: 20,
    stopOnSuccess: false,
    omegaForm,
    omegaImpl,
  });

  for (const form of FORMS) {
    it(`sgd-cr, form '${form}': closed-form and autodiff Ω train to the same parameters (to rounding)`, () => {
      const fast = new Trainer(config('closed-form', form));
      const slow = new Trainer(config('autodiff', form));
      const a = fast.run();
      const b = slow.run();
      expect(fast.config.omegaImpl).toBe('closed-form');
      // Ten updates at learning rate 0.5 carry a 1e-16 difference forward, amplified a little.
      expect(relativeError(a.params.W_rec.data, b.params.W_rec.data)).toBeLessThan(1e-10);
    });
  }

  it('defaults to the closed form and rejects unknown implementations', () => {
    expect(new Trainer({ ...config(undefined, 'paper'), maxUpdates: 0 }).config.omegaImpl).toBe('closed-form');
    expect(() => new Trainer(config('tape' as never, 'paper'))).toThrow(
      /config.omegaImpl': unknown value "tape"; valid values: closed-form, autodiff/,
    );
  });

  it('a state saved before omegaImpl existed resumes with the autodiff Ω, bit for bit', () => {
    const whole = new Trainer(config('autodiff', 'paper'));
    whole.run();
    const first = new Trainer(config('autodiff', 'paper'));
    first.run({ shouldStop: (m) => m.update === 4 });
    const saved = JSON.parse(JSON.stringify(first.state())) as TrainState;
    delete (saved.config as Partial<TrainState['config']>).omegaImpl;
    const second = Trainer.resume(saved);
    expect(second.config.omegaImpl).toBe('autodiff');
    second.run();
    expect(Array.from(second.params.W_rec.data)).toEqual(Array.from(whole.params.W_rec.data));
  });
});
