/**
 * @file The statistics of the results tables against values computed by hand: Wilson's 95% score
 * interval (the derivations are in the comments), the median, and the one-sided Fisher test, also
 * against a brute-force count of every way the successes could have fallen.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runs } from '../../../test/fast-check.js';
import { Z95, fisherOneSided, median, wilson } from '../src/stats.js';

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

/**
 * The reference: list every set of `total` winners among runsA + runsB runs (bit masks) and count
 * those that give group A (the low runsA bits) at least `a` of them; no binomial coefficients.
 */
function fisherByEnumeration(a: number, runsA: number, b: number, runsB: number): number {
  const n = runsA + runsB;
  const total = a + b;
  let all = 0;
  let asExtreme = 0;
  for (let mask = 0; mask < 1 << n; mask++) {
    let winners = 0;
    let inA = 0;
    for (let i = 0; i < n; i++) {
      if (mask & (1 << i)) {
        winners++;
        if (i < runsA) inA++;
      }
    }
    if (winners !== total) continue;
    all++;
    if (inA >= a) asExtreme++;
  }
  return asExtreme / all;
}

describe('fisherOneSided', () => {
  it('matches hypergeometric tails computed by hand', () => {
    // 5/5 against 0/5: the only table as extreme; C(5,5)·C(5,0)/C(10,5) = 1/252.
    expect(fisherOneSided(5, 5, 0, 5)).toBeCloseTo(1 / 252, 15);
    // 1/6 against 0/6: one success, equally likely in either group: 6/12.
    expect(fisherOneSided(1, 6, 0, 6)).toBe(0.5);
    // 4/7 against 0/7: C(7,4)/C(14,4) = 35/1001.
    expect(fisherOneSided(4, 7, 0, 7)).toBeCloseTo(35 / 1001, 15);
    // 3/5 against 1/5: (C(5,3)C(5,1) + C(5,4)C(5,0))/C(10,4) = (50 + 5)/210.
    expect(fisherOneSided(3, 5, 1, 5)).toBeCloseTo(55 / 210, 15);
    // 4/15 against 0/15: C(15,4)/C(30,4) = 1365/27405, just under 0.05.
    expect(fisherOneSided(4, 15, 0, 15)).toBeCloseTo(1365 / 27405, 15);
    expect(fisherOneSided(4, 15, 0, 15)).toBeLessThan(0.05);
    // No lead, or no successes at all: nothing to explain.
    expect(fisherOneSided(0, 5, 0, 5)).toBe(1);
    expect(fisherOneSided(0, 5, 3, 5)).toBe(1);
  });

  it('agrees with counting every arrangement of the winners, at uneven group sizes', () => {
    const table = fc
      .tuple(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 7 }))
      .chain(([na, nb]) =>
        fc.tuple(fc.integer({ min: 0, max: na }), fc.constant(na), fc.integer({ min: 0, max: nb }), fc.constant(nb)),
      );
    fc.assert(
      fc.property(table, ([a, na, b, nb]) => {
        expect(fisherOneSided(a, na, b, nb)).toBeCloseTo(fisherByEnumeration(a, na, b, nb), 14);
      }),
      { numRuns: runs(60) },
    );
  });

  it('refuses counts that are not counts, naming the group', () => {
    expect(() => fisherOneSided(6, 5, 0, 5)).toThrow(/successes of A must be an integer in \[0, 5\], got 6/);
    expect(() => fisherOneSided(0, 5, 0, 0)).toThrow(/runs of B must be a positive integer, got 0/);
    expect(() => fisherOneSided(0.5, 5, 0, 5)).toThrow(/successes of A/);
  });
});
