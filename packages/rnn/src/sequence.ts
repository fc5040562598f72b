/**
 * @file `rnnSequence`: the whole unrolled recurrence of eq. (2), all T steps, as ONE tape op. The
 * per-step tape (rnnCell + σ, two entries a step) pays a fixed cost per entry and, in backward, a
 * fresh n×n ∂W_rec per step; here the forward is one loop over plain buffers and the backward is
 * backpropagation through time written out, with ∂W_rec, ∂W_in as single products over all T·B
 * (step, example) rows — the same work the hand-written "JS limit" of the bench does.
 *
 * The VJP has two paths with the same first-order values (to rounding):
 *  - fast: when the reverse walk is not itself being recorded (`activeTape() === null`, a
 *    top-level `valueAndGrad`), plain loops returning constant tensors;
 *  - recorded: inside a nested transform (grad of grad, the exact Ω gradient, jvp) the same
 *    recursion composed from differentiable ops, so every order of derivative stays correct.
 */
import {
  ShapeError,
  Tensor,
  activeTape,
  add,
  broadcastTo,
  concat,
  index,
  matmulT,
  mul,
  record,
  reshape,
  sigmoidGrad,
  slice,
  stack,
  tanh,
  tanhGrad,
} from '@tapegrad/autodiff';
import { applyActivation, checkActivation, type Activation } from './cell.js';
import { product, productTransposed, transposedProduct } from './kernels.js';

const NAMES = ['x0', 'W_rec', 'u', 'W_in', 'b', 'offsets'];

/**
 * All states x_1..x_T of eq. (2) from x_0, as one [T, B, n] tensor and one tape entry:
 *   x_t = σ(x_{t−1})·W_recᵀ + u_t·W_inᵀ + b   (rows are examples)
 * `x0` is [B, n] or [1, n] (shared by the batch), `inputs` [T, B, n_in], W_rec [n, n],
 * W_in [n, n_in], b [n]. Differentiable in every argument, to every order. `offsets` [T, B, n]
 * (zeros in value), when given, is added to every x_t, so ∂E/∂offsets = ∂E/∂x_t, the error
 * signals δ_t: how `errorSignals` reads them off the same backward pass.
 *
 * @example
 * const X = rnnSequence(zeros([1, 50]), params.W_rec, inputs, params.W_in, params.b, 'tanh');
 * X.shape; // [T, B, 50]; index(X, T − 1) is x_T
 */
export function rnnSequence(x0: Tensor, W_rec: Tensor, inputs: Tensor, W_in: Tensor, b: Tensor, activation: Activation, offsets?: Tensor): Tensor {
  const sigma = checkActivation('rnnSequence', activation);
  const [T, B, n, nIn] = checkShapes(x0, W_rec, inputs, W_in, b, offsets);
  const { X, H } = forwardStates(sigma, x0.data, x0.shape[0], W_rec.data, inputs.data, W_in.data, b.data, offsets?.data ?? EMPTY, T, B, n, nIn);
  const W = W_rec.data;
  const U = inputs.data;
  const Win = W_in.data;
  const out = new Tensor(X, [T, B, n]);
  const shapes = { T, B, n, nIn, sigma };
  // δ_T = g_T, δ_t = g_t + (δ_{t+1}·W_rec) ⊙ σ'(x_t); ∂x0 = (δ_1·W_rec) ⊙ σ'(x_0),
  // ∂W_rec = Σ_t δ_tᵀ·σ(x_{t−1}), ∂u_t = δ_t·W_in, ∂W_in = Σ_t δ_tᵀ·u_t, ∂b = Σ_t δ_t (rows summed),
  // ∂offsets_t = δ_t
  const args = offsets === undefined ? [x0, W_rec, inputs, W_in, b] : [x0, W_rec, inputs, W_in, b, offsets];
  return record(out, 'rnnSequence', args, NAMES, (g, needs) =>
    activeTape() === null
      ? fastVjp(g.data, needs, shapes, X, H, x0, W, U, Win)
      : recordedVjp(g, needs, shapes, out, x0, W_rec, inputs, W_in),
  );
}

const EMPTY = new Float64Array(0);

/*
 * The loops over steps live in functions of their own, with nothing after them: V8 optimizes a
 * long-running loop on the spot (on-stack replacement), and code after it that had not run yet
 * would bail out of that optimized code on every call.
 */

