/**
 * @file The story's figures of the geometric claims (summary eqs. 11–14), computed: the first and
 * second derivatives of one unit against t (eqs. 12–13, beside their closed forms), the growth of
 * ∂E_t/∂W_rec with t and its direction for a tanh network at λ1 = 8 and λ1 = 2 (eq. 14), and the
 * Hessian's leading eigenvector against the gradient, across the single unit's wall and for the
 * network at several horizons (the wall behind clipping). Everything comes from @tapegrad/rnn's
 * geometry functions; this file fixes the settings and condenses the results into the key numbers
 * that the report's tables and the JSON beside it show (geometry-report.ts).
 */
import { largestSingularValue, mul, randn } from '@tapegrad/autodiff';
import {
  gradientGrowth,
  initRnn,
  rnnHessianAlignment,
  singleUnitWallProfile,
  unitDerivatives,
  type GradientGrowth,
  type HessianAlignment,
  type InitName,
  type UnitDerivatives,
  type UnitDerivativesOptions,
  type WallProfile,
  SINGLE_UNIT,
} from '@tapegrad/rnn';

/** One unit of eqs. 12–13; x_0 = 1 for the identity (so eq. 13 reads t·w^{t−1}), the paper's 0.5 for sigmoid. */
const UNITS: readonly UnitDerivativesOptions[] = [
  { w: 1.2, x0: 1, steps: 50 },
  { w: 0.8, x0: 1, steps: 50 },
  // b at the crest of the single unit's wall at w = 4.5 (the story's surface starts just below it).
  { w: 4.5, b: -2.303, activation: 'sigmoid', steps: 50 },
];

/**
 * The settings of the story's geometry figures: the README's example network of @tapegrad/rnn
 * (16 tanh units, W_rec rescaled to λ1, one sequence of 60 random inputs), the single unit's wall
 * at w = 4.5 with the story's surface learning rate, and where "on the wall" begins.
 */
export const GEOMETRY = {
  units: UNITS,
  network: { nIn: 2, nHidden: 16, nOut: 1, init: 'basic-tanh' as InitName, seed: 1, steps: 60, inputSeed: 1 },
  lambda1: [8, 2],
  /** Horizons t of E_t at which the network's Hessian is examined (each up to maxIterations products). */
  horizons: [10, 20, 30, 40, 50, 60],
  maxIterations: 100,
  /** The network's steps: the paper's learning rate and clipping threshold. */
  networkSteps: { learningRate: 0.01, threshold: 1 },
  wall: { w: 4.5, b: [-2.31, -2.295] as const, points: 31, learningRate: 0.5, threshold: 1 },
  /** A point of the wall profile is on the wall where ‖∇E‖ reaches this (as @tapegrad/rnn's README counts it). */
  wallGradNorm: 10,
} as const;

/** A unit's derivatives, with eq. 13's closed forms where they hold (σ the identity, b = 0). */
export interface UnitSeries {
  readonly options: UnitDerivativesOptions;
  readonly label: string;
  readonly d: UnitDerivatives;
  readonly closedForm: { readonly dx: Float64Array; readonly d2x: Float64Array } | null;
}

/** The Hessian of E_t at one horizon t. */
export interface HorizonAlignment {
  readonly horizon: number;
  readonly a: HessianAlignment;
}

/** The network at one λ1: the growth of ∂E_t/∂W_rec, and the Hessian at each horizon. */
export interface NetworkGeometry {
  readonly lambda1: number;
  readonly growth: GradientGrowth;
  readonly alignments: readonly HorizonAlignment[];
}

/** Everything the geometry figures show. */
export interface GeometryResult {
  readonly units: readonly UnitSeries[];
  readonly networks: readonly NetworkGeometry[];
  readonly wall: WallProfile;
}

/**
 * A network's label in tables and legends.
 *
 * @example
 * lambdaLabel(8); // 'λ1 = 8'
 */
export function lambdaLabel(lambda1: number): string {
  return `λ1 = ${lambda1}`;
}

/**
 * A unit's label: `σ = identity, w = 1.2, x_0 = 1`.
 *
 * @example
 * unitLabel({ w: 4.5, b: -2.303, activation: 'sigmoid', steps: 50 }); // 'σ = sigmoid, w = 4.5, b = -2.303, x_0 = 0.5'
 */
export function unitLabel(o: UnitDerivativesOptions): string {
  const b = o.b === undefined || o.b === 0 ? '' : `, b = ${o.b}`;
  return `σ = ${o.activation ?? 'identity'}, w = ${o.w}${b}, x_0 = ${o.x0 ?? SINGLE_UNIT.x0}`;
}

/**
 * Eq. 13: ∂x_t/∂w = t·x_0·w^{t−1} and ∂²x_t/∂w² = t(t−1)·x_0·w^{t−2} for x_t = w·x_{t−1}; null
 * for a unit they do not describe (another σ, or b ≠ 0).
 *
 * @example
 * closedForm({ w: 1.2, x0: 1, steps: 50 })!.dx[49]; // 50·1.2^49 ≈ 3.79e5
 */
export function closedForm(o: UnitDerivativesOptions): UnitSeries['closedForm'] {
  if ((o.activation ?? 'identity') !== 'identity' || (o.b ?? 0) !== 0) return null;
  const x0 = o.x0 ?? SINGLE_UNIT.x0;
  const series = (f: (t: number) => number) => Float64Array.from({ length: o.steps }, (_, i) => f(i + 1));
  return { dx: series((t) => t * x0 * o.w ** (t - 1)), d2x: series((t) => t * (t - 1) * x0 * o.w ** (t - 2)) };
}

/**
 * The README's example network with W_rec rescaled to largest singular value `lambda1`, and its inputs.
 *
 * @example
 * const { params, inputs } = scaledNetwork(8); // λ1 = 8 > 1/γ = 1
 */
export function scaledNetwork(lambda1: number) {
  const n = GEOMETRY.network;
  const { params } = initRnn({ nIn: n.nIn, nHidden: n.nHidden, nOut: n.nOut, init: n.init, seed: n.seed });
  const W_rec = mul(params.W_rec, lambda1 / largestSingularValue(params.W_rec));
  return { params: { ...params, W_rec }, inputs: randn([n.steps, 1, n.nIn], n.inputSeed) };
}

/**
 * Computes every series of the geometry figures (a few seconds: the network's power iterations
 * at λ1 = 2, which do not converge, take most of it).
 *
 * @example
 * const g = geometryExperiment();
 * g.networks[0].growth.fit.alpha; // > 1 at λ1 = 8: ∂E_t/∂W_rec explodes
 */
export function geometryExperiment(): GeometryResult {
  const units = GEOMETRY.units.map((options) => ({
    options,
    label: unitLabel(options),
    d: unitDerivatives(options),
    closedForm: closedForm(options),
  }));
  const networks = GEOMETRY.lambda1.map((lambda1) => {
    const { params, inputs } = scaledNetwork(lambda1);
    const growth = gradientGrowth(params, inputs, { activation: 'tanh' });
    const alignments = GEOMETRY.horizons.map((horizon) => ({
      horizon,
      a: rnnHessianAlignment(params, inputs, {
        activation: 'tanh',
        horizon,
        maxIterations: GEOMETRY.maxIterations,
        ...GEOMETRY.networkSteps,
      }),
    }));
    return { lambda1, growth, alignments };
  });
  const w = GEOMETRY.wall;
  const wall = singleUnitWallProfile({
    w: w.w,
    b: [w.b[0], w.b[1]],
    points: w.points,
    learningRate: w.learningRate,
    threshold: w.threshold,
  });
  return { units, networks, wall };
}
