/**
 * @file Experiments as committed definitions: `docs/results/<name>/experiment.json` names a grid
 * (tasks × initialisations × methods × lengths × seeds), the update budget per length, the
 * training protocol shared by every cell, the test, and what else each record should hold
 * (error-signal profiles, evaluations at other lengths). This module reads and checks a
 * definition and expands it into one run request per cell; `tapegrad experiment` runs them.
 */
import { join } from 'node:path';
import { TASK_NAMES, resolveTrainConfig, type TrainConfig } from '@tapegrad/rnn';
import { lengthSpec, showLength, type LengthSpec } from '../args.js';
import { ALL_METHODS } from '../options.js';
import { readJson } from '../files.js';
import { FileError } from '../errors.js';
import type { EvaluateRequest, ProfileRequest } from '../run-extras.js';
import type { RunRequest } from '../run.js';
import type { CodeVersion } from '../record.js';
import { INITS } from '@tapegrad/rnn';

/** The format name of a definition file. */
export const EXPERIMENT_FORMAT = 'tapegrad-experiment';
/** The file a definition lives in, inside its experiment folder. */
export const EXPERIMENT_FILE = 'experiment.json';

/** A checked experiment definition. */
export interface Experiment {
  readonly format: typeof EXPERIMENT_FORMAT;
  readonly version: 1;
  /** The folder name under docs/results, e.g. `figure7`. */
  readonly name: string;
  readonly title: string;
  /** What the experiment is for, in a sentence or two (printed in the document). */
  readonly purpose: string;
  readonly grid: {
    readonly tasks: readonly string[];
    readonly inits: readonly string[];
    readonly methods: readonly string[];
    /** `50` or `50..201` (each minibatch draws L from [MIN, MAX − 1], as on the command line). */
    readonly lengths: readonly string[];
    readonly seeds: readonly number[];
  };
  /** The update budget per length (keys as in `grid.lengths`). */
  readonly budgets: Readonly<Record<string, number>>;
  /** Training settings every cell shares (a partial TrainConfig without the grid's fields). */
  readonly config: TrainConfig;
  readonly test: { readonly sequences: number; readonly seed: number };
  readonly checkpointEvery: number;
  readonly logEvery: number;
  readonly profile?: ProfileRequest;
  /** Lengths (`500` or `MIN..MAX`) to evaluate every trained model at, on `sequences` fresh sequences each. */
  readonly evaluate?: { readonly lengths: readonly string[]; readonly sequences: number };
}

/** One cell of an experiment: its id and its place in the grid. */
export interface Cell {
  readonly id: string;
  readonly task: string;
  readonly init: string;
  readonly method: string;
  readonly length: string;
  readonly seed: number;
}

const GRID_FIELDS = ['task', 'init', 'method', 'minLength', 'maxLength', 'seed', 'maxUpdates'];

/**
 * Reads and checks `folder/experiment.json`; any problem is a FileError naming the file and the field.
 *
 * @example
 * const e = readExperiment('docs/results/figure7'); e.grid.lengths; // ['20', '50', '100']
 */
