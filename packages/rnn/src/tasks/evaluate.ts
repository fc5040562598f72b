/**
 * @file The paper's success evaluation: the fraction of wrong sequences among freshly generated
 * ones, with each head's notion of wrong (argmax ≠ target at the last step; squared error > 0.04;
 * any wrong step), and the success criterion (fewer than 1% wrong).
 */
import { Rng, ShapeError, ValueError, type Tensor } from '@tapegrad/autodiff';
import { checkBatchSize, type Batch, type Task } from './task.js';

/** A run succeeds when strictly fewer than this fraction of test sequences are wrong. */
export const SUCCESS_ERROR_RATE = 0.01;

/** A regression sequence is wrong when its squared error (summed over outputs) exceeds this. */
export const REGRESSION_TOLERANCE = 0.04;

/**
 * The model's outputs for a batch: [B, nOut] for the last-step heads (logits, probabilities or
 * real values: only the argmax or the value is used), [T, B, nOut] or [T·B, nOut] for 'softmax-every'.
 */
export type Predict = (batch: Batch) => Tensor;

/** How many sequences were tried, how many were wrong, their fraction, and the paper's verdict. */
export interface Evaluation {
  readonly sequences: number;
  readonly wrong: number;
  readonly errorRate: number;
  /** errorRate < 1%. */
  readonly success: boolean;
}

/**
 * Counts the wrong sequences of one batch.
 *
 * @example
 * const batch = makeTask('temporal-order', { minLength: 20 }).sample(new Rng(0), 4);
 * countWrong(batch, zeros([4, 4])); // argmax is class 0 for every row: wrong where the target ≠ 0
 */
export function countWrong(batch: Batch, outputs: Tensor): number {
  const b = batchSizeOf(batch);
  if (batch.head === 'softmax-every') {
    const rows = batch.steps * b;
    const stepMajor = outputs.rank === 3 && outputs.shape[0] === batch.steps && outputs.shape[1] === b;
    const flat = outputs.rank === 2 && outputs.shape[0] === rows;
    if (!stepMajor && !flat) {
      throw new ShapeError(
        'countWrong',
        'outputs',
        `expected [${batch.steps}, ${b}, nOut] or [${rows}, nOut], got [${outputs.shape.join(', ')}]`,
      );
    }
    const width = outputs.shape[outputs.rank - 1];
    const wrong = new Uint8Array(b);
    for (let row = 0; row < rows; row++) {
      if (argmaxRow(outputs.data, row, width) !== batch.targets[row]) wrong[row % b] = 1;
    }
    return wrong.reduce((n, w) => n + w, 0);
  }
  if (outputs.rank !== 2 || outputs.shape[0] !== b) {
    throw new ShapeError(
      'countWrong',
      'outputs',
      `expected [${b}, nOut] for head '${batch.head}', got [${outputs.shape.join(', ')}]`,
    );
  }
  const width = outputs.shape[1];
  let wrong = 0;
  if (batch.head === 'softmax-last') {
    for (let row = 0; row < b; row++) if (argmaxRow(outputs.data, row, width) !== batch.targets[row]) wrong++;
    return wrong;
  }
  const target = batch.targets;
  if (target.shape[1] !== width) {
    throw new ShapeError(
      'countWrong',
      'outputs',
      `expected [${b}, ${target.shape[1]}] to match the targets, got [${outputs.shape.join(', ')}]`,
    );
  }
  for (let row = 0; row < b; row++) {
    let squared = 0;
    for (let j = 0; j < width; j++) squared += (target.data[row * width + j] - outputs.data[row * width + j]) ** 2;
    // A NaN prediction compares false with >, but it is certainly not a right answer.
    if (!(squared <= REGRESSION_TOLERANCE)) wrong++;
  }
  return wrong;
}

