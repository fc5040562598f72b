/**
 * @file The statistics of the results tables against values computed by hand: Wilson's 95% score
 * interval (the derivations are in the comments) and the median.
 */
import { describe, expect, it } from 'vitest';
import { Z95, median, wilson } from '../src/stats.js';

describe('wilson', () => {
  it('matches hand-computed intervals', () => {
    // The hand derivations round their intermediates to 6 digits, so they are compared to 5 decimals.
    // n = 5, z² = 3.841459: 1 + z²/n = 1.768292, z²/2n = 0.384146, z²/4n² = 0.038415.
    // 5/5: p = 1: centre 1.384146, spread z·√0.038415 = 0.384146 → low 1/1.768292 = 0.565517.
    expect(wilson(5, 5).low).toBeCloseTo(0.565517, 5);
    expect(wilson(5, 5).high).toBe(1);
    // 0/5: the mirror image: high = 0.768292/1.768292 = 0.434483.
    expect(wilson(0, 5)).toEqual({ low: 0, high: expect.closeTo(0.434483, 5) });
    // 2/5: p = 0.4: centre 0.784146, spread z·√(0.048 + 0.038415) = 1.959964·0.293965 = 0.576161
    // → (0.207985, 1.360307)/1.768292 = (0.117619, 0.769277).
    expect(wilson(2, 5).low).toBeCloseTo(0.117619, 5);
    expect(wilson(2, 5).high).toBeCloseTo(0.769277, 5);
    // 2/2: centre 1 + 0.960359 = 1.960359, spread z·√(3.841459/16) = 0.960359, scale 2.920729 → low 0.342380.
    expect(wilson(2, 2).low).toBeCloseTo(0.34238, 5);
  });

  it('takes another level, and refuses counts that are not counts', () => {
    // z = 1 (68%), 1/2: centre 0.5 + 0.25 = 0.75, spread √(0.125 + 0.0625) = 0.433013, scale 1.5 → (0.211325, 0.788675).
    expect(wilson(1, 2, 1).low).toBeCloseTo(0.211325, 6);
    expect(wilson(1, 2, 1).high).toBeCloseTo(0.788675, 6);
    expect(Z95).toBeCloseTo(1.959964, 6);
    expect(() => wilson(6, 5)).toThrow(/successes must be an integer in \[0, 5\], got 6/);
    expect(() => wilson(0, 0)).toThrow(/trials must be a positive integer, got 0/);
  });
});

describe('median', () => {
  it('is the middle value, the mean of the middle two, or null', () => {
    expect(median([9, 1, 5])).toBe(5);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });
});
