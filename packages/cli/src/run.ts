/**
 * @file One training run in a folder: the glue between the platform-neutral Trainer and files.
 * A run folder holds `lock` while a process works in it (lock.ts), `log.jsonl` (the config, then
 * update and validation records), `checkpoint.json` (written atomically every N updates, after
 * that update's validation, at the end, and when the run is interrupted), and once finished the
 * run's record (record.ts; `record.json` in the folder unless the request names another path).
 * Resuming continues from the checkpoint bit for bit; the log is cut back to the checkpoint first,
 * so it reads like the log of an uninterrupted run. Training runs in slices of a tenth of a
 * second with the event loop free in between, so Ctrl-C (an AbortSignal) is heard within one
 * slice and ends the run with a fresh checkpoint.
 */
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Rng } from '@tapegrad/autodiff';
import {
  Trainer,
  evaluateTask,
  makeTask,
  resolveTrainConfig,
  type Activation,
  type Evaluation,
  type ResolvedTrainConfig,
  type RnnParams,
  type TrainConfig,
  type TrainState,
  type UpdateMetrics,
  type ValidationMetrics,
} from '@tapegrad/rnn';
import { CheckpointError, assertSameRun, readCheckpoint, writeCheckpoint } from './checkpoint.js';
import { FileError } from './errors.js';
import { ensureFolder, kindOf } from './files.js';
import { JsonLinesLog, readJsonLines } from './jsonl.js';
import { lockFolder } from './lock.js';
import {
  RECORD_FORMAT,
  RECORD_VERSION,
  UPDATE_COLUMNS,
  VALIDATION_COLUMNS,
  cell,
  readRecord,
  sampleRows,
  writeRecord,
  type CodeVersion,
  type RunRecord,
  type TestOutcome,
} from './record.js';
import {
  evaluationsOf,
  loadNow,
  machineOf,
  profilesOf,
  signalProfile,
  type EvaluateRequest,
  type ProfileRequest,
} from './run-extras.js';

/** The file names inside a run folder. */
export const RUN_FILES = { checkpoint: 'checkpoint.json', log: 'log.jsonl', record: 'record.json' } as const;

/**
 * How a request treats what is already in its folder: `new` refuses a folder that holds a run,
 * `resume` needs a checkpoint to continue from, `resume-or-start` continues when there is one and
 * starts otherwise (what emitted jobs and sweeps use), `overwrite` starts again from nothing.
 * A run whose record is already there with the same configuration is not run again.
 */
export type RunMode = 'new' | 'resume' | 'resume-or-start' | 'overwrite';

/** Everything needed to run (or resume) one training run in a folder; plain data, so it can cross to a worker thread. */
export interface RunRequest {
  /** A label for progress and tables, e.g. `smart-tanh_sgd-c_L50_s1`. */
  readonly id: string;
  readonly config: TrainConfig;
  readonly folder: string;
  /** Where the record goes when the run ends (RUN_FILES.record in the folder for `train`). */
  readonly record: string;
  readonly mode: RunMode;
  readonly checkpointEvery: number;
  /** Log one update record every this many updates (validations are always logged). */
  readonly logEvery: number;
  /** Fresh test sequences for the final evaluation (the paper uses 10,000); 0 skips it. */
  readonly testSequences: number;
  /** Seed of the test sequences (independent of the training seed). */
  readonly testSeed: number;
  /** The code that runs, for the record (asked once by the main thread). */
  readonly code: CodeVersion;
  /** Error-signal profiles over training, for the record (none when absent). */
  readonly profile?: ProfileRequest;
  /** Evaluations at other lengths after training, for the record (none when absent). */
  readonly evaluate?: EvaluateRequest;
}

/** How {@link executeRun} ended: with a record (`already` when it was there before), or interrupted at an update. */
export type RunOutcome =
  | { readonly kind: 'finished'; readonly record: RunRecord; readonly already: boolean }
  | { readonly kind: 'interrupted'; readonly update: number };

