/**
 * @file Run records: what a finished run leaves behind, in a few kilobytes of JSON that can be
 * committed, copied to another machine, collected into tables, or used to skip the run when a
 * sweep resumes elsewhere. A record holds the complete configuration (seed included), the code
 * that ran it (package version, git commit, whether the tree had uncommitted changes), how the
 * run ended, the first update at which the run succeeded (validation under 1%, confirmed when the
 * run confirms), every confirmation tried, the test on fresh sequences, sampled curves, the machine's
 * load while it ran, and when asked for, error-signal profiles over training and evaluations at
 * other lengths. Records are versioned and checked field by field when read (version 1 records are
 * read as version 2 with the new fields empty); the format is documented in the package README
 * ("Run records").
 */
import { SUCCESS_ERROR_RATE, resolveTrainConfig, type ResolvedTrainConfig } from '@tapegrad/rnn';
import { FileError } from './errors.js';
import { readText, writeTextAtomic } from './files.js';

/** The format name, first in every record file. */
export const RECORD_FORMAT = 'tapegrad-run-record';
/** The record version this program writes. */
export const RECORD_VERSION = 2;
/** The versions it reads: 1 (before confirmations, load, profiles and evaluations) is read as 2. */
export const READABLE_VERSIONS: readonly number[] = [1, 2];
/** At most this many rows per curve (evenly sampled, first and last kept). */
export const CURVE_POINTS = 200;

/** The columns of the validation curve: one row per (sampled) validation. */
export const VALIDATION_COLUMNS = [
  'update',
  'errorRate',
  'meanLoss',
  'meanGradNorm',
  'clippedFraction',
  'spectralRadius',
  'meanOmega',
  'meanStepsInPast',
] as const;
/** The columns of the update curve: one row per (sampled) logged update. */
export const UPDATE_COLUMNS = ['update', 'loss', 'gradNorm', 'clipped'] as const;

/** A curve as columns and rows of numbers; null stands for NaN, ±Infinity or "not measured". */
export interface Curve<C extends readonly string[]> {
  readonly columns: C;
  readonly rows: (number | null)[][];
}

/** Which code made a record. */
export interface CodeVersion {
  /** The `tapegrad` package version. */
  readonly version: string;
  /** The git commit of the checkout that ran, or null outside a git checkout. */
  readonly commit: string | null;
  /** Whether tracked files differed from that commit (null when unknown). */
  readonly dirty: boolean | null;
}

/** The test of the paper's success criterion on fresh sequences. */
export interface TestOutcome {
  readonly sequences: number;
  readonly seed: number;
  readonly minLength: number;
  readonly maxLength: number;
  readonly wrong: number;
  readonly errorRate: number;
  /** Fewer than 1% wrong. */
  readonly success: boolean;
}

/** A confirmation: the fresh sequences a validation under 1% was checked on. */
export interface Confirmation {
  readonly update: number;
  readonly sequences: number;
  readonly wrong: number;
  readonly success: boolean;
}

/** Where a run ran: the processor, the cores, Node, and the 1-minute load average at its validations. */
export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly node: string;
  /** Over the load averages sampled at each validation of every leg; null when none was sampled. */
  readonly load: { readonly min: number; readonly mean: number; readonly max: number; readonly samples: number } | null;
}

/**
 * ‖δ_k‖/‖δ_T‖ (error-signal norms averaged over a fixed probe batch of `sequences` sequences of
 * length `length`) for k = `ks`, at the updates of `rows` (update 0 is the initialisation).
 */
export interface SignalProfiles {
  readonly length: number;
  readonly sequences: number;
  readonly seed: number;
  readonly ks: readonly number[];
  readonly rows: readonly { readonly update: number; readonly ratios: readonly (number | null)[] }[];
}

/** The success criterion at another length range (generalisation). */
export type LengthEvaluation = TestOutcome;

