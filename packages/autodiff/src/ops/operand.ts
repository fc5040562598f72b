/**
 * @file What the ops accept as operands: a Tensor, or a plain number that stands for a scalar
 * constant.
 */
import { Tensor, scalar } from '../tensor.js';

/** A tensor or a number (a constant scalar). */
export type Operand = Tensor | number;

/** Turns a number into a scalar tensor; leaves tensors alone. */
export function asTensor(op: string, x: Operand, argument: string): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof x === 'number') return scalar(x);
  throw new TypeError(`${op}: argument '${argument}' must be a Tensor or a number, got ${describe(x)}`);
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array (wrap it with tensor())';
  return typeof x;
}