/** Callbacks while a run goes. */
export interface RunHooks {
  onUpdate?(m: UpdateMetrics): void;
  onValidation?(v: ValidationMetrics): void;
}

/** A run's checkpoint body. */
interface SavedRun {
  readonly kind: 'tapegrad-run';
  readonly id: string;
  readonly state: TrainState;
  /** First update with validation under 1% so far (absent in checkpoints of older versions). */
  readonly solvedAt?: number | null;
  /** Seconds spent so far over every leg (absent in checkpoints of older versions). */
  readonly seconds?: number;
}

/** Milliseconds of training between two looks at the event loop (signals, worker messages). */
const SLICE_MS = 100;

/**
 * Runs (or resumes) `request` to its end, or until `signal` aborts, and writes its files.
 * Throws a FileError (nothing changed) when the folder is in use, holds another run or a bad checkpoint.
 *
 * @example
 * const outcome = await executeRun({ id: 'demo', config: { minLength: 20, method: 'sgd-c', maxUpdates: 500 },
 *   folder: 'out/demo', record: 'out/demo/record.json', mode: 'overwrite', checkpointEvery: 100, logEvery: 10,
 *   testSequences: 1000, testSeed: 99, code: codeVersion() });
 */
export async function executeRun(request: RunRequest, hooks: RunHooks = {}, signal?: AbortSignal): Promise<RunOutcome> {
  const config = resolveTrainConfig(request.config);
  if (request.mode === 'resume' && kindOf(request.folder) === 'none') {
    throw new FileError(
      request.folder,
      'no run to resume: the folder does not exist (leave out --resume to start a run)',
    );
  }
  ensureFolder(request.folder);
  const lock = lockFolder(request.folder);
  try {
    return await runLocked(request, config, hooks, signal);
  } finally {
    lock.release();
  }
}

