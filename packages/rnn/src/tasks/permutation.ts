/**
 * @file The random permutation task: 100 one-hot symbols; the first step shows 0 or 1, every
 * other step a symbol uniform in {2, ..., 99}; the class at the last step is the first symbol.
 */
import type { Rng } from '@tapegrad/autodiff';
import { oneHot, type Batch, type TaskSpec } from './task.js';

const SYMBOLS = 100;

function generatePermutation(rng: Rng, batchSize: number, length: number): Batch {
  const symbols = new Int32Array(length * batchSize);
  for (let i = 0; i < symbols.length; i++) symbols[i] = 2 + rng.int(SYMBOLS - 2);
  const targets = new Int32Array(batchSize);
  for (let b = 0; b < batchSize; b++) {
    targets[b] = rng.int(2);
    symbols[b] = targets[b]; // step 0 of sequence b
  }
  return { head: 'softmax-last', inputs: oneHot(symbols, length, batchSize, SYMBOLS), targets, steps: length };
}

/** @internal The random permutation task: 100 inputs, 100 classes (only 0 and 1 ever occur as targets). */
export const permutation: TaskSpec = {
  name: 'permutation',
  nIn: SYMBOLS,
  nOut: SYMBOLS,
  head: 'softmax-last',
  shortestLength: 1,
  shortestReason: 'a sequence needs a step',
  generate: generatePermutation,
};
