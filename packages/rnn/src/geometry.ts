/**
 * @file The geometric claims of the paper's section 3 (summary eqs. 11–14), as data series:
 * - `unitDerivatives`: one unit x_t = w·σ(x_{t−1}) + b and its first and second derivatives in w,
 *   by grad of grad on the tape. For σ the identity and b = 0 they are eq. 13,
 *   ∂x_t/∂w = t·x_0·w^{t−1} and ∂²x_t/∂w² = t(t−1)·x_0·w^{t−2}: the curvature grows with the gradient.
 * - `gradientGrowth`: ∂E_t/∂W_rec of the paper's network for every horizon t, its fitted growth
 *   rate α (eq. 14, ∂E_t/∂θ·v ≥ C·α^t) and how close its direction stays to a fixed v.
 * - `growthRate`: the least-squares fit of log|y_t| = log C + t·log α behind both.
 * The wall these lead to (Hessian and gradient aligned) is in src/wall.ts.
 */
import {
  Tensor,
  ValueError,
  add,
  grad,
  jacobian,
  mean,
  mul,
  scalar,
  slice,
  stack,
  sum,
  valueAndGrad,
  vectorNorm,
} from '@tapegrad/autodiff';
import { applyActivation, checkActivation, type Activation } from './cell.js';
import { checkParams, inputSteps, type RnnParams } from './batch.js';
import { forward } from './model.js';
import { SINGLE_UNIT } from './single-unit.js';

/** Options of {@link unitDerivatives}. */
export interface UnitDerivativesOptions {
  w: number;
  /** Bias (default 0, as in eqs. 12–13). */
  b?: number;
  /** The initial state x_0 (default 0.5, the paper's single unit). */
  x0?: number;
  /** σ (default 'identity', as in eqs. 12–13). */
  activation?: Activation;
  /** The longest horizon T (the series runs t = 1..T). */
  steps: number;
}

/** What {@link unitDerivatives} returns: for t = 1..T (index t − 1). */
export interface UnitDerivatives {
  t: Int32Array;
  /** x_t. */
  x: Float64Array;
  /** ∂x_t/∂w, through the tape. */
  dx: Float64Array;
  /** ∂²x_t/∂w², the tape's gradient of its own gradient. */
  d2x: Float64Array;
}

/**
 * x_t, ∂x_t/∂w and ∂²x_t/∂w² of x_t = w·σ(x_{t−1}) + b for t = 1..T: one `valueAndGrad` of `grad`
 * per horizon, so the second derivative is the tape differentiating its own backward pass.
 *
 * @example
 * const d = unitDerivatives({ w: 1.2, x0: 1, steps: 50 });
 * d.dx[49]; // 50·1.2^49 ≈ 3.79e5 (eq. 13)
 * d.d2x[49] / d.dx[49]; // (t − 1)/w = 49/1.2 ≈ 40.8: the curvature explodes with the gradient
 */
export function unitDerivatives(options: UnitDerivativesOptions): UnitDerivatives {
  const op = 'unitDerivatives';
  const { w, b = 0, x0 = SINGLE_UNIT.x0, steps } = options;
  const activation = checkActivation(op, options.activation ?? 'identity');
  for (const [name, v] of [
    ['w', w],
    ['b', b],
    ['x0', x0],
  ] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new ValueError(op, `options.${name}`, `must be a finite number, got ${String(v)}`);
    }
  }
  checkInteger(op, 'options.steps', steps, 1);
  const state = (wt: Tensor, t: number): Tensor => {
    let x = scalar(x0);
    for (let i = 0; i < t; i++) x = add(mul(wt, applyActivation(activation, x)), b);
    return x;
  };
  const series = (): Float64Array => new Float64Array(steps);
  const out: UnitDerivatives = { t: new Int32Array(steps), x: series(), dx: series(), d2x: series() };
  for (let t = 1; t <= steps; t++) {
    const first = grad((wt: Tensor) => state(wt, t));
    const { value, grad: second } = valueAndGrad(first)(scalar(w));
    out.t[t - 1] = t;
    out.x[t - 1] = state(scalar(w), t).item();
    out.dx[t - 1] = value.item();
    out.d2x[t - 1] = second.item();
  }
  return out;
}

/** What {@link growthRate} returns. */
export interface GrowthFit {
  /** The fitted rate: exp of the least-squares slope of log|y_t| against t. */
  alpha: number;
  /** The largest C with |y_t| ≥ C·α^t at every t of the window (eq. 14's constant for this α). */
  C: number;
  /** The window [from, to] of t the fit used (inclusive). */
  from: number;
  to: number;
  /** Root-mean-square residual of the fit, in natural-log units (0 for an exact C·α^t). */
  rms: number;
}

/**
 * Fits |y_t| ≈ C·α^t over t ∈ [from, to] (default: the whole series) by least squares on log|y_t|.
 *
 * @example
 * growthRate([1, 2, 3, 4], [3, 6, 12, 24]); // { alpha: 2, C: 1.5, from: 1, to: 4, rms: 0 } (to rounding)
 */
