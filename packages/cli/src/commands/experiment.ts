/**
 * @file `tapegrad experiment DIR`: runs (or resumes) a committed experiment. DIR holds
 * `experiment.json` (experiments/definition.ts); every cell trains in a scratch folder
 * (`runs/<name>` by default, ignored by git) and leaves its record in DIR/records/ the moment it
 * finishes, where a later call, here or on another machine with the records copied, finds it
 * and skips the cell. Before starting it measures this machine's speed for each kind of cell and
 * prints the compute plan (also written to DIR/plan.json); with `--commit` each finished record is
 * committed at once, so a grid cut short loses at most the runs in flight (and those resume from
 * their checkpoints in the scratch folder).
 */
import { execFileSync } from 'node:child_process';
import { join, relative, resolve } from 'node:path';
import { resolveTrainConfig } from '@tapegrad/rnn';
import { boolFlag, flag, integer, numberAbove, text } from '../args.js';
import { INTERRUPTED, onInterrupt, parseCommand, type Command } from '../command.js';
import { UsageError } from '../errors.js';
import { kindOf, writeJsonAtomic } from '../files.js';
import { cells, readExperiment, requestOf } from '../experiments/definition.js';
import { makePlan, planText, runOrder } from '../experiments/plan.js';
import { LIMITS } from '../limits.js';
import { Pool, defaultWorkers } from '../pool.js';
import { Progress } from '../progress.js';
import { readRecord } from '../record.js';
import type { RunRequest } from '../run.js';
import { codeVersion } from '../version.js';

const spec = {
  name: 'experiment',
  synopsis: 'DIR [--workers N] [--scratch DIR] [--commit] [--plan-only]',
  description:
    'Runs or resumes the experiment defined in DIR/experiment.json: records land in DIR/records/ as\n' +
    'runs finish, run folders in --scratch. Measures speed first and prints the compute plan\n' +
    '(DIR/plan.json). Run it again, here or elsewhere with the records, to continue.',
  flags: {
    workers: flag(integer(1, LIMITS.workers), defaultWorkers(), 'worker threads, one per core by default', 'N'),
    scratch: flag(text, '', 'folder for run folders and checkpoints (default: runs/NAME, ignored by git)', 'DIR'),
    commit: boolFlag('git-commit DIR/records (and the plan) each time a run finishes'),
    planOnly: boolFlag('measure, print and write the plan, then stop'),
    trialSeconds: flag(numberAbove(0), 2, 'seconds of the timed trial per kind of cell', 'S'),
    quiet: boolFlag('no progress output'),
  },
  maxPositional: 1,
};

/** True when the request's record is there and is of the same configuration. */
function isFinished(r: RunRequest): boolean {
  return (
    kindOf(r.record) === 'file' &&
    JSON.stringify(readRecord(r.record).config) === JSON.stringify(resolveTrainConfig(r.config))
  );
}

/** Commits the records folder (and the plan) with `message`; a failure is reported, not fatal. */
function commitRecords(folder: string, message: string): void {
  const paths = [join(folder, 'records'), join(folder, 'plan.json')].filter((p) => kindOf(p) !== 'none');
  try {
    execFileSync('git', ['add', '--', ...paths], { cwd: folder, stdio: 'ignore' });
    execFileSync('git', ['commit', '--quiet', '--no-verify', '-m', message, '--', ...paths], {
      cwd: folder,
      stdio: 'ignore',
    });
  } catch (e) {
    process.stderr.write(
      `experiment: could not commit ${relative(process.cwd(), folder)} (${(e as Error).message.split('\n')[0]}); the records are on disk\n`,
    );
  }
}

/** `tapegrad experiment`. */
export const experimentCommand: Command = {
  summary: 'run or resume a committed experiment (docs/results/NAME): plan, worker threads, records as runs finish',
  async run(argv) {
    const parsed = parseCommand(spec, argv);
    if (!parsed) return 0;
    const o = parsed.options;
    if (parsed.positional.length === 0)
      throw new UsageError('experiment', 'needs the experiment folder, e.g. tapegrad experiment docs/results/figure7');
    const folder = resolve(parsed.positional[0]);
    const e = readExperiment(folder);
    const scratch = resolve(o.scratch || join('runs', e.name));
    const code = codeVersion();
    const all = cells(e).map((c) => requestOf(e, c, scratch, join(folder, 'records'), code));
    const todo = all.filter((r) => !isFinished(r));
    const say = (s: string) => o.quiet || process.stderr.write(s);
    say(
      `experiment ${e.name}: ${e.title}\n${all.length - todo.length} of ${all.length} cells have records in ${relative(process.cwd(), join(folder, 'records')) || '.'}\n`,
    );
    if (todo.length === 0 && !o.planOnly) return 0;
    say(`measuring speed (${o.trialSeconds} s per kind of cell)...\n`);
    const plan = makePlan(e.name, all, todo, o.workers, o.trialSeconds, code, (r) =>
      say(`  ${r.task} ${r.init} ${r.method} L=${r.length}: ${r.updatesPerSecond.toFixed(1)} updates/s\n`),
    );
    writeJsonAtomic(join(folder, 'plan.json'), plan);
    process.stdout.write(planText(plan));
    if (o.planOnly) return 0;
    // Seed by seed, longest first within a seed (see runOrder); each record lands as its run ends.
    const ordered = runOrder(plan, todo);
    const bar = new Progress(process.stderr, e.name, todo.length, { silent: o.quiet });
    const running = new Map<string, number>();
    let finished = 0;
    let failed = 0;
    const pool = new Pool(o.workers);
    const unhook = onInterrupt(() => pool.abort());
    try {
      await pool.run(ordered, {
        onProgress: (id, update) => {
          running.set(id, update);
          bar.update(
            finished,
            `${finished} of ${todo.length} done; ${[...running].map(([k, u]) => `${k}@${u}`).join(' ')}`,
          );
        },
        onResult: (r) => {
          running.delete(r.id);
          if ('error' in r) {
            failed++;
            process.stderr.write(`\nexperiment: run ${r.id} failed: ${r.error}\n`);
          }
          if ('outcome' in r && r.outcome.kind === 'finished') {
            finished++;
            const rec = r.outcome.record;
            say(
              `\n${r.id}: ${rec.status} after ${rec.updates} updates${rec.solvedAt === null ? '' : `, solved at ${rec.solvedAt}`}\n`,
            );
            if (o.commit) commitRecords(folder, `results: ${e.name}: ${r.id} (${rec.status}, ${rec.updates} updates)`);
          }
          bar.update(finished, `${finished} of ${todo.length} done`);
        },
      });
    } finally {
      unhook();
    }
    if (pool.wasAborted) {
      say(
        `experiment: interrupted with ${finished} of ${todo.length} runs done; the others have checkpoints in ${scratch}. Run the same command to continue.\n`,
      );
      return INTERRUPTED;
    }
    bar.done(`${finished} runs`);
    return failed > 0 ? 1 : 0;
  },
};