async function runLocked(
  request: RunRequest,
  config: ResolvedTrainConfig,
  hooks: RunHooks,
  signal?: AbortSignal,
): Promise<RunOutcome> {
  const started = Date.now();
  const folder = request.folder;
  const ckpt = join(folder, RUN_FILES.checkpoint);
  const log = new JsonLinesLog(join(folder, RUN_FILES.log));
  if (request.mode === 'overwrite') for (const f of [ckpt, log.path, request.record]) rmSync(f, { force: true });
  const finished = kindOf(request.record) === 'file' ? readRecord(request.record) : null;
  const hasCheckpoint = kindOf(ckpt) === 'file';
  if (request.mode === 'new' && (finished !== null || hasCheckpoint)) {
    throw new FileError(folder, 'already holds a run; pass --resume to continue it or --overwrite to start again');
  }
  if (finished !== null && JSON.stringify(finished.config) === JSON.stringify(config))
    return { kind: 'finished', record: finished, already: true };
  if (finished !== null && !hasCheckpoint) {
    assertSameRun(
      request.record,
      finished.config as unknown as Record<string, unknown>,
      config as unknown as Record<string, unknown>,
      [],
    );
  }
  if (request.mode === 'resume' && !hasCheckpoint)
    throw new FileError(folder, 'holds no checkpoint to resume from (leave out --resume to start a run)');
  const saved = hasCheckpoint ? readSavedRun(ckpt) : null;
  const trainer = saved === null ? new Trainer(config) : resumeTrainer(ckpt, saved, config);
  if (trainer.updates === 0) {
    rmSync(log.path, { force: true });
    log.append({ type: 'config', id: request.id, config });
    if (request.profile) log.append({ type: 'profile', update: 0, ratios: signalProfile(trainer, request.profile) });
  } else {
    if (kindOf(log.path) === 'file') log.truncateAfter(trainer.updates);
    log.append({ type: 'resume', update: trainer.updates });
  }
  // The first success is carried in the checkpoint, so a resumed run reports the one of its whole history.
  let solvedAt: number | null =
    saved === null ? null : saved.solvedAt !== undefined ? saved.solvedAt : firstSolvedInLog(log.path);
  const priorSeconds = saved?.seconds ?? 0;
  const seconds = () => priorSeconds + (Date.now() - started) / 1000;
  const save = () =>
    writeCheckpoint(ckpt, {
      kind: 'tapegrad-run',
      id: request.id,
      state: trainer.state(),
      solvedAt,
      seconds: seconds(),
    } satisfies SavedRun);
  const runHooks = {
    onUpdate: (m: UpdateMetrics) => {
      if (m.update % request.logEvery === 0 || m.diverged) log.append({ type: 'update', ...m });
      hooks.onUpdate?.(m);
    },
    onValidation: (v: ValidationMetrics) => {
      log.append({ type: 'validation', ...v, load: loadNow() });
      if (request.profile && v.update % request.profile.every === 0)
        log.append({ type: 'profile', update: v.update, ratios: signalProfile(trainer, request.profile) });
      if (v.solved && solvedAt === null) solvedAt = v.update;
      hooks.onValidation?.(v);
    },
  };
  for (;;) {
    const sliceEnd = Date.now() + SLICE_MS;
    const result = trainer.run({
      ...runHooks,
      shouldStop: (m) => {
        if (m.update % request.checkpointEvery === 0) save();
        return Date.now() >= sliceEnd;
      },
    });
    if (result.status !== 'stopped') break;
    await new Promise((done) => setImmediate(done));
    if (signal?.aborted) {
      save();
      log.append({ type: 'interrupted', update: trainer.updates });
      return { kind: 'interrupted', update: trainer.updates };
    }
  }
  // The profile at the end, so "at the end of training" is the parameters the run finished with.
  const ended = trainer.updates;
  if (request.profile && !readJsonLines(log.path).some((l) => l.type === 'profile' && l.update === ended)) {
    log.append({ type: 'profile', update: ended, ratios: signalProfile(trainer, request.profile) });
  }
  save();
  const record = finish(request, trainer, solvedAt, log.path, seconds);
  ensureFolder(dirname(request.record));
  writeRecord(request.record, record);
  log.append({ type: 'end', update: record.updates, status: record.status, test: record.test });
  return { kind: 'finished', record, already: false };
}

function resumeTrainer(ckpt: string, saved: SavedRun, config: ResolvedTrainConfig): Trainer {
  let trainer: Trainer;
  try {
    trainer = Trainer.resume(saved.state, { maxUpdates: config.maxUpdates });
  } catch (e) {
    throw new CheckpointError(ckpt, `holds a run state this program cannot restore: ${(e as Error).message}`);
  }
  // Compared as resumed, so fields a checkpoint predates count as what it ran with; omegaImpl:
  // checkpoints from before it existed lack it and resume with the autodiff Ω they were made with.
  assertSameRun(
    ckpt,
    trainer.config as unknown as Record<string, unknown>,
    config as unknown as Record<string, unknown>,
    ['maxUpdates', 'omegaImpl'],
  );
  return trainer;
}

