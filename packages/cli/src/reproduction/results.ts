/**
 * @file The committed results as the reproduction document reads them: every experiment folder
 * under docs/results (its definition, its records matched to the grid's cells, the cells still
 * missing, its compute plan) and the analysis record. A record counts for a cell only when its
 * configuration is the one the definition gives that cell now, so editing a definition never
 * mixes runs of two protocols; records that no longer fit are counted and reported as stale.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { resolveTrainConfig } from '@tapegrad/rnn';
import { kindOf, readJson } from '../files.js';
import {
  EXPERIMENT_FILE,
  cells,
  configOf,
  readExperiment,
  type Cell,
  type Experiment,
} from '../experiments/definition.js';
import type { Plan } from '../experiments/plan.js';
import { readRecord, type RunRecord } from '../record.js';
import type { AnalysisRecord } from './analysis.js';

/** One experiment with what has been recorded of it. */
export interface ExperimentResults {
  readonly experiment: Experiment;
  /** The cells in grid order, each with its record or null while missing. */
  readonly cells: readonly { readonly cell: Cell; readonly record: RunRecord | null }[];
  readonly records: readonly RunRecord[];
  readonly missing: number;
  /** Records in the folder that belong to no cell of the current definition. */
  readonly stale: number;
  readonly plan: Plan | null;
}

/** Everything under docs/results. */
export interface Results {
  readonly experiments: ReadonlyMap<string, ExperimentResults>;
  readonly analysis: AnalysisRecord | null;
}

/**
 * Reads every experiment folder (one holding experiment.json) under `root` and the analysis record.
 *
 * @example
 * const results = loadResults('docs/results'); results.experiments.get('figure7')?.missing;
 */
export function loadResults(root: string): Results {
  const experiments = new Map<string, ExperimentResults>();
  for (const name of readdirSync(root).sort()) {
    const folder = join(root, name);
    if (kindOf(join(folder, EXPERIMENT_FILE)) === 'file') experiments.set(name, experimentResults(folder));
  }
  const analysisPath = join(root, 'analysis', 'analysis.json');
  const analysis = kindOf(analysisPath) === 'file' ? (readJson(analysisPath) as AnalysisRecord) : null;
  return { experiments, analysis };
}

/**
 * One experiment folder: its definition, its records matched to the cells, and its plan.
 *
 * @example
 * experimentResults('docs/results/figure7').missing;
 */
export function experimentResults(folder: string): ExperimentResults {
  const experiment = readExperiment(folder);
  const recordsFolder = join(folder, 'records');
  const found = new Map<string, RunRecord>();
  if (kindOf(recordsFolder) === 'folder') {
    for (const file of readdirSync(recordsFolder).sort())
      if (file.endsWith('.json')) {
        const r = readRecord(join(recordsFolder, file));
        found.set(r.id, r);
      }
  }
  let used = 0;
  const matched = cells(experiment).map((cell) => {
    const r = found.get(cell.id) ?? null;
    const fits =
      r !== null && JSON.stringify(r.config) === JSON.stringify(resolveTrainConfig(configOf(experiment, cell)));
    if (fits) used++;
    return { cell, record: fits ? r : null };
  });
  const planPath = join(folder, 'plan.json');
  return {
    experiment,
    cells: matched,
    records: matched.flatMap((m) => (m.record ? [m.record] : [])),
    missing: matched.filter((m) => m.record === null).length,
    stale: found.size - used,
    plan: kindOf(planPath) === 'file' ? (readJson(planPath) as Plan) : null,
  };
}
