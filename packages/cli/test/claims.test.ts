/**
 * @file The claim table's rules that are not read off one number: footnote 4 (Ω without clipping
 * usually fails from exploding gradients) is reproduced only when most runs fail and most failures
 * diverge; fewer successes without divergence is "partly", with the counts.
 */
import { describe, expect, it } from 'vitest';
import { footnoteVerdict } from '../src/reproduction/claims.js';

describe("footnote 4's verdict", () => {
  it('is reproduced when most runs fail and most failures diverge', () => {
    expect(footnoteVerdict(9, 2, 5, 6)).toBe('reproduced');
    expect(footnoteVerdict(5, 0, 3, 5)).toBe('reproduced');
  });

  it('is partly when runs fail without diverging, and says how many diverged', () => {
    expect(footnoteVerdict(9, 4, 0, 6)).toBe(
      'partly: fewer successes than with clipping, but 0 of the 5 failed runs diverged (the rest ran out of updates)',
    );
    // most failed but only a third of the failures diverged
    expect(footnoteVerdict(9, 3, 2, 6)).toMatch(/^partly: .* 2 of the 6 failed runs diverged/);
  });

  it('is not reproduced when Ω alone does as well as with clipping', () => {
    expect(footnoteVerdict(9, 6, 0, 6)).toBe('not reproduced');
    expect(footnoteVerdict(9, 7, 0, 6)).toBe('not reproduced');
  });
});