function finish(
  request: RunRequest,
  trainer: Trainer,
  solvedAt: number | null,
  logPath: string,
  seconds: () => number,
): RunRecord {
  const result = trainer.result();
  const c = trainer.config;
  const status = result.status as RunRecord['status'];
  let test: TestOutcome | null = null;
  if (status !== 'diverged' && request.testSequences > 0) {
    const e = evaluateAt(trainer, c.minLength, c.maxLength, request.testSequences, request.testSeed);
    test = {
      sequences: e.sequences,
      seed: request.testSeed,
      minLength: c.minLength,
      maxLength: c.maxLength,
      wrong: e.wrong,
      errorRate: e.errorRate,
      success: e.success,
    };
  }
  const records = readJsonLines(logPath);
  const rows = (type: string, columns: readonly string[]) =>
    sampleRows(
      records
        .filter((r) => r.type === type)
        .map((r) => columns.map((k) => cell(typeof r[k] === 'boolean' ? Number(r[k]) : r[k]))),
    );
  const confirmations = records
    .filter((r) => r.type === 'validation' && typeof r.confirmation === 'object' && r.confirmation !== null)
    .map((r) => {
      const e = r.confirmation as { sequences: number; wrong: number; success: boolean };
      return { update: r.update as number, sequences: e.sequences, wrong: e.wrong, success: e.success };
    });
  return {
    format: RECORD_FORMAT,
    version: RECORD_VERSION,
    id: request.id,
    config: c,
    code: request.code,
    status,
    updates: result.updates,
    solvedAt,
    confirmations,
    best: result.best,
    divergence: result.divergence ? { update: result.divergence.update, reason: result.divergence.reason } : null,
    test,
    seconds: Math.round(seconds() * 10) / 10,
    machine: machineOf(records),
    curves: {
      validation: { columns: VALIDATION_COLUMNS, rows: rows('validation', VALIDATION_COLUMNS) },
      updates: { columns: UPDATE_COLUMNS, rows: rows('update', UPDATE_COLUMNS) },
    },
    profiles: request.profile ? profilesOf(records, request.profile, c.minLength) : null,
    evaluations:
      status !== 'diverged' && request.evaluate ? evaluationsOf(trainer, request.evaluate, request.testSeed) : [],
  };
}

function readSavedRun(path: string): SavedRun {
  const body = readCheckpoint(path) as Partial<SavedRun> | null;
  if (body?.kind !== 'tapegrad-run' || typeof body.state !== 'object' || body.state === null) {
    throw new CheckpointError(path, 'is a checkpoint file, but not of a training run (no run state inside)');
  }
  return body as SavedRun;
}

/** For checkpoints written before they carried it: the first success in the (cut back) log. */
function firstSolvedInLog(logPath: string): number | null {
  if (kindOf(logPath) !== 'file') return null;
  const hit = readJsonLines(logPath).find((r) => r.type === 'validation' && (r.solved ?? r.success) === true);
  return typeof hit?.update === 'number' ? hit.update : null;
}

/**
 * The paper's success evaluation of a trainer's current parameters on fresh sequences of
 * lengths [minLength, maxLength − 1] (a fixed length when equal).
 *
 * @example
 * evaluateAt(trainer, 500, 500, 10_000, 123).errorRate; // generalisation to L = 500
 */
export function evaluateAt(
  trainer: Trainer,
  minLength: number,
  maxLength: number,
  sequences: number,
  seed: number,
): Evaluation {
  const task = makeTask(trainer.config.task, { minLength, maxLength });
  return evaluateTask(task, (b) => trainer.predict(b), { sequences, rng: new Rng(seed) });
}

/** A run restored from its checkpoint: the trainer, its parameters and activation. */
export interface LoadedRun {
  readonly trainer: Trainer;
  readonly config: ResolvedTrainConfig;
  readonly params: RnnParams;
  readonly activation: Activation;
  readonly update: number;
}

/**
 * Loads a run's checkpoint (a file, or a run folder holding `checkpoint.json`).
 *
 * @example
 * const run = loadRun('out/train'); run.update; run.params.W_rec;
 */
export function loadRun(path: string): LoadedRun {
  const kind = kindOf(path);
  if (kind === 'none') throw new FileError(path, 'no such file or folder (expected a run folder or a checkpoint file)');
  const file = kind === 'folder' ? join(path, RUN_FILES.checkpoint) : path;
  if (kind === 'folder' && kindOf(file) !== 'file')
    throw new FileError(path, `holds no ${RUN_FILES.checkpoint}: not a run folder`);
  const saved = readSavedRun(file);
  let trainer: Trainer;
  try {
    trainer = Trainer.resume(saved.state);
  } catch (e) {
    throw new CheckpointError(file, `holds a run state this program cannot restore: ${(e as Error).message}`);
  }
  return {
    trainer,
    config: trainer.config,
    params: trainer.params,
    activation: trainer.activation,
    update: trainer.updates,
  };
}
