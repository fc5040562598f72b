/**
 * @file The sizes this program accepts, checked before anything is allocated. Each flag has a
 * range of its own (args.ts reads them), and a whole run is checked once more against a memory
 * budget, because a length, a batch and a width that are each fine can together need more memory
 * than a machine has: refusing at once beats a crash (or a swapping machine) an hour later.
 */
import { PREDICT_STATE_VALUES, makeTask, type TaskName } from '@tapegrad/rnn';
import { UsageError } from './errors.js';
import { formatNumber } from './numbers.js';

/** Ranges of single flags. */
export const LIMITS = {
  /** Hidden units: W_rec alone is hidden² floats (32 MB at 2048). */
  hidden: 2048,
  /** Sequences per update or per analysed batch. */
  batch: 100_000,
  /** Test or validation sequences. */
  sequences: 10_000_000,
  /** Seeds: the generators are seeded from a signed 32-bit integer, so larger seeds would repeat smaller ones. */
  seed: 2 ** 31 - 1,
  /** Worker threads. */
  workers: 256,
  /**
   * Points per axis of the single-unit surface: points² loss evaluations, one plotted cell each
   * (the heat map is one raster image, so the SVG hardly grows). A finer grid than the plot's
   * 480 × 400 pixels, drawn at twice that, shows nothing more; 1,000² evaluations take seconds.
   */
  points: 1000,
  /** Gradient steps of a surface trajectory. */
  steps: 10_000,
} as const;

/** The memory one run may use for its arrays: 2^27 float64 values, 1 GiB. */
export const MAX_FLOATS = 2 ** 27;

/** The sizes that decide a run's memory. */
export interface RunSize {
  readonly task: TaskName;
  readonly maxLength: number;
  readonly hidden: number;
  /** Sequences processed together (the minibatch, or the evaluation's batches of 100). */
  readonly batch: number;
  /** Sequences kept in memory for the whole run (the validation set); 0 for none. */
  readonly kept: number;
}

/** The longest sequence any task draws at length L: addition's random extension, memorization's 20 extra steps. */
function longestSteps(maxLength: number): number {
  return Math.ceil(1.1 * maxLength) + 20;
}

/**
 * About how many float64 values a run holds at once: one unrolled batch with its states and
 * error signals (T·B·(n_in + 6n)), the kept sequences (V·T·n_in) and the parameters with their
 * gradients (6n²). T is taken as 1.1·L + 20, the longest any task draws (addition's random
 * extension, memorization's 20 extra steps).
 *
 * @example
 * runFloats({ task: 'temporal-order', maxLength: 50, hidden: 50, batch: 20, kept: 1000 }); // ≈ 0.94 M
 */
export function runFloats(s: RunSize): number {
  const nIn = makeTask(s.task, { minLength: s.maxLength }).nIn;
  const steps = longestSteps(s.maxLength);
  return steps * s.batch * (nIn + 6 * s.hidden) + s.kept * steps * nIn + 6 * s.hidden * s.hidden;
}

/**
 * About how many float64 values an evaluation holds at once: a batch's inputs and outputs
 * (T·B·(n_in + n_out), T as in {@link runFloats}), one chunk of the tape-free forward pass
 * (`predictOutputs` keeps at most PREDICT_STATE_VALUES states per chunk; counted four times: the
 * kernel's states and activations, their copy out and σ of it) and the parameters. No state of the
 * whole sequence is kept, so a length of 5,000 fits where training at it would not.
 *
 * @example
 * evaluationFloats({ task: 'temporal-order', maxLength: 5000, hidden: 50, batch: 100, kept: 0 }); // ≈ 14 M
 */
export function evaluationFloats(s: RunSize): number {
  const task = makeTask(s.task, { minLength: s.maxLength });
  const steps = longestSteps(s.maxLength);
  return steps * s.batch * (task.nIn + task.nOut) + 4 * PREDICT_STATE_VALUES + 6 * s.hidden * s.hidden;
}

/**
 * Throws a UsageError for `command` when a run of these sizes needs more than {@link MAX_FLOATS}
 * (`floats`: its estimate, by default a training run's, {@link runFloats}); the message names the
 * sizes and the flags that set them.
 *
 * @example
 * checkRunSize('train', { task: 'permutation', maxLength: 1e6, hidden: 50, batch: 20, kept: 1000 }, '--length, --batch');
 */
export function checkRunSize(command: string, s: RunSize, flags: string, floats = runFloats(s)): void {
  if (floats <= MAX_FLOATS) return;
  const gb = (n: number) => `${formatNumber((8 * n) / 2 ** 30, 1)} GB`;
  throw new UsageError(
    command,
    `too large: length ${s.maxLength}, ${s.batch} sequences at a time, ${s.hidden} hidden units` +
      `${s.kept > 0 ? `, ${s.kept} kept sequences` : ''} need about ${gb(floats)} of memory; the limit is ${gb(MAX_FLOATS)} (lower ${flags})`,
  );
}
