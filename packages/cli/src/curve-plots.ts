/**
 * @file The report's curves over updates as vega-lite specifications: training loss and
 * validation error, and the gradient norm before clipping. Seeds are summarised per method as
 * a median line and a band from the lowest to the highest seed (bands.ts), in one panel per cell
 * of the grid (rows: initialisations, columns: lengths), so a 3 × 3 × 5 sweep stays readable.
 */
import { band } from './bands.js';
import { INIT_ORDER, METHOD_ORDER, SCHEMA, methodScales, ordered } from './plot-style.js';
import type { PlotSpec } from './render.js';

/**
 * What the training loop logs as an update's gradient norm (`UpdateMetrics.gradNorm`, taken by
 * `paperStep` before clipping): the loss gradient, plus α times Ω's gradient for sgd-cr.
 */
export const GRADIENT_NORM_OF: Readonly<Record<string, string>> = {
  sgd: '‖∇E‖',
  'sgd-c': '‖∇E‖',
  'sgd-cr': '‖∇E + α∇Ω‖',
};

/** One logged value of one run of a grid cell (initialisation × length), e.g. the validation error of seed 2. */
export interface CurveRow {
  /** The run the value belongs to (one seed); runs are summarised per method, never drawn alone. */
  readonly run: string;
  readonly method: string;
  readonly init: string;
  /** The cell's sequence length as the table shows it: `50`, or `50..200` for a drawn length. */
  readonly length: string;
  readonly update: number;
  readonly value: number;
}

/** A pre-clip gradient norm of one run, with the clipping threshold the run was configured with. */
export interface NormRow extends CurveRow {
  readonly threshold: number;
}

/** A band point of one method in one cell, with the legend label of its method. */
interface BandRow {
  init: string;
  length: string;
  method: string;
  label: string;
  update: number;
  median: number;
  lo: number;
  hi: number;
  runs: number;
  /** The clipping threshold of the band's runs (norm bands only). */
  threshold?: number;
}

interface BandOptions {
  readonly log: boolean;
  readonly carryForward: boolean;
  readonly label: (method: string) => string;
}

/** Per cell and method, the median and range over runs; on a log scale only positive values count. */
function bandRows(rows: readonly CurveRow[], o: BandOptions): BandRow[] {
  const groups = new Map<string, Map<string, CurveRow[]>>();
  for (const r of rows) {
    if (!Number.isFinite(r.value) || (o.log && r.value <= 0)) continue;
    const key = JSON.stringify([r.init, r.length, r.method]);
    const runs = groups.get(key) ?? groups.set(key, new Map()).get(key)!;
    const points = runs.get(r.run);
    if (points) points.push(r);
    else runs.set(r.run, [r]);
  }
  const bands = [...groups.values()].flatMap((runs) => {
    const first: CurveRow & { threshold?: number } = [...runs.values()][0][0];
    const { init, length, method, threshold } = first;
    const points = band([...runs.values()], { carryForward: o.carryForward, maxPoints: 200 });
    return points.map((p) => ({
      init,
      length,
      method,
      label: o.label(method),
      ...p,
      ...(threshold === undefined ? {} : { threshold }),
    }));
  });
  // Drawn in this order: a later method's dashed line stays visible on an earlier one it equals.
  const rank = ordered(
    bands.map((r) => r.method),
    METHOD_ORDER,
  );
  return bands.sort((a, b) => rank.indexOf(a.method) - rank.indexOf(b.method));
}

interface GridOptions {
  readonly yTitle: string;
  readonly log: boolean;
  readonly legendTitle: string;
  readonly extra?: readonly object[];
}

