/**
 * @file The report's pictures as vega-lite specifications: per-step error signal norms against k,
 * the single-unit error surface with descent trajectories, success rate against sequence length,
 * and (from curve-plots.ts) the training curves and gradient norms. Each function takes plain rows
 * and returns a spec; render.ts turns specs into files.
 */
import { heatmap, type SurfaceCell } from './heatmap.js';
import { INIT_ORDER, METHOD_ORDER, SCHEMA, methodScales } from './plot-style.js';
import type { PlotSpec } from './render.js';

export { GRADIENT_NORM_OF, gradientNormSpec, trainingCurvesSpec, type CurveRow, type NormRow } from './curve-plots.js';
export type { SurfaceCell } from './heatmap.js';

/** ‖∂E/∂x_k‖ at step k for one initialisation (averaged over examples). */
export interface FlowRow {
  readonly init: string;
  readonly k: number;
  readonly norm: number;
}

/** Below this many decades between the highest and lowest norm, one log axis shows every curve well. */
const ZOOM_ABOVE_DECADES = 10;

/**
 * The curves a second panel zooms on, or null: when one curve falls so far (sigmoid's signal
 * drops by 10^-160 over 100 steps) that the others are flattened against the top, the curves
 * that fit together into a quarter of the whole plot's decades, taken from the highest down.
 */
function zoomOn(rows: readonly FlowRow[]): string[] | null {
  const ranges = new Map<string, { lo: number; hi: number }>();
  for (const r of rows) {
    const v = Math.log10(r.norm);
    const range = ranges.get(r.init) ?? { lo: v, hi: v };
    ranges.set(r.init, { lo: Math.min(range.lo, v), hi: Math.max(range.hi, v) });
  }
  const all = [...ranges.values()];
  const span = Math.max(...all.map((r) => r.hi)) - Math.min(...all.map((r) => r.lo));
  if (ranges.size < 2 || span <= ZOOM_ABOVE_DECADES) return null;
  const kept: string[] = [];
  let [lo, hi] = [Infinity, -Infinity];
  for (const [init, r] of [...ranges].sort((a, b) => b[1].lo - a[1].lo)) {
    if (Math.max(hi, r.hi) - Math.min(lo, r.lo) > span / 4) break;
    [lo, hi] = [Math.min(lo, r.lo), Math.max(hi, r.hi)];
    kept.push(init);
  }
  return kept.length > 0 && kept.length < ranges.size ? [...ranges.keys()].filter((init) => kept.includes(init)) : null;
}

/**
 * ‖∂E/∂x_k‖ against k on a log scale, one line per initialisation: vanishing shows as a straight
 * fall towards small k (the error enters at the last step and travels back). When one curve spans
 * far more decades than the others, a second panel zooms on the others so they can be compared
 * (at initialisation: basic and smart tanh beside sigmoid).
 *
 * @example
 * gradientFlowSpec([{ init: 'smart-tanh', k: 0, norm: 1e-8 }, ...], 'temporal order, L = 100');
 */
export function gradientFlowSpec(rows: readonly FlowRow[], title: string): PlotSpec {
  const usable = rows.filter((r) => Number.isFinite(r.norm) && r.norm > 0);
  const inits = [...new Set(usable.map((r) => r.init))];
  const zoom = zoomOn(usable);
  const panel = (values: readonly FlowRow[], panelTitle?: string) => ({
    ...(panelTitle === undefined ? {} : { title: { text: panelTitle, fontSize: 12 } }),
    width: zoom === null ? 520 : 380,
    height: 300,
    data: { values },
    // A point per step while the steps can be told apart; past that they only thicken the line.
    mark: { type: 'line', point: values.length <= 50 * inits.length ? { size: 12 } : false },
    encoding: {
      x: { field: 'k', type: 'quantitative', title: 'step k' },
      y: {
        field: 'norm',
        type: 'quantitative',
        title: '‖∂E/∂x_k‖ (log)',
        scale: { type: 'log' },
        axis: { format: '.0e' },
      },
      color: { field: 'init', type: 'nominal', title: 'initialisation', sort: inits },
    },
  });
  if (zoom === null) return { $schema: SCHEMA, title, ...panel(usable) } as PlotSpec;
  return {
    $schema: SCHEMA,
    title,
    hconcat: [
      panel(usable, 'all initialisations'),
      panel(
        usable.filter((r) => zoom.includes(r.init)),
        `zoomed in: ${zoom.join(', ')}`,
      ),
    ],
    resolve: { scale: { color: 'shared', y: 'independent' } },
  } as PlotSpec;
}

