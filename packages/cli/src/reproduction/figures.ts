/**
 * @file The figures of the reproduction document, drawn from the records into each experiment's
 * folder as SVG and PNG: Figure 7's three panels (the command line's success plot), and for Ω's
 * effect the error-signal profile ‖δ_k‖/‖δ_T‖ against k at the start and the end of training and
 * the steps in the past over training, one panel per initialisation, one colour per method.
 */
import { join } from 'node:path';
import { successSpec, type SuccessRow } from '../plots.js';
import type { PlotSpec } from '../render.js';
import { succeededRun } from './format.js';
import type { ExperimentResults, Results } from './results.js';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const INIT_ORDER = ['sigmoid', 'basic-tanh', 'smart-tanh'];

/** Success rows of a Figure 7 experiment: one bar per (init, method, length) with a record. */
function successRows(x: ExperimentResults): SuccessRow[] {
  const groups = new Map<string, { init: string; method: string; length: number; runs: number; successes: number }>();
  for (const { cell, record } of x.cells) {
    if (record === null) continue;
    const key = `${cell.init}|${cell.method}|${cell.length}`;
    const g = groups.get(key) ?? {
      init: cell.init,
      method: cell.method,
      length: Number(cell.length),
      runs: 0,
      successes: 0,
    };
    g.runs++;
    if (succeededRun(record)) g.successes++;
    groups.set(key, g);
  }
  return [...groups.values()].map((g) => ({ ...g, rate: g.successes / g.runs }));
}

/** ‖δ_k‖/‖δ_T‖ of each run's first and last profile, as plot rows. */
function profileRows(x: ExperimentResults): Record<string, unknown>[] {
  return x.records.flatMap((r) => {
    const rows = r.profiles?.rows ?? [];
    const ends = rows.length > 1 ? [rows[0], rows[rows.length - 1]] : rows;
    return ends.flatMap((row, i) =>
      row.ratios.flatMap((ratio, j) =>
        ratio === null || ratio <= 0
          ? []
          : [
              {
                init: r.config.init,
                method: r.config.method,
                run: `${r.config.method} s${r.config.seed} ${i === 0 ? 'start' : 'end'}`,
                stage: i === 0 ? 'start' : 'end',
                k: r.profiles?.ks[j],
                ratio,
              },
            ],
      ),
    );
  });
}

/** Thin lines, one per run, in a column per initialisation: the two omega-effect figures' layout. */
function linesByInit(title: string, rows: Record<string, unknown>[], encoding: Record<string, unknown>): PlotSpec {
  return {
    $schema: SCHEMA,
    title,
    data: { values: rows },
    facet: { column: { field: 'init', type: 'nominal', title: 'initialisation', sort: INIT_ORDER } },
    spec: {
      width: 220,
      height: 200,
      mark: { type: 'line', strokeWidth: 1.2 },
      encoding: { ...encoding, color: { field: 'method', type: 'nominal', title: 'method' }, detail: { field: 'run' } },
    },
  } as PlotSpec;
}

function profileSpec(rows: Record<string, unknown>[]): PlotSpec {
  return linesByInit('‖δ_k‖/‖δ_T‖ at the start (dashed) and the end of training', rows, {
    x: { field: 'k', type: 'quantitative', title: 'step k' },
    y: { field: 'ratio', type: 'quantitative', title: '‖δ_k‖/‖δ_T‖', scale: { type: 'log' } },
    strokeDash: { field: 'stage', type: 'nominal', title: 'when', sort: ['end', 'start'] },
  });
}

function stepsInPastSpec(x: ExperimentResults): PlotSpec {
  const rows = x.records.flatMap((r) =>
    r.curves.validation.rows.flatMap((row) =>
      row[7] === null
        ? []
        : [
            {
              init: r.config.init,
              method: r.config.method,
              run: `${r.config.method} s${r.config.seed}`,
              update: row[0],
              past: row[7],
            },
          ],
    ),
  );
  return linesByInit('steps in the past over training', rows, {
    x: { field: 'update', type: 'quantitative', title: 'update' },
    y: {
      field: 'past',
      type: 'quantitative',
      title: 'fraction of steps with ‖δ_k‖² ≥ 1e-20',
      scale: { domain: [0, 1] },
    },
  });
}

/**
 * Draws every figure the document links to (figureLinks), into docs/results/<name>/; returns the files written.
 *
 * @example
 * await writeFigures(loadResults('docs/results'), 'docs/results');
 */
export async function writeFigures(results: Results, root: string): Promise<string[]> {
  const { writePlot } = await import('../render.js');
  const written: string[] = [];
  const draw = async (name: string, file: string, spec: PlotSpec) => {
    const files = await writePlot(join(root, name), file, spec);
    written.push(files.svg, files.png);
  };
  for (const x of results.experiments.values()) {
    if (x.records.length === 0) continue;
    const name = x.experiment.name;
    if (name === 'figure7' || name === 'figure7-long')
      await draw(
        name,
        'success',
        successSpec(successRows(x), `${x.experiment.title}: success out of the recorded seeds`),
      );
    if (name === 'omega-effect') {
      await draw(name, 'profiles', profileSpec(profileRows(x)));
      await draw(name, 'steps-in-past', stepsInPastSpec(x));
    }
  }
  return written;
}
