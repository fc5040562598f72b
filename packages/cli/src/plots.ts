/**
 * @file The report's pictures as vega-lite specifications: training curves, gradient norms with
 * the clipping threshold, per-step error signal norms against k, the single-unit error surface
 * with SGD trajectories, and success rate against sequence length. Each function takes plain
 * rows and returns a spec; render.ts turns specs into files.
 */
import type { PlotSpec } from './render.js';

/**
 * One logged training point of one run (`run` labels the line, e.g. `sgd-c seed 2`). With
 * `group` (e.g. the method) the lines are coloured by group, one line per run, so that many
 * seeds stay readable.
 */
export interface CurveRow {
  readonly run: string;
  readonly update: number;
  readonly value: number;
  readonly group?: string;
}

/** Colour by group when the rows have one (one line per run inside it), else by run. */
function lineColour(rows: readonly CurveRow[]): Record<string, unknown> {
  return rows.some((r) => r.group !== undefined)
    ? { color: { field: 'group', type: 'nominal', title: 'method' }, detail: { field: 'run', type: 'nominal' } }
    : { color: { field: 'run', type: 'nominal', title: 'run' } };
}

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/**
 * Loss (log scale) and validation error (%) over updates, one line per run, stacked.
 *
 * @example
 * trainingCurvesSpec(lossRows, errorRows, 'temporal order, L = 50');
 */
export function trainingCurvesSpec(loss: readonly CurveRow[], validationError: readonly CurveRow[], title: string): PlotSpec {
  const line = (rows: readonly CurveRow[], yTitle: string, log: boolean) => ({
    width: 520,
    height: 200,
    data: { values: rows.filter((r) => Number.isFinite(r.value) && (!log || r.value > 0)) as CurveRow[] },
    mark: { type: 'line' as const, strokeWidth: 1.5 },
    encoding: {
      x: { field: 'update', type: 'quantitative' as const, title: 'update' },
      y: { field: 'value', type: 'quantitative' as const, title: yTitle, scale: log ? { type: 'log' as const } : { zero: true } },
      ...lineColour(rows),
    },
  });
  return {
    $schema: SCHEMA,
    title,
    vconcat: [line(loss, 'training loss (log)', true), line(validationError, 'validation error (%)', false)],
  } as PlotSpec;
}

/**
 * Pre-clip gradient norm over updates (log scale) with a dashed rule at the clipping threshold.
 *
 * @example
 * gradientNormSpec(rows, 1, 'gradient norm before clipping');
 */
export function gradientNormSpec(rows: readonly CurveRow[], threshold: number, title: string): PlotSpec {
  return {
    $schema: SCHEMA,
    title,
    width: 520,
    height: 260,
    layer: [
      {
        data: { values: rows.filter((r) => Number.isFinite(r.value) && r.value > 0) as CurveRow[] },
        mark: { type: 'line', strokeWidth: 1.2, opacity: 0.85 },
        encoding: {
          x: { field: 'update', type: 'quantitative', title: 'update' },
          y: { field: 'value', type: 'quantitative', title: '‖∂E/∂θ‖ before clipping (log)', scale: { type: 'log' } },
          ...lineColour(rows),
        },
      },
      {
        data: { values: [{ threshold, label: `clipping threshold ${threshold}` }] },
        mark: { type: 'rule', strokeDash: [6, 4], color: 'black' },
        encoding: { y: { field: 'threshold', type: 'quantitative' } },
      },
      {
        data: { values: [{ threshold, label: `clipping threshold = ${threshold}` }] },
        mark: { type: 'text', align: 'left', dx: 4, dy: -7, x: 0 },
        encoding: { y: { field: 'threshold', type: 'quantitative' }, text: { field: 'label' } },
      },
    ],
  } as PlotSpec;
}

/** ‖∂E/∂x_k‖ at step k for one initialisation (averaged over examples). */
export interface FlowRow {
  readonly init: string;
  readonly k: number;
  readonly norm: number;
}

/**
 * ‖∂E/∂x_k‖ against k on a log scale, one line per initialisation: vanishing shows as a straight
 * fall towards small k (the error enters at the last step and travels back).
 *
 * @example
 * gradientFlowSpec([{ init: 'smart-tanh', k: 0, norm: 1e-8 }, ...], 'temporal order, L = 100');
 */
export function gradientFlowSpec(rows: readonly FlowRow[], title: string): PlotSpec {
  return {
    $schema: SCHEMA,
    title,
    width: 520,
    height: 300,
    data: { values: rows.filter((r) => Number.isFinite(r.norm) && r.norm > 0) as FlowRow[] },
    mark: { type: 'line', point: { size: 12 } },
    encoding: {
      x: { field: 'k', type: 'quantitative', title: 'step k' },
      y: { field: 'norm', type: 'quantitative', title: '‖∂E/∂x_k‖ (log)', scale: { type: 'log' }, axis: { format: '.0e' } },
      color: { field: 'init', type: 'nominal', title: 'initialisation' },
    },
  } as PlotSpec;
}

/** One cell of the (w, b) grid of the single-unit system. */
export interface SurfaceCell {
  readonly w: number;
  readonly b: number;
  readonly loss: number;
}

