/**
 * @file `tapegrad story`, the default run (`npm start` runs it): the paper in about
 * three minutes on two cores. (1) gradient flow at initialisation for the three initialisations,
 * (2) the single-unit error surface with its walls and descent with and without clipping,
 * (3) the geometric claims (eqs. 11–14): curvature exploding with the gradient, along one
 * direction, and the wall across it, (4) SGD, SGD-C and SGD-CR on temporal order at two lengths
 * over the paper's five seeds in worker threads, with a success table and plot. Prints a short
 * summary and writes a Markdown report with the plots, and the geometry's numbers as JSON.
 */
import { join, resolve } from 'node:path';
import { INITS, type InitName } from '@tapegrad/rnn';
import { boolFlag, flag, integer, listOf, numberAbove, oneOf, text } from '../args.js';
import { INTERRUPTED, onInterrupt, parseCommand, printJson, type Command } from '../command.js';
import { ensureFolder, writeTextAtomic } from '../files.js';
import { FLOW_TABLE_HEADER, flowRows, flowTableRow, gradientFlow } from '../flow.js';
import { geometryExperiment } from '../geometry.js';
import { geometryJson, geometryTables, geometryText } from '../geometry-report.js';
import { writeGeometrySection } from '../geometry-section.js';
import { LIMITS } from '../limits.js';
import { METHODS, hiddenValue, seedValue } from '../options.js';
import { Pool, type PoolResult, defaultWorkers } from '../pool.js';
import { gradientFlowSpec, gradientNormSpec, successSpec, surfaceSpec, trainingCurvesSpec } from '../plots.js';
import { Progress } from '../progress.js';
import { Report, textTable } from '../report.js';
import { findRecords, runCurves, successHeader, successRows, successTable, successTableRows } from '../results.js';
import { recordedFigure7 } from '../reproduction/recorded.js';
import type { RunRequest } from '../run.js';
import { codeVersion } from '../version.js';
import { SURFACE_DEFAULTS, surfaceExperiment } from '../surface.js';
import { TRAJECTORY_HEADER, trajectoryTable } from './surface.js';
import { cellId } from './sweep.js';

/**
 * The training setting of part (3), chosen by experiment (docs/REPRODUCTION.md says how): two
 * short lengths, the paper's five seeds per method, and a learning rate large enough that within
 * the budget plain SGD meets exploding gradients while the clipped methods keep making progress;
 * the longer length is where the methods part most.
 */
export const STORY_TRAINING = {
  lengths: [20, 30],
  hidden: 20,
  lr: 0.05,
  init: 'smart-tanh' as InitName,
  updates: 2000,
  seeds: [1, 2, 3, 4, 5],
};

/** What part (3) is, said wherever its table is shown. */
const DEMONSTRATION =
  'This comparison is a demonstration: small sizes and a large learning rate show in minutes how fast each method starts to learn, ' +
  "not whether it succeeds under the paper's protocol (50 units, lr 0.01, tens of thousands of updates).";

const spec = {
  name: 'story',
  synopsis: '[--out DIR] [--lengths 20,30] [--updates N] [--seeds 1,2,3,4,5]',
  description:
    'The default run: gradient flow at initialisation for the three initialisations, the single-unit\n' +
    'error surface with clipped and unclipped descent, the geometry of exploding gradients (eqs. 11–14),\n' +
    'and SGD / SGD-C / SGD-CR on temporal order at two lengths over five seeds. Prints a summary and\n' +
    'writes a Markdown report with plots (and geometry.json) into --out.',
  flags: {
    out: flag(text, 'out/report', 'report folder (runs go to DIR/runs)', 'DIR'),
    flowLength: flag(integer(10, 10_000), 100, 'sequence length of the gradient-flow analysis', 'L'),
    lengths: flag(
      listOf(integer(10, 10_000)),
      STORY_TRAINING.lengths,
      'training sequence lengths (each fixed)',
      'L1,L2',
    ),
    hidden: flag(hiddenValue, STORY_TRAINING.hidden, 'hidden units of the trained networks', 'N'),
    lr: flag(numberAbove(0), STORY_TRAINING.lr, 'learning rate of the trained networks', 'LR'),
    init: flag(oneOf<InitName>(INITS), STORY_TRAINING.init, 'initialisation of the trained networks', 'NAME'),
    updates: flag(integer(1), STORY_TRAINING.updates, 'update budget per training run', 'N'),
    seeds: flag(listOf(seedValue), STORY_TRAINING.seeds, 'seeds per method', 'S1,S2'),
    testSequences: flag(
      integer(1, LIMITS.sequences),
      2000,
      'fresh test sequences per run for the success criterion',
      'N',
    ),
    workers: flag(integer(1, LIMITS.workers), defaultWorkers(), 'worker threads', 'N'),
    quiet: boolFlag('no progress output'),
    json: boolFlag('print the summary as JSON on stdout'),
  },
};

