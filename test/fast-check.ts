/**
 * @file How every fast-check property of the suite runs. The default run is seeded, so it draws
 * the same cases every time and a failure replays as it is; more runs and other seeds are opt-in:
 *   TAPEGRAD_FC_RUNS=N      each property runs N cases instead of its own default
 *   TAPEGRAD_FC_SEED=S      every property draws from seed S (an integer)
 *   TAPEGRAD_FC_SEED=random a fresh seed per property; fast-check prints it with any failure,
 *                           to be replayed with TAPEGRAD_FC_SEED=<that seed>
 * The seed is set once for all properties (fast-check's global configuration, applied by
 * test/setup.ts before every test file), so a property written without options is seeded too.
 */

/** The seed of the default run (the paper's arXiv date). */
export const DEFAULT_SEED = 20121121;

/**
 * The seed every property uses: TAPEGRAD_FC_SEED, or {@link DEFAULT_SEED}; undefined for
 * `random`. Anything else is an error rather than a silently unseeded run.
 *
 * @example
 * fcSeed({ TAPEGRAD_FC_SEED: '42' }); // 42
 */
export function fcSeed(env: Record<string, string | undefined> = process.env): number | undefined {
  const text = env.TAPEGRAD_FC_SEED;
  if (text === undefined || text === '') return DEFAULT_SEED;
  if (text === 'random') return undefined;
  const seed = Number(text);
  if (!Number.isSafeInteger(seed))
    throw new RangeError(`TAPEGRAD_FC_SEED must be an integer or 'random', got '${text}'`);
  return seed;
}

/**
 * A property's number of cases: TAPEGRAD_FC_RUNS when set, else the property's own default
 * (chosen so the whole suite stays within a few minutes).
 *
 * @example
 * fc.assert(property, { numRuns: runs(40) });
 */
export function runs(fallback: number, env: Record<string, string | undefined> = process.env): number {
  const text = env.TAPEGRAD_FC_RUNS;
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`TAPEGRAD_FC_RUNS must be an integer ≥ 1, got '${text}'`);
  return n;
}
