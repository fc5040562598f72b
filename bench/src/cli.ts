/**
 * @file The benchmark run: parse the flags, check that the peers compute what tapegrad computes,
 * time every system on every row of the chosen workloads (tapegrad, and with `--peers` the JS
 * limit, TensorFlow.js and PyTorch with 1 and 2 threads, on the same data), print markdown tables
 * and write a JSON record. The workloads themselves live in workloads/.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { formatCheck, type CheckRow } from './check.js';
import { FULL, QUICK, measure, type MeasureOptions } from './measure.js';
import {
  TAPEGRAD,
  TORCH,
  formatTargets,
  perStepLines,
  ratioTable,
  resultsTable,
  skippedNotes,
  type Row,
  type TargetResult,
} from './report.js';
import { findTorchPython, runTorch, type TorchRun } from './peers/torch.js';
import { WORKLOADS } from './workloads/index.js';
import type { Workload, WorkloadRow } from './workload.js';

/** The command-line flags. */
export interface BenchFlags {
  peers: boolean;
  quick: boolean;
  /** Smallest sizes (W1 T=5 B=2, W2 30 ops, W3 n=8, W4 T=5 B=2): a smoke test of the harness. */
  tiny: boolean;
  /** Workload ids, in registry order. */
  only: string[];
  out: string;
}

const DEFAULT_OUT = new URL('../results/latest.json', import.meta.url).pathname;
const IDS = WORKLOADS.map((w) => w.id);
const USAGE = `valid flags: --peers, --quick, --tiny, --only ${IDS.join(',')}, --out FILE`;

/**
 * Parses `--peers --quick --tiny --only W1,W2 --out file` (node:util parseArgs); an unknown flag or
 * workload is a RangeError naming it.
 *
 * @example
 * parseFlags(['--quick', '--only', 'W2']).only; // ['W2']
 */
export function parseFlags(argv: readonly string[]): BenchFlags {
  let values: { peers?: boolean; quick?: boolean; tiny?: boolean; only?: string; out?: string };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        peers: { type: 'boolean' },
        quick: { type: 'boolean' },
        tiny: { type: 'boolean' },
        only: { type: 'string' },
        out: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new RangeError(`bench: ${error instanceof Error ? error.message : String(error)}; ${USAGE}`);
  }
  let only = IDS;
  if (values.only !== undefined) {
    const list = values.only.split(',').map((w) => w.trim().toUpperCase());
    const bad = list.filter((w) => !IDS.includes(w));
    if (bad.length > 0 || list.length === 0) {
      throw new RangeError(
        `bench: flag '--only' takes ${IDS.join(', ')} (comma-separated), got ${bad.join(', ') || 'nothing'}`,
      );
    }
    only = IDS.filter((id) => list.includes(id));
  }
  return {
    peers: values.peers ?? false,
    quick: values.quick ?? false,
    tiny: values.tiny ?? false,
    only,
    out: values.out ?? DEFAULT_OUT,
  };
}

/** Everything a run produced (also what goes into the JSON file). */
export interface BenchReport {
  date: string;
  node: string;
  cpu: string;
  /** The 1-, 5- and 15-minute load averages when the run started and when it ended (older records lack it). */
  load?: { start: number[]; end: number[] };
  flags: BenchFlags;
  rows: Row[];
  check: CheckRow[];
  torch: Omit<TorchRun, 'results' | 'checks'>[];
  targets: TargetResult[];
}

interface Planned {
  workload: Workload;
  definition: WorkloadRow;
  row: Row;
}

/**
 * Runs the benchmark, printing through `log`, and writes the JSON record to `flags.out`.
 *
 * @example
 * await runBench(['--quick', '--only', 'W2']);
 */
