/**
 * @file `tapegrad collect`: gathers run records (from `sweep`, from `--emit-jobs` commands run
 * anywhere, or committed to a repository) into the success table, the success-rate plot and the
 * training curves. Each run counts once however the folders overlap; runs that differ in
 * anything but the seed get rows of their own.
 */
import { dirname, join, resolve } from 'node:path';
import { boolFlag, flag, text } from '../args.js';
import { parseCommand, printJson, type Command } from '../command.js';
import { FileError, UsageError } from '../errors.js';
import { ensureFolder, kindOf } from '../files.js';
import { gradientNormSpec, successSpec, trainingCurvesSpec } from '../plots.js';
import { Report, textTable } from '../report.js';
import {
  findRecords,
  runCurves,
  successHeader,
  successRows,
  successTable,
  successTableRows,
  type CellOutcome,
  type FoundRecord,
} from '../results.js';

const spec = {
  name: 'collect',
  synopsis: 'DIR|RECORD [DIR|RECORD...] [--out REPORT_DIR]',
  description:
    'Finds every run record (record.json of a run, or the records/ of a sweep) under the DIRs and writes the success table and plots.',
  flags: {
    out: flag(text, '', 'report folder (default: FIRST_DIR/report)', 'DIR'),
    json: boolFlag('print the success table as JSON on stdout'),
    noPlots: boolFlag('write the table only, without the plots (which take a few seconds)'),
  },
  maxPositional: 1000,
};

/**
 * Writes the collection report of the records under `roots` into `reportFolder` (with plots
 * unless `plots` is false), prints the table (or JSON), and returns the report path. No records
 * at all is a FileError.
 *
 * @example
 * await writeCollection(['out/sweep/records'], 'out/sweep/report', { json: false, plots: true });
 */
export async function writeCollection(
  roots: readonly string[],
  reportFolder: string,
  output: { json: boolean; plots: boolean },
): Promise<string> {
  const { records, duplicates } = findRecords(roots);
  if (records.length === 0)
    throw new FileError(
      roots.join(', '),
      'holds no run records (a finished run leaves record.json; a sweep, records/<cell>.json)',
    );
  const cells = successTable(records);
  const header = successHeader(cells);
  const report = new Report(ensureFolder(reportFolder), 'tapegrad sweep: success rates');
  const copies = duplicates > 0 ? ` (${duplicates} more copies of the same runs counted once)` : '';
  report.paragraph(
    `${records.length} finished runs from ${roots.join(', ')}${copies}. Success: fewer than 1% of fresh test sequences wrong.`,
  );
  report.table(header, successTableRows(cells));
  if (output.plots) await plots(report, records, cells);
  const path = report.write();
  if (output.json) printJson({ report: path, runs: records.length, duplicates, cells });
  else process.stdout.write(`${textTable(header, successTableRows(cells))}report: ${path}\n`);
  return path;
}

async function plots(report: Report, records: readonly FoundRecord[], cells: readonly CellOutcome[]): Promise<void> {
  await report.plot(
    'success-rate',
    successSpec(successRows(cells), 'success rate against sequence length'),
    "Success rate against length, one panel per initialisation (cf. the paper's Figure 7)",
  );
  // One panel per configuration but the method and seed, as the table's rows; per method the median over seeds and their range.
  const curves = runCurves(records);
  await report.plot(
    'training-curves',
    trainingCurvesSpec(curves.loss, curves.error, 'training loss and validation error'),
    'Mean training loss and validation error between validations: per method the median over seeds and their range',
  );
  await report.plot(
    'gradient-norms',
    gradientNormSpec(curves.gradNorm, 'gradient norm before clipping'),
    "Pre-clip gradient norm of the records' sampled updates, with the clipping threshold",
  );
}

/** `tapegrad collect`. */
export const collectCommand: Command = {
  summary: 'gather run records into the success table and plots',
  async run(argv) {
    const parsed = parseCommand(spec, argv);
    if (!parsed) return 0;
    if (parsed.positional.length === 0)
      throw new UsageError('collect', 'needs at least one folder or record, e.g. tapegrad collect out/sweep');
    const roots = parsed.positional.map((p) => resolve(p));
    const near = kindOf(roots[0]) === 'file' ? dirname(roots[0]) : roots[0];
    await writeCollection(roots, resolve(parsed.options.out || join(near, 'report')), {
      json: parsed.options.json,
      plots: !parsed.options.noPlots,
    });
    return 0;
  },
};
