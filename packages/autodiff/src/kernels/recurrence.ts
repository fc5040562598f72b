/**
 * @file The recurrence x_t = W·σ(x_{t−1}) + W_in·u_t + b (+ offset_t) of an Elman RNN over all T
 * steps, and backpropagation through time, on Float64Array: the numeric core of @tapegrad/rnn's
 * fused sequence op. Rows are examples, so a step is X_t = H_{t−1}·Wᵀ + U_t·W_inᵀ + b with
 * H_t = σ(X_t), each [B, n]. Backward, with g_t = ∂E/∂x_t from outside the recurrence:
 *   δ_T = g_T,  δ_t = g_t + (δ_{t+1}·W) ⊙ σ'(x_t),  ∂x_0 = (δ_1·W) ⊙ σ'(x_0),
 *   ∂W = Σ_t δ_tᵀ·h_{t−1},  ∂u_t = δ_t·W_in,  ∂W_in = Σ_t δ_tᵀ·u_t,  ∂b = Σ_t δ_t (rows summed).
 *
 * Each has a JavaScript body here and a WebAssembly one (assembly/recurrence.ts) that runs the
 * whole forward, and the whole backward, as single calls on data resident in wasm memory, with the
 * same operations per element in the same order: the same bits.
 */
import { activeWasm } from './backend.js';
import { ACTIVATION_CODES, SLOPE_NEEDS_X, activateInto, activationSlope, type KernelActivation } from './activation.js';
import { gemmJs } from './matmul.js';
import type { WasmKernels } from './wasm.js';

/** The sizes of a recurrence: T steps of B rows (examples), n units, n_in inputs, and σ. */
export interface RecurrenceSizes {
  T: number;
  B: number;
  n: number;
  nIn: number;
  activation: KernelActivation;
}

/** The inputs of the forward recurrence. */
export interface RecurrenceInputs extends RecurrenceSizes {
  /** x_0: one row [n] shared by every example (x0Rows 1), or B rows. */
  x0: Float64Array;
  x0Rows: number;
  /** W [n, n] (x_t gets W·σ(x_{t−1})), W_in [n, n_in], b [n]. */
  W: Float64Array;
  Win: Float64Array;
  b: Float64Array;
  /** u_1..u_T, [T·B, n_in]. */
  U: Float64Array;
  /** Added to every x_t when given, [T·B, n] (skipped, on both paths, when all zero). */
  offsets?: Float64Array;
}

/**
 * x_1..x_T as X [T·B, n], and h_0..h_T = σ(x_t) as H [(T + 1)·B, n] (h_0 on every row). The
 * WebAssembly path leaves H in wasm memory for the backward pass (H null here) rather than copying
 * 2·T·B·n values out and in; a backward pass that finds it gone recomputes it from X, to the same bits.
 */
export interface RecurrenceStates {
  X: Float64Array;
  H: Float64Array | null;
}

/** Which gradients the backward pass computes (δ_1..δ_T always). */
export interface RecurrenceNeeds {
  x0: boolean;
  W: boolean;
  U: boolean;
  Win: boolean;
  b: boolean;
  /** δ_1..δ_T themselves (the gradient of an offset added to every x_t). */
  D: boolean;
}

/** The gradients and δ_1..δ_T as D [T·B, n], each null where not needed. */
export interface RecurrenceGrads {
  D: Float64Array | null;
  x0: Float64Array | null;
  W: Float64Array | null;
  U: Float64Array | null;
  Win: Float64Array | null;
  b: Float64Array | null;
}

/**
 * All states of the recurrence.
 *
 * @example
 * const { X, H } = recurrenceForward({ T: 2, B: 1, n: 1, nIn: 1, activation: 'identity', x0: Float64Array.of(0), x0Rows: 1,
 *   W: Float64Array.of(2), Win: Float64Array.of(1), b: Float64Array.of(0), U: Float64Array.of(1, 1) });
 * X; // [1, 3]: x_1 = 2·0 + 1, x_2 = 2·1 + 1
 */
export function recurrenceForward(p: RecurrenceInputs): RecurrenceStates {
  const w = activeWasm();
  return w === null ? forwardJs(p) : forwardWasm(w, p);
}

