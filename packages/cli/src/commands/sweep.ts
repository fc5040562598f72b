/**
 * @file `tapegrad sweep`: the Figure 7 grid (initialisation × method × length × seed) of training
 * runs, in parallel worker threads, resumable (finished cells are skipped, interrupted ones resume
 * from their checkpoints), ending in a success table and plot. `--emit-jobs` prints one
 * self-contained `tapegrad train` command per cell instead, for GNU parallel or a Slurm array;
 * `tapegrad collect` then gathers the folders.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type InitName, INITS, resolveTrainConfig } from '@tapegrad/rnn';
import { boolFlag, flag, intAtLeast, listOf, oneOf, text } from '../args.js';
import { parseCommand, type Command } from '../command.js';
import { METHODS, type Method } from '../options.js';
import { defaultWorkers, runPool } from '../pool.js';
import { Progress } from '../progress.js';
import { RUN_FILES, type RunRequest } from '../run.js';
import { writeCollection } from './collect.js';
import { trainConfigOf, trainFlags } from './train.js';

/** The train flags a sweep sets per cell or for itself; every other train flag applies to all cells. */
const PER_CELL = ['init', 'method', 'length', 'seed', 'out', 'resume', 'overwrite', 'quiet', 'json'] as const;
const shared = Object.fromEntries(Object.entries(trainFlags).filter(([k]) => !(PER_CELL as readonly string[]).includes(k))) as Omit<typeof trainFlags, (typeof PER_CELL)[number]>;

const spec = {
  name: 'sweep',
  synopsis: '[--inits ...] [--methods ...] [--lengths 50,100] [--seeds 1,2,3] [--updates N] [--out DIR] [--emit-jobs]',
  description:
    'Runs the grid initialisation × method × length × seed (Figure 7 of the paper) in worker threads.\n' +
    'Run folders go to DIR/runs/<cell>; a second invocation with the same DIR skips finished cells and\n' +
    'resumes unfinished ones. Ends with DIR/report/report.md (success table and plot).',
  flags: {
    inits: flag(listOf(oneOf<InitName>(INITS)), [...INITS], `initialisations (${INITS.join(', ')})`, 'I1,I2'),
    methods: flag(listOf(oneOf<Method>(METHODS)), [...METHODS], `methods (${METHODS.join(', ')})`, 'M1,M2'),
    lengths: flag(listOf(intAtLeast(1)), [50, 100, 150], 'sequence lengths (each fixed)', 'L1,L2'),
    seeds: flag(listOf(intAtLeast(0)), [1, 2, 3, 4, 5], 'seeds per cell (the paper uses 5)', 'S1,S2'),
    ...shared,
    out: flag(text, 'out/sweep', 'sweep folder', 'DIR'),
    workers: flag(intAtLeast(1), defaultWorkers(), 'worker threads, one per core by default (os.availableParallelism())', 'N'),
    emitJobs: boolFlag('print one `tapegrad train` command per cell and exit'),
    quiet: boolFlag('no progress output'),
    json: boolFlag('print the success table as JSON on stdout'),
  },
};

type SweepOptions = NonNullable<ReturnType<typeof parseCommand<typeof spec.flags>>>['options'];

/** The folder name of one cell's run. */
export function cellId(init: string, method: string, length: number, seed: number): string {
  return `${init}_${method}_L${length}_s${seed}`;
}

function requests(o: SweepOptions, folder: string): RunRequest[] {
  const out: RunRequest[] = [];
  for (const init of o.inits)
    for (const length of o.lengths)
      for (const method of o.methods)
        for (const seed of o.seeds) {
          const config = trainConfigOf({ ...o, init, method, seed, length: { minLength: length, maxLength: length }, keepGoing: o.keepGoing, out: '', resume: true, overwrite: false, quiet: true, json: false });
          out.push({ id: cellId(init, method, length, seed), config, folder: join(folder, 'runs', cellId(init, method, length, seed)), resume: true, overwrite: false, checkpointEvery: o.checkpointEvery, logEvery: o.logEvery, testSequences: o.testSequences, testSeed: o.testSeed });
        }
  return out;
}

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The `tapegrad train` command line that runs one request on its own. */
export function jobCommand(r: RunRequest): string {
  const c = resolveTrainConfig(r.config);
  const args = [
    'tapegrad', 'train', '--task', c.task, '--init', c.init, '--method', c.method, '--length', `${c.minLength}${c.maxLength === c.minLength ? '' : `..${c.maxLength}`}`,
    '--hidden', `${c.hidden}`, '--lr', `${c.learningRate}`, '--clip', `${c.clipThreshold}`, '--alpha', `${c.alpha}`, '--omega-form', c.omegaForm,
    '--batch', `${c.batchSize}`, '--updates', `${c.maxUpdates}`, '--seed', `${c.seed}`, '--validate-every', `${c.validateEvery}`,
    '--validation-sequences', `${c.validationSequences}`, ...(c.stopOnSuccess ? [] : ['--keep-going']), '--test-sequences', `${r.testSequences}`,
    '--test-seed', `${r.testSeed}`, '--checkpoint-every', `${r.checkpointEvery}`, '--log-every', `${r.logEvery}`, '--out', r.folder, '--resume', '--quiet',
  ];
  return args.map(shellQuote).join(' ');
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
    all.forEach((r) => resolveTrainConfig(r.config));
    if (o.emitJobs) {
      process.stdout.write(`${all.map(jobCommand).join('\n')}\n`);
      return 0;
    }
    // Finished cells (result.json present) are skipped; unfinished ones resume from their checkpoints.
    const todo = all.filter((r) => !existsSync(join(r.folder, RUN_FILES.result)));
    const bar = new Progress(process.stderr, 'sweep', todo.length, { silent: o.quiet });
    const perRun = new Map<string, number>();
    let finished = 0;
    const results = await runPool(todo, o.workers, {
      onProgress: (id, update) => {
        perRun.set(id, update);
        bar.update(finished, `${finished} of ${todo.length} runs done; running: ${[...perRun].map(([k, u]) => `${k}@${u}`).join(' ')}`);
      },
      onResult: (r) => {
        finished++;
        perRun.delete(r.id);
        if ('error' in r) process.stderr.write(`\nsweep: run ${r.id} failed: ${r.error}\n`);
        bar.update(finished, `${finished} of ${todo.length} runs done`);
      },
    });
    bar.done(`${finished} runs`);
    const failed = results.filter((r) => 'error' in r).length;
    await writeCollection([folder], join(folder, 'report'), o.json);
    return failed > 0 ? 1 : 0;
  },
};
