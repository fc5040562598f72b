/**
 * @file The "inputs ignored" column of the tasks table against the error rates worked out by hand
 * from the task definitions (docs/PAPER.md): a model that ignores its inputs outputs the mean
 * target or the commonest class, and the paper's rule for a wrong sequence does the rest.
 */
import { describe, expect, it } from 'vitest';
import { inputBlindError } from '../src/reproduction/baseline.js';

const SEQUENCES = 4000;
/** Four standard deviations of an error rate p measured on SEQUENCES sequences. */
const fourSigma = (p: number) => 4 * Math.sqrt((p * (1 - p)) / SEQUENCES);

describe('inputBlindError', () => {
  it('matches the hand-computed error of the best constant output for every task', () => {
    // addition: s = (a + b)/2 of two uniform values is triangular on [0, 1], P(s < c) = 2c² below
    // 1/2; the mean output 0.5 is wrong when (s − 0.5)² > 0.04, i.e. |s − 0.5| > 0.2:
    // P = 2·P(s < 0.3) = 2·0.18 = 0.36
    const addition = 2 * (2 * 0.3 ** 2);
    // multiplication: ab with P(ab < c) = c·(1 − ln c); the mean output 0.25 is wrong when ab < 0.05
    // or ab > 0.45
    const cdf = (c: number) => c * (1 - Math.log(c));
    const multiplication = cdf(0.05) + 1 - cdf(0.45);
    const expected: [Parameters<typeof inputBlindError>[0], number][] = [
      ['addition', addition],
      ['multiplication', multiplication],
      ['temporal-order-3bit', 7 / 8], // 8 equally likely classes
      ['temporal-order', 3 / 4], // 4 equally likely classes
      ['permutation', 1 / 2], // the first symbol is 0 or 1
      ['memorization', 1 - 5 ** -10], // 10 digits from 5 values, each right with chance 1/5
    ];
    for (const [task, p] of expected) {
      const e = inputBlindError(task, 50, SEQUENCES, 7);
      expect(Math.abs(e - p), `${task}: ${e} against ${p}`).toBeLessThanOrEqual(fourSigma(p) + 1e-12);
    }
  });
});
