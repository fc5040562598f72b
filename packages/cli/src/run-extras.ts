/**
 * @file What a run can measure besides its curves, for the record: the error-signal profile
 * ‖δ_k‖/‖δ_T‖ of its current parameters on a fixed probe batch (how far back the error reaches,
 * and how training changes that), the machine it runs on with its load, and the success criterion
 * at other lengths after training (generalisation).
 */
import { availableParallelism, cpus, loadavg } from 'node:os';
import { Rng } from '@tapegrad/autodiff';
import { evaluateTask, makeTask, type Trainer } from '@tapegrad/rnn';
import { gradientFlow } from './flow.js';
import { cell, sampleRows, type LengthEvaluation, type Machine, type SignalProfiles } from './record.js';

/** Profiles to take: at update 0, every `every` updates (at a validation) and at the end, on `sequences` probe sequences of the run's length. */
export interface ProfileRequest {
  readonly every: number;
  readonly sequences: number;
  readonly seed: number;
}

/** Lengths to evaluate the trained model at, each on `sequences` fresh sequences. */
export interface EvaluateRequest {
  readonly lengths: readonly { readonly minLength: number; readonly maxLength: number }[];
  readonly sequences: number;
}

/** At most this many profiles in a record (evenly sampled, first and last kept). */
const PROFILE_ROWS = 40;

/**
 * ‖δ_k‖/‖δ_T‖ for k = 1..T of the trainer's current parameters, on the probe batch (same sequences every time).
 *
 * @example
 * signalProfile(trainer, { every: 1000, sequences: 100, seed: 5 }); // [1e-3, ..., 1]
 */
export function signalProfile(trainer: Trainer, probe: ProfileRequest): (number | null)[] {
  const subject = { params: trainer.params, activation: trainer.activation, label: 'run' };
  const f = gradientFlow(subject, trainer.config.task, trainer.config.minLength, probe.sequences, probe.seed);
  const last = f.norms[f.norms.length - 1];
  // Four significant digits: a profile is read on a log scale, and a record stays a few kilobytes.
  return f.norms.map((n) => cell(Number((n / last).toPrecision(4))));
}

/**
 * The profiles of a run's log lines (`{ type: 'profile', update, ratios }`), sampled for the record.
 *
 * @example
 * profilesOf(logLines, probe, 50);
 */
export function profilesOf(
  lines: readonly Record<string, unknown>[],
  probe: ProfileRequest,
  length: number,
): SignalProfiles {
  const rows = lines
    .filter((l) => l.type === 'profile')
    .map((l) => ({ update: l.update as number, ratios: l.ratios as (number | null)[] }));
  return {
    length,
    sequences: probe.sequences,
    seed: probe.seed,
    ks: Array.from({ length }, (_, i) => i + 1),
    rows: sampleRows(rows, PROFILE_ROWS),
  };
}

/** The 1-minute load average now (sampled at each validation into the log). */
export function loadNow(): number {
  return Math.round(loadavg()[0] * 100) / 100;
}

/**
 * This machine, and the load over the samples in a run's log lines (`load` of its validations).
 *
 * @example
 * machineOf(logLines).load?.mean;
 */
export function machineOf(lines: readonly Record<string, unknown>[]): Machine {
  const loads = lines.filter((l) => l.type === 'validation' && typeof l.load === 'number').map((l) => l.load as number);
  const round = (v: number) => Math.round(v * 100) / 100;
  const load =
    loads.length === 0
      ? null
      : {
          min: Math.min(...loads),
          mean: round(loads.reduce((a, b) => a + b, 0) / loads.length),
          max: Math.max(...loads),
          samples: loads.length,
        };
  return { cpu: cpus()[0]?.model.trim() ?? 'unknown', cores: availableParallelism(), node: process.version, load };
}

/**
 * The success criterion of the trained model at each requested length range, on fresh sequences of the test seed.
 *
 * @example
 * evaluationsOf(trainer, { lengths: [{ minLength: 500, maxLength: 500 }], sequences: 10_000 }, 20130616);
 */
export function evaluationsOf(trainer: Trainer, request: EvaluateRequest, seed: number): LengthEvaluation[] {
  return request.lengths.map(({ minLength, maxLength }) => {
    const task = makeTask(trainer.config.task, { minLength, maxLength });
    const e = evaluateTask(task, (b) => trainer.predict(b), { sequences: request.sequences, rng: new Rng(seed) });
    return {
      sequences: e.sequences,
      seed,
      minLength,
      maxLength,
      wrong: e.wrong,
      errorRate: e.errorRate,
      success: e.success,
    };
  });
}
