/**
 * @file Many seeds drawn as one curve: at each update, the median and the range (lowest to
 * highest) over the runs of a group, which the report's curve plots draw per method instead of
 * one line per run. Long logs are first thinned to a bounded number of points, so a plot's size
 * does not grow with the update budget.
 */

/** One logged value of one run. */
export interface SeriesPoint {
  readonly update: number;
  readonly value: number;
}

/** The runs of a group at one update: their median and their range. */
export interface BandPoint {
  readonly update: number;
  readonly median: number;
  readonly lo: number;
  readonly hi: number;
  /** How many runs the statistics are over. */
  readonly runs: number;
}

/** How {@link band} treats runs that stopped early and long logs. */
export interface BandOptions {
  /**
   * Between two of its points a run counts with the earlier one's value, so runs whose logs were
   * sampled at different updates (records keep an evenly spaced sample of each run's log) still
   * meet at every update. True: a run that stopped (e.g. it solved the task and training ended)
   * keeps counting with its last value up to the last update of the group, so the median does not
   * jump when the solved runs leave. False: a run counts only up to its own last update.
   */
  readonly carryForward: boolean;
  /**
   * At most this many updates per band; past it, the updates are cut into this many equal bins
   * and each run contributes the median of its values in a bin, placed at the bin's last update.
   */
  readonly maxPoints: number;
}

/**
 * The median and range over `runs` (each a run's logged values) at every update any of them
 * logged, each run with its latest value at or before it. Non-finite values are left out.
 *
 * @example
 * band([[{ update: 10, value: 1 }, { update: 20, value: 3 }], [{ update: 10, value: 5 }]], { carryForward: true, maxPoints: 100 });
 * // [{ update: 10, median: 3, lo: 1, hi: 5, runs: 2 }, { update: 20, median: 4, lo: 3, hi: 5, runs: 2 }]
 */
export function band(runs: readonly (readonly SeriesPoint[])[], options: BandOptions): BandPoint[] {
  const series = runs
    .map((r) => r.filter((p) => Number.isFinite(p.value)).sort((a, b) => a.update - b.update))
    .filter((s) => s.length > 0);
  const thinned = thin(series, options.maxPoints);
  const updates = [...new Set(thinned.flatMap((s) => s.map((p) => p.update)))].sort((a, b) => a - b);
  // next[i]: the first point of run i not yet passed; updates only grow, so one pass suffices.
  const next = thinned.map(() => 0);
  return updates.map((update) => {
    const values: number[] = [];
    thinned.forEach((s, i) => {
      while (next[i] < s.length && s[next[i]].update <= update) next[i]++;
      const last = next[i] - 1;
      if (last >= 0 && (options.carryForward || update <= s[s.length - 1].update)) values.push(s[last].value);
    });
    return { update, median: median(values), lo: Math.min(...values), hi: Math.max(...values), runs: values.length };
  });
}

/**
 * The median of a non-empty list (the mean of the two middle values for an even count).
 *
 * @example
 * median([3, 1, 2]); // 2
 * median([4, 1, 3, 2]); // 2.5
 */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Bins every series by update into at most `maxPoints` shared bins when there are more updates than that. */
function thin(series: SeriesPoint[][], maxPoints: number): SeriesPoint[][] {
  const updates = [...new Set(series.flatMap((s) => s.map((p) => p.update)))].sort((a, b) => a - b);
  if (updates.length <= maxPoints) return series;
  const first = updates[0];
  const width = (updates[updates.length - 1] - first) / maxPoints;
  const binOf = (update: number) => Math.min(maxPoints - 1, Math.floor((update - first) / width));
  // Each bin is placed at the last update anyone logged in it, so every run's bins line up.
  const at = new Map<number, number>();
  for (const u of updates) at.set(binOf(u), u);
  return series.map((s) => {
    const bins = new Map<number, number[]>();
    for (const p of s) {
      const bin = binOf(p.update);
      const values = bins.get(bin);
      if (values) values.push(p.value);
      else bins.set(bin, [p.value]);
    }
    return [...bins].map(([bin, values]) => ({ update: at.get(bin)!, value: median(values) }));
  });
}
