/**
 * @file `predictOutputs`, the tape-free forward pass that validation, confirmation and the final
 * test run: the fused recurrence over chunks of steps. Its reference is `forward`, the per-step path
 * (rnnCell in JavaScript, one state at a time), whose values and gradients model.test.ts checks
 * against hand computations and finite differences.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng, ShapeError, Tensor, ValueError, tensor } from '@tapegrad/autodiff';
import { PREDICT_STATE_VALUES, Trainer, forward, makeTask, predictOutputs, type RnnParams } from '@tapegrad/rnn';
import { ACTS, randomProblem, runs } from './rnn-helpers.js';

/** The per-step outputs laid out as predictOutputs lays them: y_T, or y_1..y_T as step-major rows. */
function reference(params: RnnParams, inputs: Tensor, activation: (typeof ACTS)[number], every: boolean): number[] {
  const { outputs } = forward(params, inputs, { activation, outputs: every ? 'every' : 'last' });
  return outputs.flatMap((y) => Array.from(y.data));
}

function expectNear(actual: Tensor, expected: number[], tol: number): void {
  expect(actual.data.length).toBe(expected.length);
  actual.data.forEach((v, i) => {
    if (!(Math.abs(v - expected[i]) <= tol * (1 + Math.abs(expected[i])))) {
      throw new Error(`element ${i}: got ${v}, expected ${expected[i]} (tolerance ${tol})`);
    }
  });
}

describe('predictOutputs', () => {
  it('equals the per-step forward pass, for every activation, output kind and chunk size', () => {
    const cases = fc.record({
      seed: fc.integer({ min: 0, max: 1e6 }),
      n: fc.integer({ min: 1, max: 6 }),
      nIn: fc.integer({ min: 1, max: 4 }),
      nOut: fc.integer({ min: 1, max: 3 }),
      T: fc.integer({ min: 1, max: 40 }),
      B: fc.integer({ min: 1, max: 4 }),
      learnX0: fc.boolean(),
      activation: fc.constantFrom(...ACTS),
      every: fc.boolean(),
      // states per chunk, in steps: 1 (a call per step), a few, or all T in one call
      chunkSteps: fc.integer({ min: 1, max: 45 }),
    });
    fc.assert(
      fc.property(cases, (c) => {
        const { params, batch } = randomProblem({ ...c, head: 'softmax-last' });
        const inputs = batch.inputs as Tensor;
        const out = predictOutputs(params, inputs, c.activation, c.every ? 'every' : 'last', c.chunkSteps * c.B * c.n);
        expect(out.shape).toEqual(c.every ? [c.T * c.B, c.nOut] : [c.B, c.nOut]);
        // The kernel may add a row's products in another order than rnnCell: rounding of sums of at
        // most n + n_in + 1 terms of order 1, carried through T contracting steps (λ1 ≤ 1).
        expectNear(out, reference(params, inputs, c.activation, c.every), 1e-12);
      }),
      { numRuns: runs(60) },
    );
  });

  it('runs a long sequence in chunks to the same last output as one call', () => {
    const { params, batch } = randomProblem({
      seed: 11,
      n: 8,
      nIn: 3,
      nOut: 2,
      T: 700,
      B: 3,
      activation: 'tanh',
      head: 'softmax-last',
    });
    const inputs = batch.inputs as Tensor;
    const expected = reference(params, inputs, 'tanh', false);
    expectNear(predictOutputs(params, inputs, 'tanh'), expected, 1e-12);
    expectNear(predictOutputs(params, inputs, 'tanh', 'last', 7 * 3 * 8), expected, 1e-12); // 100 chunks
  });

  it("is the trainer's prediction for every task, memorization's step-major layout included", () => {
    for (const task of ['temporal-order', 'addition', 'memorization'] as const) {
      const trainer = new Trainer({ task, minLength: 12, hidden: 7, init: 'basic-tanh', seed: 4 });
      const batch = makeTask(task, { minLength: 12 }).sample(new Rng(9), 5);
      const expected = reference(trainer.params, batch.inputs, 'tanh', task === 'memorization');
      expectNear(trainer.predict(batch), expected, 1e-12);
    }
  });

  it('keeps a chunk of states within the 16 MiB its documentation states', () => {
    expect(PREDICT_STATE_VALUES * Float64Array.BYTES_PER_ELEMENT).toBe(16 * 2 ** 20);
  });

  it('refuses inputs of the wrong shape, an unknown output kind and a chunk size below one', () => {
    const { params } = randomProblem({
      seed: 1,
      n: 2,
      nIn: 3,
      nOut: 1,
      T: 1,
      B: 1,
      activation: 'tanh',
      head: 'softmax-last',
    });
    expect(() => predictOutputs(params, tensor([[1, 2, 3]]), 'tanh')).toThrow(ShapeError);
    expect(() => predictOutputs(params, tensor([[[1, 2]]]), 'tanh')).toThrow(
      "predictOutputs: argument 'inputs': must be [T ≥ 1, B ≥ 1, 3], got [1, 1, 2]",
    );
    const u = tensor([[[1, 2, 3]]]);
    expect(() => predictOutputs(params, u, 'tanh', 'all' as 'last')).toThrow(ValueError);
    expect(() => predictOutputs(params, u, 'tanh', 'last', 0)).toThrow(
      "predictOutputs: argument 'maxStateValues': must be an integer ≥ 1, got 0",
    );
  });
});
