/**
 * @file The success evaluation: a perfect predictor makes no errors, a wrong one makes only
 * errors, each head's notion of wrong (argmax, squared error > 0.04 at the boundary, any wrong
 * step), NaN outputs count as wrong, and bad outputs are ShapeErrors.
 */
import { describe, expect, it } from 'vitest';
import { Rng, ShapeError, Tensor, ValueError, tensor, zeros } from '@tapegrad/autodiff';
import {
  countWrong,
  evaluateBatches,
  evaluateTask,
  makeBatches,
  makeTask,
  REGRESSION_TOLERANCE,
  SUCCESS_ERROR_RATE,
  TASK_NAMES,
  type Batch,
} from '@tapegrad/rnn';

/** Outputs that are exactly right: one-hot of the target classes, or the targets themselves. */
function perfect(batch: Batch, nOut: number, shift = 0): Tensor {
  if (batch.head === 'linear-last')
    return tensor(
      batch.targets.data.map((v) => v + shift),
      batch.targets.shape,
    );
  const rows = batch.targets.length;
  const data = new Float64Array(rows * nOut);
  for (let r = 0; r < rows; r++) data[r * nOut + ((batch.targets[r] + shift) % nOut)] = 1;
  return batch.head === 'softmax-every'
    ? tensor(data, [batch.steps, rows / batch.steps, nOut])
    : tensor(data, [rows, nOut]);
}

describe('evaluateTask', () => {
  for (const name of TASK_NAMES) {
    it(`${name}: a perfect predictor has error 0 and succeeds; a wrong one has error 1`, () => {
      const task = makeTask(name, { minLength: 10, maxLength: 30 });
      const right = evaluateTask(task, (b) => perfect(b, task.nOut), {
        sequences: 250,
        batchSize: 40,
        rng: new Rng(1),
      });
      expect(right).toEqual({ sequences: 250, wrong: 0, errorRate: 0, success: true });
      // Shifting every class by one (or every real target by 0.5) is wrong on every sequence.
      const wrong = evaluateTask(task, (b) => perfect(b, task.nOut, task.head === 'linear-last' ? 0.5 : 1), {
        sequences: 250,
        batchSize: 40,
        rng: new Rng(1),
      });
      expect(wrong).toEqual({ sequences: 250, wrong: 250, errorRate: 1, success: false });
    });
  }

  it('uses 10,000 sequences by default and draws them from the given generator', () => {
    const task = makeTask('temporal-order', { minLength: 10 });
    let seen = 0;
    const result = evaluateTask(task, (b) => ((seen += b.inputs.shape[1]), perfect(b, 4)), { rng: new Rng(0) });
    expect(result.sequences).toBe(10_000);
    expect(seen).toBe(10_000);
  });

  it('calls success strictly below 1% wrong', () => {
    expect(SUCCESS_ERROR_RATE).toBe(0.01);
    const task = makeTask('temporal-order', { minLength: 10 });
    // Wrong on exactly the first k sequences of 1,000: the class after the target, then the target.
    const firstWrong = (k: number) => {
      let index = 0;
      return (b: Batch) => {
        if (b.head !== 'softmax-last') throw new Error('wrong head');
        const rows = b.targets.length;
        const data = new Float64Array(rows * 4);
        for (let r = 0; r < rows; r++, index++) data[r * 4 + ((b.targets[r] + (index < k ? 1 : 0)) % 4)] = 1;
        return tensor(data, [rows, 4]);
      };
    };
    expect(evaluateTask(task, firstWrong(9), { sequences: 1000, rng: new Rng(2) })).toMatchObject({
      wrong: 9,
      success: true,
    });
    expect(evaluateTask(task, firstWrong(10), { sequences: 1000, rng: new Rng(2) })).toMatchObject({
      wrong: 10,
      success: false,
    });
  });

  it('rejects bad counts and batch sizes with ValueErrors', () => {
    const task = makeTask('addition', { minLength: 10 });
    expect(() => evaluateTask(task, (b) => perfect(b, 1), { sequences: 0, rng: new Rng(0) })).toThrow(
      /evaluateTask: argument 'sequences'.*got 0/,
    );
    expect(() => evaluateTask(task, (b) => perfect(b, 1), { batchSize: -1, rng: new Rng(0) })).toThrow(ValueError);
  });
});

