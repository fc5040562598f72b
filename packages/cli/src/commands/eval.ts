/**
 * @file `tapegrad eval`: the paper's success criterion for a trained run on freshly generated
 * test sequences, at the trained lengths or at others (the paper's generalisation test went to
 * sequences of 5,000 steps), fixed lengths or ranges.
 */
import { boolFlag, flag, integer, lengthSpec, listOf, showLength, type LengthSpec } from '../args.js';
import { parseCommand, printJson, type Command } from '../command.js';
import { UsageError } from '../errors.js';
import { LIMITS, checkRunSize, evaluationFloats } from '../limits.js';
import { formatNumber } from '../numbers.js';
import { seedValue } from '../options.js';
import { textTable } from '../report.js';
import { evaluateAt, loadRun } from '../run.js';

const spec = {
  name: 'eval',
  synopsis: 'RUN_DIR|CHECKPOINT [--lengths 50,500,100..200] [--sequences N]',
  description:
    'Evaluates a checkpoint on fresh test sequences: a run succeeds when fewer than 1% are wrong.\n' +
    'Each length is N (fixed) or MIN..MAX (each batch of 100 draws its length from [MIN, MAX−1]).',
  flags: {
    lengths: flag(
      listOf(lengthSpec),
      [] as LengthSpec[],
      'test lengths (default: the trained length range)',
      'L1,MIN..MAX,...',
    ),
    sequences: flag(integer(1, LIMITS.sequences), 10_000, 'test sequences per length', 'N'),
    seed: flag(seedValue, 20130616, 'seed of the test sequences', 'N'),
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
    if (target === undefined)
      throw new UsageError('eval', 'needs a run folder or a checkpoint file, e.g. tapegrad eval out/train');
    const run = loadRun(target);
    const c = run.config;
    const ranges = o.lengths.length > 0 ? o.lengths : [{ minLength: c.minLength, maxLength: c.maxLength }];
    for (const l of ranges) {
      const size = { task: c.task, maxLength: l.maxLength, hidden: c.hidden, batch: 100, kept: 0 };
      checkRunSize('eval', size, '--lengths', evaluationFloats(size));
    }
    const rows = ranges.map((l) => ({
      lengths: showLength(l),
      ...evaluateAt(run.trainer, l.minLength, l.maxLength, o.sequences, o.seed),
    }));
    if (o.json) printJson({ checkpoint: target, update: run.update, task: c.task, results: rows });
    else {
      process.stdout.write(
        `${c.task}, ${c.init}, ${c.method}, trained ${run.update} updates on lengths ${showLength(c)}\n`,
      );
      process.stdout.write(
        textTable(
          ['length', 'wrong', 'error', 'success'],
          rows.map((r) => [
            r.lengths,
            `${r.wrong}/${r.sequences}`,
            `${formatNumber(100 * r.errorRate, 2)}%`,
            r.success ? 'yes' : 'no',
          ]),
        ),
      );
    }
    return 0;
  },
};
