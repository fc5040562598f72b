/**
 * @file `tapegrad surface`: the single-unit error surface with its walls, and gradient descent
 * trajectories with and without clipping started next to a wall, as a plot and a summary.
 */
import { resolve } from 'node:path';
import { boolFlag, flag, integer, numberAbove, pair, text } from '../args.js';
import { parseCommand, printJson, type Command } from '../command.js';
import { ensureFolder } from '../files.js';
import { LIMITS } from '../limits.js';
import { formatNumber } from '../numbers.js';
import { surfaceSpec } from '../plots.js';
import { Report, textTable } from '../report.js';
import { SURFACE_DEFAULTS, surfaceExperiment, type SurfaceResult } from '../surface.js';

const d = SURFACE_DEFAULTS;
const spec = {
  name: 'surface',
  synopsis: '[--start W,B] [--lr LR] [--clip C] [--out DIR]',
  description:
    'The single-unit system x_t = w·σ(x_{t-1}) + b (σ sigmoid, x_0 = 0.5, T = 50, E = (σ(x_50) − 0.7)²):\n' +
    'its error surface over (w, b), and gradient descent from --start without and with norm clipping.',
  flags: {
    wRange: flag(
      pair(true),
      [...d.wRange] as [number, number],
      'w axis of the grid (widened to fit the trajectories)',
      'MIN,MAX',
    ),
    bRange: flag(pair(true), [...d.bRange] as [number, number], 'b axis of the grid', 'MIN,MAX'),
    points: flag(integer(2, LIMITS.points), d.points, `grid points per axis (at most ${LIMITS.points})`, 'N'),
    start: flag(
      pair(false),
      [...d.start] as [number, number],
      'starting (w, b), by default 0.05 below the wall at w = 4.5',
      'W,B',
    ),
    lr: flag(numberAbove(0), d.lr, 'learning rate', 'LR'),
    clip: flag(numberAbove(0), d.clip, 'clipping threshold of the clipped run', 'C'),
    steps: flag(integer(1, LIMITS.steps), d.steps, 'gradient steps per trajectory', 'N'),
    out: flag(text, 'out/surface', 'output folder for the plot and report', 'DIR'),
    json: boolFlag('print the result as JSON on stdout'),
  },
};

/** Rows of the trajectory summary table. */
export function trajectoryTable(r: SurfaceResult): string[][] {
  return r.summaries.map((s) => [
    s.method,
    `(${formatNumber(s.end[0], 2)}, ${formatNumber(s.end[1], 2)})`,
    s.endLoss.toExponential(2),
    formatNumber(s.largestGradNorm, 2),
    formatNumber(s.largestStep, 2),
  ]);
}

/** The header matching {@link trajectoryTable}. */
export const TRAJECTORY_HEADER = ['run', 'end (w, b)', 'end E', 'largest ‖g‖', 'largest step'];

/** `tapegrad surface`. */
export const surfaceCommand: Command = {
  summary: 'single-unit error surface with walls, and SGD trajectories with/without clipping',
  async run(argv) {
    const parsed = parseCommand(spec, argv);
    if (!parsed) return 0;
    const o = parsed.options;
    const result = surfaceExperiment({
      wRange: o.wRange,
      bRange: o.bRange,
      points: o.points,
      start: o.start,
      lr: o.lr,
      clip: o.clip,
      steps: o.steps,
    });
    const folder = ensureFolder(resolve(o.out));
    const report = new Report(folder, 'tapegrad surface: the single-unit system');
    await report.plot(
      'surface',
      surfaceSpec(
        result.cells,
        result.paths,
        result.dw,
        result.db,
        `single unit, T = 50: start (${o.start.join(', ')}), lr ${o.lr}`,
      ),
      'Error surface log10 E(w, b) with gradient-descent trajectories',
    );
    report.table(TRAJECTORY_HEADER, trajectoryTable(result));
    const path = report.write();
    if (o.json) printJson({ report: path, startLoss: result.startLoss, trajectories: result.summaries });
    else process.stdout.write(`${textTable(TRAJECTORY_HEADER, trajectoryTable(result))}\nreport: ${path}\n`);
    return 0;
  },
};