/** A finished run (format version 2). */
export interface RunRecord {
  readonly format: typeof RECORD_FORMAT;
  /** 2, or 1 for a record written before version 2 (read with the new fields empty). */
  readonly version: number;
  /** The run's name, e.g. `smart-tanh_sgd-c_L50_s1` in a sweep. */
  readonly id: string;
  readonly config: ResolvedTrainConfig;
  readonly code: CodeVersion;
  readonly status: 'success' | 'budget' | 'diverged';
  /** Updates run (the last one not applied when the run diverged). */
  readonly updates: number;
  /** The first update at which the run succeeded (validation under 1%, and its confirmation when the run confirms), across every resume (null: never). */
  readonly solvedAt: number | null;
  /** Every confirmation tried, in order (empty when the run confirms nothing). */
  readonly confirmations: readonly Confirmation[];
  readonly best: { readonly update: number; readonly errorRate: number } | null;
  readonly divergence: { readonly update: number; readonly reason: string } | null;
  /** Null when the run diverged or was asked for no test. */
  readonly test: TestOutcome | null;
  /** Wall-clock seconds of training and test, summed over every resume. */
  readonly seconds: number;
  readonly machine: Machine | null;
  readonly curves: {
    readonly validation: Curve<typeof VALIDATION_COLUMNS>;
    readonly updates: Curve<typeof UPDATE_COLUMNS>;
  };
  /** Null unless the run was asked for them. */
  readonly profiles: SignalProfiles | null;
  /** Evaluations at other lengths after training (empty unless asked for). */
  readonly evaluations: readonly LengthEvaluation[];
}

/** A record file that cannot be used: unreadable, not a record, another version, or a field that does not fit. */
export class RecordError extends FileError {
  override readonly name = 'RecordError';
  constructor(path: string, detail: string) {
    super(path, detail, 'record');
  }
}

/** Success by the paper's criterion: the test on fresh sequences had fewer than 1% wrong. */
export function succeeded(r: RunRecord): boolean {
  return r.test?.success === true;
}

/**
 * At most `most` of `rows`, evenly spaced, always with the first and the last.
 *
 * @example
 * sampleRows([[1], [2], [3], [4], [5]], 3); // [[1], [3], [5]]
 */
export function sampleRows<T>(rows: readonly T[], most = CURVE_POINTS): T[] {
  if (rows.length <= most) return [...rows];
  return Array.from({ length: most }, (_, i) => rows[Math.round((i * (rows.length - 1)) / (most - 1))]);
}

/** A curve cell: finite numbers as they are, anything else (NaN, ±Infinity, missing) as null. */
export function cell(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/**
 * The record as text: pretty JSON with each curve row on one line, so a record reads and diffs
 * well in a repository.
 *
 * @example
 * writeTextAtomic('runs/a/record.json', recordText(record));
 */
export function recordText(r: RunRecord): string {
  const rows = (c: Curve<readonly string[]>) =>
    `{\n      "columns": ${JSON.stringify(c.columns)},\n      "rows": [${c.rows.map((row) => `\n        ${JSON.stringify(row)}`).join(',')}${c.rows.length > 0 ? '\n      ' : ''}]\n    }`;
  const { curves, profiles, evaluations, ...head } = r;
  const top = JSON.stringify(head, null, 2).replace(/\n}$/, '');
  const list = (items: readonly unknown[]) =>
    `[${items.map((x) => `\n    ${JSON.stringify(x)}`).join(',')}${items.length > 0 ? '\n  ' : ''}]`;
  const profileText =
    profiles === null
      ? 'null'
      : `{\n    "length": ${profiles.length},\n    "sequences": ${profiles.sequences},\n    "seed": ${profiles.seed},\n    "ks": ${JSON.stringify(profiles.ks)},\n    "rows": [${profiles.rows.map((row) => `\n      ${JSON.stringify(row)}`).join(',')}${profiles.rows.length > 0 ? '\n    ' : ''}]\n  }`;
  return `${top},\n  "curves": {\n    "validation": ${rows(curves.validation)},\n    "updates": ${rows(curves.updates)}\n  },\n  "profiles": ${profileText},\n  "evaluations": ${list(evaluations)}\n}\n`;
}

