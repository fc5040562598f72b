/**
 * @file Schedules: a number as a function of the update count t (0 for the first update). The
 * learning rate and Ω's weight α both take either a constant or a schedule.
 */
import { ValueError } from '@tapegrad/autodiff';
import { checkNonNegative, checkPositive } from './errors.js';

/** A value as a function of the number of updates already made (t = 0 for the first update). */
export type Schedule = (t: number) => number;

/** A constant or a schedule, as the `learningRate` and `alpha` options accept. */
export type ScheduleLike = number | Schedule;

/**
 * The same value at every update.
 *
 * @example
 * constant(0.01)(1000); // 0.01
 */
export function constant(value: number): Schedule {
  checkNonNegative('constant', 'value', value);
  return () => value;
}

/**
 * The 1/t decay: `initial / (1 + t / tau)`. It starts at `initial` and halves by t = tau; the
 * paper uses a 1/t schedule for α on natural data.
 *
 * @example
 * inverseTime(0.1, 100)(100); // 0.05
 */
export function inverseTime(initial: number, tau: number): Schedule {
  checkNonNegative('inverseTime', 'initial', initial);
  checkPositive('inverseTime', 'tau', tau);
  return (t) => initial / (1 + t / tau);
}

/**
 * Step decay: `initial · factor^⌊t / every⌋`, multiplying by `factor` every `every` updates.
 *
 * @example
 * stepDecay(1, { every: 10, factor: 0.5 })(25); // 0.25
 */
export function stepDecay(initial: number, options: { every: number; factor: number }): Schedule {
  checkNonNegative('stepDecay', 'initial', initial);
  if (!Number.isInteger(options.every) || options.every < 1) {
    throw new ValueError('stepDecay', 'every', `must be an integer ≥ 1, got ${String(options.every)}`);
  }
  checkNonNegative('stepDecay', 'factor', options.factor);
  const { every, factor } = options;
  return (t) => initial * factor ** Math.floor(t / every);
}

/**
 * The value of `schedule` at update t, checked to be a finite number ≥ 0; the error names the
 * caller's argument, the update count and the value.
 *
 * @example
 * valueAt('SGD', 'learningRate', inverseTime(1, 1), 1); // 0.5
 */
export function valueAt(op: string, argument: string, schedule: ScheduleLike, t: number): number {
  const value = typeof schedule === 'number' ? schedule : schedule(t);
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ValueError(
      op,
      argument,
      `must be a finite number ≥ 0, got ${String(value)}${typeof schedule === 'number' ? '' : ` from its schedule at update ${t}`}`,
    );
  }
  return value;
}

/** Checks a constant now, or a schedule's first value, so misconfiguration fails at construction. */
export function checkSchedule(op: string, argument: string, schedule: ScheduleLike): ScheduleLike {
  if (typeof schedule !== 'number' && typeof schedule !== 'function') {
    throw new ValueError(op, argument, `must be a number or a function of the update count, got ${typeof schedule}`);
  }
  valueAt(op, argument, schedule, 0);
  return schedule;
}
