/**
 * @file What the ops accept as operands: a Tensor, or a plain number that stands for a scalar
 * constant.
 */
import { Tensor, scalar } from '../tensor.js';

/** A tensor or a number (a constant scalar). */
export type Operand = Tensor | number;

// Number operands become scalar constants. Tensors never change, so one constant per value can be
// shared by every op that uses it: `mul(x, 0.5)` in a loop then allocates nothing for the 0.5.
const constants = new Map<number, Tensor>();
const MAX_CONSTANTS = 1024;

function constant(v: number): Tensor {
  // The map cannot tell −0 from 0 (it would hand out a cached 0 for −0, and 1/−0 would be +∞).
  if (Object.is(v, -0)) return scalar(v);
  let t = constants.get(v);
  if (t === undefined) {
    t = scalar(v);
    if (constants.size >= MAX_CONSTANTS) constants.clear();
    constants.set(v, t);
  }
  return t;
}

/** Turns a number into a (shared) scalar constant tensor; leaves tensors alone. */
export function asTensor(op: string, x: Operand, argument: string): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof x === 'number') return constant(x);
  throw new TypeError(`${op}: argument '${argument}' must be a Tensor or a number, got ${describe(x)}`);
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array (wrap it with tensor())';
  return typeof x;
}