export async function runBench(
  argv: readonly string[],
  log: (line: string) => void = console.log,
  progress: (line: string) => void = () => {},
): Promise<BenchReport> {
  const flags = parseFlags(argv);
  const loadAtStart = loadavg().map((x) => Math.round(x * 100) / 100);
  const timing: MeasureOptions = { ...(flags.quick ? QUICK : FULL), onStart: progress };
  const workloads = WORKLOADS.filter((w) => flags.only.includes(w.id));
  const planned: Planned[] = workloads.flatMap((workload) =>
    workload.rows(flags.tiny).map((definition) => {
      const row: Row = { key: definition.key, unit: definition.unit, scale: definition.scale, cells: {} };
      return { workload, definition, row };
    }),
  );
  const rows = planned.map((p) => p.row);
  const machine = `${cpus()[0]?.model ?? 'unknown cpu'} × ${cpus().length}`;
  log(`tapegrad bench — node ${process.version}, ${machine}, ${flags.quick ? 'quick' : 'full'} sampling`);
  const check: CheckRow[] = [];
  const torchRuns = flags.peers ? runTorchPeers(workloads, rows, flags, progress) : [];
  if (flags.peers) {
    for (const w of workloads) {
      const torch = torchRuns.flatMap((run) => {
        const checked = run.checks?.[w.id];
        return checked === undefined ? [] : [{ system: `PyTorch ${run.torch}`, check: checked }];
      });
      if (w.check !== undefined) check.push(...(await w.check(flags.tiny, { torch })));
    }
    log('');
    log(formatCheck(check, "initial parameters of each workload's check configuration"));
    for (const run of torchRuns.slice(0, 1)) {
      log(`\nPyTorch ${run.torch} (${run.blasInfo}); BLAS in use: ${run.blas.join(', ') || 'none found'}`);
    }
  }
  const named = new Set(planned.flatMap((p) => Object.keys(p.definition.systems)));
  const systems = [...named].filter((s) => flags.peers || s.startsWith(TAPEGRAD));
  for (const system of systems) {
    for (const { definition, row } of planned) {
      const make = definition.systems[system];
      if (make === undefined) continue;
      const timed = await make();
      if (typeof timed === 'string') {
        row.cells[system] = { skipped: timed };
        continue;
      }
      try {
        row.cells[system] = measure(`${row.key} ${system}`, timed.run, timing);
      } finally {
        await timed.dispose?.();
      }
    }
  }
  const peers = flags.peers ? [...systems.filter((s) => !s.startsWith(TAPEGRAD)), ...TORCH] : [];
  const targets = workloads.flatMap(
    (w) => w.targets?.(planned.filter((p) => p.workload === w).map((p) => p.row)) ?? [],
  );
  log('');
  log(resultsTable(rows, [...systems.filter((s) => s.startsWith(TAPEGRAD)), ...peers]));
  if (flags.peers) {
    log('\nRatios (tapegrad time / peer time; below 1 tapegrad is faster):\n');
    log(ratioTable(rows, peers));
    const perStep = perStepLines(rows);
    if (perStep.length > 0) {
      log("\nW1 without rnnLoss's fused sequence op (config.fused: false, two tape entries per step):\n");
      log(perStep.map((l) => `- ${l}`).join('\n'));
    }
  }
  for (const note of skippedNotes(rows)) log(`\n${note}`);
  log('\nTargets (issue 9; against the faster PyTorch of the same run):\n');
  log(formatTargets(targets));
  const report: BenchReport = {
    date: new Date().toISOString(),
    node: process.version,
    cpu: `${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}`,
    load: { start: loadAtStart, end: loadavg().map((x) => Math.round(x * 100) / 100) },
    flags,
    rows,
    check,
    torch: torchRuns.map(({ results: _results, checks: _checks, ...info }) => info),
    targets,
  };
  mkdirSync(dirname(flags.out), { recursive: true });
  writeFileSync(flags.out, JSON.stringify(report, null, 2) + '\n');
  log(`\nwrote ${flags.out}`);
  return report;
}

/** Runs the PyTorch peer with 1 and 2 threads on the workloads that have one; fills its cells. */
function runTorchPeers(
  workloads: readonly Workload[],
  rows: readonly Row[],
  flags: BenchFlags,
  progress: (line: string) => void,
): TorchRun[] {
  const data: Record<string, unknown> = {};
  for (const w of workloads) if (w.torch !== undefined) data[w.id] = w.torch(flags.tiny);
  const found = findTorchPython();
  const runs: TorchRun[] = [];
  const tmp = mkdtempSync(join(tmpdir(), 'tapegrad-bench-'));
  try {
    const dataFile = join(tmp, 'data.json');
    writeFileSync(dataFile, JSON.stringify(data));
    for (const [i, system] of TORCH.entries()) {
      progress(system);
      if ('skipped' in found) {
        for (const r of rows) r.cells[system] = { skipped: found.skipped };
        continue;
      }
      const run = runTorch(found.python, dataFile, i + 1, Object.keys(data), flags.quick, i === 0);
      runs.push(run);
      for (const r of rows) r.cells[system] = run.results[r.key] ?? { skipped: 'not reported' };
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return runs;
}