export function readExperiment(folder: string): Experiment {
  const path = join(folder, EXPERIMENT_FILE);
  const e = readJson(path) as Experiment;
  const fail = (field: string, detail: string) =>
    new FileError(path, `field '${field}': ${detail}`, 'experiment definition');
  if (e?.format !== EXPERIMENT_FORMAT || e.version !== 1)
    throw fail('format', `must be "${EXPERIMENT_FORMAT}" version 1`);
  for (const k of ['name', 'title', 'purpose'] as const)
    if (typeof e[k] !== 'string' || e[k] === '') throw fail(k, 'must be a non-empty string');
  const list = (name: keyof Experiment['grid'], valid?: readonly unknown[]) => {
    const v = e.grid?.[name] as unknown;
    if (!Array.isArray(v) || v.length === 0) throw fail(`grid.${name}`, 'must be a non-empty list');
    const bad = valid ? v.filter((x) => !valid.includes(x)) : [];
    if (bad.length > 0) throw fail(`grid.${name}`, `unknown ${JSON.stringify(bad)}; valid: ${valid?.join(', ')}`);
  };
  list('tasks', TASK_NAMES);
  list('inits', INITS);
  list('methods', ALL_METHODS);
  list('lengths');
  list('seeds');
  for (const l of e.grid.lengths) {
    parseLength(l, (d) => fail('grid.lengths', d));
    if (!Number.isInteger(e.budgets?.[l]) || e.budgets[l] < 1)
      throw fail(`budgets.${l}`, `must be a positive integer, got ${JSON.stringify(e.budgets?.[l])}`);
  }
  const shared = Object.keys(e.config ?? {}).filter((k) => GRID_FIELDS.includes(k));
  if (shared.length > 0) throw fail('config', `must not set ${shared.join(', ')}: the grid and the budgets do`);
  for (const k of ['checkpointEvery', 'logEvery'] as const)
    if (!Number.isInteger(e[k]) || e[k] < 1) throw fail(k, 'must be a positive integer');
  if (!Number.isInteger(e.test?.sequences) || e.test.sequences < 0 || !Number.isInteger(e.test.seed))
    throw fail('test', 'must be { sequences ≥ 0, seed }');
  for (const l of e.evaluate?.lengths ?? []) parseLength(l, (d) => fail('evaluate.lengths', d));
  try {
    for (const cell of cells(e)) resolveTrainConfig(configOf(e, cell));
  } catch (err) {
    throw fail('config', (err as Error).message);
  }
  return e;
}

function parseLength(text: unknown, fail: (detail: string) => Error): LengthSpec {
  try {
    return lengthSpec(String(text));
  } catch (err) {
    throw fail(`${JSON.stringify(text)}: ${(err as Error).message}`);
  }
}

/**
 * Every cell of the grid, in a fixed order (task, init, length, method, seed).
 *
 * @example
 * cells(e).length; // 3 inits × 3 methods × 3 lengths × 5 seeds = 135 for Figure 7
 */
export function cells(e: Experiment): Cell[] {
  const out: Cell[] = [];
  const g = e.grid;
  for (const task of g.tasks)
    for (const init of g.inits)
      for (const length of g.lengths)
        for (const method of g.methods)
          for (const seed of g.seeds)
            out.push({ id: `${task}_${init}_${method}_L${length}_s${seed}`, task, init, method, length, seed });
  return out;
}

/** The complete training configuration of a cell. */
export function configOf(e: Experiment, cell: Cell): TrainConfig {
  const { minLength, maxLength } = lengthSpec(cell.length);
  return {
    ...e.config,
    task: cell.task,
    init: cell.init,
    method: cell.method,
    minLength,
    maxLength,
    seed: cell.seed,
    maxUpdates: e.budgets[cell.length],
  } as TrainConfig;
}

/**
 * The run request of a cell: its run folder under `scratch`, its record in `records`.
 *
 * @example
 * requestOf(e, cells(e)[0], 'runs/figure7', 'docs/results/figure7/records', codeVersion());
 */
export function requestOf(e: Experiment, cell: Cell, scratch: string, records: string, code: CodeVersion): RunRequest {
  const evaluate: EvaluateRequest | undefined = e.evaluate && {
    lengths: e.evaluate.lengths.map((l) => lengthSpec(l)),
    sequences: e.evaluate.sequences,
  };
  return {
    id: cell.id,
    config: configOf(e, cell),
    folder: join(scratch, 'runs', cell.id),
    record: join(records, `${cell.id}.json`),
    mode: 'resume-or-start',
    checkpointEvery: e.checkpointEvery,
    logEvery: e.logEvery,
    testSequences: e.test.sequences,
    testSeed: e.test.seed,
    code,
    ...(e.profile ? { profile: e.profile } : {}),
    ...(evaluate ? { evaluate } : {}),
  };
}

/** The length label of a record's configuration, as the grid writes it. */
export function lengthLabel(minLength: number, maxLength: number): string {
  return showLength({ minLength, maxLength });
}
