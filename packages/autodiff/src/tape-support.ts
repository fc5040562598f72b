/**
 * @file What the tape's reverse walk (tape.ts) needs that holds no state: the seed gradient of an
 * output, shape comparisons, the accumulation of gradients and the anomaly mode's finiteness check.
 */
import { AnomalyError, ShapeError, TapeError, showShape } from './errors.js';
import { Tensor, fromData } from './tensor.js';

/** The gradient the walk starts from: 1 for a one-element output, else the caller's, shape-checked. */
export function seedFor(out: Tensor, seed: Tensor | undefined): Tensor {
  if (seed === undefined) {
    if (out.size !== 1) {
      throw new TapeError(
        'gradient',
        `the output has shape ${showShape(out.shape)}; only a one-element output has an implied gradient of 1, so pass a gradient for the output (vjp) or reduce it (sum, mean)`,
      );
    }
    return fromData(new Float64Array([1]), out.shape);
  }
  if (!sameShape(seed.shape, out.shape)) {
    throw new ShapeError(
      'gradient',
      'seed',
      `the gradient given for the output has shape ${showShape(seed.shape)}, which does not match the output's shape ${showShape(out.shape)}`,
    );
  }
  return seed;
}

/** `target += g`, elementwise. */
export function addInto(target: Float64Array, g: Float64Array): void {
  for (let k = 0; k < target.length; k++) target[k] += g[k];
}

/** A fresh `a + b`. */
export function sumOf(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length);
  for (let k = 0; k < a.length; k++) out[k] = a[k] + b[k];
  return out;
}

/** Zeros of `x`'s shape. */
export function zerosLike(x: Tensor): Tensor {
  return fromData(new Float64Array(x.size), x.shape);
}

/** @internal Whether two shapes are equal, axis by axis. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Whether an array of shape `from` broadcasts to shape `to` (trailing axes aligned). */
export function broadcastsTo(from: readonly number[], to: readonly number[]): boolean {
  if (from.length > to.length) return false;
  const offset = to.length - from.length;
  for (let i = 0; i < from.length; i++) if (from[i] !== 1 && from[i] !== to[offset + i]) return false;
  return true;
}

/** Throws an AnomalyError naming the op and the first non-finite value of `x`. */
export function checkFinite(x: Tensor, op: string, index: number, where: string, what: string): void {
  const d = x.data;
  for (let k = 0; k < d.length; k++) {
    if (!Number.isFinite(d[k])) {
      throw new AnomalyError(op, index, where, `${what} has ${d[k]} at flat index ${k} (shape ${showShape(x.shape)})`);
    }
  }
}
