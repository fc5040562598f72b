/**
 * @file Gathering finished runs: finding run records (record.ts) in folders (a sweep, folders
 * filled by jobs on other machines, records committed to a repository) or given as files; each
 * run counted once however the folders overlap; the success table of the Figure 7 grid, one row
 * per configuration (runs that differ in anything but the seed are never pooled); and the curves
 * of the report's plots, taken from the records' sampled curves.
 */
import { closeSync, openSync, readSync, readdirSync, realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ALL_TRAIN_METHODS } from '@tapegrad/rnn';
import { showLength } from './args.js';
import { FileError, fileError } from './errors.js';
import { kindOf } from './files.js';
import type { CurveRow, NormRow, SuccessRow } from './plots.js';
import {
  RecordError,
  UPDATE_COLUMNS,
  VALIDATION_COLUMNS,
  looksLikeRecord,
  readRecord,
  succeeded,
  type RunRecord,
} from './record.js';

/** A record and the file it was read from. */
export interface FoundRecord {
  readonly path: string;
  readonly record: RunRecord;
}

/** What {@link findRecords} found: each run once, and how many more copies of the same runs it saw. */
export interface Found {
  readonly records: FoundRecord[];
  readonly duplicates: number;
}

/** Folders never searched. */
const SKIP = new Set(['node_modules', '.git']);
/** How deep below a root to look. */
const MAX_DEPTH = 8;

/**
 * Finds every run record at or below `roots` (folders, or record files). A missing root, a file
 * that is not a record or a record that does not check out is a FileError. A record reached twice
 * (overlapping roots) or two records of the same run (a copy) count once.
 *
 * @example
 * findRecords(['grid/records']).records.length; // cells finished so far
 */
export function findRecords(roots: readonly string[]): Found {
  const files: string[] = [];
  const walk = (folder: string, depth: number) => {
    let names: string[];
    try {
      names = readdirSync(folder).sort();
    } catch (e) {
      throw fileError(e, folder);
    }
    for (const name of names) {
      const path = join(folder, name);
      const kind = kindOf(path);
      if (kind === 'folder' && depth < MAX_DEPTH && !SKIP.has(name)) walk(path, depth + 1);
      else if (kind === 'file' && name.endsWith('.json') && looksLikeRecord(head(path))) files.push(path);
    }
  };
  for (const root of roots.map((r) => resolve(r))) {
    const kind = kindOf(root);
    if (kind === 'none') throw new FileError(root, 'no such file or folder');
    if (kind === 'folder') walk(root, 0);
    else if (looksLikeRecord(head(root))) files.push(root);
    else throw new RecordError(root, 'is a file but not a run record (collect takes folders and record files)');
  }
  const seen = new Set<string>();
  const runs = new Map<string, FoundRecord>();
  let duplicates = 0;
  for (const path of files) {
    const real = realpathSync(path);
    if (seen.has(real)) continue;
    seen.add(real);
    const record = readRecord(path);
    const t = record.test;
    const key = JSON.stringify([record.config, t && [t.sequences, t.seed, t.minLength, t.maxLength]]);
    if (runs.has(key)) duplicates++;
    else runs.set(key, { path, record });
  }
  return { records: [...runs.values()], duplicates };
}

function head(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(256);
    return buffer.toString('utf8', 0, readSync(fd, buffer, 0, 256, 0));
  } finally {
    closeSync(fd);
  }
}

/** One row of the success table: a configuration (all but the seed) and how many of its seeds succeeded. */
export interface CellOutcome {
  readonly init: string;
  readonly method: string;
  readonly length: string;
  /** The other settings in which this row differs from some other row, e.g. { lr: '0.1' }. */
  readonly settings: Readonly<Record<string, string>>;
  readonly runs: number;
  readonly successes: number;
  readonly diverged: number;
  /** Median update at which validation went under 1%, over the runs that got there. */
  readonly medianSolvedAt: number | null;
  readonly updates: number;
}

/** The configuration fields the first three columns show, and the seed, which a row pools over. */
const SHOWN = new Set(['init', 'method', 'minLength', 'maxLength', 'seed']);

/** Everything that defines a row: the configuration but the seed, and how the test was made. */
function settingsOf(r: RunRecord): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.config)) if (!SHOWN.has(k)) out[k] = String(v);
  out.test = r.test === null ? 'none' : `${r.test.sequences} seq. (seed ${r.test.seed})`;
  return out;
}

/** The settings (keys of {@link settingsOf}) in which some of `records` differ. */
function varyingSettings(records: readonly RunRecord[]): string[] {
  const all = records.map(settingsOf);
  return Object.keys(all[0] ?? {}).filter((k) => all.some((s) => s[k] !== all[0][k]));
}

function pick(settings: Readonly<Record<string, string>>, keys: readonly string[]): Record<string, string> {
  return Object.fromEntries(keys.map((k) => [k, settings[k]]));
}

/** An initialisation with the settings that tell its row from others: `smart-tanh (learningRate 0.1)`. */
function withSettings(init: string, settings: Readonly<Record<string, string>>): string {
  const extra = Object.entries(settings).map(([k, v]) => `${k} ${v}`);
  return extra.length > 0 ? `${init} (${extra.join(', ')})` : init;
}

