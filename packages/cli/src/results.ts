/**
 * @file Gathering finished runs: reading `result.json` files from run folders (a sweep folder, or
 * folders filled by jobs on other machines), the success table of the Figure 7 grid, and the
 * curves of the report's plots from the runs' JSON-lines logs.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { showLength } from './args.js';
import { readJson } from './files.js';
import { readJsonLines } from './jsonl.js';
import type { CurveRow, SuccessRow } from './plots.js';
import { RUN_FILES, type RunSummary } from './run.js';

/** A finished run and the folder it lives in. */
export interface FoundRun {
  readonly folder: string;
  readonly summary: RunSummary;
}

/**
 * Finds every run folder (one holding `result.json`) at or below each of `roots`, depth-first.
 *
 * @example
 * findRuns(['out/sweep']).length; // cells finished so far
 */
export function findRuns(roots: readonly string[]): FoundRun[] {
  const found: FoundRun[] = [];
  const visit = (folder: string, depth: number) => {
    const result = join(folder, RUN_FILES.result);
    if (existsSync(result)) {
      found.push({ folder, summary: readJson(result) as RunSummary });
      return;
    }
    if (depth > 4) return;
    for (const name of readdirSync(folder).sort()) {
      const sub = join(folder, name);
      if (statSync(sub).isDirectory()) visit(sub, depth + 1);
    }
  };
  for (const root of roots) visit(root, 0);
  return found;
}

/** One row of the success table: a grid cell and how many of its seeds succeeded. */
export interface CellOutcome {
  readonly init: string;
  readonly method: string;
  readonly length: string;
  readonly runs: number;
  readonly successes: number;
  readonly diverged: number;
  /** Median update at which validation went under 1%, over the runs that got there. */
  readonly medianSolvedAt: number | null;
  readonly updates: number;
}

/**
 * Groups runs by (initialisation, method, length) and counts successes.
 *
 * @example
 * successTable(findRuns(['out/sweep'])); // [{ init: 'smart-tanh', method: 'sgd-cr', length: '50', runs: 5, successes: 5, ... }]
 */
export function successTable(runs: readonly FoundRun[]): CellOutcome[] {
  const cells = new Map<string, RunSummary[]>();
  for (const { summary: s } of runs) {
    const c = s.config;
    const key = JSON.stringify([c.init, c.method, c.minLength, c.maxLength]);
    cells.set(key, [...(cells.get(key) ?? []), s]);
  }
  const methodOrder = ['sgd', 'sgd-c', 'sgd-cr'];
  return [...cells.values()]
    .map((group) => {
      const c = group[0].config;
      const solved = group.map((s) => s.solvedAt).filter((u): u is number => u !== null).sort((a, b) => a - b);
      return {
        init: c.init,
        method: c.method,
        length: c.minLength === c.maxLength ? `${c.minLength}` : `${c.minLength}..${c.maxLength}`,
        runs: group.length,
        successes: group.filter((s) => s.success).length,
        diverged: group.filter((s) => s.status === 'diverged').length,
        medianSolvedAt: solved.length > 0 ? solved[Math.floor((solved.length - 1) / 2)] : null,
        updates: Math.max(...group.map((s) => s.updates)),
      };
    })
    .sort((a, b) => a.init.localeCompare(b.init) || parseInt(a.length) - parseInt(b.length) || methodOrder.indexOf(a.method) - methodOrder.indexOf(b.method));
}

/** The success table as text rows. */
export function successTableRows(cells: readonly CellOutcome[]): string[][] {
  return cells.map((c) => [c.init, c.method, c.length, `${c.successes}/${c.runs}`, `${c.diverged}`, c.medianSolvedAt === null ? '-' : `${c.medianSolvedAt}`, `${c.updates}`]);
}

/** The header matching {@link successTableRows}. */
export const SUCCESS_HEADER = ['init', 'method', 'length', 'success', 'diverged', 'median update < 1%', 'max updates'];

/** Rows of the success-rate-against-length plot. */
export function successRows(cells: readonly CellOutcome[]): SuccessRow[] {
  return cells.map((c) => ({ init: c.init, method: c.method, length: parseInt(c.length), rate: c.successes / c.runs, successes: c.successes, runs: c.runs }));
}

/** The curves of one run's log: training loss and validation error at each validation, and the logged pre-clip gradient norms. */
export interface RunCurves {
  readonly loss: CurveRow[];
  readonly error: CurveRow[];
  readonly gradNorm: CurveRow[];
}

/**
 * Reads the curves of a run's log, each row tagged with the run's method and grid cell. The loss
 * is the validation records' `meanLoss`: the mean minibatch training loss E over the updates
 * since the previous validation (no loss on the validation set is logged).
 *
 * @example
 * const curves = findRuns(['out/sweep']).map(runCurves);
 */
export function runCurves(run: FoundRun): RunCurves {
  const c = run.summary.config;
  const cell = { run: run.folder, method: c.method, init: c.init, length: showLength(c) };
  const curves: RunCurves = { loss: [], error: [], gradNorm: [] };
  for (const r of readJsonLines(join(run.folder, RUN_FILES.log))) {
    const row = (value: number) => ({ ...cell, update: r.update ?? 0, value });
    if (r.type === 'validation') {
      curves.loss.push(row(Number(r.meanLoss)));
      curves.error.push(row(100 * Number(r.errorRate)));
    } else if (r.type === 'update') curves.gradNorm.push(row(Number(r.gradNorm)));
  }
  return curves;
}