/**
 * Writes a record atomically.
 *
 * @example
 * writeRecord('grid/records/smart-tanh_sgd_L50_s1.json', record);
 */
export function writeRecord(path: string, r: RunRecord): void {
  writeTextAtomic(path, recordText(r));
}

/** True when `text` starts like a record (how `collect` tells records from other JSON files cheaply). */
export function looksLikeRecord(text: string): boolean {
  return new RegExp(`^\\s*\\{\\s*"format"\\s*:\\s*"${RECORD_FORMAT}"`).test(text);
}

/**
 * Reads and checks a record; any problem is a RecordError naming the file and the field.
 *
 * @example
 * const r = readRecord('grid/records/smart-tanh_sgd_L50_s1.json'); r.solvedAt;
 */
export function readRecord(path: string): RunRecord {
  const text = readText(path);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new RecordError(path, `not valid JSON (${(e as Error).message})`);
  }
  return checkRecord(value, (detail) => new RecordError(path, detail));
}

type Fail = (detail: string) => Error;

/** Checks the shape and consistency of a parsed record; `fail` makes the error for a detail. */
export function checkRecord(value: unknown, fail: Fail): RunRecord {
  const read = object(value, 'the record', fail);
  if (read.format !== RECORD_FORMAT)
    throw fail(`not a run record: format is ${JSON.stringify(read.format)}, expected "${RECORD_FORMAT}"`);
  if (!READABLE_VERSIONS.includes(read.version as number)) {
    throw fail(
      `record version ${JSON.stringify(read.version)}; this program reads versions ${READABLE_VERSIONS.join(' and ')}`,
    );
  }
  const r = read.version === 1 ? upgradeFromVersion1(read) : read;
  if (typeof r.id !== 'string' || r.id === '')
    throw fail(`field 'id': must be a non-empty string, got ${JSON.stringify(r.id)}`);
  const config = checkConfig(r.config, fail);
  const code = object(r.code, 'code', fail);
  if (typeof code.version !== 'string')
    throw fail(`field 'code.version': must be a string, got ${JSON.stringify(code.version)}`);
  if (code.commit !== null && (typeof code.commit !== 'string' || !/^[0-9a-f]{40}$/.test(code.commit)))
    throw fail(`field 'code.commit': must be 40 hex digits or null, got ${JSON.stringify(code.commit)}`);
  if (code.dirty !== null && typeof code.dirty !== 'boolean')
    throw fail(`field 'code.dirty': must be true, false or null, got ${JSON.stringify(code.dirty)}`);
  if (!['success', 'budget', 'diverged'].includes(r.status as string))
    throw fail(`field 'status': must be success, budget or diverged, got ${JSON.stringify(r.status)}`);
  const updates = int(r.updates, 'updates', 0, config.maxUpdates, fail);
  if (r.solvedAt !== null) int(r.solvedAt, 'solvedAt', 1, updates, fail);
  if (r.best !== null) {
    const b = object(r.best, 'best', fail);
    int(b.update, 'best.update', 0, updates, fail);
    fraction(b.errorRate, 'best.errorRate', fail);
  }
  if (r.divergence !== null) {
    const d = object(r.divergence, 'divergence', fail);
    int(d.update, 'divergence.update', 1, config.maxUpdates, fail);
    if (typeof d.reason !== 'string')
      throw fail(`field 'divergence.reason': must be a string, got ${JSON.stringify(d.reason)}`);
  }
  if ((r.status === 'diverged') !== (r.divergence !== null))
    throw fail(
      `fields 'status' and 'divergence' disagree: status ${r.status}, divergence ${JSON.stringify(r.divergence)}`,
    );
  if (r.test !== null) checkTest(r.test, fail);
  if (typeof r.seconds !== 'number' || !(r.seconds >= 0))
    throw fail(`field 'seconds': must be a number ≥ 0, got ${JSON.stringify(r.seconds)}`);
  const curves = object(r.curves, 'curves', fail);
  checkCurve(curves.validation, 'curves.validation', VALIDATION_COLUMNS, fail);
  checkCurve(curves.updates, 'curves.updates', UPDATE_COLUMNS, fail);
  if (!Array.isArray(r.confirmations))
    throw fail(`field 'confirmations': must be an array, got ${JSON.stringify(r.confirmations)}`);
  r.confirmations.forEach((c: unknown, i: number) => checkConfirmation(c, `confirmations[${i}]`, updates, fail));
  if (r.machine !== null) checkMachine(r.machine, fail);
  if (r.profiles !== null) checkProfiles(r.profiles, updates, fail);
  if (!Array.isArray(r.evaluations))
    throw fail(`field 'evaluations': must be an array, got ${JSON.stringify(r.evaluations)}`);
  r.evaluations.forEach((e: unknown, i: number) => checkTest(e, fail, `evaluations[${i}]`));
  return r as unknown as RunRecord;
}