/**
 * Groups runs by their whole configuration except the seed and counts successes. Settings that
 * differ between rows get a column of their own.
 *
 * @example
 * successTable(findRecords(['grid']).records); // [{ init: 'smart-tanh', method: 'sgd-cr', length: '50', runs: 5, successes: 5, ... }]
 */
export function successTable(found: readonly FoundRecord[]): CellOutcome[] {
  const groups = new Map<string, RunRecord[]>();
  for (const { record } of found) {
    const c = record.config;
    const key = JSON.stringify([c.init, c.method, c.minLength, c.maxLength, settingsOf(record)]);
    groups.set(key, [...(groups.get(key) ?? []), record]);
  }
  const varying = varyingSettings(found.map((f) => f.record));
  return [...groups.values()]
    .map((group): CellOutcome => {
      const c = group[0].config;
      const solved = group
        .map((r) => r.solvedAt)
        .filter((u): u is number => u !== null)
        .sort((a, b) => a - b);
      return {
        init: c.init,
        method: c.method,
        length: showLength(c),
        settings: pick(settingsOf(group[0]), varying),
        runs: group.length,
        successes: group.filter(succeeded).length,
        diverged: group.filter((r) => r.status === 'diverged').length,
        medianSolvedAt: solved.length > 0 ? solved[Math.floor((solved.length - 1) / 2)] : null,
        updates: Math.max(...group.map((r) => r.updates)),
      };
    })
    .sort(
      (a, b) =>
        a.init.localeCompare(b.init) ||
        parseInt(a.length) - parseInt(b.length) ||
        a.length.localeCompare(b.length) ||
        ALL_TRAIN_METHODS.indexOf(a.method as never) - ALL_TRAIN_METHODS.indexOf(b.method as never) ||
        JSON.stringify(a.settings).localeCompare(JSON.stringify(b.settings)),
    );
}

/** The header of the success table (with a column per varying setting). */
export function successHeader(cells: readonly CellOutcome[]): string[] {
  return [
    'init',
    'method',
    'length',
    ...Object.keys(cells[0]?.settings ?? {}),
    'success',
    'diverged',
    'median update < 1%',
    'max updates',
  ];
}

/** The success table as text rows, matching {@link successHeader}. */
export function successTableRows(cells: readonly CellOutcome[]): string[][] {
  return cells.map((c) => [
    c.init,
    c.method,
    c.length,
    ...Object.values(c.settings),
    `${c.successes}/${c.runs}`,
    `${c.diverged}`,
    c.medianSolvedAt === null ? '-' : `${c.medianSolvedAt}`,
    `${c.updates}`,
  ]);
}

/** Rows of the success-rate-against-length plot; varying settings join the initialisation's label. */
export function successRows(cells: readonly CellOutcome[]): SuccessRow[] {
  return cells.map((c) => ({
    init: withSettings(c.init, c.settings),
    method: c.method,
    length: parseInt(c.length),
    rate: c.successes / c.runs,
    successes: c.successes,
    runs: c.runs,
  }));
}

/** The curves of the report's plots: training loss and validation error at each sampled validation, and the sampled pre-clip gradient norms. */
export interface RunCurves {
  readonly loss: CurveRow[];
  readonly error: CurveRow[];
  readonly gradNorm: NormRow[];
}

/**
 * The sampled curves of the records, each row tagged with its run (the record's file), method and
 * panel: the length and the initialisation, joined by the settings in which the records'
 * configurations differ (as the success table's rows are), so that one method in one panel holds
 * exactly the seeds of one row of {@link successTable}. The loss is the validation rows'
 * `meanLoss`: the mean minibatch training loss E over the updates since the previous validation
 * (no loss on the validation set is recorded). Each gradient norm carries its run's clipping
 * threshold. Cells that are null (NaN, ±Infinity) are left out.
 *
 * @example
 * const curves = runCurves(findRecords(['out/sweep']).records);
 * curves.error[0]; // { run: '/…/records/smart-tanh_sgd_L50_s1.json', method: 'sgd', init: 'smart-tanh', length: '50', update: 100, value: 48.2 }
 */
export function runCurves(found: readonly FoundRecord[]): RunCurves {
  const varying = varyingSettings(found.map((f) => f.record));
  const curves: RunCurves = { loss: [], error: [], gradNorm: [] };
  for (const { path, record } of found) {
    const c = record.config;
    const tag = {
      run: path,
      method: c.method,
      init: withSettings(c.init, pick(settingsOf(record), varying)),
      length: showLength(c),
    };
    const points = (rows: readonly (number | null)[][], column: number, scale = 1) =>
      rows.flatMap((r) =>
        r[0] === null || r[column] === null ? [] : [{ ...tag, update: r[0], value: scale * r[column] }],
      );
    const v = record.curves.validation.rows;
    curves.loss.push(...points(v, VALIDATION_COLUMNS.indexOf('meanLoss')));
    curves.error.push(...points(v, VALIDATION_COLUMNS.indexOf('errorRate'), 100));
    const norms = points(record.curves.updates.rows, UPDATE_COLUMNS.indexOf('gradNorm'));
    curves.gradNorm.push(...norms.map((p) => ({ ...p, threshold: c.clipThreshold })));
  }
  return curves;
}
