/**
 * @file The wall of the paper's geometric picture (section 3.3): where the gradient explodes, the
 * error surface also curves sharply, and along the same direction, so a step along the gradient has
 * a useful direction and only its length must be bounded, which is what clipping does.
 * `leadingHessianEigenpair` finds the Hessian's dominant eigenvector by power iteration on
 * `hessianVectorProduct`; `hessianAlignment` measures its angle with the gradient and compares the
 * plain gradient step, the clipped step (Algorithm 1) and the Newton step along that eigenvector.
 * `singleUnitWallProfile` and `rnnHessianAlignment` apply it to the single unit across its wall
 * and to the network of eq. (2).
 */
import {
  Tensor,
  ValueError,
  add,
  hessianVectorProduct,
  index,
  mul,
  noGrad,
  randn,
  tensor,
  valueAndGrad,
  vectorNorm,
} from '@tapegrad/autodiff';
import { clipGradNorm } from '@tapegrad/optim';
import type { Activation } from './cell.js';
import type { RnnParams } from './batch.js';
import { SINGLE_UNIT, singleUnitLoss } from './single-unit.js';
import { checkInteger, checkPositive, dotData, stepLosses, unit } from './geometry.js';

/** Options of the power iteration. */
export interface PowerIterationOptions {
  /** Most Hessian-vector products to spend (default 500). */
  maxIterations?: number;
  /** Stop when ‖Hv − λv‖ ≤ tolerance·|λ| (default 1e-8). */
  tolerance?: number;
  /** Seed of the random start vector (default 1). */
  seed?: number;
}

/** What {@link leadingHessianEigenpair} returns. */
export interface HessianEigenpair {
  /** λ, the Rayleigh quotient vᵀHv: the eigenvalue of largest modulus when converged. */
  value: number;
  /** v, a unit vector shaped like θ. */
  vector: Tensor;
  iterations: number;
  /** ‖Hv − λv‖/|λ| at the last iterate. */
  residual: number;
  /**
   * false when the iteration ran out before the residual met the tolerance: then v is no eigenvector
   * (typically two eigenvalues of nearly equal modulus, e.g. λ and −λ, where power iteration
   * cannot pick one) and must not be read as the curvature's direction.
   */
  converged: boolean;
}

/**
 * The eigenpair of the Hessian of scalar f at θ with the largest |λ|, by power iteration
 * v ← Hv/‖Hv‖ from a seeded random start; H is never formed, each step is one
 * `hessianVectorProduct` (a gradient of a gradient on the tape).
 *
 * @example
 * const f = (x: Tensor) => sum(mul(tensor([1, 4]), mul(x, x))); // H = diag(2, 8)
 * leadingHessianEigenpair(f, tensor([1, 1])); // { value: 8, vector: ±[0, 1], converged: true, ... }
 */
export function leadingHessianEigenpair(
  f: (theta: Tensor) => Tensor,
  theta: Tensor,
  options: PowerIterationOptions = {},
): HessianEigenpair {
  const op = 'leadingHessianEigenpair';
  const { maxIterations = 500, tolerance = 1e-8, seed = 1 } = options;
  checkInteger(op, 'options.maxIterations', maxIterations, 1);
  checkPositive(op, 'options.tolerance', tolerance);
  if (!(theta instanceof Tensor)) throw new ValueError(op, 'theta', `must be a Tensor, got ${typeof theta}`);
  let v = unit(op, 'theta', randn(theta.shape, seed), theta.shape);
  let value = 0;
  let residual = Infinity;
  for (let k = 1; k <= maxIterations; k++) {
    const Hv = hessianVectorProduct(f, theta, v);
    if (!Hv.data.every(Number.isFinite)) {
      throw new ValueError(op, 'f', `the Hessian-vector product is not finite at θ (iteration ${k})`);
    }
    value = dotData(v.data, Hv.data);
    const r = vectorNorm(
      new Tensor(
        Float64Array.from(Hv.data, (h, i) => h - value * v.data[i]),
        [Hv.size],
      ),
    );
    residual = r === 0 ? 0 : r / Math.abs(value);
    if (residual <= tolerance) return { value, vector: v, iterations: k, residual, converged: true };
    v = unit(op, 'f', Hv, theta.shape);
  }
  return { value, vector: v, iterations: maxIterations, residual, converged: false };
}

