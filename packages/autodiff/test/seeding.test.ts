/**
 * @file The suite's own fast-check set-up (test/fast-check.ts, test/setup.ts): every property of
 * the default run is seeded, so it draws the same cases on every run; TAPEGRAD_FC_SEED and
 * TAPEGRAD_FC_RUNS change that on request, and a malformed value is an error, not an unseeded run.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SEED, fcSeed, runs } from '../../../test/fast-check.js';

/** The first cases a property without options of its own draws. */
function firstDraws(): number[] {
  const seen: number[] = [];
  fc.check(
    fc.property(fc.integer(), (x) => void seen.push(x)),
    { numRuns: 5 },
  );
  return seen;
}

describe('fast-check in this suite', () => {
  it('seeds every property, even one written without options: two runs draw the same cases', () => {
    expect(fc.readConfigureGlobal().seed).toBe(fcSeed());
    expect(firstDraws()).toEqual(firstDraws());
  });

  it('reads TAPEGRAD_FC_SEED and TAPEGRAD_FC_RUNS, and rejects malformed values', () => {
    expect(fcSeed({})).toBe(DEFAULT_SEED);
    expect(fcSeed({ TAPEGRAD_FC_SEED: '-42' })).toBe(-42);
    expect(fcSeed({ TAPEGRAD_FC_SEED: 'random' })).toBeUndefined();
    expect(() => fcSeed({ TAPEGRAD_FC_SEED: '1.5' })).toThrow(
      /TAPEGRAD_FC_SEED must be an integer or 'random', got '1.5'/,
    );
    expect(runs(40, {})).toBe(40);
    expect(runs(40, { TAPEGRAD_FC_RUNS: '1000' })).toBe(1000);
    expect(() => runs(40, { TAPEGRAD_FC_RUNS: '0' })).toThrow(/TAPEGRAD_FC_RUNS must be an integer ≥ 1, got '0'/);
  });
});