/**
 * A version 1 record as version 2: its configuration predates `validation` and
 * `confirmSequences` (it ran with a fixed set and no confirmation), and it has no confirmations,
 * load, profiles or evaluations.
 */
function upgradeFromVersion1(r: Record<string, unknown>): Record<string, unknown> {
  const config =
    typeof r.config === 'object' && r.config !== null
      ? { validation: 'fixed', confirmSequences: 0, ...r.config }
      : r.config;
  return { ...r, config, confirmations: [], machine: null, profiles: null, evaluations: [] };
}

function checkConfirmation(value: unknown, name: string, updates: number, fail: Fail): void {
  const c = object(value, name, fail);
  int(c.update, `${name}.update`, 0, updates, fail);
  const sequences = int(c.sequences, `${name}.sequences`, 1, Number.MAX_SAFE_INTEGER, fail);
  const wrong = int(c.wrong, `${name}.wrong`, 0, sequences, fail);
  if (c.success !== wrong / sequences < SUCCESS_ERROR_RATE)
    throw fail(
      `field '${name}.success': must be ${wrong / sequences < SUCCESS_ERROR_RATE} for ${wrong} wrong of ${sequences}, got ${JSON.stringify(c.success)}`,
    );
}

function checkMachine(value: unknown, fail: Fail): void {
  const m = object(value, 'machine', fail);
  if (typeof m.cpu !== 'string' || typeof m.node !== 'string')
    throw fail(`field 'machine': cpu and node must be strings, got ${JSON.stringify([m.cpu, m.node])}`);
  int(m.cores, 'machine.cores', 1, 1_000_000, fail);
  if (m.load === null) return;
  const load = object(m.load, 'machine.load', fail);
  int(load.samples, 'machine.load.samples', 1, Number.MAX_SAFE_INTEGER, fail);
  const ok =
    [load.min, load.mean, load.max].every((v) => typeof v === 'number' && v >= 0) &&
    (load.min as number) <= (load.mean as number) &&
    (load.mean as number) <= (load.max as number);
  if (!ok) throw fail(`field 'machine.load': must hold 0 ≤ min ≤ mean ≤ max, got ${JSON.stringify(m.load)}`);
}

