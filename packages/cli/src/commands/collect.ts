/**
 * @file `tapegrad collect`: gathers finished run folders (from `sweep`, or from `--emit-jobs`
 * commands run anywhere) into the success table, the success-rate plot and the training curves.
 */
import { resolve } from 'node:path';
import { UsageError, boolFlag, flag, text } from '../args.js';
import { parseCommand, printJson, type Command } from '../command.js';
import { successSpec, trainingCurvesSpec, gradientNormSpec } from '../plots.js';
import { Report, textTable } from '../report.js';
import { SUCCESS_HEADER, findRuns, runCurves, successRows, successTable, successTableRows } from '../results.js';

const spec = {
  name: 'collect',
  synopsis: 'DIR [DIR...] [--out REPORT_DIR]',
  description: 'Finds every finished run (a folder with result.json) under the DIRs and writes the success table and plots.',
  flags: {
    out: flag(text, '', 'report folder (default: FIRST_DIR/report)', 'DIR'),
    json: boolFlag('print the success table as JSON on stdout'),
  },
  maxPositional: 1000,
};

/**
 * Writes the collection report of the runs under `roots` into `reportFolder`, prints the table
 * (or JSON), and returns the report path.
 *
 * @example
 * await writeCollection(['out/sweep'], 'out/sweep/report', false);
 */
export async function writeCollection(roots: readonly string[], reportFolder: string, json: boolean): Promise<string> {
  const runs = findRuns(roots);
  const cells = successTable(runs);
  const report = new Report(reportFolder, 'tapegrad sweep: success rates');
  report.paragraph(`${runs.length} finished runs from ${roots.join(', ')}. Success: fewer than 1% of fresh test sequences wrong.`);
  report.table(SUCCESS_HEADER, successTableRows(cells));
  if (cells.length > 0) {
    await report.plot('success-rate', successSpec(successRows(cells), 'success rate against sequence length'), 'Success rate against length, one panel per initialisation (cf. the paper\'s Figure 7)');
    const curves = runs.map(runCurves);
    await report.plot('training-curves', trainingCurvesSpec(curves.flatMap((c) => c.loss), curves.flatMap((c) => c.error), 'training loss and validation error'), 'Mean training loss and validation error between validations');
    const threshold = runs[0].summary.config.clipThreshold;
    await report.plot('gradient-norms', gradientNormSpec(curves.flatMap((c) => c.gradNorm), threshold, 'gradient norm before clipping'), 'Pre-clip gradient norm of the logged updates, with the clipping threshold');
  }
  const path = report.write();
  if (json) printJson({ report: path, cells });
  else process.stdout.write(`${textTable(SUCCESS_HEADER, successTableRows(cells))}report: ${path}\n`);
  return path;
}

/** `tapegrad collect`. */
export const collectCommand: Command = {
  summary: 'gather finished run folders into the success table and plots',
  async run(argv) {
    const parsed = parseCommand(spec, argv);
    if (!parsed) return 0;
    if (parsed.positional.length === 0) throw new UsageError('collect', 'needs at least one folder holding runs, e.g. tapegrad collect out/sweep');
    const roots = parsed.positional.map((p) => resolve(p));
    await writeCollection(roots, resolve(parsed.options.out || `${roots[0]}/report`), parsed.options.json);
    return 0;
  },
};
