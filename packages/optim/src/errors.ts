/**
 * @file The checks every optim entry point runs on its numeric arguments, and the one error type
 * of this package: a gradient that is NaN, ±Infinity or implausibly large under the 'throw' policy.
 * Bad arguments throw the autodiff package's ValueError and ShapeError, which name the function,
 * the argument and the value.
 */
import { ValueError } from '@tapegrad/autodiff';

/**
 * Thrown by {@link clipGradNorm} with `nonFinite: 'throw'` (the default) when the global norm is
 * NaN, ±Infinity or above `maxNorm`. `parameters` lists the paths of the offending tensors.
 *
 * @example
 * try { clipGradNorm({ W: tensor([NaN]) }, 1); } catch (e) { (e as NonFiniteGradientError).parameters; } // ['W']
 */
export class NonFiniteGradientError extends RangeError {
  override readonly name = 'NonFiniteGradientError';
  constructor(
    readonly op: string,
    readonly norm: number,
    readonly parameters: readonly string[],
    detail: string,
  ) {
    super(`${op}: argument 'grads': ${detail}`);
  }
}

/** A finite number > 0 (thresholds, limits, time constants). */
export function checkPositive(op: string, argument: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ValueError(op, argument, `must be a finite number > 0, got ${String(value)}`);
  }
  return value;
}

/** A finite number ≥ 0 (learning rates, α). */
export function checkNonNegative(op: string, argument: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ValueError(op, argument, `must be a finite number ≥ 0, got ${String(value)}`);
  }
  return value;
}
