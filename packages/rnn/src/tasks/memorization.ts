/**
 * @file The noiseless memorization task (n_values = 5, n_pos = 10). A sequence has L + 20 steps:
 * steps 0..9 show a pattern of ten digits in {0..4}; then a "blank" channel is on, except at step
 * L + 10, which shows "go". The model must output "blank" until step L + 10, then the ten digits
 * in order; the head is a softmax at every step.
 */
import type { Rng } from '@tapegrad/autodiff';
import { oneHot, type Batch, type TaskSpec } from './task.js';

const VALUES = 5;
const POSITIONS = 10;
/** Input channels: the digits 0..4, then blank, then go. Output classes: the digits, then blank. */
const BLANK = VALUES;
const GO = VALUES + 1;

function generateMemorization(rng: Rng, batchSize: number, length: number): Batch {
  const steps = length + 2 * POSITIONS;
  const goStep = length + POSITIONS;
  const inputs = new Int32Array(steps * batchSize).fill(BLANK);
  const targets = new Int32Array(steps * batchSize).fill(BLANK);
  for (let b = 0; b < batchSize; b++) {
    // As the original: one integer uniform on {0..5^10 − 1}, read as ten base-5 digits.
    let pattern = rng.int(VALUES ** POSITIONS);
    for (let k = 0; k < POSITIONS; k++) {
      const digit = pattern % VALUES;
      pattern = Math.floor(pattern / VALUES);
      inputs[k * batchSize + b] = digit;
      targets[(goStep + k) * batchSize + b] = digit;
    }
    inputs[goStep * batchSize + b] = GO;
  }
  return { head: 'softmax-every', inputs: oneHot(inputs, steps, batchSize, VALUES + 2), targets, steps };
}

/** @internal The noiseless memorization task: 7 inputs, 6 classes at every one of L + 20 steps. */
export const memorization: TaskSpec = {
  name: 'memorization',
  nIn: VALUES + 2,
  nOut: VALUES + 1,
  head: 'softmax-every',
  shortestLength: 1,
  shortestReason: 'L is the gap between the pattern and the go marker',
  generate: generateMemorization,
};
