/**
 * @file Ω for the paper's model (eq. 2) in closed form: its value and its immediate gradient with
 * respect to W_rec by plain loops, no tape. The generic `omega` of @tapegrad/optim gets the same
 * numbers for any transition through a nested VJP and a backward pass, which costs about two more
 * backward passes per update; for eq. 2 the one-step Jacobian is W_rec·diag(σ'(x_k)), so both
 * Ω and ∂Ω/∂W_rec are short sums over the (step, example) pairs. The training loop's SGD-CR uses
 * this; the generic one stays the reference it is tested against.
 *
 * Derivation (x_k, δ = δ_{k+1} rows of the batch; W = W_rec acting on column vectors, so
 * ∂x_{k+1,i}/∂x_{k,j} = W_ij σ'(x_kj), written s_j):
 *   v_j = Σ_i δ_i W_ij s_j                      (v = (Wᵀδ) ⊙ s, one step of backpropagation)
 *   ‖v‖² = Σ_j (Σ_l δ_l W_lj)² s_j²,  so  ∂‖v‖²/∂W_ij = 2 (Σ_l δ_l W_lj) s_j · δ_i s_j = 2 δ_i z_j,
 *   with z = v ⊙ s. δ and x_k are held fixed (the paper's immediate gradient).
 * 'paper' form, term (r − 1)² with r = ‖v‖²/‖δ‖²:
 *   ∂(r − 1)²/∂W = 2(r − 1)/‖δ‖² · ∂‖v‖²/∂W = 4(r − 1)/‖δ‖² · δ zᵀ,
 *   and Ω, ∂Ω/∂W are the means of the terms over the valid pairs.
 * 'summary' form (eq. 15), term (ρ − 1)² with ρ = ‖v‖/‖δ‖:
 *   ∂‖v‖/∂W = ∂‖v‖²/∂W / (2‖v‖) = δ zᵀ/‖v‖, so ∂(ρ − 1)²/∂W = 2(ρ − 1)/(‖δ‖‖v‖) · δ zᵀ,
 *   summed over the valid pairs. At ‖v‖ = 0 the norm has no derivative; like the generic Ω (its
 *   safe square root) the pair then adds its value (1) but no gradient.
 * A pair is valid when ‖δ‖² ≥ 1e-20, as in the original code; the first transition x_0 → x_1 counts.
 */
import { Tensor, ValueError, ShapeError } from '@tapegrad/autodiff';
import { OMEGA_MIN_DELTA_SQUARED, type OmegaForm } from '@tapegrad/optim';
import { activationScalar, checkActivation, type Activation } from './cell.js';
import { product, transposedProduct } from './kernels.js';

/** Options of {@link paperOmega}. */
export interface PaperOmegaOptions {
  /** The recurrent weights [n, n] of eq. 2. */
  W_rec: Tensor;
  activation: Activation;
  /** x_0..x_T, each [B, n] (as errorSignals returns them). */
  states: readonly Tensor[];
  /** δ_1..δ_T = ∂E/∂x_1..∂E/∂x_T, each [B, n]. */
  deltas: readonly Tensor[];
  /** Default 'paper' (squared norms, mean); 'summary' is eq. 15 (plain norms, sum). */
  form?: OmegaForm;
  /** 'immediate' (default): also ∂Ω/∂W_rec with x and δ held fixed; 'none': the value only. */
  gradient?: 'immediate' | 'none';
}

/** What {@link paperOmega} returns: `omega(...)`'s result restricted to W_rec. */
export interface PaperOmegaResult {
  value: number;
  /** ∂Ω/∂W_rec [n, n], or null for gradient 'none'. */
  grad: Tensor | null;
  /** The (step, example) pairs that counted (‖δ‖² ≥ 1e-20). */
  pairs: number;
}

/**
 * Ω of eq. 2 and its immediate gradient with respect to W_rec, in closed form. Equals
 * `omega({ transition: transition(activation), params, states, inputs, deltas, wrt: ['W_rec'] })`
 * of @tapegrad/optim to rounding, at a fraction of its cost.
 *
 * @example
 * const s = errorSignals(params, batch, { activation: 'tanh', head: 'softmax-last' });
 * const om = paperOmega({ W_rec: params.W_rec, activation: 'tanh', states: s.states, deltas: s.deltas });
 * om.value; om.grad; // Ω (paper form) and ∂Ω/∂W_rec, [n, n]
 */
