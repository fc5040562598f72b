/**
 * @file The Ω regularizer of Pascanu et al. (2013), generic over a recurrent transition
 * x_{k+1} = F(x_k, u_{k+1}, θ). With δ_{k+1} = ∂E/∂x_{k+1} the BPTT error signal and
 * v = δ_{k+1}·∂x_{k+1}/∂x_k (one step of backpropagation, a vector-Jacobian product), Ω asks each
 * step to keep the error signal's norm: ‖v‖ ≈ ‖δ_{k+1}‖. Two forms:
 *   'summary' (eq. 15):     Ω = Σ_k Σ_examples (‖v‖/‖δ‖ − 1)²
 *   'paper' (paper + code): Ω = mean over valid (k, example) of (‖v‖²/‖δ‖² − 1)²
 * Both skip pairs with ‖δ‖² < 1e-20 (no error signal, nothing to preserve) and include the first
 * transition x_0 → x_1. Gradients: 'immediate' holds x and δ fixed (the paper's), 'exact' also
 * differentiates δ(θ) and x(θ) by higher-order autodiff.
 */
import {
  ShapeError,
  ValueError,
  add,
  concat,
  detach,
  div,
  grad,
  mul,
  sqrt,
  square,
  sub,
  sum,
  tensor,
  treeEntries,
  treeMap,
  valueAndGrad,
  where,
  type Tensor,
  type TensorTree,
} from '@tapegrad/autodiff';

/** One step of a recurrent model: x_{k+1} = F(x_k, u_{k+1}, θ), on batch-row states [B, n]. */
export type Transition<P extends TensorTree> = (x: Tensor, u: Tensor, params: P) => Tensor;

/** Which Ω: eq. 15 of the summary (plain norms, summed) or the paper/code form (squared, mean). */
export type OmegaForm = 'paper' | 'summary';

/** A trajectory and its error signals: x_0..x_T and δ_1..δ_T = ∂E/∂x_1..∂E/∂x_T, each [B, n]. */
export interface Trajectory {
  states: readonly Tensor[];
  deltas: readonly Tensor[];
}

interface OmegaCommon<P extends TensorTree> {
  transition: Transition<P>;
  params: P;
  /** u_1..u_T: inputs[k] drives the step x_k → x_{k+1}. */
  inputs: readonly Tensor[];
  /** Default 'paper'. */
  form?: OmegaForm;
  /** Paths of the parameters to differentiate (the paper: ['W_rec']); default all. Others get zeros. */
  wrt?: readonly string[];
  /** See {@link OmegaTensorOptions.batchSteps} (default true). */
  batchSteps?: boolean;
}

/** Ω at fixed states and error signals, with the paper's immediate gradient or none. */
export interface OmegaOptions<P extends TensorTree> extends OmegaCommon<P>, Trajectory {
  gradient?: 'immediate' | 'none';
}

/** Ω with its exact gradient: `trajectory` recomputes states and error signals from θ on the tape. */
export interface OmegaExactOptions<P extends TensorTree> extends OmegaCommon<P> {
  gradient: 'exact';
  /** θ ↦ (x, δ), computed with differentiable ops, e.g. by {@link trajectorySignals}. */
  trajectory: (params: P) => Trajectory;
}

/** What {@link omega} returns. */
export interface OmegaResult<P extends TensorTree> {
  value: number;
  /** ∂Ω/∂θ shaped like `params` (zeros outside `wrt`); null for gradient 'none'. */
  grad: P | null;
  /** The (step, example) pairs that counted (‖δ‖² ≥ 1e-20). */
  pairs: number;
}

/** Below this squared error-signal norm a (step, example) pair is skipped, as in the original code. */
export const OMEGA_MIN_DELTA_SQUARED = 1e-20;

/**
 * Ω and its gradient with respect to the parameters.
 *
 * @example
 * const F = (x: Tensor, u: Tensor, p: { W_rec: Tensor }) => add(matmulT(tanh(x), p.W_rec, false, true), u);
 * const { value, grad } = omega({ transition: F, params: { W_rec }, states, inputs, deltas });
 * // exact gradient: δ recomputed from θ on the tape
 * omega({ transition: F, params: { W_rec }, inputs, gradient: 'exact',
 *   trajectory: (p) => trajectorySignals({ transition: F, params: p, x0, inputs, loss }) });
 */
