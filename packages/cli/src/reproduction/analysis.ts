/**
 * @file The analysis record: the paper's claims that need no training, computed in seconds and
 * written as one small JSON file (docs/results/analysis/analysis.json) that the reproduction
 * document reads like any run record. Gradient flow at initialisation for the three
 * initialisations (the conditions on λ1), eq. 13 checked by a gradient of a gradient, eq. 14's
 * growth and the wall's alignment on a tanh network with λ1 = 8 and, for contrast, λ1 = 2, the
 * single unit's wall, and descent on its surface with and without clipping.
 */
import { grad, largestSingularValue, mul, randn, scalar, spectralRadius, type Tensor } from '@tapegrad/autodiff';
import { INITS, gradientGrowth, initRnn, rnnHessianAlignment, singleUnitWallProfile } from '@tapegrad/rnn';
import { gradientFlow } from '../flow.js';
import type { CodeVersion } from '../record.js';
import { SURFACE_DEFAULTS, surfaceExperiment } from '../surface.js';

/** The format name of the analysis record. */
export const ANALYSIS_FORMAT = 'tapegrad-analysis-record';

/** What the analysis record holds (numbers rounded to 4 significant digits). */
export interface AnalysisRecord {
  readonly format: typeof ANALYSIS_FORMAT;
  readonly version: 1;
  readonly code: CodeVersion;
  /** Temporal order, L = 100, 50 hidden units, one batch of 20 (data seed 7), initialisation seed 1. */
  readonly flow: readonly {
    init: string;
    lambda1: number;
    spectralRadius: number;
    gamma: number;
    firstOverLast: number;
    stepsInPast: number;
    verdict: string;
  }[];
  /** x_t = w·x_{t−1}, x_0 = 1, w = 1.2, T = 50: ∂²x_T/∂w² ÷ ∂x_T/∂w through the tape against (T − 1)/w. */
  readonly eq13: { w: number; steps: number; ratio: number; expected: number; relativeError: number };
  /** The README's tanh network (16 units, T = 60) at λ1 = 8 and λ1 = 2. */
  readonly networks: readonly {
    lambda1: number;
    spectralRadius: number;
    growthAlpha: number;
    cosineAt30: number;
    hessianConverged: boolean;
    hessianCosine: number;
    curvatureOverGradient: number;
    steps: { plain: number; clipped: number; newton: number };
  }[];
  /** The single unit across its wall at w = 4.5 (31 points of b in [−2.31, −2.295]). */
  readonly wall: {
    pointsOnWall: number;
    minCosineOnWall: number;
    curvatureOverGradient: [number, number];
    largestGradNorm: number;
  };
  /** Descent on the single unit's surface from just below the wall, without and with clipping. */
  readonly descent: readonly { method: string; endLoss: number; largestStep: number; largestGradNorm: number }[];
}

const r4 = (v: number) => Number(v.toPrecision(4));

/**
 * Computes the analysis record (a few seconds).
 *
 * @example
 * writeJsonAtomic('docs/results/analysis/analysis.json', analysisRecord(codeVersion()));
 */
export function analysisRecord(code: CodeVersion): AnalysisRecord {
  const flow = INITS.map((init) => {
    const f = gradientFlow({ init, seed: 1, hidden: 50 }, 'temporal-order', 100, 20, 7);
    return {
      init,
      lambda1: r4(f.lambda1),
      spectralRadius: r4(f.spectralRadius),
      gamma: f.gamma,
      firstOverLast: r4(f.firstOverLast),
      stepsInPast: r4(f.stepsInPast),
      verdict: f.verdict,
    };
  });
  const xT = (w: Tensor) => {
    let x = scalar(1);
    for (let t = 0; t < 50; t++) x = mul(w, x);
    return x;
  };
  const dx = grad(xT);
  const ratio = grad((w: Tensor) => dx(w))(scalar(1.2)).item() / dx(scalar(1.2)).item();
  const expected = 49 / 1.2;
  const networks = [8, 2].map((lambda1) => {
    const { params } = initRnn({ nIn: 2, nHidden: 16, nOut: 1, init: 'basic-tanh', seed: 1 });
    const p = { ...params, W_rec: mul(params.W_rec, lambda1 / largestSingularValue(params.W_rec)) };
    const inputs = randn([60, 1, 2], 1);
    const g = gradientGrowth(p, inputs, { activation: 'tanh' });
    const a = rnnHessianAlignment(p, inputs, { activation: 'tanh', maxIterations: 100 });
    return {
      lambda1,
      spectralRadius: r4(spectralRadius(p.W_rec)),
      growthAlpha: r4(g.fit.alpha),
      cosineAt30: r4(g.cosines[29]),
      hessianConverged: a.eigenpair.converged,
      hessianCosine: r4(a.cosine),
      curvatureOverGradient: r4(Math.abs(a.eigenpair.value) / a.gradNorm),
      steps: {
        plain: r4(a.steps.gradient.length),
        clipped: r4(a.steps.clipped.length),
        newton: r4(a.steps.newton.length),
      },
    };
  });
  const w = singleUnitWallProfile({ w: 4.5, b: [-2.31, -2.295], points: 31, learningRate: 0.5 });
  const on = [...w.b.keys()].filter((j) => w.gradNorm[j] >= 10);
  const ratios = on.map((j) => Math.abs(w.eigenvalue[j]) / w.gradNorm[j]);
  const surface = surfaceExperiment(SURFACE_DEFAULTS);
  return {
    format: ANALYSIS_FORMAT,
    version: 1,
    code,
    flow,
    eq13: {
      w: 1.2,
      steps: 50,
      ratio: r4(ratio),
      expected: r4(expected),
      relativeError: Number(Math.abs(ratio / expected - 1).toExponential(1)),
    },
    networks,
    wall: {
      pointsOnWall: on.length,
      minCosineOnWall: r4(Math.min(...on.map((j) => w.cosine[j]))),
      curvatureOverGradient: [r4(Math.min(...ratios)), r4(Math.max(...ratios))],
      largestGradNorm: r4(Math.max(...w.gradNorm)),
    },
    descent: surface.summaries.map((s) => ({
      method: s.method,
      endLoss: r4(s.endLoss),
      largestStep: r4(s.largestStep),
      largestGradNorm: r4(s.largestGradNorm),
    })),
  };
}
