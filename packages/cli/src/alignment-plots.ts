/**
 * @file The story's figures of the wall behind clipping as vega-lite specifications: the
 * Hessian's leading eigenvector against the gradient, and the three steps it implies (plain,
 * clipped by Algorithm 1, Newton along v), across the single unit's wall and over the network's
 * horizons, in the same three panels each.
 */
import type { WallProfile } from '@tapegrad/rnn';
import { lambdaLabel, type NetworkGeometry } from './geometry.js';
import { LOG_SCALE, positive } from './geometry-plots.js';
import { SCHEMA, methodScales } from './plot-style.js';
import type { PlotSpec } from './render.js';

/** One point of an alignment panel: a b of the wall's cut or a horizon t of the network. */
interface AlignmentPoint {
  readonly x: number;
  readonly gradNorm: number;
  readonly eigenvalue: number;
  readonly cosine: number;
  readonly converged: boolean;
  readonly steps: { readonly newton: number; readonly clipped: number; readonly plain: number };
}

const STEP_NAMES = { newton: 'Newton along v', clipped: 'clipped (Algorithm 1)', plain: 'plain lr·∇E' } as const;
const GRAD_NORM = '‖∇E‖';
const CURVATURE = "|λ|, the Hessian's leading eigenvalue";
const UNCONVERGED = 'not converged: cos means nothing';
/** Legends under their panels, so three panels fit side by side. */
const LEGEND = { orient: 'bottom', direction: 'vertical' };
/** Steps in drawing order: the clipped step dashed over the plain one, which it equals below the threshold. */
const STEP_ORDER = ['plain', 'clipped', 'newton'] as const;

/**
 * Three panels over x: ‖∇E‖ and |λ|; cos(∇E, v) with the unconverged points marked; the three
 * step lengths. `legends` false leaves the legends out (a second row of the same panels).
 */
function alignmentPanels(points: readonly AlignmentPoint[], xTitle: string, title?: string, legends = true): object {
  const legend = legends ? LEGEND : null;
  const strokeLegend = legends ? { ...LEGEND, symbolType: 'stroke', symbolStrokeWidth: 2.5 } : null;
  const x = { field: 'x', type: 'quantitative', title: xTitle, scale: { zero: false } };
  const sizes = points.flatMap((p) => [
    { x: p.x, quantity: GRAD_NORM, value: p.gradNorm },
    { x: p.x, quantity: CURVATURE, value: Math.abs(p.eigenvalue) },
  ]);
  const cosines = points.map((p) => ({ x: p.x, cosine: p.cosine, state: p.converged ? 'converged' : UNCONVERGED }));
  const steps = STEP_ORDER.flatMap((k) => points.map((p) => ({ x: p.x, step: STEP_NAMES[k], value: p.steps[k] })));
  // Plain and clipped steps keep the colours of sgd and sgd-c, the methods that take them.
  const [plain, clipped] = methodScales(['sgd', 'sgd-c']).colour.range;
  const stepDomain = [STEP_NAMES.newton, STEP_NAMES.clipped, STEP_NAMES.plain];
  const stepColour = { domain: stepDomain, range: ['#54a24b', clipped, plain] };
  const stepDash = {
    domain: stepDomain,
    range: [
      [1, 0],
      [6, 3],
      [1, 0],
    ],
  };
  const panel = { width: 230, height: 190 };
  const heading = title === undefined ? {} : { title: { text: title, anchor: 'start', fontSize: 13 } };
  return {
    ...heading,
    hconcat: [
      {
        ...panel,
        data: { values: sizes.filter((r) => positive(r.value)) },
        mark: { type: 'line', point: { size: 16 }, strokeWidth: 2 },
        encoding: {
          x,
          y: { field: 'value', type: 'quantitative', title: 'size (log)', scale: LOG_SCALE, axis: { format: '.0e' } },
          color: {
            field: 'quantity',
            type: 'nominal',
            title: 'at θ',
            scale: { domain: [GRAD_NORM, CURVATURE], range: ['#333333', '#b279a2'] },
            legend,
          },
        },
      },
      {
        ...panel,
        data: { values: cosines.filter((r) => Number.isFinite(r.cosine)) },
        layer: [
          {
            mark: { type: 'line', color: '#888888' },
            encoding: {
              x,
              y: { field: 'cosine', type: 'quantitative', title: 'cos(∇E, v)', scale: { domain: [0, 1] } },
            },
          },
          {
            mark: { type: 'point', size: 45, filled: true },
            encoding: {
              x,
              y: { field: 'cosine', type: 'quantitative' },
              shape: {
                field: 'state',
                type: 'nominal',
                title: 'power iteration',
                scale: { domain: ['converged', UNCONVERGED], range: ['circle', 'cross'] },
                legend,
              },
              color: {
                field: 'state',
                type: 'nominal',
                title: 'power iteration',
                scale: { domain: ['converged', UNCONVERGED], range: ['#333333', '#e41a1c'] },
                legend,
              },
            },
          },
        ],
      },
      {
        ...panel,
        data: { values: steps.filter((r) => positive(r.value)) },
        mark: { type: 'line', point: { size: 16 }, strokeWidth: 2 },
        encoding: {
          x,
          y: {
            field: 'value',
            type: 'quantitative',
            title: 'step length ‖s‖ (log)',
            scale: LOG_SCALE,
            axis: { format: '.0e' },
          },
          color: { field: 'step', type: 'nominal', title: 'step', scale: stepColour, legend: strokeLegend },
          strokeDash: { field: 'step', type: 'nominal', title: 'step', scale: stepDash, legend: strokeLegend },
        },
      },
    ],
    resolve: { scale: { color: 'independent', shape: 'independent', strokeDash: 'independent' } },
  };
}

