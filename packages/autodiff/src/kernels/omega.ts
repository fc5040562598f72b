/**
 * @file Ω of the Elman recurrence x_{k+1} = W·σ(x_k) + ... in closed form (Pascanu et al. 2013,
 * eq. 15 and the paper's own squared form), and its immediate gradient with respect to W, over
 * rows of (δ = ∂E/∂x_{k+1}, x_k) pairs. @tapegrad/rnn's paperOmega derives the formulas:
 *   v = (δ·W) ⊙ σ'(x_k),  z = v ⊙ σ'(x_k),  ∂‖v‖²/∂W = 2·δᵀz,
 *   paper form  (r − 1)², r = ‖v‖²/‖δ‖²:  coef = 4(r − 1)/‖δ‖²,
 *   summary form (ρ − 1)², ρ = ‖v‖/‖δ‖:   coef = 2(ρ − 1)/(‖δ‖‖v‖)  (0 where ‖v‖ = 0),
 *   G = Σ_p coef_p·δ_pᵀ·z_p, over the rows with ‖δ‖² ≥ minDeltaSquared (the original code's 1e-20).
 * A JavaScript body and a WebAssembly one (assembly/omega.ts) with the same operations in the same
 * order: the same bits. Squared norms are summed as two interleaved partial sums ({@link dot2}).
 */
import { activeWasm } from './backend.js';
import { ACTIVATION_CODES, SLOPE_NEEDS_X, activateInto, activationSlope, type KernelActivation } from './activation.js';
import { gemmJs } from './matmul.js';
import { residueFor } from './recurrence.js';
import type { WasmKernels } from './wasm.js';

/** The rows Ω is taken over, and how. */
export interface OmegaRowsInput {
  /** Units n, and W [n, n]. */
  n: number;
  W: Float64Array;
  activation: KernelActivation;
  /** 'paper': squared ratios; 'summary': eq. 15's plain ratios. */
  form: 'paper' | 'summary';
  /** Also the gradient G; false: the value only. */
  gradient: boolean;
  /** Rows with ‖δ‖² below this carry no error signal and are left out (NaN norms too). */
  minDeltaSquared: number;
  /** δ rows and the matching x_k rows, as blocks of whole rows [rows_i, n] (one block per step, say). */
  deltas: readonly Float64Array[];
  states: readonly Float64Array[];
}

/** Σ of the terms over the valid rows, their count, and G = Σ coef·δᵀz [n, n] (null without gradient). */
export interface OmegaRowsResult {
  total: number;
  pairs: number;
  G: Float64Array | null;
}

/**
 * Ω's terms summed over the valid rows, and their gradient with respect to W summed likewise
 * (divide both by `pairs` for the paper's mean).
 *
 * @example
 * const r = omegaRows({ n: 50, W, activation: 'tanh', form: 'paper', gradient: true, deltas, states });
 * r.total / r.pairs; // Ω, paper form
 */
export function omegaRows(p: OmegaRowsInput): OmegaRowsResult {
  const w = activeWasm();
  return w === null ? omegaRowsJs(p) : omegaRowsWasm(w, p);
}

/**
 * Σ x[xo + i]·y[yo + i] for i < n as two interleaved partial sums, even and odd i, each in order
 * (an odd n's last term on the even one), then even + odd: how both paths sum squared norms.
 *
 * @example
 * dot2(Float64Array.of(1, 2, 3), 0, Float64Array.of(1, 2, 3), 0, 3); // (1 + 9) + 4 = 14
 */
export function dot2(x: Float64Array, xo: number, y: Float64Array, yo: number, n: number): number {
  let even = 0;
  let odd = 0;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    even += x[xo + i] * y[yo + i];
    odd += x[xo + i + 1] * y[yo + i + 1];
  }
  if (i < n) even += x[xo + i] * y[yo + i];
  return even + odd;
}

/**
 * The JavaScript body of {@link omegaRows}: the reference of the WebAssembly one.
 *
 * @example
 * omegaRowsJs(input).total === omegaRows(input).total; // true, bit for bit
 */
