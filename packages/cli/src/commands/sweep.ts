/**
 * @file `tapegrad sweep`: the Figure 7 grid (initialisation × method × length × seed) of training
 * runs in worker threads. Each cell trains in DIR/runs/<cell> and leaves its record in
 * DIR/records/<cell>.json; a cell whose record is there (from this machine, or copied or
 * committed from another) is not run again, and an unfinished one resumes from its checkpoint.
 * Ends with a success table and plot. `--emit-jobs` prints one self-contained `train` command per
 * cell instead, for GNU parallel or a Slurm job array; `tapegrad collect DIR` then gathers them.
 */
import { join, resolve } from 'node:path';
import { INITS, resolveTrainConfig, type InitName } from '@tapegrad/rnn';
import { MAX_LENGTH, boolFlag, flag, integer, listOf, oneOf, text, type Options } from '../args.js';
import { INTERRUPTED, onInterrupt, parseCommand, type Command } from '../command.js';
import { kindOf } from '../files.js';
import { programLine } from '../jobs.js';
import { LIMITS } from '../limits.js';
import { ALL_METHODS, METHODS, seedValue, type Method } from '../options.js';
import { Pool, type PoolResult, defaultWorkers } from '../pool.js';
import { Progress } from '../progress.js';
import { readRecord } from '../record.js';
import type { RunRequest } from '../run.js';
import { codeVersion } from '../version.js';
import { writeCollection } from './collect.js';
import { checkTrainConfig, trainConfigOf, trainFlags } from './train.js';

/** The train flags a sweep sets per cell or for itself; every other train flag applies to all cells. */
const PER_CELL = [
  'init',
  'method',
  'length',
  'seed',
  'out',
  'record',
  'resume',
  'resumeOrStart',
  'overwrite',
  'quiet',
  'json',
] as const;
const shared = Object.fromEntries(
  Object.entries(trainFlags).filter(([k]) => !(PER_CELL as readonly string[]).includes(k)),
) as Omit<typeof trainFlags, (typeof PER_CELL)[number]>;

const spec = {
  name: 'sweep',
  synopsis: '[--inits ...] [--methods ...] [--lengths 50,100] [--seeds 1,2,3] [--updates N] [--out DIR] [--emit-jobs]',
  description:
    'Runs the grid initialisation × method × length × seed (Figure 7 of the paper) in worker threads.\n' +
    'Runs go to DIR/runs/<cell>, their records to DIR/records/<cell>.json; a second invocation with the\n' +
    'same DIR (or with records copied into it) skips finished cells and resumes unfinished ones.\n' +
    'Ends with DIR/report/report.md (success table and plot).',
  flags: {
    inits: flag(listOf(oneOf<InitName>(INITS)), [...INITS], `initialisations (${INITS.join(', ')})`, 'I1,I2'),
    methods: flag(listOf(oneOf<Method>(ALL_METHODS)), [...METHODS], `methods (${ALL_METHODS.join(', ')})`, 'M1,M2'),
    lengths: flag(listOf(integer(1, MAX_LENGTH)), [50, 100, 150], 'sequence lengths (each fixed)', 'L1,L2'),
    seeds: flag(listOf(seedValue), [1, 2, 3, 4, 5], 'seeds per cell (the paper uses 5)', 'S1,S2'),
    ...shared,
    out: flag(text, 'out/sweep', 'sweep folder', 'DIR'),
    workers: flag(
      integer(1, LIMITS.workers),
      defaultWorkers(),
      'worker threads, one per core by default (os.availableParallelism())',
      'N',
    ),
    emitJobs: boolFlag('print one command per cell (runnable as printed, from any folder) and exit'),
    quiet: boolFlag('no progress output'),
    json: boolFlag('print the success table as JSON on stdout'),
    noPlots: boolFlag('write the table only, without the plots (which take a few seconds)'),
  },
};

type SweepOptions = Options<typeof spec.flags>;

/** The name of one cell: its run folder and its record file. */
export function cellId(init: string, method: string, length: number, seed: number): string {
  return `${init}_${method}_L${length}_s${seed}`;
}

/** Each value once, in first-seen order; a note on stderr names what was repeated. */
function once<T>(name: string, values: readonly T[]): T[] {
  const unique = [...new Set(values)];
  if (unique.length < values.length)
    process.stderr.write(
      `sweep: --${name} repeats ${values.filter((v, i) => values.indexOf(v) !== i).join(', ')}; each cell runs once\n`,
    );
  return unique;
}

