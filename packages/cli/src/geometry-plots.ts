/**
 * @file The story's figures of eqs. 12–14 as vega-lite specifications: one unit's derivatives
 * against t beside eq. 13, and the growth and direction of ∂E_t/∂W_rec (eq. 14). The wall's
 * figures are in alignment-plots.ts. Each function takes the results of geometry.ts and returns a
 * spec; render.ts turns specs into files.
 */
import { lambdaLabel, type NetworkGeometry, type UnitSeries } from './geometry.js';
import { SCHEMA } from './plot-style.js';
import type { PlotSpec } from './render.js';

const FIRST = '|∂x_t/∂w|';
const SECOND = '|∂²x_t/∂w²|';
/** Closed-form points are drawn every this many t: enough to see the line sit on them. */
const CLOSED_FORM_EVERY = 5;

/**
 * Values a log axis can show (the others are left out of its data), and that axis's scale.
 *
 * @example
 * [0, 2, NaN].filter(positive); // [2]
 */
export const positive = (v: number) => Number.isFinite(v) && v > 0;
export const LOG_SCALE = { type: 'log' };

/**
 * |∂x_t/∂w| and |∂²x_t/∂w²| against t (log scale), one panel per unit, the tape's values as lines
 * and eq. 13's closed forms as rings where they hold.
 *
 * @example
 * derivativesSpec(geometryExperiment().units);
 */
export function derivativesSpec(units: readonly UnitSeries[]): PlotSpec {
  const rows = units.flatMap((u) => {
    const at = (i: number) => ({ unit: u.label, t: u.d.t[i] });
    return [...u.d.t.keys()].flatMap((i) => [
      { ...at(i), derivative: FIRST, value: Math.abs(u.d.dx[i]), source: 'tape' },
      { ...at(i), derivative: SECOND, value: Math.abs(u.d.d2x[i]), source: 'tape' },
      ...(u.closedForm !== null && u.d.t[i] % CLOSED_FORM_EVERY === 0
        ? [
            { ...at(i), derivative: FIRST, value: Math.abs(u.closedForm.dx[i]), source: 'eq. 13' },
            { ...at(i), derivative: SECOND, value: Math.abs(u.closedForm.d2x[i]), source: 'eq. 13' },
          ]
        : []),
    ]);
  });
  const x = { field: 't', type: 'quantitative', title: 't' };
  const y = {
    field: 'value',
    type: 'quantitative',
    title: 'derivative in w (log)',
    scale: LOG_SCALE,
    axis: { format: '.0e' },
  };
  const color = {
    field: 'derivative',
    type: 'nominal',
    title: 'tape (grad of grad)',
    scale: { domain: [FIRST, SECOND], range: ['#4c78a8', '#e45756'] },
  };
  return {
    $schema: SCHEMA,
    title: {
      text: 'one unit x_t = w·σ(x_{t−1}) + b: first and second derivatives in w',
      subtitle: 'lines: the tape; rings: eq. 13 where it holds (σ the identity, b = 0)',
    },
    data: { values: rows.filter((r) => positive(r.value)) },
    facet: { column: { field: 'unit', type: 'nominal', sort: units.map((u) => u.label), title: null } },
    spec: {
      width: 250,
      height: 220,
      layer: [
        {
          transform: [{ filter: "datum.source === 'tape'" }],
          mark: { type: 'line', strokeWidth: 2 },
          encoding: { x, y, color },
        },
        {
          transform: [{ filter: "datum.source === 'eq. 13'" }],
          mark: { type: 'point', size: 40, filled: false, strokeWidth: 1.2 },
          encoding: {
            x,
            y,
            detail: { field: 'derivative' },
            color: { value: 'black' },
            shape: { field: 'source', type: 'nominal', title: 'closed form' },
          },
        },
      ],
    },
    resolve: { scale: { y: 'independent' } },
  } as PlotSpec;
}

/** λ1's colours in the growth and network figures. */
const LAMBDA_COLOURS = ['#e45756', '#72b7b2', '#54a24b', '#b279a2'];
const MEASURED = '‖∂E_t/∂W_rec‖';
const BOUND = 'eq. 14: C·α^t (α fitted)';

/**
 * ‖∂E_t/∂W_rec‖ against t (log scale) with eq. 14's bound C·α^t over the fit's window, and
 * |cos(∂E_t/∂W_rec, v)| with v the direction at t = T, one colour per λ1.
 *
 * @example
 * growthSpec(geometryExperiment().networks);
 */
export function growthSpec(networks: readonly NetworkGeometry[]): PlotSpec {
  const labels = networks.map((n) => lambdaLabel(n.lambda1));
  const color = {
    field: 'lambda',
    type: 'nominal',
    title: 'W_rec',
    scale: { domain: labels, range: LAMBDA_COLOURS.slice(0, labels.length) },
  };
  const x = { field: 't', type: 'quantitative', title: 'horizon t of E_t' };
  const norms = networks.flatMap((n) => {
    const g = n.growth;
    const measured = [...g.t].map((t, i) => ({
      lambda: lambdaLabel(n.lambda1),
      t,
      value: g.norms[i],
      curve: MEASURED,
    }));
    const window = [...g.t].filter((t) => t >= g.fit.from && t <= g.fit.to);
    const bound = window.map((t) => ({
      lambda: lambdaLabel(n.lambda1),
      t,
      value: g.fit.C * g.fit.alpha ** t,
      curve: BOUND,
    }));
    return [...measured, ...bound];
  });
  // cosines[0] is NaN when ∂E_1/∂W_rec is zero (x_0 = 0): not drawn.
  const cosines = networks.flatMap((n) =>
    [...n.growth.t].map((t, i) => ({ lambda: lambdaLabel(n.lambda1), t, cosine: n.growth.cosines[i] })),
  );
  return {
    $schema: SCHEMA,
    title: {
      text: 'how ∂E_t/∂W_rec grows with t, and along which direction (eq. 14)',
      subtitle:
        'tanh network, 16 units, W_rec rescaled to λ1; E_t a linear readout of x_t; v: the direction of ∂E_T/∂W_rec',
    },
    hconcat: [
      {
        width: 340,
        height: 240,
        data: { values: norms.filter((r) => positive(r.value)) },
        mark: { type: 'line', strokeWidth: 2 },
        encoding: {
          x,
          y: {
            field: 'value',
            type: 'quantitative',
            title: '‖∂E_t/∂W_rec‖ (log)',
            scale: LOG_SCALE,
            axis: { format: '.0e' },
          },
          color,
          strokeDash: {
            field: 'curve',
            type: 'nominal',
            title: null,
            scale: {
              domain: [MEASURED, BOUND],
              range: [
                [1, 0],
                [6, 4],
              ],
            },
          },
        },
      },
      {
        width: 300,
        height: 240,
        data: { values: cosines.filter((r) => Number.isFinite(r.cosine)) },
        mark: { type: 'line', strokeWidth: 2 },
        encoding: {
          x,
          y: { field: 'cosine', type: 'quantitative', title: '|cos(∂E_t/∂W_rec, v)|', scale: { domain: [0, 1] } },
          color,
        },
      },
    ],
  } as PlotSpec;
}