/**
 * Backpropagation through time over the states of {@link recurrenceForward}, given g_t = ∂E/∂x_t
 * from outside the recurrence ([T·B, n]).
 *
 * @example
 * const states = recurrenceForward(inputs);
 * const grads = recurrenceBackward(inputs, states, g, { x0: false, W: true, U: false, Win: true, b: true, D: false });
 * grads.W; // ∂E/∂W, [n·n]
 */
export function recurrenceBackward(p: RecurrenceInputs, states: RecurrenceStates, g: Float64Array, needs: RecurrenceNeeds): RecurrenceGrads {
  const w = activeWasm();
  return w === null ? backwardJs(p, states, g, needs) : backwardWasm(w, p, states, g, needs);
}

/**
 * The JavaScript body of {@link recurrenceForward}: the reference of the WebAssembly one.
 *
 * @example
 * forwardJs(inputs).X; // the same bits as recurrenceForward(inputs).X
 */
export function forwardJs(p: RecurrenceInputs): RecurrenceStates {
  const { T, B, n, activation } = p;
  const step = B * n;
  const H = new Float64Array((T + 1) * step);
  for (let r = 0; r < B; r++) activateInto(activation, p.x0, (p.x0Rows === 1 ? 0 : r) * n, H, r * n, n);
  const X = new Float64Array(T * step);
  const offsets = nonZero(p.offsets);
  for (let t = 0; t < T; t++) {
    const o = t * step;
    gemmJs({ m: B, n, k: n, a: H, aOffset: o, b: p.W, transB: true, c: X, cOffset: o });
    addBiasAndInputs(X, o, p, t * B);
    if (offsets !== null) for (let k = o; k < o + step; k++) X[k] += offsets[k];
    activateInto(activation, X, o, H, o + step, step);
  }
  return { X, H };
}

/** The offsets, or null when there are none or all are zero (error-signal taps): adding them would change nothing but −0. */
function nonZero(offsets: Float64Array | undefined): Float64Array | null {
  if (offsets === undefined) return null;
  for (let k = 0; k < offsets.length; k++) if (offsets[k] !== 0) return offsets;
  return null;
}

/** Adds b and u·W_inᵀ (zero inputs skipped: one-hot rows cost n, not n·n_in) to the B rows of X from o. */
function addBiasAndInputs(X: Float64Array, o: number, p: RecurrenceInputs, u0: number): void {
  const { B, n, nIn, U, Win, b } = p;
  for (let r = 0; r < B; r++) {
    const row = o + r * n;
    const uo = (u0 + r) * nIn;
    for (let i = 0; i < n; i++) X[row + i] += b[i];
    for (let j = 0; j < nIn; j++) {
      const uj = U[uo + j];
      if (uj === 0) continue;
      for (let i = 0; i < n; i++) X[row + i] += uj * Win[i * nIn + j];
    }
  }
}

/** H = σ of x_0's rows and of X, as the forward pass made it. */
function hiddenStates(p: RecurrenceInputs, X: Float64Array): Float64Array {
  const step = p.B * p.n;
  const H = new Float64Array(X.length + step);
  for (let r = 0; r < p.B; r++) activateInto(p.activation, p.x0, (p.x0Rows === 1 ? 0 : r) * p.n, H, r * p.n, p.n);
  activateInto(p.activation, X, 0, H, step, X.length);
  return H;
}

/**
 * The JavaScript body of {@link recurrenceBackward}: the reference of the WebAssembly one.
 *
 * @example
 * backwardJs(inputs, states, g, needs).W; // the same bits as recurrenceBackward(inputs, states, g, needs).W
 */