/** Options of {@link evaluateTask}. */
export interface EvaluateOptions {
  /** Test sequences to generate; the paper uses 10,000. */
  readonly sequences?: number;
  /** Sequences per generated batch (the last batch may be smaller). Default 100. */
  readonly batchSize?: number;
  /** Where the test data comes from; a fresh generator gives fresh sequences. */
  readonly rng: Rng;
}

/**
 * Generates test sequences batch by batch (each batch draws its own length from the task's range)
 * and counts the wrong ones. To test at another length, evaluate a task made with that length.
 *
 * @example
 * const task = makeTask('temporal-order', { minLength: 50 });
 * const result = evaluateTask(task, (batch) => model.predict(batch), { rng: new Rng(123) });
 * result.errorRate; // e.g. 0.004
 * result.success;   // true: fewer than 1% of 10,000 sequences were wrong
 */
export function evaluateTask(task: Task, predict: Predict, options: EvaluateOptions): Evaluation {
  const sequences = options.sequences ?? 10_000;
  const batchSize = options.batchSize ?? 100;
  checkBatchSize('evaluateTask', batchSize);
  if (!Number.isInteger(sequences) || sequences <= 0) {
    throw new ValueError('evaluateTask', 'sequences', `must be a positive integer, got ${sequences}`);
  }
  if (!(options.rng instanceof Rng)) throw new ValueError('evaluateTask', 'rng', 'must be an Rng');
  let wrong = 0;
  for (let done = 0; done < sequences; done += batchSize) {
    const batch = task.sample(options.rng, Math.min(batchSize, sequences - done));
    wrong += countWrong(batch, predict(batch));
  }
  return verdict(sequences, wrong);
}

/**
 * Generates a fixed set of batches once (e.g. a validation set reused at every check).
 *
 * @example
 * const validation = makeBatches(task, new Rng(99), 1000, 100); // 10 batches of 100
 * evaluateBatches(validation, predict).errorRate;
 */
export function makeBatches(task: Task, rng: Rng, sequences: number, batchSize: number): Batch[] {
  checkBatchSize('makeBatches', batchSize);
  if (!Number.isInteger(sequences) || sequences <= 0) {
    throw new ValueError('makeBatches', 'sequences', `must be a positive integer, got ${sequences}`);
  }
  const batches: Batch[] = [];
  for (let done = 0; done < sequences; done += batchSize)
    batches.push(task.sample(rng, Math.min(batchSize, sequences - done)));
  return batches;
}

/**
 * The error rate of `predict` over given batches.
 *
 * @example
 * evaluateBatches(makeBatches(task, new Rng(1), 200, 50), predict).wrong;
 */
export function evaluateBatches(batches: readonly Batch[], predict: Predict): Evaluation {
  let sequences = 0;
  let wrong = 0;
  for (const batch of batches) {
    sequences += batchSizeOf(batch);
    wrong += countWrong(batch, predict(batch));
  }
  if (sequences === 0) throw new ValueError('evaluateBatches', 'batches', 'must hold at least one sequence');
  return verdict(sequences, wrong);
}

function verdict(sequences: number, wrong: number): Evaluation {
  const errorRate = wrong / sequences;
  return { sequences, wrong, errorRate, success: errorRate < SUCCESS_ERROR_RATE };
}

/**
 * The B of a batch, read from its [T, B, nIn] inputs.
 *
 * @example
 * batchSizeOf(makeTask('addition', { minLength: 10 }).sample(new Rng(0), 5)); // 5
 */
export function batchSizeOf(batch: Batch): number {
  return batch.inputs.shape[1];
}

/**
 * First index of the largest value in row `row` (ties go to the lower class, as numpy's argmax),
 * or −1 when the row holds a NaN: a NaN output never counts as a right answer.
 */
function argmaxRow(data: Float64Array, row: number, width: number): number {
  let best = 0;
  for (let j = 0; j < width; j++) {
    const v = data[row * width + j];
    if (Number.isNaN(v)) return -1;
    if (v > data[row * width + best]) best = j;
  }
  return best;
}
