/**
 * @file One training run in a folder: the glue between the platform-neutral Trainer and files.
 * A run folder holds `log.jsonl` (the config, then update and validation records),
 * `checkpoint.json` (written atomically every N updates, after that update's validation, and at
 * the end) and, once finished, `result.json` (how it ended and the test evaluation on fresh
 * sequences). `--resume` continues from the checkpoint bit for bit; the log is cut back to the
 * checkpoint first so that it reads like the log of an uninterrupted run.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '@tapegrad/autodiff';
import { type Activation, evaluateTask, type Evaluation, makeTask, type ResolvedTrainConfig, resolveTrainConfig, type RnnParams, type TrainConfig, Trainer, type TrainState, type UpdateMetrics, type ValidationMetrics } from '@tapegrad/rnn';
import { CheckpointError, assertSameRun, readCheckpoint, writeCheckpoint } from './checkpoint.js';
import { JsonLinesLog } from './jsonl.js';
import { writeJsonAtomic } from './files.js';

/** Everything needed to run (or resume) one training run in a folder; plain data, so it can cross to a worker thread. */
export interface RunRequest {
  /** A label for progress and tables, e.g. `smart-tanh/sgd-c/L50/seed1`. */
  readonly id: string;
  readonly config: TrainConfig;
  readonly folder: string;
  /** Continue from the folder's checkpoint when there is one (otherwise start fresh). */
  readonly resume: boolean;
  /** Replace an existing run in the folder instead of refusing. */
  readonly overwrite: boolean;
  readonly checkpointEvery: number;
  /** Log one update record every this many updates (validations are always logged). */
  readonly logEvery: number;
  /** Fresh test sequences for the final evaluation (the paper uses 10,000); 0 skips it. */
  readonly testSequences: number;
  /** Seed of the test sequences (independent of the training seed). */
  readonly testSeed: number;
}

/** The end of a run, as `result.json` stores it. */
export interface RunSummary {
  readonly id: string;
  readonly config: ResolvedTrainConfig;
  readonly status: string;
  readonly updates: number;
  /** The update at which validation first went under 1% (null when it never did). */
  readonly solvedAt: number | null;
  readonly best: { update: number; errorRate: number } | null;
  readonly divergence: { update: number; reason: string } | null;
  readonly lastValidation: { update: number; errorRate: number; meanLoss: number; meanGradNorm: number; spectralRadius: number } | null;
  readonly test: Evaluation | null;
  /** Success by the paper's criterion: fewer than 1% of fresh test sequences wrong. */
  readonly success: boolean;
  readonly seconds: number;
}

/** A run's checkpoint body. */
interface SavedRun {
  readonly kind: 'tapegrad-run';
  readonly id: string;
  readonly state: TrainState;
}

/** Callbacks while a run goes. */
export interface RunHooks {
  onUpdate?(m: UpdateMetrics): void;
  onValidation?(v: ValidationMetrics): void;
  /** Asked after each update (and after its validation and checkpoint); true ends the run as 'stopped'. */
  shouldStop?(): boolean;
}

/** The file names inside a run folder. */
export const RUN_FILES = { checkpoint: 'checkpoint.json', log: 'log.jsonl', result: 'result.json' } as const;

/**
 * Runs (or resumes) `request` to its end and writes its files; returns the summary.
 * Throws a {@link CheckpointError} (nothing written) when the folder holds another run or a bad checkpoint.
 *
 * @example
 * const summary = executeRun({ id: 'demo', config: { minLength: 20, method: 'sgd-c', maxUpdates: 500 },
 *   folder: 'out/demo', resume: false, overwrite: true, checkpointEvery: 100, logEvery: 10, testSequences: 1000, testSeed: 99 });
 */
