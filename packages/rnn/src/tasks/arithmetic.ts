/**
 * @file The addition and multiplication tasks. Two input channels: channel 1 carries a uniform
 * [0, 1) value at every step, channel 0 marks two steps with a 1. The target at the last step is
 * (a + b)/2 (addition) or a·b (multiplication) of the two marked values; the head is linear.
 */
import { tensor, type Rng } from '@tapegrad/autodiff';
import { fractionOf, type Batch, type TaskSpec } from './task.js';

type Combine = (a: number, b: number) => number;

function generateArithmetic(combine: Combine, rng: Rng, batchSize: number, length: number): Batch {
  // The original stretches each minibatch by a random 0..10%: l = L + randint(int(0.1·L)).
  const steps = length + rng.int(fractionOf(length, 0.1));
  const first = new Int32Array(batchSize);
  const second = new Int32Array(batchSize);
  // p0 ∈ [0, int(0.1·l)), p1 ∈ [int(0.1·l), int(0.1·l) + int(0.4·l)): the windows never overlap.
  for (let b = 0; b < batchSize; b++) first[b] = rng.int(fractionOf(steps, 0.1));
  for (let b = 0; b < batchSize; b++) second[b] = fractionOf(steps, 0.1) + rng.int(fractionOf(steps, 0.4));
  const data = new Float64Array(steps * batchSize * 2);
  for (let i = 0; i < steps * batchSize; i++) data[2 * i + 1] = rng.uniform();
  const targets = new Float64Array(batchSize);
  for (let b = 0; b < batchSize; b++) {
    const p = (first[b] * batchSize + b) * 2;
    const q = (second[b] * batchSize + b) * 2;
    data[p] = 1;
    data[q] = 1;
    targets[b] = combine(data[p + 1], data[q + 1]);
  }
  return {
    head: 'linear-last',
    inputs: tensor(data, [steps, batchSize, 2]),
    targets: tensor(targets, [batchSize, 1]),
    steps,
  };
}

const SHORTEST = { shortestLength: 10, shortestReason: 'the first marker window is int(0.1·L) steps wide' } as const;

/** @internal The addition task: target (a + b)/2. */
export const addition: TaskSpec = {
  name: 'addition',
  nIn: 2,
  nOut: 1,
  head: 'linear-last',
  ...SHORTEST,
  generate: (rng, batchSize, length) => generateArithmetic((a, b) => (a + b) / 2, rng, batchSize, length),
};

/** @internal The multiplication task: target a·b. */
export const multiplication: TaskSpec = {
  name: 'multiplication',
  nIn: 2,
  nOut: 1,
  head: 'linear-last',
  ...SHORTEST,
  generate: (rng, batchSize, length) => generateArithmetic((a, b) => a * b, rng, batchSize, length),
};
