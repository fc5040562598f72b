/**
 * @file How the reproduction document writes grid values: a length range from a definition (the
 * command line's half-open `MIN..MAX`) with both ends included, as the paper writes it, and a
 * success count with its Wilson interval in whole per cent.
 */
import { describe, expect, it } from 'vitest';
import { lengthLabel, successCell } from '../src/reproduction/format.js';

describe('lengthLabel', () => {
  it('writes a drawn range with its last length included, and leaves a fixed length alone', () => {
    // generalisation trains on 50..201: each minibatch draws L from 50 to 200, the paper's "50..200"
    expect(lengthLabel('50..201')).toBe('50–200');
    expect(lengthLabel('10..11')).toBe('10–10');
    expect(lengthLabel('100')).toBe('100');
  });
});

describe('successCell', () => {
  it('gives the count and the 95% Wilson interval in whole per cent', () => {
    // 3/5: centre 0.6 + 0.384146 = 0.984146, spread 1.959964·√(0.048 + 0.038415) = 0.576161,
    // scale 1.768292 → (0.230724, 0.882377) → 23–88%.
    expect(successCell(3, 5)).toBe('3/5 (23–88%)');
    expect(successCell(0, 2)).toBe('0/2 (0–66%)');
  });
});