/** x_1..x_T (X, [T·B, n]) and h_0..h_T = σ(x_t) (H, h_0 repeated on every row) on plain buffers. */
function forwardStates(
  sigma: Activation,
  x0: Float64Array,
  rows0: number,
  W: Float64Array,
  U: Float64Array,
  Win: Float64Array,
  bias: Float64Array,
  offsets: Float64Array,
  T: number,
  B: number,
  n: number,
  nIn: number,
): { X: Float64Array; H: Float64Array } {
  const step = B * n;
  const H = new Float64Array((T + 1) * step);
  for (let r = 0; r < B; r++) activateInto(sigma, x0, (rows0 === 1 ? 0 : r) * n, H, r * n, n);
  const X = new Float64Array(T * step);
  for (let t = 0; t < T; t++) {
    const o = t * step;
    productTransposed(H, o, W, X, o, B, n, n);
    addBiasAndInputs(X, o, bias, U, Win, t * B, B, n, nIn);
    addRange(X, offsets, o, offsets.length === 0 ? 0 : step);
    activateInto(sigma, X, o, H, o + step, step);
  }
  return { X, H };
}

/** Adds b and u·W_inᵀ to the B rows of X from offset o; `u0` is the first input row. */
function addBiasAndInputs(X: Float64Array, o: number, bias: Float64Array, U: Float64Array, Win: Float64Array, u0: number, B: number, n: number, nIn: number): void {
  for (let r = 0; r < B; r++) {
    const row = o + r * n;
    const uo = (u0 + r) * nIn;
    for (let i = 0; i < n; i++) X[row + i] += bias[i];
    // one-hot inputs are mostly zeros: skip them rather than multiply
    for (let j = 0; j < nIn; j++) {
      const uj = U[uo + j];
      if (uj === 0) continue;
      for (let i = 0; i < n; i++) X[row + i] += uj * Win[i * nIn + j];
    }
  }
}

/** X[o + k] += add[o + k] for k < len. */
function addRange(X: Float64Array, add: Float64Array, o: number, len: number): void {
  for (let k = o; k < o + len; k++) X[k] += add[k];
}

interface Sizes {
  T: number;
  B: number;
  n: number;
  nIn: number;
  sigma: Activation;
}

/** Backpropagation through time on plain buffers; every result is a constant tensor. */
function fastVjp(g: Float64Array, needs: readonly boolean[], s: Sizes, X: Float64Array, H: Float64Array, x0: Tensor, W: Float64Array, U: Float64Array, Win: Float64Array): (Tensor | null)[] {
  const { T, B, n, nIn, sigma } = s;
  const step = B * n;
  const rows = T * B;
  const D = new Float64Array(rows * n); // δ_1..δ_T, [T·B, n]
  const dh = new Float64Array(step); // δ_{t+1}·W_rec = ∂E/∂σ(x_t) through the recurrence
  backThroughTime(sigma, g, X, H, W, D, dh, T, B, n, needs[0]);
  let dx0: Tensor | null = null;
  if (needs[0]) {
    const rows0 = x0.shape[0];
    const d = new Float64Array(step);
    // x_0 has no entry in X: its σ'(x_0) is read from x0 itself, h_0 from H's first step
    const x0Rows = new Float64Array(step);
    for (let r = 0; r < B; r++) x0Rows.set(x0.data.subarray((rows0 === 1 ? 0 : r) * n, (rows0 === 1 ? 1 : r + 1) * n), r * n);
    backThroughActivation(sigma, x0Rows, H, 0, 0, dh, null, d, step);
    dx0 = new Tensor(rows0 === 1 ? sumRows(d, B, n) : d, [rows0, n]);
  }
  let du: Tensor | null = null;
  if (needs[2]) {
    const out = new Float64Array(rows * nIn);
    product(D, 0, Win, out, 0, rows, n, nIn);
    du = new Tensor(out, [T, B, nIn]);
  }
  return [
    dx0,
    needs[1] ? new Tensor(transposedProduct(D, n, H, n, rows), [n, n]) : null, // H's first T·B rows are h_0..h_{T−1}
    du,
    needs[3] ? new Tensor(inputWeightGradient(D, U, rows, n, nIn), [n, nIn]) : null,
    needs[4] ? new Tensor(sumRows(D, rows, n), [n]) : null,
    needs[5] ? new Tensor(D, [T, B, n]) : null,
  ];
}

