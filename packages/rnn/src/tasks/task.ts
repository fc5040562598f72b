/**
 * @file What every synthetic task shares: what a task is (its sizes, its output head and its
 * generator), what one minibatch looks like, and the checks on lengths and batch sizes that all
 * generators run before drawing anything, and the one-hot encoder they share.
 */
import { ValueError, tensor, type Rng, type Tensor } from '@tapegrad/autodiff';
import type { HeadName } from '../heads.js';

/**
 * One minibatch of B sequences of T steps, all the same length (the paper draws one length per
 * minibatch). `steps` is T; `inputs` is [T, B, nIn], step-major: step t of sequence b starts at
 * (t·B + b)·nIn.
 * Targets depend on the head:
 * - 'softmax-last': `targets[b]` is the class of sequence b (B entries);
 * - 'linear-last': `targets` is a [B, 1] tensor of real targets;
 * - 'softmax-every': `targets[t·B + b]` is the class at step t of sequence b (T·B entries).
 *
 * @example
 * const batch = makeTask('temporal-order', { minLength: 50 }).sample(new Rng(1), 20);
 * batch.inputs.shape; // [50, 20, 6]
 * batch.targets;      // Int32Array(20), classes in {0, 1, 2, 3}
 */
export type Batch =
  | { readonly head: 'softmax-last'; readonly inputs: Tensor; readonly targets: Int32Array; readonly steps: number }
  | { readonly head: 'linear-last'; readonly inputs: Tensor; readonly targets: Tensor; readonly steps: number }
  | { readonly head: 'softmax-every'; readonly inputs: Tensor; readonly targets: Int32Array; readonly steps: number };

/** The range a task draws its per-minibatch length from: uniform on [minLength, maxLength − 1], or minLength when equal. */
export interface LengthRange {
  readonly minLength: number;
  /** Defaults to minLength (a fixed length). */
  readonly maxLength?: number;
}

/**
 * A synthetic task: its sizes, its head and a seeded generator.
 *
 * @example
 * const task = makeTask('addition', { minLength: 100, maxLength: 120 });
 * const rng = new Rng(7);
 * const batch = task.sample(rng, 20);    // length drawn from [100, 119], then the data
 * const fixed = task.generate(rng, 20, 500); // a given length, e.g. to test generalisation
 */
export interface Task {
  readonly name: TaskName;
  /** Input size: the width of one step of `inputs`. */
  readonly nIn: number;
  /** Output size: number of classes, or 1 for the regression tasks. */
  readonly nOut: number;
  readonly head: HeadName;
  readonly minLength: number;
  readonly maxLength: number;
  /** Draws a length from the task's range, then a batch of that length (both from `rng`). */
  sample(rng: Rng, batchSize: number): Batch;
  /** A batch at the given length L (the task's own length rule applies, e.g. memorization has L + 20 steps). */
  generate(rng: Rng, batchSize: number, length: number): Batch;
}

/** The six tasks of the paper's section 5.1 (Hochreiter & Schmidhuber 1997 style). */
export type TaskName =
  | 'temporal-order'
  | 'temporal-order-3bit'
  | 'addition'
  | 'multiplication'
  | 'permutation'
  | 'memorization';

/** The task names, in the order error messages list them. */
export const TASK_NAMES: readonly TaskName[] = [
  'temporal-order',
  'temporal-order-3bit',
  'addition',
  'multiplication',
  'permutation',
  'memorization',
];

/** @internal Throws unless `batchSize` is a positive integer. */
export function checkBatchSize(op: string, batchSize: number): void {
  if (!Number.isInteger(batchSize) || batchSize <= 0) {
    throw new ValueError(op, 'batchSize', `must be a positive integer, got ${batchSize}`);
  }
}

/**
 * @internal Throws unless `length` is an integer ≥ `shortest`. The paper's position rules use
 * int(0.1·L) as a window width, so several tasks need L ≥ 10 for every window to be non-empty.
 */
export function checkLength(op: string, argument: string, length: number, shortest: number, why: string): void {
  if (!Number.isInteger(length) || length < shortest) {
    throw new ValueError(op, argument, `must be an integer ≥ ${shortest} (${why}), got ${length}`);
  }
}

/**
 * @internal The original code's length rule: L uniform on [min, max − 1], or min when max = min.
 * It is drawn from the same generator as the data, before the data.
 */
export function drawLength(rng: Rng, minLength: number, maxLength: number): number {
  return maxLength > minLength ? minLength + rng.int(maxLength - minLength) : minLength;
}

/** @internal Integer part of L·fraction, with the same float64 rounding as the original's int(l*.1). */
export function fractionOf(length: number, fraction: number): number {
  return Math.trunc(length * fraction);
}

/** @internal One-hot rows for step-major symbols (index t·B + b): a [T, B, width] tensor. */
export function oneHot(symbols: Int32Array, steps: number, batchSize: number, width: number): Tensor {
  const data = new Float64Array(steps * batchSize * width);
  for (let i = 0; i < symbols.length; i++) data[i * width + symbols[i]] = 1;
  return tensor(data, [steps, batchSize, width]);
}

/**
 * @internal What each task file defines: sizes, head, the shortest length its position rules
 * allow (and why, for the error message), and a generator that may assume valid arguments.
 */
export interface TaskSpec {
  readonly name: TaskName;
  readonly nIn: number;
  readonly nOut: number;
  readonly head: HeadName;
  readonly shortestLength: number;
  readonly shortestReason: string;
  readonly generate: (rng: Rng, batchSize: number, length: number) => Batch;
}