/**
 * The single unit's wall: along a cut in b at fixed w, ‖∇E‖ and the Hessian's leading |λ|, the
 * cosine between ∇E and the eigenvector v, and the plain, clipped and Newton step lengths.
 *
 * @example
 * wallSpec(geometryExperiment().wall, 0.5, 1);
 */
export function wallSpec(wall: WallProfile, learningRate: number, threshold: number): PlotSpec {
  const points = [...wall.b].map((b, j) => ({
    x: b,
    gradNorm: wall.gradNorm[j],
    eigenvalue: wall.eigenvalue[j],
    cosine: wall.cosine[j],
    converged: wall.converged[j],
    steps: { newton: wall.newtonStep[j], clipped: wall.clippedStep[j], plain: wall.gradientStep[j] },
  }));
  return {
    $schema: SCHEMA,
    title: {
      text: `the single unit across its wall at w = ${wall.w}`,
      subtitle: `θ = (w, b); steps with lr ${learningRate}, clipping threshold ${threshold}`,
    },
    ...alignmentPanels(points, 'b (bias)'),
  } as PlotSpec;
}

/**
 * The network's Hessian of E_t in W_rec at each horizon t, one row per λ1, with the panels of
 * {@link wallSpec}.
 *
 * @example
 * networkAlignmentSpec(geometryExperiment().networks, 0.01, 1);
 */
export function networkAlignmentSpec(
  networks: readonly NetworkGeometry[],
  learningRate: number,
  threshold: number,
): PlotSpec {
  const rows = networks.map((n, i) => {
    const points = n.alignments.map(({ horizon, a }) => ({
      x: horizon,
      gradNorm: a.gradNorm,
      eigenvalue: a.eigenpair.value,
      cosine: a.cosine,
      converged: a.eigenpair.converged,
      steps: { newton: a.steps.newton.length, clipped: a.steps.clipped.length, plain: a.steps.gradient.length },
    }));
    return alignmentPanels(
      points,
      'horizon t of E_t',
      `W_rec with ${lambdaLabel(n.lambda1)}`,
      i === networks.length - 1,
    );
  });
  return {
    $schema: SCHEMA,
    title: {
      text: 'the network: gradient and curvature of E_t in W_rec',
      subtitle: `tanh, 16 units; steps with lr ${learningRate}, clipping threshold ${threshold}`,
    },
    vconcat: rows,
    // Each row's legends are its own: only the last row shows them.
    resolve: { scale: { color: 'independent', shape: 'independent', strokeDash: 'independent' } },
  } as PlotSpec;
}
