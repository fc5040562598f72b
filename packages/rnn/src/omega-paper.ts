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
 * The sums run in @tapegrad/autodiff's `omegaRows` kernel (WebAssembly SIMD, or the same loops in
 * JavaScript, to the same bits).
 */
import { Tensor, ValueError, ShapeError } from '@tapegrad/autodiff';
import { omegaRows } from '@tapegrad/autodiff/kernels';
import { OMEGA_MIN_DELTA_SQUARED, type OmegaForm } from '@tapegrad/optim';
import { checkActivation, type Activation } from './cell.js';

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
  if (form !== 'paper' && form !== 'summary')
    throw new ValueError(op, 'form', `must be 'paper' or 'summary', got ${String(form)}`);
  const gradient = options.gradient ?? 'immediate';
  if (gradient !== 'immediate' && gradient !== 'none')
    throw new ValueError(op, 'gradient', `must be 'immediate' or 'none', got ${String(gradient)}`);
  const [, n] = checkShapes(op, W_rec, states, deltas);
  // δ_{k+1} pairs with x_k: states x_0..x_{T−1}
  const r = omegaRows({
    n,
    W: W_rec.data,
    activation,
    form,
    gradient: gradient === 'immediate',
    minDeltaSquared: OMEGA_MIN_DELTA_SQUARED,
    deltas: deltas.map((d) => d.data),
    states: states.slice(0, deltas.length).map((x) => x.data),
  });
  const scale = form === 'paper' && r.pairs > 0 ? 1 / r.pairs : 1;
  if (r.G === null) return { value: r.total * scale, grad: null, pairs: r.pairs };
  if (scale !== 1) for (let i = 0; i < r.G.length; i++) r.G[i] *= scale;
  return { value: r.total * scale, grad: new Tensor(r.G, [n, n]), pairs: r.pairs };
}

/** W_rec [n, n], T + 1 states and T deltas, all [B, n]; returns [B, n]. */
function checkShapes(
  op: string,
  W_rec: Tensor,
  states: readonly Tensor[],
  deltas: readonly Tensor[],
): [number, number] {
  if (!(W_rec instanceof Tensor) || W_rec.rank !== 2 || W_rec.shape[0] !== W_rec.shape[1]) {
    throw new ShapeError(
      op,
      'W_rec',
      `must be a square [n, n] tensor, got ${W_rec instanceof Tensor ? `[${W_rec.shape.join(', ')}]` : typeof W_rec}`,
    );
  }
  if (!Array.isArray(states) || !Array.isArray(deltas))
    throw new ValueError(op, 'states, deltas', `must be arrays of tensors, got ${typeof states} and ${typeof deltas}`);
  if (states.length !== deltas.length + 1) {
    throw new ShapeError(
      op,
      'states, deltas',
      `need states x_0..x_T (T + 1) and deltas δ_1..δ_T (T); got ${states.length} states, ${deltas.length} deltas`,
    );
  }
  const n = W_rec.shape[0];
  const B = states[0] instanceof Tensor ? states[0].shape[0] : -1;
  const check = (t: Tensor, name: string) => {
    if (!(t instanceof Tensor) || t.rank !== 2 || t.shape[0] !== B || t.shape[1] !== n) {
      throw new ShapeError(
        op,
        name,
        `must be [B, n] = [${B}, ${n}] (batch of states[0], n of W_rec), got ${t instanceof Tensor ? `[${t.shape.join(', ')}]` : typeof t}`,
      );
    }
  };
  states.forEach((x, k) => check(x, `states[${k}]`));
  deltas.forEach((d, k) => check(d, `deltas[${k}]`));
  return [B, n];
}