/** Options of {@link hessianAlignment}: the power iteration's, and the step being compared. */
export interface AlignmentOptions extends PowerIterationOptions {
  /** Learning rate of the gradient and clipped steps (default 0.01, the paper's). */
  learningRate?: number;
  /** Clipping threshold of Algorithm 1: clip when ‖g‖ ≥ it (default 1, the paper's). */
  threshold?: number;
}

/**
 * One step θ → θ + s: its length ‖s‖, its length along the eigenvector |s·v|, and f(θ + s) (which
 * may overflow to ±Infinity or NaN when a long step leaves the region where f is finite).
 */
export interface StepOutcome {
  length: number;
  alongEigenvector: number;
  loss: number;
}

/** What {@link hessianAlignment} returns. */
export interface HessianAlignment {
  loss: number;
  gradient: Tensor;
  gradNorm: number;
  /** The Hessian's leading eigenpair, v signed so that ∇f·v ≥ 0. */
  eigenpair: HessianEigenpair;
  /** cos of the angle between ∇f and v, in [0, 1]: 1 when the gradient points across the wall. */
  cosine: number;
  /** ĝᵀHĝ with ĝ = ∇f/‖∇f‖: the curvature in the gradient's own direction. */
  curvatureAlongGradient: number;
  /**
   * s = −lr·∇f; s = −lr·clip(∇f) (Algorithm 1); and the Newton step along v, s = −(∇f·v/|λ|)·v
   * (|λ|: the step to the stationary point of the quadratic model along v, taken downhill when
   * the model is concave, as saddle-free Newton does).
   */
  steps: { gradient: StepOutcome; clipped: StepOutcome; newton: StepOutcome };
}

/**
 * The gradient of f at θ against the Hessian's leading eigenvector, and what three steps do there.
 *
 * @example
 * const E = (th: Tensor) => singleUnitLoss(index(th, 0), index(th, 1));
 * const a = hessianAlignment(E, tensor([4.5, -2.302]));
 * a.cosine;                     // ≈ 1 on the wall's flank: gradient and curvature point the same way
 * a.steps.newton.length;        // ≈ 5e-4: the curvature allows only a tiny step ...
 * a.steps.gradient.length;      // ≈ 0.6 with lr 0.01: the gradient step is far longer
 */
export function hessianAlignment(
  f: (theta: Tensor) => Tensor,
  theta: Tensor,
  options: AlignmentOptions = {},
): HessianAlignment {
  const op = 'hessianAlignment';
  const { learningRate = 0.01, threshold = 1 } = options;
  checkPositive(op, 'options.learningRate', learningRate);
  checkPositive(op, 'options.threshold', threshold);
  const { value, grad: g } = valueAndGrad(f)(theta);
  const gradNorm = vectorNorm(g);
  if (!Number.isFinite(gradNorm) || gradNorm === 0) {
    throw new ValueError(
      op,
      'theta',
      `needs a finite, non-zero gradient to compare directions, its norm is ${gradNorm}`,
    );
  }
  const found = leadingHessianEigenpair(f, theta, options);
  const v = dotData(g.data, found.vector.data) < 0 ? mul(found.vector, -1) : found.vector;
  const eigenpair = { ...found, vector: v };
  if (eigenpair.value === 0) {
    throw new ValueError(
      op,
      'f',
      'has zero curvature along its leading eigenvector: there is no Newton step to compare',
    );
  }
  const along = dotData(g.data, v.data);
  const gHat = mul(g, 1 / gradNorm);
  const curvatureAlongGradient = dotData(gHat.data, hessianVectorProduct(f, theta, gHat).data);
  const outcome = (s: Tensor): StepOutcome => ({
    length: vectorNorm(s),
    alongEigenvector: Math.abs(dotData(s.data, v.data)),
    loss: noGrad(() => f(add(theta, s))).item(),
  });
  const clipped = clipGradNorm(g, threshold, { maxNorm: Infinity }).grads;
  return {
    loss: value.item(),
    gradient: g,
    gradNorm,
    eigenpair,
    cosine: along / gradNorm,
    curvatureAlongGradient,
    steps: {
      gradient: outcome(mul(g, -learningRate)),
      clipped: outcome(mul(clipped, -learningRate)),
      newton: outcome(mul(v, -along / Math.abs(eigenpair.value))),
    },
  };
}

