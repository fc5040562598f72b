/**
 * @file The little statistics the results need: a 95% interval for a success count out of a few
 * seeds (Wilson's score interval, which stays inside [0, 1] and is not degenerate at 0/5 or 5/5,
 * unlike the normal approximation), and the median of a list.
 */

/** z of a two-sided 95% interval: the 97.5% quantile of the standard normal. */
export const Z95 = 1.959963984540054;

/**
 * Wilson's score interval for `successes` out of `trials` at level z (default 95%):
 * (p̂ + z²/2n ± z·√(p̂(1 − p̂)/n + z²/4n²)) / (1 + z²/n).
 *
 * @example
 * wilson(5, 5); // { low: 0.5655..., high: 1 }
 * wilson(0, 5); // { low: 0, high: 0.4344... }
 */
export function wilson(successes: number, trials: number, z = Z95): { low: number; high: number } {
  if (!Number.isInteger(trials) || trials < 1)
    throw new RangeError(`wilson: trials must be a positive integer, got ${trials}`);
  if (!Number.isInteger(successes) || successes < 0 || successes > trials) {
    throw new RangeError(`wilson: successes must be an integer in [0, ${trials}], got ${successes}`);
  }
  const n = trials;
  const p = successes / n;
  const z2 = z * z;
  const centre = p + z2 / (2 * n);
  const spread = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  const scale = 1 + z2 / n;
  // At 0 and n the bound is exactly 0 or 1; rounding would leave ±1e-17.
  return {
    low: successes === 0 ? 0 : (centre - spread) / scale,
    high: successes === n ? 1 : (centre + spread) / scale,
  };
}

/**
 * The median (the mean of the middle two for an even count); null for an empty list.
 *
 * @example
 * median([3, 1, 2]); // 2
 * median([4, 1, 2, 3]); // 2.5
 */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** C(n, k) by the multiplicative formula; exact in float64 for the few dozen runs of a grid. */
function choose(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  const m = Math.min(k, n - k);
  let c = 1;
  for (let i = 1; i <= m; i++) c = (c * (n - m + i)) / i;
  return Math.round(c);
}

function checkCount(name: string, successes: number, runs: number): void {
  if (!Number.isInteger(runs) || runs < 1)
    throw new RangeError(`fisherOneSided: runs of ${name} must be a positive integer, got ${runs}`);
  if (!Number.isInteger(successes) || successes < 0 || successes > runs)
    throw new RangeError(`fisherOneSided: successes of ${name} must be an integer in [0, ${runs}], got ${successes}`);
}

/**
 * One-sided Fisher exact test: the probability, with the total number of successes fixed, that
 * group A would have `a` or more of them by chance alone if both groups had the same success
 * rate (the hypergeometric tail). Small p says A's lead over B is unlikely to be luck; with a
 * handful of seeds per cell this is the honest question to ask of "3 of 5 against 0 of 5".
 *
 * @example
 * fisherOneSided(5, 5, 0, 5); // 1/252 ≈ 0.00397
 * fisherOneSided(1, 6, 0, 6); // 0.5
 */
export function fisherOneSided(a: number, runsA: number, b: number, runsB: number): number {
  checkCount('A', a, runsA);
  checkCount('B', b, runsB);
  const total = a + b;
  let tail = 0;
  for (let x = a; x <= Math.min(total, runsA); x++) tail += choose(runsA, x) * choose(runsB, total - x);
  return Math.min(1, tail / choose(runsA + runsB, total));
}