describe('countWrong: each head’s notion of wrong', () => {
  it('regression: squared error up to 0.04 is right, above it wrong, NaN wrong', () => {
    expect(REGRESSION_TOLERANCE).toBe(0.04);
    const batch: Batch = {
      head: 'linear-last',
      inputs: zeros([10, 5, 2]),
      targets: tensor([[0.5], [0.5], [0.5], [0.5], [0.5]]),
      steps: 10,
    };
    // Squared errors 0.0361, 0.0441, NaN, 0.0352, 0.0256: two wrong.
    expect(countWrong(batch, tensor([[0.69], [0.29], [NaN], [0.3125], [0.66]]))).toBe(2);
  });

  it('classification: argmax ≠ target, ties to the lower class, a NaN row is wrong', () => {
    const batch = makeTask('temporal-order', { minLength: 10 }).sample(new Rng(4), 3);
    if (batch.head !== 'softmax-last') throw new Error('wrong head');
    const rows: number[][] = [...batch.targets].map((c) => [0, 1, 2, 3].map((j) => (j === c ? 1 : 0)));
    rows[1] = [5, 5, 5, 5]; // a tie: argmax is class 0
    rows[2][(batch.targets[2] + 1) % 4] = NaN;
    const expected = (batch.targets[1] === 0 ? 0 : 1) + 1;
    expect(countWrong(batch, tensor(rows))).toBe(expected);
  });

  it('memorization: one wrong step makes the whole sequence wrong; [T·B, n] outputs work too', () => {
    const task = makeTask('memorization', { minLength: 5 });
    const batch = task.sample(new Rng(5), 3);
    if (batch.head !== 'softmax-every') throw new Error('wrong head');
    const out = perfect(batch, 6);
    const data = Float64Array.from(out.data);
    const row = (batch.steps - 1) * 3 + 2; // last step of sequence 2
    data.fill(0, row * 6, row * 6 + 6);
    data[row * 6 + ((batch.targets[row] + 1) % 6)] = 1;
    expect(countWrong(batch, new Tensor(data, out.shape))).toBe(1);
    expect(countWrong(batch, new Tensor(data, [batch.steps * 3, 6]))).toBe(1);
  });

  it('outputs of the wrong shape are ShapeErrors naming the expected shape', () => {
    const last = makeTask('temporal-order', { minLength: 10 }).sample(new Rng(6), 3);
    expect(() => countWrong(last, tensor([[1, 0, 0, 0]]))).toThrow(ShapeError);
    expect(() => countWrong(last, tensor([[1, 0, 0, 0]]))).toThrow(
      /countWrong: argument 'outputs': expected \[3, nOut\].*got \[1, 4\]/,
    );
    const every = makeTask('memorization', { minLength: 1 }).sample(new Rng(6), 2);
    expect(() => countWrong(every, tensor(new Float64Array(20 * 2 * 6), [20, 2, 6]))).toThrow(
      /expected \[21, 2, nOut\] or \[42, nOut\]/,
    );
    const real = makeTask('addition', { minLength: 10 }).sample(new Rng(6), 2);
    expect(() =>
      countWrong(
        real,
        tensor([
          [0, 0],
          [0, 0],
        ]),
      ),
    ).toThrow(/match the targets/);
  });
});

describe('makeBatches / evaluateBatches', () => {
  it('make a fixed set (the last batch smaller) and evaluate it', () => {
    const task = makeTask('permutation', { minLength: 3, maxLength: 8 });
    const batches = makeBatches(task, new Rng(7), 250, 100);
    expect(batches.map((b) => b.inputs.shape[1])).toEqual([100, 100, 50]);
    expect(evaluateBatches(batches, (b) => perfect(b, 100))).toEqual({
      sequences: 250,
      wrong: 0,
      errorRate: 0,
      success: true,
    });
    expect(() => evaluateBatches([], (b) => perfect(b, 100))).toThrow(ValueError);
  });
});