export function backwardJs(p: RecurrenceInputs, states: RecurrenceStates, g: Float64Array, needs: RecurrenceNeeds): RecurrenceGrads {
  const { T, B, n, nIn, activation: sigma, W } = p;
  const X = states.X;
  const H = states.H ?? hiddenStates(p, X);
  const step = B * n;
  const rows = T * B;
  const D = new Float64Array(rows * n);
  const dh = new Float64Array(step); // δ_{t+1}·W: ∂E/∂σ(x_t) through the recurrence
  D.set(g.subarray((T - 1) * step, T * step), (T - 1) * step);
  for (let t = T - 1; t >= 0; t--) {
    const o = t * step;
    if (t < T - 1) for (let k = 0; k < step; k++) D[o + k] = g[o + k] + dh[k] * activationSlope(sigma, X[o + k], H[o + step + k]);
    if (t > 0 || needs.x0) gemmJs({ m: B, n, k: n, a: D, aOffset: o, b: W, c: dh });
  }
  let x0: Float64Array | null = null;
  if (needs.x0) {
    const x0Rows = expandRows(p.x0, p.x0Rows, B, n);
    const d = new Float64Array(step);
    for (let k = 0; k < step; k++) d[k] = 0 + dh[k] * activationSlope(sigma, x0Rows[k], H[k]);
    x0 = p.x0Rows === 1 ? sumRows(d, B, n) : d;
  }
  const product = (transA: boolean, m: number, cols: number, k: number, a: Float64Array, b: Float64Array) => {
    const c = new Float64Array(m * cols);
    gemmJs({ m, n: cols, k, a, b, c, transA });
    return c;
  };
  return {
    D: needs.D ? D : null,
    x0,
    W: needs.W ? product(true, n, n, rows, D, H) : null, // H's first T·B rows are h_0..h_{T−1}
    U: needs.U ? product(false, rows, nIn, n, D, p.Win) : null,
    Win: needs.Win ? inputWeightGradient(D, p.U, rows, n, nIn) : null,
    b: needs.b ? sumRows(D, rows, n) : null,
  };
}

/** x_0's rows for all B examples (a shared row repeated). */
function expandRows(x0: Float64Array, x0Rows: number, B: number, n: number): Float64Array {
  if (x0Rows === B) return x0;
  const out = new Float64Array(B * n);
  for (let r = 0; r < B; r++) out.set(x0.subarray(0, n), r * n);
  return out;
}

/** The column sums of a [rows, n] buffer, rows in order from 0. */
function sumRows(a: Float64Array, rows: number, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let p = 0; p < rows; p++) for (let i = 0; i < n; i++) out[i] += a[p * n + i];
  return out;
}

/** ∂W_in = Dᵀ·U over all rows in order, zero inputs skipped. */
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

/** The forward recurrence as one wasm call, inputs copied in and X, H copied out. */
function forwardWasm(w: WasmKernels, p: RecurrenceInputs): RecurrenceStates {
  const { T, B, n, nIn } = p;
  const step = B * n;
  const slivers = Math.ceil(n / 8);
  const given = nonZero(p.offsets);
  const off = given !== null;
  w.release();
  // H first: it stays there for the backward pass
  const [H, x0, W, U, Win, WinT, b, offsets, X, packed, tile] = w.layout(
    (T + 1) * step, p.x0Rows * n, n * n, T * B * nIn, n * nIn, n * nIn, n, off ? T * step : 0, T * step, slivers * n * 8, 8,
  );
  w.put(x0, p.x0);
  w.put(W, p.W);
  w.put(U, p.U);
  w.put(Win, p.Win);
  w.put(b, p.b);
  if (off) w.put(offsets, given);
  const e = w.exports;
  e.transpose(Win, n, nIn, WinT);
  e.recurrenceForward(T, B, n, nIn, ACTIVATION_CODES[p.activation], x0, p.x0Rows, W, U, WinT, b, off ? offsets : 0, X, H, packed, tile);
  const states: RecurrenceStates = { X: w.slice(X, T * step), H: null };
  w.keep(states, (T + 1) * step);
  return states;
}

/**
 * What a backward pass on the WebAssembly path leaves in wasm memory when δ was asked for:
 * h_0..h_T at `H` and every δ_{t+1}·W at `DW`, both rows of [T·B, n] in step order, for
 * the closed-form Ω over the same δ and states, which would multiply them out again. It stays until
 * the next forward pass; {@link residueFor} says whether Ω's inputs are exactly these.
 *
 * @example
 * recurrenceBackward(inputs, states, g, { ...needs, D: true }); // leaves a RecurrenceResidue kept in wasm memory
 */
export class RecurrenceResidue {
  constructor(
    readonly inputs: RecurrenceInputs,
    readonly X: Float64Array,
    readonly D: Float64Array,
    readonly H: number,
    readonly DW: number,
  ) {}
}

/**
 * The residue of the last backward pass when `deltas` are its δ_1..δ_T and `states` its x_0..x_{T−1}
 * (as views of the same arrays, x_0's values equal), for the same W and activation; else null.
 *
 * @example
 * residueFor(w, W, 'tanh', deltas, states)?.DW; // the address of δ·W's rows, or undefined
 */