/** Options of {@link rnnHessianAlignment}. */
export interface RnnAlignmentOptions extends AlignmentOptions {
  activation: Activation;
  /** The t of E_t (default T, the inputs' length). */
  horizon?: number;
  /** E_t from y_t, as in `gradientGrowth` (default: the batch mean of Σ_j y_t[j]). */
  stepLoss?: (y: Tensor) => Tensor;
}

/**
 * {@link hessianAlignment} for the network of eq. (2): f(W_rec) = E_t after `horizon` steps of
 * `inputs`, every other parameter held fixed; θ, the gradient and v are [n, n] like W_rec.
 *
 * @example
 * const a = rnnHessianAlignment(params, inputs, { activation: 'tanh', horizon: 40 });
 * a.cosine; a.eigenpair.value; a.steps.newton.length; a.steps.clipped.length;
 */
export function rnnHessianAlignment(
  params: RnnParams,
  inputs: Tensor | readonly Tensor[],
  options: RnnAlignmentOptions,
): HessianAlignment {
  const op = 'rnnHessianAlignment';
  const { T, at } = stepLosses(op, params, inputs, options);
  const horizon = options.horizon ?? T;
  checkInteger(op, 'options.horizon', horizon, 1, T);
  return hessianAlignment((W) => at(W, horizon), params.W_rec, options);
}

/** Options of {@link singleUnitWallProfile}: the cut (w, the b range, how many points), T, and the steps'. */
export interface WallProfileOptions extends AlignmentOptions {
  w: number;
  b: readonly [number, number];
  points: number;
  /** T of the single unit (default 50, the paper's). */
  steps?: number;
}

/** What {@link singleUnitWallProfile} returns: one entry per b. */
export interface WallProfile {
  w: number;
  b: Float64Array;
  loss: Float64Array;
  gradNorm: Float64Array;
  /** The Hessian's leading eigenvalue λ (signed). */
  eigenvalue: Float64Array;
  /** cos(∇E, v); read it only where `converged` is true. */
  cosine: Float64Array;
  converged: boolean[];
  /** Step lengths ‖s‖ of the three steps of {@link HessianAlignment}. */
  gradientStep: Float64Array;
  clippedStep: Float64Array;
  newtonStep: Float64Array;
}

/**
 * {@link hessianAlignment} of the single unit's E(w, b) (θ = [w, b]) at `points` evenly spaced b
 * (inclusive ends) for one w: a cut across the wall.
 *
 * @example
 * const p = singleUnitWallProfile({ w: 4.5, b: [-2.31, -2.295], points: 31 });
 * // where p.gradNorm ≥ 10: p.cosine ≥ 0.998 and |p.eigenvalue| 100–2100 times p.gradNorm
 */
export function singleUnitWallProfile(options: WallProfileOptions): WallProfile {
  const op = 'singleUnitWallProfile';
  const { w, points, steps = SINGLE_UNIT.steps } = options;
  checkInteger(op, 'options.points', points, 1);
  const [lo, hi] = options.b;
  for (const [name, x] of [
    ['w', w],
    ['b[0]', lo],
    ['b[1]', hi],
  ] as const) {
    if (!Number.isFinite(x)) throw new ValueError(op, `options.${name}`, `must be a finite number, got ${x}`);
  }
  const f = (theta: Tensor): Tensor => singleUnitLoss(index(theta, 0), index(theta, 1), steps);
  const column = (): Float64Array => new Float64Array(points);
  const p: WallProfile = {
    w,
    b: column(),
    loss: column(),
    gradNorm: column(),
    eigenvalue: column(),
    cosine: column(),
    converged: [],
    gradientStep: column(),
    clippedStep: column(),
    newtonStep: column(),
  };
  for (let j = 0; j < points; j++) {
    const b = points === 1 ? lo : lo + ((hi - lo) * j) / (points - 1);
    const a = hessianAlignment(f, tensor([w, b]), options);
    p.b[j] = b;
    p.loss[j] = a.loss;
    p.gradNorm[j] = a.gradNorm;
    p.eigenvalue[j] = a.eigenpair.value;
    p.cosine[j] = a.cosine;
    p.converged.push(a.eigenpair.converged);
    p.gradientStep[j] = a.steps.gradient.length;
    p.clippedStep[j] = a.steps.clipped.length;
    p.newtonStep[j] = a.steps.newton.length;
  }
  return p;
}