/** `tapegrad story` (and `tapegrad` with no arguments). */
export const storyCommand: Command = {
  summary:
    'the paper in three minutes: gradient flow, the single-unit surface and its geometry, SGD vs SGD-C vs SGD-CR, with a report',
  async run(argv) {
    const parsed = parseCommand(spec, argv);
    if (!parsed) return 0;
    const o = parsed.options;
    const folder = ensureFolder(resolve(o.out));
    const log = (s: string) => (o.json ? process.stderr : process.stdout).write(s);
    const code = codeVersion();
    const report = new Report(folder, 'tapegrad: on the difficulty of training recurrent neural networks');
    report.paragraph(
      'Written by `tapegrad` (the default run). Pascanu, Mikolov & Bengio (2013) in pictures and tables.',
    );

    log('(1/4) gradient flow at initialisation\n');
    const flows = INITS.map((init) =>
      gradientFlow({ init, seed: 1, hidden: 50 }, 'temporal-order', o.flowLength, 20, 7),
    );
    report.heading('1. Gradient flow at initialisation');
    report.paragraph(
      `Temporal order, L = ${o.flowLength}, 50 hidden units, one batch of 20. The error enters at the last step; ‖∂E/∂x_k‖ shows how much of it reaches step k.`,
    );
    report.table(FLOW_TABLE_HEADER, flows.map(flowTableRow));
    await report.plot(
      'gradient-flow',
      gradientFlowSpec(flows.flatMap(flowRows), `‖∂E/∂x_k‖ at initialisation, temporal order L = ${o.flowLength}`),
      '‖∂E/∂x_k‖ against k, log scale',
    );
    for (const f of flows) report.paragraph(`- **${f.label}**: ${f.message}`);
    log(textTable(FLOW_TABLE_HEADER, flows.map(flowTableRow)));

    log('(2/4) the single-unit error surface\n');
    const surface = surfaceExperiment(SURFACE_DEFAULTS);
    report.heading('2. The single-unit system and its wall');
    report.paragraph(
      `x_t = w·σ(x_{t−1}) + b, x_0 = 0.5, T = 50, E = (σ(x_50) − 0.7)². Gradient descent (lr ${SURFACE_DEFAULTS.lr}, ${SURFACE_DEFAULTS.steps} steps) from (${SURFACE_DEFAULTS.start.join(', ')}), just below a wall, with and without clipping at ${SURFACE_DEFAULTS.clip}.`,
    );
    await report.plot(
      'surface',
      surfaceSpec(surface.cells, surface.paths, surface.dw, surface.db, 'single-unit error surface log10 E(w, b)'),
      'The error surface with its wall and two descent trajectories',
    );
    report.table(TRAJECTORY_HEADER, trajectoryTable(surface));
    log(textTable(TRAJECTORY_HEADER, trajectoryTable(surface)));

    log('(3/4) gradient and curvature explode together (eqs. 11–14)\n');
    const geometry = geometryExperiment();
    const geometrySummary = await writeGeometrySection(
      report,
      geometry,
      '3. Gradient and curvature explode together (eqs. 11–14)',
    );
    writeTextAtomic(join(folder, 'geometry.json'), geometryText(geometryJson(geometry, code)));
    for (const table of Object.values(geometryTables(geometrySummary))) log(textTable(table.header, table.rows));

    const lengths = [...new Set(o.lengths)].sort((a, b) => b - a);
    const seeds = [...new Set(o.seeds)];
    log(
      `(4/4) training: ${METHODS.join(', ')} × seeds ${seeds.join(',')} on temporal order L = ${[...lengths].reverse().join(' and ')}, ≤ ${o.updates} updates each, ${o.workers} worker threads\n`,
    );
    const runsFolder = join(folder, 'runs');
    const recordsFolder = join(folder, 'records');
    // Longest sequences first: the slowest runs start early, so the workers finish together.
    const requests: RunRequest[] = lengths.flatMap((length) =>
      METHODS.flatMap((method) =>
        seeds.map((seed) => ({
          id: cellId(o.init, method, length, seed),
          config: {
            task: 'temporal-order' as const,
            init: o.init,
            method,
            minLength: length,
            hidden: o.hidden,
            learningRate: o.lr,
            maxUpdates: o.updates,
            seed,
            validateEvery: 100,
            validationSequences: 500,
            monitorEvery: 10,
          },
          folder: join(runsFolder, cellId(o.init, method, length, seed)),
          record: join(recordsFolder, `${cellId(o.init, method, length, seed)}.json`),
          mode: 'overwrite' as const,
          code,
          checkpointEvery: 500,
          logEvery: 5,
          testSequences: o.testSequences,
          testSeed: 20130616,
        })),
      ),
    );
    const bar = new Progress(process.stderr, 'training', requests.length * o.updates, { silent: o.quiet });
    const progress = new Map<string, number>();
    const total = () => [...progress.values()].reduce((a, b) => a + b, 0);
    const pool = new Pool(o.workers);
    const unhook = onInterrupt(() => pool.abort());
    let results: PoolResult[];
    try {
      results = await pool.run(requests, {
        onProgress: (id, update) => {
          progress.set(id, update);
          bar.update(total(), `${id}`);
        },
        onResult: (r) => {
          progress.set(r.id, o.updates);
          bar.update(total(), `${r.id} done`);
        },
      });
    } finally {
      unhook();
    }
    if (pool.wasAborted) {
      process.stderr.write('story: interrupted; the runs start again from nothing when you run it again.\n');
      return INTERRUPTED;
    }
    bar.done(`${results.length} runs`);
    const failures = results.filter((r) => 'error' in r);
    for (const f of failures) process.stderr.write(`story: run ${f.id} failed: ${'error' in f ? f.error : ''}\n`);
    const ids = new Set(requests.map((r) => r.id));
    const runs = findRecords([recordsFolder]).records.filter((r) => ids.has(r.record.id));
    const cells = successTable(runs);
    const header = successHeader(cells);
    report.heading('4. SGD, SGD-C and SGD-CR on temporal order');
    report.paragraph(
      `Temporal order, L = ${[...lengths].reverse().join(' and ')}, ${o.hidden} hidden units, ${o.init}, batch 20, lr ${o.lr}, clipping threshold 1, α = 4, ` +
        `at most ${o.updates} updates (stopping at validation error < 1%), seeds ${seeds.join(', ')}. Success: < 1% of ${o.testSequences} fresh test sequences wrong.`,
    );
    report.table(header, successTableRows(cells));
    report.paragraph(DEMONSTRATION);
    report.heading("The recorded Figure 7 (the paper's protocol, docs/results/figure7)", 3);
    report.paragraph(recordedFigure7());
    await report.plot(
      'success-rate',
      successSpec(successRows(cells), `success out of ${seeds.length} seeds`),
      'Success rate against length, with the count of seeds that succeeded on each bar',
    );
    // The curves of the longest length, where the methods part most: per method the median over seeds and their range.
    const curves = runCurves(runs.filter((r) => r.record.config.minLength === lengths[0]));
    await report.plot(
      'training-curves',
      trainingCurvesSpec(curves.loss, curves.error, `mean training loss and validation error, L = ${lengths[0]}`),
      `Training loss and validation error over updates, L = ${lengths[0]}: per method the median over seeds and their range`,
    );
    await report.plot(
      'gradient-norms',
      gradientNormSpec(curves.gradNorm, `gradient norm before clipping, L = ${lengths[0]}`),
      `Pre-clip gradient norm over updates, L = ${lengths[0]}, with the clipping threshold`,
    );
    const path = report.write();
    log(textTable(header, successTableRows(cells)));
    log(`${DEMONSTRATION} The recorded Figure 7 is in the report and in docs/REPRODUCTION.md.\n`);
    if (o.json)
      printJson({ report: path, flows, surface: surface.summaries, geometry: geometrySummary, training: cells });
    else log(`\nreport: ${path}\n`);
    return failures.length > 0 ? 1 : 0;
  },
};
