/**
 * @file `tapegrad train`: one training run with live progress, a JSON-lines log, atomic periodic
 * checkpoints and `--resume`. Defaults are the paper's (temporal order, 50 hidden units, batch 20,
 * lr 0.01, clipping threshold 1, α = 4, at most 5,000,000 updates). The loop is synchronous: Ctrl-C or
 * kill ends the process at once, and `--resume` continues from the last (atomically written) checkpoint.
 */
import { resolve } from 'node:path';
import { TRAIN_DEFAULTS, resolveTrainConfig, type TrainConfig } from '@tapegrad/rnn';
import { boolFlag, flag, intAtLeast, lengthSpec, numberAbove, oneOf, showLength, text, type Options } from '../args.js';
import { parseCommand, printJson, type Command } from '../command.js';
import { methodFlag, modelFlags } from '../options.js';
import { Progress } from '../progress.js';
import { executeRun, type RunRequest, type RunSummary } from '../run.js';

const D = TRAIN_DEFAULTS;

/** The flags of `train` (also the flags `sweep --emit-jobs` writes). */
export const trainFlags = {
  ...modelFlags,
  method: methodFlag,
  length: flag(lengthSpec, { minLength: D.minLength, maxLength: D.minLength }, 'sequence length N, or MIN..MAX: each minibatch draws L from [MIN, MAX−1] as the original code', 'L'),
  lr: flag(numberAbove(0), D.learningRate, 'learning rate', 'LR'),
  clip: flag(numberAbove(0), D.clipThreshold, 'clipping threshold (sgd-c, sgd-cr)', 'C'),
  alpha: flag(numberAbove(0, true), D.alpha, 'weight α of the Ω regularizer (sgd-cr)', 'A'),
  omegaForm: flag(oneOf(['paper', 'summary'] as const), D.omegaForm, "Ω's form: paper (squared norms, mean) or summary (eq. 15)", 'FORM'),
  batch: flag(intAtLeast(1), D.batchSize, 'sequences per update', 'B'),
  updates: flag(intAtLeast(0), D.maxUpdates, 'update budget', 'N'),
  seed: flag(intAtLeast(0), D.seed, 'seed of the initialisation, training data and validation set', 'N'),
  validateEvery: flag(intAtLeast(1), D.validateEvery, 'validate every N updates', 'N'),
  validationSequences: flag(intAtLeast(1), D.validationSequences, 'size of the fixed validation set', 'N'),
  keepGoing: boolFlag('do not stop at the first validation error under 1%'),
  testSequences: flag(intAtLeast(0), 10_000, 'fresh test sequences for the final success evaluation (0: none)', 'N'),
  testSeed: flag(intAtLeast(0), 20130616, 'seed of the test sequences', 'N'),
  out: flag(text, 'out/train', 'run folder: log.jsonl, checkpoint.json, result.json', 'DIR'),
  checkpointEvery: flag(intAtLeast(1), 1000, 'write a checkpoint every N updates (atomically)', 'N'),
  logEvery: flag(intAtLeast(1), 100, 'log one update record every N updates', 'N'),
  resume: boolFlag("continue the run in --out from its checkpoint (bit for bit)"),
  overwrite: boolFlag('replace a run already in --out'),
  quiet: boolFlag('no progress output'),
  json: boolFlag('print the result as JSON on stdout'),
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
    stopOnSuccess: !o.keepGoing,
  };
}

/** The run request the flags describe. */
export function runRequestOf(o: TrainOptions, id: string): RunRequest {
  return {
    id,
    config: trainConfigOf(o),
    folder: resolve(o.out),
    resume: o.resume,
    overwrite: o.overwrite,
    checkpointEvery: o.checkpointEvery,
    logEvery: o.logEvery,
    testSequences: o.testSequences,
    testSeed: o.testSeed,
  };
}

/** One line describing how a run ended. */
export function describeEnd(s: RunSummary): string {
  if (s.status === 'diverged' && s.divergence) return `diverged at update ${s.divergence.update}: ${s.divergence.reason}`;
  const solved = s.solvedAt !== null ? `validation error < 1% at update ${s.solvedAt}` : 'validation error never < 1%';
  const test = s.test ? `; test: ${s.test.wrong}/${s.test.sequences} wrong (${(100 * s.test.errorRate).toFixed(2)}%) → ${s.test.success ? 'SUCCESS' : 'failure'}` : '';
  return `${s.status} after ${s.updates} updates; ${solved}${test}`;
}

/** `tapegrad train`. */
export const trainCommand: Command = {
  summary: 'train one RNN (any task, init, method sgd|sgd-c|sgd-cr) with checkpoints and --resume',
  async run(argv) {
    const parsed = parseCommand(
      { name: 'train', synopsis: '[--task T] [--init I] [--method M] [--length L|MIN..MAX] [--updates N] [--out DIR] [--resume]', description: 'Trains the RNN of eq. (2) with SGD, SGD-C (gradient norm clipping) or SGD-CR (clipping + Ω).', flags: trainFlags },
      argv,
    );
    if (!parsed) return 0;
    const o = parsed.options;
    const config = resolveTrainConfig(trainConfigOf(o));
    const id = `${config.task}/${config.init}/${config.method}/L${showLength(o.length)}/seed${config.seed}`;
    const bar = new Progress(process.stderr, 'train', config.maxUpdates, { silent: o.quiet });
    let status = '';
    let last = { loss: NaN, norm: NaN };
    const summary = executeRun(runRequestOf(o, id), {
      onUpdate: (m) => {
        last = { loss: m.loss, norm: m.gradNorm };
        bar.update(m.update, `loss ${last.loss.toFixed(4)} ‖g‖ ${last.norm.toExponential(1)}${status}`);
      },
      onValidation: (v) => {
        const om = v.meanOmega === null ? '' : ` Ω ${v.meanOmega.toFixed(3)}`;
        const past = v.meanStepsInPast === null ? '' : ` past ${(100 * v.meanStepsInPast).toFixed(0)}%`;
        status = ` | val ${(100 * v.errorRate).toFixed(1)}% ρ ${v.spectralRadius.toFixed(3)}${om}${past}`;
      },
    });
    bar.done(describeEnd(summary));
    if (o.json) printJson(summary);
    else process.stdout.write(`${describeEnd(summary)}\nrun folder: ${resolve(o.out)}\n`);
    return summary.status === 'diverged' ? 1 : 0;
  },
};
