/**
 * @file `tapegrad train`: one training run with live progress, a JSON-lines log, atomic periodic
 * checkpoints, `--resume`, and a record at the end. Defaults are the paper's (temporal order, 50
 * hidden units, batch 20, lr 0.01, clipping threshold 1, α = 4, at most 5,000,000 updates).
 * Ctrl-C ends the run with a fresh checkpoint and prints the command that continues it.
 */
import { join, resolve } from 'node:path';
import { TRAIN_DEFAULTS, resolveTrainConfig, type TrainConfig } from '@tapegrad/rnn';
import { boolFlag, flag, integer, lengthSpec, numberAbove, oneOf, showLength, text, type Options } from '../args.js';
import { INTERRUPTED, onInterrupt, parseCommand, printJson, type Command } from '../command.js';
import { UsageError } from '../errors.js';
import { programLine } from '../jobs.js';
import { LIMITS, checkRunSize } from '../limits.js';
import { formatNumber } from '../numbers.js';
import { methodFlag, modelFlags, seedValue } from '../options.js';
import { Progress } from '../progress.js';
import type { RunRecord } from '../record.js';
import { RUN_FILES, executeRun, type RunMode, type RunOutcome, type RunRequest } from '../run.js';
import { codeVersion } from '../version.js';

const D = TRAIN_DEFAULTS;

/** The flags of `train` (also the flags `sweep --emit-jobs` writes). */
export const trainFlags = {
  ...modelFlags,
  method: methodFlag,
  length: flag(
    lengthSpec,
    { minLength: D.minLength, maxLength: D.minLength },
    'sequence length N, or MIN..MAX: each minibatch draws L from [MIN, MAX−1] as the original code',
    'L',
  ),
  lr: flag(numberAbove(0), D.learningRate, 'learning rate', 'LR'),
  clip: flag(numberAbove(0), D.clipThreshold, 'clipping threshold (sgd-c, sgd-cr)', 'C'),
  alpha: flag(numberAbove(0, true), D.alpha, 'weight α of the Ω regularizer (sgd-cr)', 'A'),
  omegaForm: flag(
    oneOf(['paper', 'summary'] as const),
    D.omegaForm,
    "Ω's form: paper (squared norms, mean) or summary (eq. 15)",
    'FORM',
  ),
  batch: flag(integer(1, LIMITS.batch), D.batchSize, 'sequences per update', 'B'),
  updates: flag(integer(0), D.maxUpdates, 'update budget', 'N'),
  seed: flag(
    seedValue,
    D.seed,
    `seed of the initialisation, training data and validation set (0 to ${LIMITS.seed})`,
    'N',
  ),
  validateEvery: flag(integer(1), D.validateEvery, 'validate every N updates', 'N'),
  validationSequences: flag(integer(1, LIMITS.sequences), D.validationSequences, 'sequences per validation', 'N'),
  validation: flag(
    oneOf(['fixed', 'fresh'] as const),
    D.validation,
    'validation sequences: fixed (one set, reused) or fresh (new at every validation)',
    'MODE',
  ),
  confirmSequences: flag(
    integer(0, LIMITS.sequences),
    D.confirmSequences,
    'confirm a validation under 1% on N fresh sequences before counting it (0: none)',
    'N',
  ),
  keepGoing: boolFlag('do not stop at the first validation error under 1%'),
  testSequences: flag(
    integer(0, LIMITS.sequences),
    10_000,
    'fresh test sequences for the final success evaluation (0: none)',
    'N',
  ),
  testSeed: flag(seedValue, 20130616, 'seed of the test sequences', 'N'),
  out: flag(text, 'out/train', 'run folder: log.jsonl, checkpoint.json, record.json', 'DIR'),
  record: flag(text, '', "where the run's record goes when it ends (default: DIR/record.json)", 'FILE'),
  checkpointEvery: flag(integer(1), 1000, 'write a checkpoint every N updates (atomically)', 'N'),
  logEvery: flag(integer(1), 100, 'log one update record every N updates', 'N'),
  resume: boolFlag('continue the run in --out from its checkpoint (bit for bit); the folder must hold one'),
  resumeOrStart: boolFlag('continue the run in --out if there is one, start it otherwise (what emitted jobs use)'),
  overwrite: boolFlag('replace a run already in --out'),
  quiet: boolFlag('no progress output'),
  json: boolFlag("print the run's record as JSON on stdout"),
};

type TrainOptions = Options<typeof trainFlags>;

/** The Trainer configuration the flags describe. */
export function trainConfigOf(o: TrainOptions): TrainConfig {
  return {
    task: o.task,
    init: o.init,
    method: o.method,
    minLength: o.length.minLength,
    maxLength: o.length.maxLength,
    hidden: o.hidden,
    learningRate: o.lr,
    clipThreshold: o.clip,
    alpha: o.alpha,
    omegaForm: o.omegaForm,
    batchSize: o.batch,
    maxUpdates: o.updates,
    seed: o.seed,
    validateEvery: o.validateEvery,
    validationSequences: o.validationSequences,
    validation: o.validation,
    confirmSequences: o.confirmSequences,
    stopOnSuccess: !o.keepGoing,
  };
}

