/**
 * @file Timing with benchmark.js: run a function until enough samples are in, and keep the
 * median time per call and benchmark.js's relative margin of error. Every system measured inside
 * this process (tapegrad, the JS limit, TensorFlow.js) goes through here.
 */
import Benchmark from 'benchmark';

// benchmark.js otherwise decompiles `fn` and inlines its source into a loop, which breaks closures
// (it falls back silently after a failed pretest) and measures a different function than was given.
Benchmark.support.decompilation = false;

/** What one measurement yields: seconds per call. */
export interface Timing {
  /** Median of the per-sample mean times, in seconds per call. */
  median: number;
  /** benchmark.js's relative margin of error of the mean, in percent (95 % confidence). */
  rme: number;
  /** Number of samples (each sample times one or more calls). */
  samples: number;
}

/** How long and how often to sample. */
export interface MeasureOptions {
  /** Calls before timing starts (JIT warm-up), on top of benchmark.js's own calibration. */
  warmup: number;
  /** At least this many samples. */
  minSamples: number;
  /** Keep sampling until this many seconds have passed (and minSamples are in). */
  maxTime: number;
  /** Told the name of each measurement as it starts (progress output). */
  onStart?: (name: string) => void;
}

/** The defaults: at least 20 samples after 5 warm-up calls, as docs/WORKLOADS.md asks. */
export const FULL: MeasureOptions = { warmup: 5, minSamples: 20, maxTime: 2 };
/** `--quick`: fewer samples, for a smoke run. */
export const QUICK: MeasureOptions = { warmup: 2, minSamples: 5, maxTime: 0.25 };

/**
 * Times `fn` and returns the median seconds per call.
 *
 * @example
 * const t = measure('W2', () => chain(), FULL);
 * console.log(t.median * 1e6, 'µs per call ±', t.rme, '%');
 */
export function measure(name: string, fn: () => void, options: MeasureOptions): Timing {
  options.onStart?.(name);
  for (let i = 0; i < options.warmup; i++) fn();
  const bench = new Benchmark(name, fn, {
    async: false,
    minSamples: options.minSamples,
    maxTime: options.maxTime,
    // one warm-up cycle is ours already; benchmark.js's calibration adds the rest
    initCount: 1,
  });
  bench.run();
  if (bench.error !== undefined && bench.error !== null) {
    const error = bench.error as unknown;
    throw error instanceof Error ? error : new Error(`${name}: ${String(error)}`);
  }
  return { median: median(bench.stats.sample), rme: bench.stats.rme, samples: bench.stats.sample.length };
}

/** The middle value (mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
