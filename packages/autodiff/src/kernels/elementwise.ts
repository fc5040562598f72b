/**
 * @file Elementwise loops on Float64Array with NumPy broadcasting. No gradients in here: these
 * compute values only, and the ops in ../ops pair them with their derivatives.
 */
import { ShapeError, showShape } from '../errors.js';
import { sigmoidScalar } from './activation.js';

type Shape = readonly number[];

/**
 * The shape two operands broadcast to, by NumPy's rule: align trailing dimensions; each pair must
 * be equal or contain a 1.
 */
export function broadcastShapes(op: string, a: Shape, b: Shape, names = 'a, b'): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
    const db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(
        op,
        names,
        `shapes ${showShape(a)} and ${showShape(b)} do not broadcast (dimension ${i - rank}: ${da} vs ${db})`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Strides of `shape` read as if it had `outShape`'s rank, with 0 on broadcast dimensions. */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const rank = outShape.length;
  const strides = new Array<number>(rank).fill(0);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const o = i + rank - shape.length;
    strides[o] = shape[i] === 1 ? 0 : stride;
    stride *= shape[i];
  }
  return strides;
}

/** out[i] = f(a[i]). */
export function unaryMap(a: Float64Array, f: (x: number) => number): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = f(a[i]);
  return out;
}

/*
 * The activations and their slopes get loops of their own. Through `unaryMap`/`binaryMap` every op
 * calls its function from one shared loop, which the engine cannot inline; for the RNN's σ over all
 * T·B·n states that call cost more than the arithmetic. The loops below do the same float64
 * operations in the same order, so they give the same bits.
 */

/** out[i] = tanh(a[i]) (Math.tanh, as the tanh op has always computed it). */
export function tanhMap(a: Float64Array): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = Math.tanh(a[i]);
  return out;
}

/** out[i] = g[i]·(1 − t[i])(1 + t[i]) for t = tanh(x) and g of the same length: tanh's VJP. */
export function tanhSlopeMap(t: Float64Array, g: Float64Array): Float64Array {
  const out = new Float64Array(t.length);
  for (let i = 0; i < t.length; i++) {
    const y = t[i];
    out[i] = g[i] * (1 - y) * (1 + y);
  }
  return out;
}

/** out[i] = σ(a[i]) by the kernels' `sigmoidScalar`. */
export function sigmoidMap(a: Float64Array): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = sigmoidScalar(a[i]);
  return out;
}

/** out[i] = g[i]·σ(x[i])·σ(−x[i]) for x and g of the same length: sigmoid's VJP. */
export function sigmoidSlopeMap(x: Float64Array, g: Float64Array): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    out[i] = g[i] * sigmoidScalar(v) * sigmoidScalar(-v);
  }
  return out;
}

/** out = f(a, b) elementwise, with `a` and `b` broadcast to `outShape`. */
export function binaryMap(
  a: Float64Array,
  aShape: Shape,
  b: Float64Array,
  bShape: Shape,
  outShape: Shape,
  f: (x: number, y: number) => number,
): Float64Array {
  let size = 1;
  for (const d of outShape) size *= d;
  const out = new Float64Array(size);
  if (a.length === size && b.length === size) {
    for (let i = 0; i < size; i++) out[i] = f(a[i], b[i]);
  } else if (b.length === 1 && a.length === size) {
    const y = b[0];
    for (let i = 0; i < size; i++) out[i] = f(a[i], y);
  } else if (a.length === 1 && b.length === size) {
    const x = a[0];
    for (let i = 0; i < size; i++) out[i] = f(x, b[i]);
  } else {
    broadcastLoop(out, a, broadcastStrides(aShape, outShape), b, broadcastStrides(bShape, outShape), outShape, f);
  }
  return out;
}

function broadcastLoop(
  out: Float64Array,
  a: Float64Array,
  as: number[],
  b: Float64Array,
  bs: number[],
  shape: Shape,
  f: (x: number, y: number) => number,
): void {
  const rank = shape.length;
  const index = new Array<number>(rank).fill(0);
  let ia = 0;
  let ib = 0;
  const last = rank - 1;
  const n = shape[last];
  const sa = as[last];
  const sb = bs[last];
  for (let o = 0; o < out.length; o += n) {
    for (let k = 0, pa = ia, pb = ib; k < n; k++, pa += sa, pb += sb) out[o + k] = f(a[pa], b[pb]);
    // advance the multi-index over all but the last dimension, like an odometer
    for (let d = last - 1; d >= 0; d--) {
      index[d]++;
      ia += as[d];
      ib += bs[d];
      if (index[d] < shape[d]) break;
      ia -= as[d] * shape[d];
      ib -= bs[d] * shape[d];
      index[d] = 0;
    }
  }
}