/**
 * Checks a configuration as the command line must before any work: the library's own checks
 * (a ValueError, exit code 2) and the memory a run of these sizes needs (limits.ts).
 */
export function checkTrainConfig(command: string, config: TrainConfig, testSequences: number): void {
  const c = resolveTrainConfig(config);
  const batch = Math.max(c.batchSize, testSequences > 0 ? 100 : 0);
  checkRunSize(
    command,
    { task: c.task, maxLength: c.maxLength, hidden: c.hidden, batch, kept: c.validationSequences },
    '--length, --batch, --hidden or --validation-sequences',
  );
}

function modeOf(o: TrainOptions): RunMode {
  const chosen = (['resume', 'resumeOrStart', 'overwrite'] as const).filter((k) => o[k]);
  if (chosen.length > 1)
    throw new UsageError(
      'train',
      `--${chosen.map((k) => (k === 'resumeOrStart' ? 'resume-or-start' : k)).join(' and --')} cannot be used together`,
    );
  return o.resume ? 'resume' : o.resumeOrStart ? 'resume-or-start' : o.overwrite ? 'overwrite' : 'new';
}

/** The run request the flags describe. */
export function runRequestOf(o: TrainOptions, id: string): RunRequest {
  const folder = resolve(o.out);
  return {
    id,
    config: trainConfigOf(o),
    folder,
    record: o.record === '' ? join(folder, RUN_FILES.record) : resolve(o.record),
    mode: modeOf(o),
    checkpointEvery: o.checkpointEvery,
    logEvery: o.logEvery,
    testSequences: o.testSequences,
    testSeed: o.testSeed,
    code: codeVersion(),
  };
}

/** One line describing how a run ended. */
export function describeEnd(r: RunRecord): string {
  if (r.status === 'diverged' && r.divergence)
    return `diverged at update ${r.divergence.update}: ${r.divergence.reason}`;
  const solved = r.solvedAt !== null ? `validation error < 1% at update ${r.solvedAt}` : 'validation error never < 1%';
  const t = r.test;
  const test = t
    ? `; test: ${t.wrong}/${t.sequences} wrong (${formatNumber(100 * t.errorRate, 2)}%) → ${t.success ? 'SUCCESS' : 'failure'}`
    : '';
  return `${r.status} after ${r.updates} updates; ${solved}${test}`;
}

/** `tapegrad train`. */
export const trainCommand: Command = {
  summary: 'train one RNN (any task, init, method sgd|sgd-c|sgd-cr|sgd-r) with checkpoints and --resume',
  async run(argv) {
    const parsed = parseCommand(
      {
        name: 'train',
        synopsis: '[--task T] [--init I] [--method M] [--length L|MIN..MAX] [--updates N] [--out DIR] [--resume]',
        description: 'Trains the RNN of eq. (2) with SGD, SGD-C (gradient norm clipping) or SGD-CR (clipping + Ω).',
        flags: trainFlags,
      },
      argv,
    );
    if (!parsed) return 0;
    const o = parsed.options;
    const request = runRequestOf(o, `${o.task}/${o.init}/${o.method}/L${showLength(o.length)}/seed${o.seed}`);
    checkTrainConfig('train', request.config, o.testSequences);
    const bar = new Progress(process.stderr, 'train', resolveTrainConfig(request.config).maxUpdates, {
      silent: o.quiet,
    });
    let status = '';
    const controller = new AbortController();
    const unhook = onInterrupt(() => controller.abort());
    let outcome: RunOutcome;
    try {
      outcome = await executeRun(
        request,
        {
          onUpdate: (m) =>
            bar.update(m.update, `loss ${formatNumber(m.loss)} ‖g‖ ${m.gradNorm.toExponential(1)}${status}`),
          onValidation: (v) => {
            const om = v.meanOmega === null ? '' : ` Ω ${formatNumber(v.meanOmega, 3)}`;
            const past = v.meanStepsInPast === null ? '' : ` past ${(100 * v.meanStepsInPast).toFixed(0)}%`;
            status = ` | val ${formatNumber(100 * v.errorRate, 1)}% ρ ${formatNumber(v.spectralRadius, 3)}${om}${past}`;
          },
        },
        controller.signal,
      );
    } finally {
      unhook();
    }
    if (outcome.kind === 'interrupted') {
      const again = argv.filter((a) => a !== '--overwrite' && a !== '--resume');
      const resume = again.includes('--resume-or-start') ? [] : ['--resume'];
      process.stderr.write(
        `train: interrupted at update ${outcome.update}; the checkpoint is saved. To continue:\n  ${programLine(['train', ...again, ...resume])}\n`,
      );
      return INTERRUPTED;
    }
    const r = outcome.record;
    const end = `${outcome.already ? 'already finished: ' : ''}${describeEnd(r)}`;
    bar.done(end);
    if (o.json) printJson(r);
    if (r.status === 'diverged') {
      process.stderr.write(`train: ${end}\n`);
      return 1;
    }
    if (!o.json) process.stdout.write(`${end}\nrun folder: ${request.folder}\n`);
    return 0;
  },
};