export function executeRun(request: RunRequest, hooks: RunHooks = {}): RunSummary {
  const started = Date.now();
  const config = resolveTrainConfig(request.config);
  const folder = request.folder;
  const ckpt = join(folder, RUN_FILES.checkpoint);
  const log = new JsonLinesLog(join(folder, RUN_FILES.log));
  const trainer = openTrainer(request, config, ckpt);
  mkdirSync(folder, { recursive: true });
  if (trainer.updates === 0) {
    rmSync(log.path, { force: true });
    rmSync(join(folder, RUN_FILES.result), { force: true });
    log.append({ type: 'config', id: request.id, config });
  } else {
    log.truncateAfter(trainer.updates);
    log.append({ type: 'resume', update: trainer.updates });
  }
  let solvedAt: number | null = null;
  const save = () => writeCheckpoint(ckpt, { kind: 'tapegrad-run', id: request.id, state: trainer.state() } satisfies SavedRun);
  const result = trainer.run({
    onUpdate: (m) => {
      if (m.update % request.logEvery === 0 || m.diverged) log.append({ type: 'update', ...m });
      hooks.onUpdate?.(m);
    },
    onValidation: (v) => {
      log.append({ type: 'validation', ...v });
      if (v.success && solvedAt === null) solvedAt = v.update;
      hooks.onValidation?.(v);
    },
    shouldStop: (m) => {
      if (m.update % request.checkpointEvery === 0) save();
      return hooks.shouldStop?.() ?? false;
    },
  });
  save();
  const finished = result.status !== 'stopped';
  const test = finished && request.testSequences > 0 && result.status !== 'diverged' ? evaluateAt(trainer, config.minLength, config.maxLength, request.testSequences, request.testSeed) : null;
  const v = result.validation;
  const summary: RunSummary = {
    id: request.id,
    config,
    status: result.status,
    updates: result.updates,
    solvedAt: solvedAt ?? firstSolved(log.path),
    best: result.best,
    divergence: result.divergence ? { update: result.divergence.update, reason: result.divergence.reason } : null,
    lastValidation: v ? { update: v.update, errorRate: v.errorRate, meanLoss: v.meanLoss, meanGradNorm: v.meanGradNorm, spectralRadius: v.spectralRadius } : null,
    test,
    success: test?.success ?? false,
    seconds: (Date.now() - started) / 1000,
  };
  log.append({ type: 'end', update: result.updates, status: result.status, test });
  if (finished) writeJsonAtomic(join(folder, RUN_FILES.result), summary);
  return summary;
}

function openTrainer(request: RunRequest, config: ResolvedTrainConfig, ckpt: string): Trainer {
  const hasRun = existsSync(ckpt) || existsSync(join(request.folder, RUN_FILES.result));
  if (request.resume && existsSync(ckpt)) {
    const saved = readSavedRun(ckpt);
    // omegaImpl: checkpoints from before it existed lack it and resume with the autodiff Ω they were made with
    assertSameRun(ckpt, saved.state.config as unknown as Record<string, unknown>, config as unknown as Record<string, unknown>, ['maxUpdates', 'omegaImpl']);
    return Trainer.resume(saved.state, { maxUpdates: config.maxUpdates });
  }
  if (hasRun && !request.resume && !request.overwrite) {
    throw new CheckpointError(ckpt, 'the folder already holds a run; pass --resume to continue it or --overwrite to start again');
  }
  return new Trainer(config);
}

function readSavedRun(path: string): SavedRun {
  const body = readCheckpoint(path) as Partial<SavedRun> | null;
  if (body?.kind !== 'tapegrad-run' || typeof body.state !== 'object' || body.state === null) {
    throw new CheckpointError(path, 'is a checkpoint file, but not of a training run (no run state inside)');
  }
  return body as SavedRun;
}

function firstSolved(logPath: string): number | null {
  for (const line of readFileSync(logPath, 'utf8').split('\n')) {
    if (!line.includes('"validation"')) continue;
    const r = JSON.parse(line) as { success?: boolean; update?: number };
    if (r.success === true && r.update !== undefined) return r.update;
  }
  return null;
}

/**
 * The paper's success evaluation of a trainer's current parameters on fresh sequences of
 * lengths [minLength, maxLength − 1] (a fixed length when equal).
 *
 * @example
 * evaluateAt(trainer, 500, 500, 10_000, 123).errorRate; // generalisation to L = 500
 */
export function evaluateAt(trainer: Trainer, minLength: number, maxLength: number, sequences: number, seed: number): Evaluation {
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
  const file = existsSync(join(path, RUN_FILES.checkpoint)) ? join(path, RUN_FILES.checkpoint) : path;
  const saved = readSavedRun(file);
  let trainer: Trainer;
  try {
    trainer = Trainer.resume(saved.state);
  } catch (e) {
    throw new CheckpointError(file, `holds a run state this program cannot restore: ${(e as Error).message}`);
  }
  return { trainer, config: trainer.config, params: trainer.params, activation: trainer.activation, update: trainer.updates };
}