export function residueFor(
  w: WasmKernels,
  W: Float64Array,
  activation: KernelActivation,
  deltas: readonly Float64Array[],
  states: readonly Float64Array[],
): RecurrenceResidue | null {
  const r = w.keeperNow();
  if (!(r instanceof RecurrenceResidue) || r.inputs.W !== W || r.inputs.activation !== activation) return null;
  const { T, B, n, x0, x0Rows } = r.inputs;
  const step = B * n;
  if (deltas.length !== T || states.length !== T) return null;
  // step t of `of`, as a view (the same buffer, the offset of that step)
  const viewOf = (v: Float64Array, of: Float64Array, t: number) =>
    v.buffer === of.buffer && v.length === step && v.byteOffset === of.byteOffset + t * step * 8;
  for (let t = 0; t < T; t++) {
    if (!viewOf(deltas[t], r.D, t)) return null;
    if (t > 0 && !viewOf(states[t], r.X, t - 1)) return null;
  }
  if (states[0].length !== step) return null;
  for (let k = 0; k < step; k++) if (!Object.is(states[0][k], x0[x0Rows === 1 ? k % n : k])) return null;
  return r;
}

/** Backpropagation through time as wasm calls on data copied in once; the gradients copied out. */
function backwardWasm(w: WasmKernels, p: RecurrenceInputs, states: RecurrenceStates, gOut: Float64Array, needs: RecurrenceNeeds): RecurrenceGrads {
  const { T, B, n, nIn } = p;
  const act = ACTIVATION_CODES[p.activation];
  const step = B * n;
  const rows = T * B;
  const resident = w.keptFor(states);
  // X is read for the slopes of relu and sigmoid, and to recompute H when it is no longer resident
  const needX = SLOPE_NEEDS_X[p.activation] || resident === null;
  // with H resident and δ wanted, keep every δ_{t+1}·W beside H for a closed-form Ω (see RecurrenceResidue)
  const leave = resident !== null && needs.D;
  // DW first (right after H), dU and dW last: a product lays its packing space out after its output
  const [DW, g, X, Hcopy, W, D, dh, x0, d0, db, dWinT, dWin, U, Win, packed, tile, dU, dW] = w.layout(
    leave ? rows * n : 0, rows * n, needX ? rows * n : 0, resident === null ? (T + 1) * step : 0, n * n, rows * n, step, step, step, n,
    n * nIn, n * nIn, rows * nIn, n * nIn, Math.ceil(n / 8) * n * 8, 8, rows * nIn, n * n,
  );
  const e = w.exports;
  if (needX) w.put(X, states.X);
  for (let r = 0; r < B; r++) w.put(x0 + r * n * 8, p.x0, p.x0Rows === 1 ? 0 : r * n, n);
  const H = resident ?? Hcopy;
  if (resident === null) {
    e.activate(act, x0, H, step);
    e.activate(act, X, H + step * 8, rows * n);
  }
  w.put(g, gOut);
  w.put(W, p.W);
  e.recurrenceBackward(T, B, n, act, g, needX ? X : H, H, W, D, dh, needs.x0 ? 1 : 0, leave ? DW : 0, packed, tile);
  const out: RecurrenceGrads = { D: needs.D ? w.slice(D, rows * n) : null, x0: null, W: null, U: null, Win: null, b: null };
  if (needs.x0) {
    e.initialStateGradient(act, x0, H, leave ? DW : dh, d0, step);
    if (p.x0Rows === 1) e.sumRows(d0, B, n, db);
    out.x0 = w.slice(p.x0Rows === 1 ? db : d0, p.x0Rows * n);
  }
  if (needs.b) {
    e.sumRows(D, rows, n, db);
    out.b = w.slice(db, n);
  }
  if (needs.Win) {
    w.put(U, p.U);
    e.inputWeightGradient(D, U, rows, n, nIn, dWinT);
    e.transpose(dWinT, nIn, n, dWin);
    out.Win = w.slice(dWin, n * nIn);
  }
  if (needs.U) {
    w.put(Win, p.Win);
    w.gemm(false, false, rows, nIn, n, D, Win, dU);
    out.U = w.slice(dU, rows * nIn);
  }
  if (needs.W) {
    w.gemm(true, false, n, n, rows, D, H, dW); // H's first T·B rows are h_0..h_{T−1}
    out.W = w.slice(dW, n * n);
  }
  if (leave) w.keep(new RecurrenceResidue(p, states.X, out.D!, H, DW), (DW - H) / 8 + rows * n);
  else if (resident !== null) w.release();
  return out;
}
