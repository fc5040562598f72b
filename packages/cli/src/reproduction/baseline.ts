/**
 * @file The yardstick for a test error that is not under 1%: the error of a model that ignores its
 * inputs. Such a model can only learn the output that minimises the loss over the data: the mean
 * target (regression), or the class frequencies, whose argmax is the commonest class (memorization:
 * the commonest class at each step). It is fitted on one sample of fresh sequences and tested on
 * the runs' own test sequences (the experiment's test seed), so a run's test error and this one
 * are counted on the same sequences.
 */
import { Rng, Tensor } from '@tapegrad/autodiff';
import { evaluateTask, makeTask, type Predict, type Task, type TaskName } from '@tapegrad/rnn';

const BATCH = 100;

/**
 * The test error of the best input-blind output for `task` at a fixed `length`, fitted on
 * `sequences` fresh sequences (seed + 1) and tested on `sequences` more (seed).
 *
 * @example
 * inputBlindError('addition', 50, 10000, 20130616); // ≈ 0.36: (a + b)/2 is within 0.2 of 0.5 for 64% of pairs
 */
export function inputBlindError(taskName: TaskName, length: number, sequences: number, seed: number): number {
  const task = makeTask(taskName, { minLength: length });
  const predict = fitConstant(task, sequences, new Rng(seed + 1));
  return evaluateTask(task, predict, { sequences, rng: new Rng(seed) }).errorRate;
}

/** Averages the targets (regression) or counts the classes per step (classification) over a sample. */
function fitConstant(task: Task, sequences: number, rng: Rng): Predict {
  const sums = new Float64Array(task.nOut);
  // counts[t·nOut + class]: step t's classes ('softmax-every'), or t = 0 only for the last-step head
  let counts: Float64Array = new Float64Array(task.nOut);
  let seen = 0;
  for (let done = 0; done < sequences; done += BATCH) {
    const batch = task.sample(rng, Math.min(BATCH, sequences - done));
    const b = batch.inputs.shape[1];
    seen += b;
    if (batch.head === 'linear-last') {
      for (let i = 0; i < batch.targets.data.length; i++) sums[i % task.nOut] += batch.targets.data[i];
      continue;
    }
    const steps = batch.head === 'softmax-every' ? batch.steps : 1;
    if (counts.length < steps * task.nOut) counts = grow(counts, steps * task.nOut);
    batch.targets.forEach((c, row) => {
      counts[Math.floor(row / b) * task.nOut + c]++;
    });
  }
  if (task.head === 'linear-last') {
    const mean = Array.from(sums, (s) => s / seen);
    return (batch) => {
      const b = batch.inputs.shape[1];
      return new Tensor(
        Float64Array.from({ length: b * task.nOut }, (_, i) => mean[i % task.nOut]),
        [b, task.nOut],
      );
    };
  }
  const best = (t: number) => argmax(counts, t * task.nOut, task.nOut);
  return (batch) => {
    const steps = batch.head === 'softmax-every' ? batch.steps : 1;
    const b = batch.inputs.shape[1];
    const out = new Float64Array(steps * b * task.nOut);
    for (let row = 0; row < steps * b; row++) out[row * task.nOut + best(Math.floor(row / b))] = 1;
    return new Tensor(out, [steps * b, task.nOut]);
  };
}

function grow(a: Float64Array, length: number): Float64Array {
  const out = new Float64Array(length);
  out.set(a);
  return out;
}

/** The index of the largest of a[from .. from + n), the first on ties; 0 past the end of `a`. */
function argmax(a: Float64Array, from: number, n: number): number {
  let best = 0;
  for (let j = 1; j < n; j++) if ((a[from + j] ?? 0) > (a[from + best] ?? 0)) best = j;
  return best;
}