export function omega<P extends TensorTree>(options: OmegaOptions<P> | OmegaExactOptions<P>): OmegaResult<P> {
  const op = 'omega';
  const { transition, params, inputs } = options;
  const form = checkForm(op, options.form);
  if (typeof transition !== 'function')
    throw new ValueError(op, 'transition', `must be a function (x, u, params) => Tensor, got ${typeof transition}`);
  const select = selector(op, params, options.wrt);
  let pairs = 0;
  const measure = (p: P, trajectory: Trajectory): Tensor => {
    const result = omegaTensor({
      transition,
      params: p,
      inputs,
      form,
      batchSteps: options.batchSteps,
      states: trajectory.states,
      deltas: trajectory.deltas,
    });
    pairs = result.pairs;
    return result.value;
  };
  if (options.gradient === 'exact') {
    if (typeof options.trajectory !== 'function')
      throw new ValueError(
        op,
        'trajectory',
        `gradient 'exact' needs a function params => { states, deltas }, got ${typeof options.trajectory}`,
      );
    const { trajectory } = options;
    const { value, grad: g } = valueAndGrad((p: P) => {
      const q = select(p);
      return measure(q, trajectory(q));
    })(params);
    return { value: value.item(), grad: g, pairs };
  }
  const gradient = options.gradient ?? 'immediate';
  if (gradient !== 'immediate' && gradient !== 'none')
    throw new ValueError(op, 'gradient', `must be 'immediate', 'exact' or 'none', got ${String(gradient)}`);
  checkTrajectory(op, options.states, inputs, options.deltas);
  // Detached copies: the immediate gradient sees x_k and δ as constants, whatever tape made them.
  const fixed: Trajectory = { states: options.states.map(detach), deltas: options.deltas.map(detach) };
  if (gradient === 'none') return { value: measure(params, fixed).item(), grad: null, pairs };
  const { value, grad: g } = valueAndGrad((p: P) => measure(select(p), fixed))(params);
  return { value: value.item(), grad: g, pairs };
}

/** Options of {@link omegaTensor}. */
export interface OmegaTensorOptions<P extends TensorTree> extends Trajectory {
  transition: Transition<P>;
  params: P;
  inputs: readonly Tensor[];
  form?: OmegaForm;
  /**
   * Run all T steps as one batch of T·B rows through a single VJP (default true, much faster).
   * Correct when the transition treats batch rows independently, as every RNN cell does; set
   * false for a transition that mixes rows (batch statistics).
   */
  batchSteps?: boolean;
}

/**
 * Ω as a differentiable scalar tensor: whatever the parameters, states and error signals depend
 * on (on the active tape) it depends on too. The building block of {@link omega}; use it to put
 * Ω inside your own transform.
 *
 * @example
 * const { value } = omegaTensor({ transition: F, params, states, inputs, deltas, form: 'summary' });
 */
export function omegaTensor<P extends TensorTree>(options: OmegaTensorOptions<P>): { value: Tensor; pairs: number } {
  const op = 'omegaTensor';
  const { transition, params, states, inputs, deltas } = options;
  const form = checkForm(op, options.form);
  checkTrajectory(op, states, inputs, deltas);
  const T = inputs.length;
  const parts =
    (options.batchSteps ?? true) && T > 1
      ? [stepTerms(transition, params, concat(states.slice(0, T), 0), concat(inputs, 0), concat(deltas, 0), form)]
      : inputs.map((u, k) => stepTerms(transition, params, states[k], u, deltas[k], form));
  let total: Tensor = tensor(0);
  let pairs = 0;
  for (const part of parts) {
    total = add(total, part.total);
    pairs += part.pairs;
  }
  const value = form === 'paper' ? div(total, Math.max(pairs, 1)) : total;
  return { value, pairs };
}

/** Σ over the rows of x (one row per (step, example) pair) of the Ω terms, and the valid count. */
function stepTerms<P extends TensorTree>(
  transition: Transition<P>,
  params: P,
  x: Tensor,
  u: Tensor,
  d: Tensor,
  form: OmegaForm,
): { total: Tensor; pairs: number } {
  // v = δ_{k+1}·∂x_{k+1}/∂x_k is the gradient of ⟨F(x, u, θ), δ_{k+1}⟩ at x = x_k; nested in an
  // outer transform this backward pass is recorded, so v stays a function of θ (and of δ).
  const v = grad((y: Tensor) => sum(mul(transition(y, u, params), d)))(x);
  const d2 = sum(square(d), { axis: 1 });
  const v2 = sum(square(v), { axis: 1 });
  const valid = maskWhere(d2, (s) => s >= OMEGA_MIN_DELTA_SQUARED);
  const safeD2 = where(valid, d2, 1);
  const ratio = form === 'paper' ? div(v2, safeD2) : div(safeSqrt(v2), sqrt(safeD2));
  return { total: sum(mul(square(sub(ratio, 1)), valid)), pairs: valid.data.reduce((n, m) => n + m, 0) };
}