export function growthRate(
  t: ArrayLike<number>,
  y: ArrayLike<number>,
  window: { from?: number; to?: number } = {},
): GrowthFit {
  const op = 'growthRate';
  if (t.length !== y.length) {
    throw new ValueError(op, 'y', `must have one value per t (${t.length}), got ${y.length}`);
  }
  const from = window.from ?? t[0];
  const to = window.to ?? t[t.length - 1];
  const ts: number[] = [];
  const logs: number[] = [];
  for (let i = 0; i < t.length; i++) {
    if (t[i] < from || t[i] > to) continue;
    const v = Math.abs(y[i]);
    if (!(v > 0) || !Number.isFinite(v)) {
      throw new ValueError(op, 'y', `needs finite non-zero values to take logs, got ${y[i]} at t = ${t[i]}`);
    }
    ts.push(t[i]);
    logs.push(Math.log(v));
  }
  if (ts.length < 2) {
    throw new ValueError(op, 'window', `needs at least two points in [${from}, ${to}], got ${ts.length}`);
  }
  const meanT = ts.reduce((s, v) => s + v, 0) / ts.length;
  const meanLog = logs.reduce((s, v) => s + v, 0) / ts.length;
  let num = 0;
  let den = 0;
  ts.forEach((ti, i) => {
    num += (ti - meanT) * (logs[i] - meanLog);
    den += (ti - meanT) ** 2;
  });
  const slope = num / den;
  const intercept = meanLog - slope * meanT;
  const rms = Math.sqrt(ts.reduce((s, ti, i) => s + (logs[i] - intercept - slope * ti) ** 2, 0) / ts.length);
  const logC = Math.min(...ts.map((ti, i) => logs[i] - slope * ti));
  return { alpha: Math.exp(slope), C: Math.exp(logC), from, to, rms };
}

/** Options of {@link gradientGrowth}. */
export interface GradientGrowthOptions {
  activation: Activation;
  /**
   * E_t from the output y_t ([B, n_out]) as a scalar. Default: the mean over the batch of Σ_j y_t[j],
   * a linear readout whose derivative in x_t is bounded (by ‖W_out‖·γ), so any growth of ∂E_t/∂θ
   * with t comes from the Jacobian products of eq. (7), which is what eq. 14 is about.
   */
  stepLoss?: (y: Tensor) => Tensor;
  /** The fixed direction v ([n, n], any length; default: the direction of ∂E_T/∂W_rec). */
  direction?: Tensor;
  /** First t of the α fit (default ⌈T/2⌉: the start-up transient is left out). */
  fitFrom?: number;
}

/** What {@link gradientGrowth} returns; series are indexed by t − 1 for t = 1..T. */
export interface GradientGrowth {
  t: Int32Array;
  /** ∂E_t/∂W_rec for every t, [T, n, n]. */
  gradients: Tensor;
  /** ‖∂E_t/∂W_rec‖ (Frobenius). */
  norms: Float64Array;
  /** v as a unit [n, n] tensor. */
  direction: Tensor;
  /** |∂E_t/∂W_rec · v|, the left side of eq. 14. */
  projections: Float64Array;
  /** |cos| of the angle between ∂E_t/∂W_rec and v (NaN where the gradient is zero). */
  cosines: Float64Array;
  /** The growth of the norms ‖∂E_t/∂W_rec‖ over t ∈ [fitFrom, T]. */
  fit: GrowthFit;
  /**
   * Eq. 14 on the fit's window: α of the fit, and the largest C with projections_t ≥ C·α^t there.
   * C is small when the gradient turns away from v at some t of the window, even if it grows.
   */
  bound: { alpha: number; C: number };
}

/**
 * How ∂E_t/∂W_rec grows with the horizon t and along which direction (eq. 14), for the network of
 * eq. (2) run on `inputs` ([T, B, n_in] or T tensors [B, n_in]): E_t is `stepLoss(y_t)`, and the
 * gradients of all T losses come from one forward pass (one reverse walk each).
 *
 * @example
 * const g = gradientGrowth(params, inputs, { activation: 'identity' });
 * g.fit.alpha;   // ≈ ρ(W_rec) for a linear network that explodes
 * g.cosines[T - 10]; // near 1: the gradient has settled along one direction
 */