function checkProfiles(value: unknown, updates: number, fail: Fail): void {
  const p = object(value, 'profiles', fail);
  const length = int(p.length, 'profiles.length', 1, Number.MAX_SAFE_INTEGER, fail);
  int(p.sequences, 'profiles.sequences', 1, Number.MAX_SAFE_INTEGER, fail);
  int(p.seed, 'profiles.seed', 0, Number.MAX_SAFE_INTEGER, fail);
  if (!Array.isArray(p.ks) || p.ks.length === 0)
    throw fail(`field 'profiles.ks': must be a non-empty array, got ${JSON.stringify(p.ks)}`);
  p.ks.forEach((k: unknown, i: number) => int(k, `profiles.ks[${i}]`, 1, length, fail));
  if (!Array.isArray(p.rows)) throw fail(`field 'profiles.rows': must be an array`);
  p.rows.forEach((row: unknown, i: number) => {
    const o = object(row, `profiles.rows[${i}]`, fail);
    int(o.update, `profiles.rows[${i}].update`, 0, updates, fail);
    const ok =
      Array.isArray(o.ratios) &&
      o.ratios.length === (p.ks as unknown[]).length &&
      o.ratios.every((v) => v === null || (typeof v === 'number' && v >= 0 && Number.isFinite(v)));
    if (!ok)
      throw fail(
        `field 'profiles.rows[${i}].ratios': must be ${(p.ks as unknown[]).length} finite numbers ≥ 0 or nulls`,
      );
  });
}

function checkConfig(value: unknown, fail: Fail): ResolvedTrainConfig {
  const saved = object(value, 'config', fail);
  let config: ResolvedTrainConfig;
  try {
    config = resolveTrainConfig(saved);
  } catch (e) {
    throw fail(`field 'config': ${(e as Error).message}`);
  }
  const missing = Object.keys(config).filter((k) => !(k in saved));
  if (missing.length > 0)
    throw fail(`field 'config': incomplete, missing ${missing.join(', ')} (a record lists every field)`);
  return config;
}

function checkTest(value: unknown, fail: Fail, name = 'test'): void {
  const t = object(value, name, fail);
  const sequences = int(t.sequences, `${name}.sequences`, 1, Number.MAX_SAFE_INTEGER, fail);
  int(t.seed, `${name}.seed`, 0, Number.MAX_SAFE_INTEGER, fail);
  const min = int(t.minLength, `${name}.minLength`, 1, Number.MAX_SAFE_INTEGER, fail);
  int(t.maxLength, `${name}.maxLength`, min, Number.MAX_SAFE_INTEGER, fail);
  const wrong = int(t.wrong, `${name}.wrong`, 0, sequences, fail);
  if (t.errorRate !== wrong / sequences)
    throw fail(
      `field '${name}.errorRate': must be wrong / sequences = ${wrong / sequences}, got ${JSON.stringify(t.errorRate)}`,
    );
  const success = wrong / sequences < SUCCESS_ERROR_RATE;
  if (t.success !== success)
    throw fail(
      `field '${name}.success': must be ${success} for an error rate of ${wrong / sequences}, got ${JSON.stringify(t.success)}`,
    );
}

function checkCurve(value: unknown, name: string, columns: readonly string[], fail: Fail): void {
  const c = object(value, name, fail);
  if (JSON.stringify(c.columns) !== JSON.stringify(columns))
    throw fail(`field '${name}.columns': must be ${JSON.stringify(columns)}, got ${JSON.stringify(c.columns)}`);
  if (!Array.isArray(c.rows)) throw fail(`field '${name}.rows': must be an array`);
  c.rows.forEach((row: unknown, i: number) => {
    const ok =
      Array.isArray(row) &&
      row.length === columns.length &&
      row.every((v) => v === null || (typeof v === 'number' && Number.isFinite(v)));
    if (!ok)
      throw fail(
        `field '${name}.rows[${i}]': must be ${columns.length} finite numbers or nulls, got ${JSON.stringify(row)}`,
      );
  });
}

function object(v: unknown, name: string, fail: Fail): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw fail(`field '${name}': must be an object, got ${JSON.stringify(v)}`);
  return v as Record<string, unknown>;
}

function int(v: unknown, name: string, min: number, max: number, fail: Fail): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    throw fail(`field '${name}': must be an integer in [${min}, ${max}], got ${JSON.stringify(v)}`);
  return v;
}

function fraction(v: unknown, name: string, fail: Fail): void {
  if (typeof v !== 'number' || !(v >= 0 && v <= 1))
    throw fail(`field '${name}': must be a number in [0, 1], got ${JSON.stringify(v)}`);
}