/** δ_t into D for t = T..1, and dh = δ_1·W_rec at the end when x_0 needs its gradient. */
function backThroughTime(sigma: Activation, g: Float64Array, X: Float64Array, H: Float64Array, W: Float64Array, D: Float64Array, dh: Float64Array, T: number, B: number, n: number, needsX0: boolean): void {
  const step = B * n;
  D.set(g.subarray((T - 1) * step, T * step), (T - 1) * step);
  for (let t = T - 1; t >= 0; t--) {
    const o = t * step;
    if (t < T - 1) backThroughActivation(sigma, X, H, o, o + step, dh, g, D, step);
    if (t > 0 || needsX0) product(D, o, W, dh, 0, B, n, n);
  }
}

/** The same recursion from differentiable ops, recorded on the active tape (higher order). */
function recordedVjp(g: Tensor, needs: readonly boolean[], s: Sizes, out: Tensor, x0: Tensor, W_rec: Tensor, inputs: Tensor, W_in: Tensor): (Tensor | null)[] {
  const { T, B, n, nIn, sigma } = s;
  const deltas: Tensor[] = new Array(T);
  let delta = index(g, T - 1);
  deltas[T - 1] = delta;
  for (let t = T - 2; t >= 0; t--) {
    delta = add(index(g, t), activationVjp(sigma, index(out, t), matmulT(delta, W_rec, false, false)));
    deltas[t] = delta;
  }
  const stacked = stack(deltas);
  const D = reshape(stacked, [T * B, n]);
  let dW_rec: Tensor | null = null;
  if (needs[1]) {
    const h0 = applyActivation(sigma, x0);
    const parts = [reshape(x0.shape[0] === B ? h0 : broadcastTo(h0, [B, n]), [1, B, n])];
    if (T > 1) parts.push(applyActivation(sigma, slice(out, [0], [T - 1])));
    dW_rec = matmulT(D, reshape(concat(parts, 0), [T * B, n]), true, false);
  }
  return [
    needs[0] ? activationVjp(sigma, x0, matmulT(deltas[0], W_rec, false, false)) : null, // [B, n]; the tape sums a [1, n] x0's rows
    dW_rec,
    needs[2] ? reshape(matmulT(D, W_in, false, false), [T, B, nIn]) : null,
    needs[3] ? matmulT(D, reshape(inputs, [T * B, nIn]), true, false) : null,
    needs[4] ? D : null, // [T·B, n]; the tape sums it to b's [n]
    needs[5] ? stacked : null,
  ];
}

/** v ⊙ σ'(x) as differentiable ops (relu's 0/1 mask is a constant: its derivative is 0 a.e.). */
function activationVjp(sigma: Activation, x: Tensor, v: Tensor): Tensor {
  switch (sigma) {
    case 'tanh':
      return tanhGrad(tanh(x), v);
    case 'sigmoid':
      return sigmoidGrad(x, v);
    case 'relu': {
      const mask = new Float64Array(x.size);
      for (let k = 0; k < mask.length; k++) mask[k] = x.data[k] > 0 ? 1 : 0;
      return mul(v, new Tensor(mask, x.shape));
    }
    case 'identity':
      return v;
  }
}

/** dst[do + k] = σ(src[so + k]) for k < len. */
function activateInto(sigma: Activation, src: Float64Array, so: number, dst: Float64Array, d0: number, len: number): void {
  switch (sigma) {
    case 'tanh':
      for (let k = 0; k < len; k++) dst[d0 + k] = Math.tanh(src[so + k]);
      return;
    case 'sigmoid':
      for (let k = 0; k < len; k++) dst[d0 + k] = logistic(src[so + k]);
      return;
    case 'relu':
      for (let k = 0; k < len; k++) dst[d0 + k] = src[so + k] > 0 ? src[so + k] : 0;
      return;
    case 'identity':
      for (let k = 0; k < len; k++) dst[d0 + k] = src[so + k];
  }
}

/**
 * D[xo + k] = (g[xo + k] or 0) + dh[k]·σ'(x[xo + k]) for k < len, σ' from x or from h = σ(x) at
 * H[ho + k], in the forms the autodiff ops use: tanh (1 − h)(1 + h), sigmoid σ(x)·σ(−x).
 */