function requests(o: SweepOptions, folder: string): RunRequest[] {
  const code = codeVersion();
  const out: RunRequest[] = [];
  for (const init of once('inits', o.inits))
    for (const length of once('lengths', o.lengths))
      for (const method of once('methods', o.methods))
        for (const seed of once('seeds', o.seeds)) {
          const id = cellId(init, method, length, seed);
          const cell = {
            ...o,
            init,
            method,
            seed,
            length: { minLength: length, maxLength: length },
            out: '',
            record: '',
            resume: false,
            resumeOrStart: true,
            overwrite: false,
          };
          const request: RunRequest = {
            id,
            config: trainConfigOf(cell),
            folder: join(folder, 'runs', id),
            record: join(folder, 'records', `${id}.json`),
            mode: 'resume-or-start',
            checkpointEvery: o.checkpointEvery,
            logEvery: o.logEvery,
            testSequences: o.testSequences,
            testSeed: o.testSeed,
            code,
          };
          checkTrainConfig('sweep', request.config, o.testSequences);
          out.push(request);
        }
  return out;
}

/** The `tapegrad train` command line that runs one request on its own, as printed, from any folder. */
export function jobCommand(r: RunRequest): string {
  const c = resolveTrainConfig(r.config);
  return programLine([
    'train',
    '--task',
    c.task,
    '--init',
    c.init,
    '--method',
    c.method,
    '--length',
    `${c.minLength}${c.maxLength === c.minLength ? '' : `..${c.maxLength}`}`,
    '--hidden',
    `${c.hidden}`,
    '--lr',
    `${c.learningRate}`,
    '--clip',
    `${c.clipThreshold}`,
    '--alpha',
    `${c.alpha}`,
    '--omega-form',
    c.omegaForm,
    '--batch',
    `${c.batchSize}`,
    '--updates',
    `${c.maxUpdates}`,
    '--seed',
    `${c.seed}`,
    '--validate-every',
    `${c.validateEvery}`,
    '--validation-sequences',
    `${c.validationSequences}`,
    '--validation',
    c.validation,
    '--confirm-sequences',
    `${c.confirmSequences}`,
    ...(c.stopOnSuccess ? [] : ['--keep-going']),
    '--test-sequences',
    `${r.testSequences}`,
    '--test-seed',
    `${r.testSeed}`,
    '--checkpoint-every',
    `${r.checkpointEvery}`,
    '--log-every',
    `${r.logEvery}`,
    '--out',
    r.folder,
    '--record',
    r.record,
    '--resume-or-start',
    '--quiet',
  ]);
}

/** True when the request's record is there and is of the same configuration (a different one is left to the run to refuse). */
function isFinished(r: RunRequest): boolean {
  return (
    kindOf(r.record) === 'file' &&
    JSON.stringify(readRecord(r.record).config) === JSON.stringify(resolveTrainConfig(r.config))
  );
}

/** `tapegrad sweep`. */
export const sweepCommand: Command = {
  summary: 'the Figure 7 grid (init × method × length × seeds) in worker threads; --emit-jobs for clusters',
  async run(argv) {
    const parsed = parseCommand(spec, argv);
    if (!parsed) return 0;
    const o = parsed.options;
    const folder = resolve(o.out);
    const all = requests(o, folder);
    if (o.emitJobs) {
      process.stdout.write(`${all.map(jobCommand).join('\n')}\n`);
      return 0;
    }
    const todo = all.filter((r) => !isFinished(r));
    const bar = new Progress(process.stderr, 'sweep', todo.length, { silent: o.quiet });
    const perRun = new Map<string, number>();
    let finished = 0;
    const pool = new Pool(o.workers);
    const unhook = onInterrupt(() => pool.abort());
    let results: PoolResult[];
    try {
      results = await pool.run(todo, {
        onProgress: (id, update) => {
          perRun.set(id, update);
          bar.update(
            finished,
            `${finished} of ${todo.length} runs done; running: ${[...perRun].map(([k, u]) => `${k}@${u}`).join(' ')}`,
          );
        },
        onResult: (r) => {
          perRun.delete(r.id);
          if ('error' in r) process.stderr.write(`\nsweep: run ${r.id} failed: ${r.error}\n`);
          if ('outcome' in r && r.outcome.kind === 'finished') finished++;
          bar.update(finished, `${finished} of ${todo.length} runs done`);
        },
      });
    } finally {
      unhook();
    }
    if (pool.wasAborted) {
      process.stderr.write(
        `sweep: interrupted with ${finished} of ${todo.length} runs done; the others have checkpoints. To continue, run the same command again.\n`,
      );
      return INTERRUPTED;
    }
    bar.done(`${finished} runs`);
    const failed = results.filter((r) => 'error' in r).length;
    await writeCollection([join(folder, 'records')], join(folder, 'report'), { json: o.json, plots: !o.noPlots });
    return failed > 0 ? 1 : 0;
  },
};