/** One point of an SGD trajectory on the single-unit surface. */
export interface TrajectoryPoint {
  readonly method: string;
  readonly step: number;
  readonly w: number;
  readonly b: number;
}

/**
 * The single-unit error surface as a heat map of log10 E over (w, b), with SGD trajectories
 * drawn on top (lines with a point per step, one colour per method).
 *
 * @example
 * surfaceSpec(cells, paths, 0.1, 0.1, 'single unit, T = 50');
 */
export function surfaceSpec(cells: readonly SurfaceCell[], paths: readonly TrajectoryPoint[], dw: number, db: number, title: string): PlotSpec {
  const floor = 1e-12;
  const values = cells.map((c) => ({
    w: c.w - dw / 2,
    w2: c.w + dw / 2,
    b: c.b - db / 2,
    b2: c.b + db / 2,
    logE: Math.log10(Math.max(floor, c.loss)),
  }));
  const ws = cells.map((c) => c.w);
  const bs = cells.map((c) => c.b);
  const xDomain = [Math.min(...ws) - dw / 2, Math.max(...ws) + dw / 2];
  const yDomain = [Math.min(...bs) - db / 2, Math.max(...bs) + db / 2];
  const x = { type: 'quantitative', scale: { domain: xDomain, nice: false, zero: false }, title: 'w (recurrent weight)' };
  const y = { type: 'quantitative', scale: { domain: yDomain, nice: false, zero: false }, title: 'b (bias)' };
  const clipped = paths.filter((p) => p.w >= xDomain[0] && p.w <= xDomain[1] && p.b >= yDomain[0] && p.b <= yDomain[1]);
  return {
    $schema: SCHEMA,
    title,
    width: 480,
    height: 400,
    layer: [
      {
        data: { values },
        mark: { type: 'rect' },
        encoding: {
          x: { field: 'w', ...x },
          x2: { field: 'w2' },
          y: { field: 'b', ...y },
          y2: { field: 'b2' },
          color: { field: 'logE', type: 'quantitative', title: 'log10 E', scale: { scheme: 'viridis' } },
        },
      },
      {
        data: { values: clipped as TrajectoryPoint[] },
        mark: { type: 'line', point: { size: 25, filled: true }, strokeWidth: 2 },
        encoding: {
          x: { field: 'w', ...x },
          y: { field: 'b', ...y },
          order: { field: 'step', type: 'quantitative' },
          color: { field: 'method', type: 'nominal', title: 'trajectory', scale: { range: ['#e41a1c', '#ff7f00', '#ff00ff', '#00bfff'] } },
        },
      },
    ],
    resolve: { scale: { color: 'independent' } },
  } as PlotSpec;
}

/** The success rate of one (initialisation, method, length) cell of the sweep. */
export interface SuccessRow {
  readonly init: string;
  readonly method: string;
  readonly length: number;
  readonly rate: number;
  /** Seeds that succeeded and seeds run: the bar's label, e.g. `0/5`. */
  readonly successes: number;
  readonly runs: number;
}

const METHOD_ORDER = ['sgd', 'sgd-c', 'sgd-cr'];

/**
 * Success rate against sequence length, one panel per initialisation and one bar per method,
 * as in the paper's Figure 7. Every bar carries its count (`3/5`) above it, so a method that
 * never succeeded shows as a `0/5` on the axis instead of as nothing.
 *
 * @example
 * successSpec([{ init: 'smart-tanh', method: 'sgd-cr', length: 50, rate: 1, successes: 5, runs: 5 }], 'temporal order');
 */
export function successSpec(rows: readonly SuccessRow[], title: string): PlotSpec {
  const x = { field: 'length', type: 'ordinal', title: 'sequence length', axis: { labelAngle: 0 } };
  const xOffset = { field: 'method', type: 'nominal', sort: METHOD_ORDER };
  const y = { field: 'rate', type: 'quantitative', title: 'success rate', scale: { domain: [0, 1.12] }, axis: { format: '.0%', values: [0, 0.25, 0.5, 0.75, 1] } };
  const color = { field: 'method', type: 'nominal', title: 'method', sort: METHOD_ORDER };
  return {
    $schema: SCHEMA,
    title,
    data: { values: rows.map((r) => ({ ...r, label: `${r.successes}/${r.runs}` })) },
    facet: { column: { field: 'init', type: 'nominal', title: 'initialisation', sort: ['sigmoid', 'basic-tanh', 'smart-tanh'] } },
    spec: {
      width: 80 + 90 * new Set(rows.map((r) => r.length)).size,
      height: 200,
      // Grouped bars (not lines): equal rates of two methods would hide each other as points.
      layer: [
        { mark: { type: 'bar' }, encoding: { x, xOffset, y, color } },
        // The count above each bar; a zero bar has no height, so its label is what shows it.
        { mark: { type: 'text', dy: -6, fontSize: 10 }, encoding: { x, xOffset, y, color, text: { field: 'label' } } },
        { mark: { type: 'tick', thickness: 2, opacity: 0.9 }, encoding: { x, xOffset, y, color } },
      ],
    },
  } as PlotSpec;
}
