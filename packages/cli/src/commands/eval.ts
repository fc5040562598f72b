/**
 * @file `tapegrad eval`: the paper's success criterion for a trained run on freshly generated
 * test sequences, at the trained lengths or at others (the paper's generalisation test went to
 * sequences of 5,000 steps).
 */
import { UsageError, boolFlag, flag, intAtLeast, listOf } from '../args.js';
import { parseCommand, printJson, type Command } from '../command.js';
import { textTable } from '../report.js';
import { evaluateAt, loadRun } from '../run.js';

const spec = {
  name: 'eval',
  synopsis: 'RUN_DIR|CHECKPOINT [--lengths 50,500,5000] [--sequences N]',
  description: 'Evaluates a checkpoint on fresh test sequences: a run succeeds when fewer than 1% are wrong.',
  flags: {
    lengths: flag(listOf(intAtLeast(1)), [] as number[], 'fixed test lengths (default: the trained length range)', 'L1,L2,...'),
    sequences: flag(intAtLeast(1), 10_000, 'test sequences per length', 'N'),
    seed: flag(intAtLeast(0), 20130616, 'seed of the test sequences', 'N'),
    json: boolFlag('print the result as JSON on stdout'),
  },
  maxPositional: 1,
};

/** `tapegrad eval`. */
export const evalCommand: Command = {
  summary: 'success rate of a checkpoint on fresh test sequences, also at other lengths',
  async run(argv) {
    const parsed = parseCommand(spec, argv);
    if (!parsed) return 0;
    const o = parsed.options;
    const target = parsed.positional[0];
    if (target === undefined) throw new UsageError('eval', 'needs a run folder or a checkpoint file, e.g. tapegrad eval out/train');
    const run = loadRun(target);
    const c = run.config;
    const ranges = o.lengths.length > 0 ? o.lengths.map((l) => [l, l] as const) : [[c.minLength, c.maxLength] as const];
    const rows = ranges.map(([min, max]) => ({ lengths: min === max ? `${min}` : `${min}..${max}`, ...evaluateAt(run.trainer, min, max, o.sequences, o.seed) }));
    if (o.json) printJson({ checkpoint: target, update: run.update, task: c.task, results: rows });
    else {
      process.stdout.write(`${c.task}, ${c.init}, ${c.method}, trained ${run.update} updates on lengths ${c.minLength === c.maxLength ? c.minLength : `${c.minLength}..${c.maxLength}`}\n`);
      process.stdout.write(textTable(['length', 'wrong', 'error', 'success'], rows.map((r) => [r.lengths, `${r.wrong}/${r.sequences}`, `${(100 * r.errorRate).toFixed(2)}%`, r.success ? 'yes' : 'no'])));
    }
    return 0;
  },
};