export function gradientGrowth(
  params: RnnParams,
  inputs: Tensor | readonly Tensor[],
  options: GradientGrowthOptions,
): GradientGrowth {
  const op = 'gradientGrowth';
  const { T, all } = stepLosses(op, params, inputs, options);
  if (T < 2) throw new ValueError(op, 'inputs', `a growth rate needs at least 2 steps, got ${T}`);
  const fitFrom = options.fitFrom ?? Math.ceil(T / 2);
  checkInteger(op, 'options.fitFrom', fitFrom, 1, T - 1);
  const n = params.W_rec.shape[0];
  const gradients = jacobian(all)(params.W_rec);
  const m = n * n;
  const row = (t: number): Float64Array => gradients.data.subarray((t - 1) * m, t * m);
  const v =
    options.direction === undefined
      ? unit(op, 'options.direction (default: that of ∂E_T/∂W_rec)', new Tensor(row(T).slice(), [n, n]), [n, n])
      : unit(op, 'options.direction', options.direction, [n, n]);
  const t = Int32Array.from({ length: T }, (_, i) => i + 1);
  const norms = new Float64Array(T);
  const projections = new Float64Array(T);
  const cosines = new Float64Array(T);
  for (let s = 1; s <= T; s++) {
    const g = row(s);
    norms[s - 1] = vectorNorm(new Tensor(g, [m]));
    projections[s - 1] = Math.abs(dotData(g, v.data));
    cosines[s - 1] = norms[s - 1] > 0 ? projections[s - 1] / norms[s - 1] : NaN;
  }
  const fit = growthRate(t, norms, { from: fitFrom, to: T });
  let C = Infinity;
  for (let s = fitFrom; s <= T; s++) C = Math.min(C, projections[s - 1] / fit.alpha ** s);
  return { t, gradients, norms, direction: v, projections, cosines, fit, bound: { alpha: fit.alpha, C } };
}

/** The network's losses E_t as functions of W_rec (every other parameter fixed), once the call is checked. */
export interface StepLosses {
  /** The inputs' length. */
  T: number;
  /** [E_1, …, E_T] from one forward pass. */
  all: (W: Tensor) => Tensor;
  /** E_t alone, from the first t steps. */
  at: (W: Tensor, t: number) => Tensor;
}

/** Checks activation, parameters and inputs, and returns {@link StepLosses} for E_t = stepLoss(y_t). */
export function stepLosses(
  op: string,
  params: RnnParams,
  inputs: Tensor | readonly Tensor[],
  options: { activation: Activation; stepLoss?: (y: Tensor) => Tensor },
): StepLosses {
  const activation = checkActivation(op, options.activation);
  const T = inputSteps(op, inputs, checkParams(op, params).nIn).length;
  const stepLoss = options.stepLoss ?? readout;
  const outputs = (W: Tensor, x: Tensor | readonly Tensor[], every: boolean): Tensor[] =>
    forward({ ...params, W_rec: W }, x, { activation, outputs: every ? 'every' : 'last' }).outputs;
  const loss = (y: Tensor, t: number): Tensor => {
    const e = stepLoss(y);
    if (!(e instanceof Tensor) || e.size !== 1) {
      const got = e instanceof Tensor ? `shape [${e.shape.join(', ')}]` : typeof e;
      throw new ValueError(op, 'options.stepLoss', `must return a scalar tensor, got ${got} at t = ${t}`);
    }
    return e;
  };
  return {
    T,
    all: (W) => stack(outputs(W, inputs, true).map((y, i) => loss(y, i + 1))),
    at: (W, t) => loss(outputs(W, firstSteps(inputs, t), false)[0], t),
  };
}

/** The default E_t: the batch mean of Σ_j y_t[j] (see {@link GradientGrowthOptions.stepLoss}). */
function readout(y: Tensor): Tensor {
  return mean(sum(y, { axis: 1 }));
}

/** The first `horizon` steps of a batch's inputs, in the form they were given. */
function firstSteps(inputs: Tensor | readonly Tensor[], horizon: number): Tensor | readonly Tensor[] {
  if (!(inputs instanceof Tensor)) return inputs.slice(0, horizon);
  const [, B, m] = inputs.shape;
  return slice(inputs, [0, 0, 0], [horizon, B, m]);
}

/** `x` scaled to unit length, after checking its shape and that it is finite and non-zero. */
export function unit(op: string, argument: string, x: Tensor, shape: readonly number[]): Tensor {
  if (!(x instanceof Tensor) || x.shape.length !== shape.length || x.shape.some((d, i) => d !== shape[i])) {
    const got = x instanceof Tensor ? `[${x.shape.join(', ')}]` : typeof x;
    throw new ValueError(op, argument, `must be a tensor of shape [${shape.join(', ')}], got ${got}`);
  }
  const length = vectorNorm(x);
  if (!(length > 0) || !Number.isFinite(length)) {
    throw new ValueError(op, argument, `must be finite and non-zero to give a direction, its norm is ${length}`);
  }
  return new Tensor(
    Float64Array.from(x.data, (v) => v / length),
    shape,
  );
}

/** Σ_i a_i·b_i over plain arrays. */
export function dotData(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Throws unless v is an integer in [min, max]. */
export function checkInteger(op: string, argument: string, v: number, min: number, max = Infinity): void {
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new ValueError(op, argument, `must be an integer in [${min}, ${max === Infinity ? '∞' : max}], got ${v}`);
  }
}

/** Throws unless v is a finite number > 0. */
export function checkPositive(op: string, argument: string, v: number): void {
  if (!(v > 0) || !Number.isFinite(v)) throw new ValueError(op, argument, `must be a finite number > 0, got ${v}`);
}