function backThroughActivation(sigma: Activation, x: Float64Array, H: Float64Array, xo: number, ho: number, dh: Float64Array, g: Float64Array | null, D: Float64Array, len: number): void {
  for (let k = 0; k < len; k++) {
    const h = H[ho + k];
    const v = x[xo + k];
    const slope = sigma === 'tanh' ? (1 - h) * (1 + h) : sigma === 'sigmoid' ? h * logistic(-v) : sigma === 'relu' ? (v > 0 ? 1 : 0) : 1;
    D[xo + k] = (g === null ? 0 : g[xo + k]) + dh[k] * slope;
  }
}

/** 1 / (1 + e^(−v)) without overflow, as autodiff's sigmoid computes it. */
function logistic(v: number): number {
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
}

/**
 * ∂W_in = Dᵀ·U over all rows, skipping zero inputs: one-hot inputs (the paper's tasks) have one
 * non-zero per row, so this costs rows·n instead of the dense product's rows·n·n_in.
 */
function inputWeightGradient(D: Float64Array, U: Float64Array, rows: number, n: number, nIn: number): Float64Array {
  const out = new Float64Array(n * nIn);
  for (let p = 0; p < rows; p++) {
    for (let j = 0; j < nIn; j++) {
      const u = U[p * nIn + j];
      if (u === 0) continue;
      for (let i = 0; i < n; i++) out[i * nIn + j] += D[p * n + i] * u;
    }
  }
  return out;
}

/** The column sums of a [rows, n] buffer. */
function sumRows(a: Float64Array, rows: number, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let p = 0; p < rows; p++) for (let i = 0; i < n; i++) out[i] += a[p * n + i];
  return out;
}

const shapeText = (t: unknown): string => (t instanceof Tensor ? `[${t.shape.join(', ')}]` : typeof t);

/** Checks the arguments fit eq. (2) and returns [T, B, n, n_in]. */
function checkShapes(x0: Tensor, W_rec: Tensor, inputs: Tensor, W_in: Tensor, b: Tensor, offsets: Tensor | undefined): [number, number, number, number] {
  const op = 'rnnSequence';
  if (!(W_rec instanceof Tensor) || W_rec.rank !== 2 || W_rec.shape[0] !== W_rec.shape[1] || W_rec.shape[0] < 1) {
    throw new ShapeError(op, 'W_rec', `must be a square [n, n] tensor with n ≥ 1, got ${shapeText(W_rec)}`);
  }
  const n = W_rec.shape[0];
  if (!(inputs instanceof Tensor) || inputs.rank !== 3 || inputs.shape[0] < 1 || inputs.shape[1] < 1) {
    throw new ShapeError(op, 'inputs', `must have shape [T ≥ 1, B ≥ 1, n_in], got ${shapeText(inputs)}`);
  }
  const [T, B, nIn] = inputs.shape;
  if (!(W_in instanceof Tensor) || W_in.rank !== 2 || W_in.shape[0] !== n || W_in.shape[1] !== nIn) {
    throw new ShapeError(op, 'W_in', `must have shape [${n}, ${nIn}] (n of W_rec, n_in of inputs), got ${shapeText(W_in)}`);
  }
  if (!(b instanceof Tensor) || b.rank !== 1 || b.shape[0] !== n) throw new ShapeError(op, 'b', `must have shape [${n}], got ${shapeText(b)}`);
  if (!(x0 instanceof Tensor) || x0.rank !== 2 || (x0.shape[0] !== 1 && x0.shape[0] !== B) || x0.shape[1] !== n) {
    throw new ShapeError(op, 'x0', `must have shape [${B}, ${n}] or [1, ${n}], got ${shapeText(x0)}`);
  }
  if (offsets !== undefined && (!(offsets instanceof Tensor) || offsets.rank !== 3 || offsets.shape[0] !== T || offsets.shape[1] !== B || offsets.shape[2] !== n)) {
    throw new ShapeError(op, 'offsets', `must have shape [${T}, ${B}, ${n}] (T, B of inputs, n of W_rec), got ${shapeText(offsets)}`);
  }
  return [T, B, n, nIn];
}