/** One panel per cell (rows: initialisations, columns: lengths), a band and a median line per method. */
function bandGrid(rows: readonly BandRow[], o: GridOptions): object {
  const lengths = [...new Set(rows.map((r) => r.length))].sort(
    (a, b) => parseInt(a) - parseInt(b) || a.localeCompare(b),
  );
  const labels = new Map(rows.map((r) => [r.method, r.label]));
  const scales = methodScales([...labels.keys()], (m) => labels.get(m) ?? m);
  const legend = { symbolType: 'stroke', symbolStrokeWidth: 2.5, symbolOpacity: 1 };
  const colour = { field: 'label', type: 'nominal', title: o.legendTitle, scale: scales.colour, legend };
  // Dashes too: two methods that ran identically (sgd-c that never clipped is sgd) both show.
  const dash = { field: 'label', type: 'nominal', title: o.legendTitle, scale: scales.dash };
  const x = { field: 'update', type: 'quantitative', title: 'update' };
  const y = { field: 'lo', type: 'quantitative', title: o.yTitle, scale: o.log ? { type: 'log' } : { zero: true } };
  return {
    data: { values: rows },
    facet: {
      row: {
        field: 'init',
        type: 'nominal',
        sort: ordered(
          rows.map((r) => r.init),
          INIT_ORDER,
        ),
        title: null,
      },
      // The parentheses matter: vega-lite pastes a conditional in place of datum.label.
      column: {
        field: 'length',
        type: 'nominal',
        sort: lengths,
        title: null,
        header: { labelExpr: "'L = ' + (datum.label)" },
      },
    },
    spec: {
      width: lengths.length > 1 ? 260 : 520,
      height: 170,
      layer: [
        { mark: { type: 'area', opacity: 0.2 }, encoding: { x, y, y2: { field: 'hi' }, color: colour } },
        {
          mark: { type: 'line', strokeWidth: 2 },
          encoding: { x, y: { field: 'median', type: 'quantitative' }, color: colour, strokeDash: dash },
        },
        ...(o.extra ?? []),
      ],
    },
  };
}

/**
 * The training loss (the mean minibatch loss E over the updates since the previous validation,
 * as the validation records log it; log scale) and the validation error (%) over updates: per
 * method the median over seeds and a band from the lowest to the highest seed, one panel per
 * grid cell. A run that stopped early (it solved the task) keeps its last value.
 *
 * @example
 * trainingCurvesSpec(lossRows, errorRows, 'temporal order, L = 50');
 */
export function trainingCurvesSpec(
  loss: readonly CurveRow[],
  validationError: readonly CurveRow[],
  title: string,
): PlotSpec {
  const bands = (rows: readonly CurveRow[], log: boolean) =>
    bandRows(rows, { log, carryForward: true, label: (m) => m });
  return {
    $schema: SCHEMA,
    title: {
      text: title,
      subtitle: [
        'top: training loss, the mean of the minibatch loss E since the previous validation; bottom: error on the validation set',
        'line: median over seeds; band: lowest to highest seed; a run that stopped early (solved) keeps its last value',
      ],
    },
    vconcat: [
      bandGrid(bands(loss, true), { yTitle: 'training loss E (log)', log: true, legendTitle: 'method' }),
      bandGrid(bands(validationError, false), { yTitle: 'validation error (%)', log: false, legendTitle: 'method' }),
    ],
    resolve: { scale: { color: 'shared' } },
  } as PlotSpec;
}

/**
 * The gradient norm each update logged before clipping (log scale), per method the median over
 * the seeds still training and a band from the lowest to the highest, one panel per grid cell,
 * with a dashed rule at the panel's clipping threshold (each row carries its run's). The legend
 * names the norm: ‖∇E‖ for sgd and sgd-c, ‖∇E + α∇Ω‖ for sgd-cr (Ω's gradient is added before
 * clipping).
 *
 * @example
 * gradientNormSpec(runCurves(records).gradNorm, 'gradient norm before clipping');
 */
export function gradientNormSpec(rows: readonly NormRow[], title: string): PlotSpec {
  const label = (m: string) => (m in GRADIENT_NORM_OF ? `${m}: ${GRADIENT_NORM_OF[m]}` : m);
  // One rule and one label per panel: the aggregate reduces each panel's rows to one. A panel's
  // runs share their threshold (it is part of the configuration a panel is keyed by).
  const onePerPanel = [
    { aggregate: [{ op: 'max', field: 'threshold', as: 'threshold' }], groupby: [] },
    { calculate: "'clipping threshold ' + datum.threshold", as: 'thresholdLabel' },
  ];
  const y = { field: 'threshold', type: 'quantitative', title: null };
  const rule = { transform: onePerPanel, mark: { type: 'rule', strokeDash: [6, 4], color: 'black' }, encoding: { y } };
  const text = {
    transform: onePerPanel,
    mark: { type: 'text', align: 'right', dx: -4, dy: -7, x: 'width' },
    encoding: { y, text: { field: 'thresholdLabel', type: 'nominal' } },
  };
  const bands = bandRows(rows, { log: true, carryForward: false, label });
  return {
    $schema: SCHEMA,
    title: { text: title, subtitle: 'line: median over the seeds still training; band: lowest to highest seed' },
    ...bandGrid(bands, {
      yTitle: 'norm before clipping (log)',
      log: true,
      legendTitle: 'method: gradient norm',
      extra: [rule, text],
    }),
  } as PlotSpec;
}
