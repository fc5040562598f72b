/**
 * @file The temporal order tasks (2-bit and 3-bit). Every step shows one of six symbols, one-hot:
 * A = 0, B = 1 and the distractors 2..5. At two (or three) random positions, one per window, an A
 * or a B appears; the class at the last step encodes which, in order: v0 + 2·v1 (+ 4·v2).
 */
import type { Rng } from '@tapegrad/autodiff';
import { fractionOf, oneHot, type Batch, type TaskSpec } from './task.js';

/**
 * Where each relevant symbol's window starts, as a fraction of L. A window is
 * [int(f·L), int(f·L) + int(0.1·L)), exactly as the original code computes it: docs/PAPER.md's shorthand
 * int(0.1·L)·k for the start differs from int(f·L) when L is not a multiple of 10, and only the
 * latter keeps p1 at or after ⌊0.5·L⌋ as the paper's "p1 ∈ [0.5L, 0.6L)" says.
 */
const WINDOW_STARTS = { 2: [0.1, 0.5], 3: [0.1, 0.3, 0.6] } as const;

const SYMBOLS = 6;
const DISTRACTORS = 4;

function generateTemporalOrder(bits: 2 | 3, rng: Rng, batchSize: number, length: number): Batch {
  const width = fractionOf(length, 0.1);
  const positions: Int32Array[] = [];
  const values: Int32Array[] = [];
  // Same draw order as the original: position then value for each relevant symbol, then the distractors.
  for (const start of WINDOW_STARTS[bits]) {
    const offset = fractionOf(length, start);
    const p = new Int32Array(batchSize);
    const v = new Int32Array(batchSize);
    for (let b = 0; b < batchSize; b++) p[b] = offset + rng.int(width);
    for (let b = 0; b < batchSize; b++) v[b] = rng.int(2);
    positions.push(p);
    values.push(v);
  }
  const symbols = new Int32Array(length * batchSize);
  for (let i = 0; i < symbols.length; i++) symbols[i] = 2 + rng.int(DISTRACTORS);
  const targets = new Int32Array(batchSize);
  for (let k = 0; k < positions.length; k++) {
    for (let b = 0; b < batchSize; b++) {
      symbols[positions[k][b] * batchSize + b] = values[k][b];
      targets[b] += values[k][b] << k;
    }
  }
  return { head: 'softmax-last', inputs: oneHot(symbols, length, batchSize, SYMBOLS), targets, steps: length };
}

const SHORTEST = { shortestLength: 10, shortestReason: 'each position window is int(0.1·L) steps wide' } as const;

/** @internal The 2-bit temporal order task: 6 inputs, 4 classes. */
export const temporalOrder: TaskSpec = {
  name: 'temporal-order',
  nIn: SYMBOLS,
  nOut: 4,
  head: 'softmax-last',
  ...SHORTEST,
  generate: (rng, batchSize, length) => generateTemporalOrder(2, rng, batchSize, length),
};

/** @internal The 3-bit temporal order task: 6 inputs, 8 classes. */
export const temporalOrder3Bit: TaskSpec = {
  name: 'temporal-order-3bit',
  nIn: SYMBOLS,
  nOut: 8,
  head: 'softmax-last',
  ...SHORTEST,
  generate: (rng, batchSize, length) => generateTemporalOrder(3, rng, batchSize, length),
};