export function omegaRowsJs(p: OmegaRowsInput): OmegaRowsResult {
  const { n, activation } = p;
  const rows = p.deltas.reduce((s, d) => s + d.length / n, 0);
  const D = new Float64Array(rows * n);
  const X = new Float64Array(rows * n);
  const norms = new Float64Array(rows);
  let pairs = 0;
  for (let block = 0; block < p.deltas.length; block++) {
    const d = p.deltas[block];
    const x = p.states[block];
    for (let r = 0; r < d.length / n; r++) {
      const d2 = dot2(d, r * n, d, r * n, n);
      // a NaN norm fails the test too, as in the generic Ω's mask
      if (!(d2 >= p.minDeltaSquared)) continue;
      D.set(d.subarray(r * n, (r + 1) * n), pairs * n);
      X.set(x.subarray(r * n, (r + 1) * n), pairs * n);
      norms[pairs++] = d2;
    }
  }
  const S = new Float64Array(pairs * n);
  activateInto(activation, X, 0, S, 0, pairs * n);
  for (let i = 0; i < pairs * n; i++) S[i] = activationSlope(activation, X[i], S[i]);
  const Z = new Float64Array(pairs * n);
  gemmJs({ m: pairs, n, k: n, a: D, b: p.W, c: Z });
  let total = 0;
  for (let q = 0; q < pairs; q++) {
    const o = q * n;
    for (let j = 0; j < n; j++) Z[o + j] *= S[o + j];
    const v2 = dot2(Z, o, Z, o, n);
    for (let j = 0; j < n; j++) Z[o + j] *= S[o + j];
    const term = coefficient(p.form, v2, norms[q]);
    total += term.value;
    for (let j = 0; j < n; j++) D[o + j] *= term.coef;
  }
  if (!p.gradient) return { total, pairs, G: null };
  const G = new Float64Array(n * n);
  gemmJs({ m: n, n, k: pairs, a: D, b: Z, c: G, transA: true });
  return { total, pairs, G };
}

/** One row's term (r − 1)² or (ρ − 1)² and its gradient coefficient, from ‖v‖² and ‖δ‖². */
function coefficient(form: 'paper' | 'summary', v2: number, d2: number): { value: number; coef: number } {
  if (form === 'paper') {
    const r = v2 / d2;
    return { value: (r - 1) * (r - 1), coef: (4 * (r - 1)) / d2 };
  }
  const normV = Math.sqrt(v2);
  const normD = Math.sqrt(d2);
  const rho = normV / normD;
  return { value: (rho - 1) * (rho - 1), coef: v2 > 0 ? (2 * (rho - 1)) / (normD * normV) : 0 };
}

/**
 * {@link omegaRows} as one wasm call on the rows copied in; when they are the δ and states of the
 * last recurrence backward pass, its h rows and δ·W rows, still in wasm memory, replace σ, the
 * product D·W and, where the slope needs h alone, x's copy (the same numbers, so the same bits).
 */
function omegaRowsWasm(w: WasmKernels, p: OmegaRowsInput): OmegaRowsResult {
  const { n } = p;
  const rows = p.deltas.reduce((s, d) => s + d.length / n, 0);
  const residue = residueFor(w, p.W, p.activation, p.deltas, p.states);
  const needX = residue === null || SLOPE_NEEDS_X[p.activation];
  const [W, D, X, S, Z, norms, G, pairsOut, tile, packed] = w.layout(
    n * n, rows * n, needX ? rows * n : 0, rows * n, rows * n, rows, n * n, 1, 8, Math.ceil(n / 8) * Math.max(n, rows) * 8,
  );
  w.put(W, p.W);
  let at = 0;
  for (let block = 0; block < p.deltas.length; block++) {
    w.put(D + at * 8, p.deltas[block]);
    if (needX) w.put(X + at * 8, p.states[block]);
    at += p.deltas[block].length;
  }
  const [H, DW] = residue === null ? [0, 0] : [residue.H, residue.DW];
  const code = ACTIVATION_CODES[p.activation];
  const summary = p.form === 'summary' ? 1 : 0;
  const flags = [code, summary, p.gradient ? 1 : 0, p.minDeltaSquared];
  const total = w.exports.omegaRows(rows, n, ...flags, W, D, needX ? X : 0, H, DW, S, Z, norms, G, packed, tile, pairsOut);
  const pairs = new Int32Array(w.memory.buffer, pairsOut, 1)[0];
  return { total, pairs, G: p.gradient ? w.slice(G, n * n) : null };
}
