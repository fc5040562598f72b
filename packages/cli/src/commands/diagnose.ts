/**
 * @file `tapegrad diagnose`: the gradient-flow analysis of a trained checkpoint or of fresh
 * initialisations: per-step ‖∂E/∂x_k‖ against k, steps in the past, λ1, spectral radius and the
 * paper's verdict (vanishing guaranteed when λ1 < 1/γ, exploding possible when λ1 > 1/γ).
 */
import { resolve } from 'node:path';
import { INITS, type InitName } from '@tapegrad/rnn';
import { MAX_LENGTH, boolFlag, flag, integer, oneOf, text } from '../args.js';
import { parseCommand, printJson, type Command } from '../command.js';
import { UsageError } from '../errors.js';
import { ensureFolder } from '../files.js';
import { LIMITS, checkRunSize } from '../limits.js';
import { FLOW_TABLE_HEADER, flowRows, flowTableRow, gradientFlow, type FlowReport } from '../flow.js';
import { modelFlags, seedValue } from '../options.js';
import { gradientFlowSpec } from '../plots.js';
import { Report, textTable } from '../report.js';
import { loadRun } from '../run.js';

const spec = {
  name: 'diagnose',
  synopsis: '[--checkpoint FILE | --init NAME|all] [--length L] [--out DIR]',
  description:
    'Gradient flow on one batch: per-step error signal norms ‖∂E/∂x_k‖, the fraction of steps the\n' +
    "error signal still reaches, λ1 and ρ of W_rec, and the paper's verdict. Analyses the parameters\n" +
    'of --checkpoint, or fresh initialisations (all three by default).',
  flags: {
    checkpoint: flag(text, '', 'a checkpoint written by `tapegrad train` (its task and sizes are used)', 'FILE'),
    init: flag(
      oneOf<InitName | 'all'>([...INITS, 'all']),
      'all' as InitName | 'all',
      `initialisation: ${INITS.join(', ')} or all`,
      'NAME',
    ),
    task: modelFlags.task,
    hidden: modelFlags.hidden,
    length: flag(integer(1, MAX_LENGTH), 100, 'sequence length of the analysed batch', 'L'),
    batch: flag(integer(1, LIMITS.batch), 20, 'sequences in the analysed batch', 'B'),
    seed: flag(seedValue, 1, 'seed of the initialisation', 'N'),
    dataSeed: flag(seedValue, 7, 'seed of the analysed batch', 'N'),
    out: flag(text, 'out/diagnose', 'output folder for the plot and report', 'DIR'),
    json: boolFlag('print the result as JSON on stdout'),
  },
};

/** The flags a checkpoint decides. */
const CHECKPOINT_FIXES = ['init', 'task', 'hidden', 'seed'] as const;

/** `tapegrad diagnose`. */
export const diagnoseCommand: Command = {
  summary: 'gradient-flow analysis (‖∂E/∂x_k‖, λ1, verdict) of a checkpoint or fresh initialisations',
  async run(argv) {
    const parsed = parseCommand(spec, argv);
    if (!parsed) return 0;
    const o = parsed.options;
    let reports: FlowReport[];
    let task = o.task;
    if (o.checkpoint !== '') {
      // The checkpoint fixes what these flags would choose: refuse them rather than ignore them.
      const fixed = CHECKPOINT_FIXES.filter((k) => parsed.given.has(k));
      if (fixed.length > 0)
        throw new UsageError(
          'diagnose',
          `${fixed.map((k) => `--${k}`).join(', ')} cannot be used with --checkpoint, which fixes the network and its task`,
        );
      const run = loadRun(o.checkpoint);
      task = run.config.task;
      checkRunSize(
        'diagnose',
        { task, maxLength: o.length, hidden: run.config.hidden, batch: o.batch, kept: 0 },
        '--length or --batch',
      );
      reports = [
        gradientFlow(
          { params: run.params, activation: run.activation, label: `checkpoint @ ${run.update}` },
          task,
          o.length,
          o.batch,
          o.dataSeed,
        ),
      ];
    } else {
      checkRunSize(
        'diagnose',
        { task, maxLength: o.length, hidden: o.hidden, batch: o.batch, kept: 0 },
        '--length, --batch or --hidden',
      );
      const inits = o.init === 'all' ? INITS : [o.init];
      reports = inits.map((init) =>
        gradientFlow({ init, seed: o.seed, hidden: o.hidden }, task, o.length, o.batch, o.dataSeed),
      );
    }
    const folder = ensureFolder(resolve(o.out));
    const report = new Report(folder, 'tapegrad diagnose: gradient flow');
    report.paragraph(`Task ${task}, one batch of ${o.batch} sequences of length ${o.length}.`);
    report.table(FLOW_TABLE_HEADER, reports.map(flowTableRow));
    await report.plot(
      'gradient-flow',
      gradientFlowSpec(reports.flatMap(flowRows), `‖∂E/∂x_k‖ on ${task}, L = ${o.length}`),
      '‖∂E/∂x_k‖ against k (log scale)',
    );
    for (const r of reports) report.paragraph(`- **${r.label}**: ${r.message}`);
    const path = report.write();
    if (o.json) printJson({ report: path, task, length: o.length, networks: reports });
    else {
      process.stdout.write(textTable(FLOW_TABLE_HEADER, reports.map(flowTableRow)));
      for (const r of reports) process.stdout.write(`${r.label}: ${r.message}\n`);
      process.stdout.write(`report: ${path}\n`);
    }
    return 0;
  },
};