/** One point of an SGD trajectory on the single-unit surface. */
export interface TrajectoryPoint {
  readonly method: string;
  readonly step: number;
  readonly w: number;
  readonly b: number;
}

const SURFACE_SIZE = { width: 480, height: 400 };
/** Bright trajectory colours that stand out on viridis. */
const TRAJECTORY_COLOURS = ['#e41a1c', '#ff7f00', '#ff00ff', '#00bfff'];

/**
 * The single-unit error surface as a heat map of log10 E over (w, b), with SGD trajectories
 * drawn on top (lines with a point per step, one colour per method) and their start marked.
 * Asynchronous because the colour scheme is vega's, loaded on first use.
 *
 * @example
 * await surfaceSpec(cells, paths, 0.1, 0.1, 'single unit, T = 50');
 */
export async function surfaceSpec(
  cells: readonly SurfaceCell[],
  paths: readonly TrajectoryPoint[],
  dw: number,
  db: number,
  title: string,
): Promise<PlotSpec> {
  const map = await heatmap(cells, dw, db, SURFACE_SIZE.width, SURFACE_SIZE.height);
  const [xDomain, yDomain, [lo, hi]] = [map.w, map.b, map.logE];
  const axis = (domain: readonly number[], title: string) => ({
    type: 'quantitative',
    scale: { domain, nice: false, zero: false },
    title,
  });
  const [x, y] = [axis(xDomain, 'w (recurrent weight)'), axis(yDomain, 'b (bias)')];
  const within = (v: number, [a, b]: readonly number[]) => v >= a && v <= b;
  const inside = (p: { w: number; b: number }) => within(p.w, xDomain) && within(p.b, yDomain);
  const start = paths.filter((p) => p.step === 0 && inside(p)).slice(0, 1);
  const at = { x: { field: 'w', ...x }, y: { field: 'b', ...y } };
  return {
    $schema: SCHEMA,
    title,
    ...SURFACE_SIZE,
    layer: [
      {
        data: { values: [{ w0: xDomain[0], w1: xDomain[1], b0: yDomain[0], b1: yDomain[1], url: map.url }] },
        // One image instead of a rectangle per cell; aria off, its description would repeat the data URL.
        mark: { type: 'image', aspect: false, aria: false },
        encoding: {
          x: { field: 'w0', ...x },
          x2: { field: 'w1' },
          y: { field: 'b0', ...y },
          y2: { field: 'b1' },
          url: { field: 'url', type: 'nominal' },
        },
      },
      {
        // Not drawn: two points at the ends of the colour scale that give the image its legend.
        data: { values: [{ logE: lo }, { logE: hi }] },
        mark: { type: 'point', opacity: 0, aria: false },
        encoding: {
          color: {
            field: 'logE',
            type: 'quantitative',
            title: 'log10 E',
            scale: { scheme: 'viridis', domain: [lo, hi], nice: false, zero: false },
          },
        },
      },
      {
        data: { values: paths.filter(inside) },
        mark: { type: 'line', point: { size: 25, filled: true }, strokeWidth: 2 },
        encoding: {
          ...at,
          order: { field: 'step', type: 'quantitative' },
          color: { field: 'method', type: 'nominal', title: 'trajectory', scale: { range: TRAJECTORY_COLOURS } },
        },
      },
      {
        data: { values: start },
        mark: {
          type: 'point',
          shape: 'diamond',
          size: 160,
          filled: true,
          opacity: 1,
          color: 'white',
          stroke: 'black',
          strokeWidth: 1.5,
        },
        encoding: at,
      },
      {
        data: { values: start },
        mark: { type: 'text', align: 'left', dx: 10, dy: 12, fontSize: 12, fontWeight: 'bold', text: 'start' },
        encoding: at,
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
  const axis = { format: '.0%', values: [0, 0.25, 0.5, 0.75, 1] };
  const y = { field: 'rate', type: 'quantitative', title: 'success rate', scale: { domain: [0, 1.12] }, axis };
  const color = {
    field: 'method',
    type: 'nominal',
    title: 'method',
    scale: methodScales(rows.map((r) => r.method)).colour,
  };
  return {
    $schema: SCHEMA,
    title,
    data: { values: rows.map((r) => ({ ...r, label: `${r.successes}/${r.runs}` })) },
    facet: { column: { field: 'init', type: 'nominal', title: 'initialisation', sort: INIT_ORDER } },
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