export function paperOmega(options: PaperOmegaOptions): PaperOmegaResult {
  const op = 'paperOmega';
  const { W_rec, states, deltas } = options;
  const activation = checkActivation(op, options.activation);
  const form = options.form ?? 'paper';
  if (form !== 'paper' && form !== 'summary') throw new ValueError(op, 'form', `must be 'paper' or 'summary', got ${String(form)}`);
  const gradient = options.gradient ?? 'immediate';
  if (gradient !== 'immediate' && gradient !== 'none') throw new ValueError(op, 'gradient', `must be 'immediate' or 'none', got ${String(gradient)}`);
  const [B, n] = checkShapes(op, W_rec, states, deltas);
  const { D, S, pairs } = validRows(states, deltas, B, n, activationScalar(activation));
  // rows (Wᵀδ)ᵀ, one per valid pair: with the product below, 2·pairs·n² multiply-adds, most of the work
  const Z = new Float64Array(pairs * n);
  product(D, 0, W_rec.data, Z, 0, pairs, n, n);
  let total = 0;
  for (let p = 0; p < pairs; p++) {
    const off = p * n;
    let d2 = 0;
    let v2 = 0;
    for (let j = 0; j < n; j++) {
      d2 += D[off + j] * D[off + j];
      const vj = Z[off + j] * S[off + j];
      v2 += vj * vj;
      Z[off + j] = vj * S[off + j]; // z = v ⊙ σ'(x_k), what the gradient needs
    }
    let coef: number;
    if (form === 'paper') {
      const r = v2 / d2;
      total += (r - 1) * (r - 1);
      coef = (4 * (r - 1)) / d2;
    } else {
      const normV = Math.sqrt(v2);
      const normD = Math.sqrt(d2);
      const rho = normV / normD;
      total += (rho - 1) * (rho - 1);
      coef = v2 > 0 ? (2 * (rho - 1)) / (normD * normV) : 0;
    }
    for (let j = 0; j < n; j++) D[off + j] *= coef; // D's rows become coef·δ
  }
  const scale = form === 'paper' && pairs > 0 ? 1 / pairs : 1;
  if (gradient === 'none') return { value: total * scale, grad: null, pairs };
  const G = transposedProduct(D, n, Z, n, pairs); // Σ_p coef_p δ_p z_pᵀ
  if (scale !== 1) for (let i = 0; i < G.length; i++) G[i] *= scale;
  return { value: total * scale, grad: new Tensor(G, [n, n]), pairs };
}

/** The valid (step, example) pairs as compact rows [pairs, n]: δ in D and σ'(x_k) in S. */
function validRows(states: readonly Tensor[], deltas: readonly Tensor[], B: number, n: number, sigma: (v: number) => [number, number]): { D: Float64Array; S: Float64Array; pairs: number } {
  const keep: number[] = []; // k·B + b of each valid pair
  for (let k = 0; k < deltas.length; k++) {
    const d = deltas[k].data;
    for (let b = 0; b < B; b++) {
      let d2 = 0;
      for (let i = b * n; i < (b + 1) * n; i++) d2 += d[i] * d[i];
      // a NaN norm fails the test too, as in the generic Ω's mask
      if (d2 >= OMEGA_MIN_DELTA_SQUARED) keep.push(k * B + b);
    }
  }
  const D = new Float64Array(keep.length * n);
  const S = new Float64Array(keep.length * n);
  keep.forEach((kb, p) => {
    const k = Math.floor(kb / B);
    const from = (kb - k * B) * n;
    D.set(deltas[k].data.subarray(from, from + n), p * n);
    const x = states[k].data;
    for (let j = 0; j < n; j++) S[p * n + j] = sigma(x[from + j])[1];
  });
  return { D, S, pairs: keep.length };
}

/** W_rec [n, n], T + 1 states and T deltas, all [B, n]; returns [B, n]. */
function checkShapes(op: string, W_rec: Tensor, states: readonly Tensor[], deltas: readonly Tensor[]): [number, number] {
  if (!(W_rec instanceof Tensor) || W_rec.rank !== 2 || W_rec.shape[0] !== W_rec.shape[1]) {
    throw new ShapeError(op, 'W_rec', `must be a square [n, n] tensor, got ${W_rec instanceof Tensor ? `[${W_rec.shape.join(', ')}]` : typeof W_rec}`);
  }
  if (!Array.isArray(states) || !Array.isArray(deltas)) throw new ValueError(op, 'states, deltas', `must be arrays of tensors, got ${typeof states} and ${typeof deltas}`);
  if (states.length !== deltas.length + 1) {
    throw new ShapeError(op, 'states, deltas', `need states x_0..x_T (T + 1) and deltas δ_1..δ_T (T); got ${states.length} states, ${deltas.length} deltas`);
  }
  const n = W_rec.shape[0];
  const B = states[0] instanceof Tensor ? states[0].shape[0] : -1;
  const check = (t: Tensor, name: string) => {
    if (!(t instanceof Tensor) || t.rank !== 2 || t.shape[0] !== B || t.shape[1] !== n) {
      throw new ShapeError(op, name, `must be [B, n] = [${B}, ${n}] (batch of states[0], n of W_rec), got ${t instanceof Tensor ? `[${t.shape.join(', ')}]` : typeof t}`);
    }
  };
  states.forEach((x, k) => check(x, `states[${k}]`));
  deltas.forEach((d, k) => check(d, `deltas[${k}]`));
  return [B, n];
}