/** √s with derivative 0 instead of NaN at s = 0 (v = 0 when a Jacobian row space misses δ). */
function safeSqrt(s: Tensor): Tensor {
  const positive = maskWhere(s, (x) => x > 0);
  return where(positive, sqrt(where(positive, s, 1)), 0);
}

/** A constant 0/1 tensor: the mask itself carries no gradient. */
function maskWhere(x: Tensor, test: (v: number) => boolean): Tensor {
  return tensor(
    Float64Array.from(x.data, (v) => (test(v) ? 1 : 0)),
    x.shape,
  );
}

function checkForm(op: string, form: OmegaForm | undefined): OmegaForm {
  const f = form ?? 'paper';
  if (f !== 'paper' && f !== 'summary')
    throw new ValueError(op, 'form', `must be 'paper' or 'summary', got ${String(f)}`);
  return f;
}

/** Maps params to a record where only the `wrt` leaves can carry a gradient. */
function selector<P extends TensorTree>(op: string, params: P, wrt: readonly string[] | undefined): (p: P) => P {
  if (wrt === undefined) return (p) => p;
  const paths = treeEntries(params).map(([path]) => path);
  const unknown = wrt.filter((w) => !paths.includes(w));
  if (unknown.length > 0 || wrt.length === 0) {
    throw new ValueError(op, 'wrt', `must list paths of params [${paths.join(', ')}], got [${wrt.join(', ')}]`);
  }
  const chosen = new Set(wrt);
  return (p) => treeMap(p, (x, path) => (chosen.has(path) ? x : detach(x)));
}

/**
 * Checks x_0..x_T, u_1..u_T and δ_1..δ_T fit together: T + 1 states, T error signals, every
 * state [B, n] with one batch size, and δ_{k+1} shaped like x_{k+1}. Throws a ShapeError naming
 * the argument (`states[2]`, `deltas[0]`, ...) and the shapes.
 *
 * @example
 * checkTrajectory('myOmega', [zeros([2, 3]), zeros([2, 3])], [zeros([2, 1])], [zeros([2, 4])]);
 * // ShapeError: myOmega: argument 'deltas[0]': δ_1 must have the shape of states[1] [2, 3], got [2, 4]
 */
export function checkTrajectory(
  op: string,
  states: readonly Tensor[],
  inputs: readonly Tensor[],
  deltas: readonly Tensor[],
): void {
  for (const [name, list] of [
    ['states', states],
    ['inputs', inputs],
    ['deltas', deltas],
  ] as const) {
    if (!Array.isArray(list)) throw new ValueError(op, name, `must be an array of tensors, got ${typeof list}`);
  }
  const T = inputs.length;
  if (states.length !== T + 1 || deltas.length !== T) {
    throw new ShapeError(
      op,
      'states, inputs, deltas',
      `need states x_0..x_T (T + 1), inputs u_1..u_T (T) and deltas δ_1..δ_T (T); got ${states.length} states, ${inputs.length} inputs, ${deltas.length} deltas`,
    );
  }
  const show = (x: Tensor) => `[${x.shape.join(', ')}]`;
  const batch = states[0]?.shape[0];
  states.forEach((x, k) => {
    if (x.rank !== 2 || x.shape[0] !== batch) {
      throw new ShapeError(
        op,
        `states[${k}]`,
        `must be [B, n] with the batch size of states[0] (${batch}), got ${show(x)}`,
      );
    }
  });
  deltas.forEach((d, k) => {
    const x = states[k + 1];
    if (d.rank !== x.rank || d.shape.some((n, i) => n !== x.shape[i])) {
      throw new ShapeError(
        op,
        `deltas[${k}]`,
        `δ_${k + 1} must have the shape of states[${k + 1}] ${show(x)}, got ${show(d)}`,
      );
    }
  });
}
