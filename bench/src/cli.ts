/**
 * @file The benchmark run: parse the flags, time tapegrad on W1–W3 and, with `--peers`, the JS
 * limit, TensorFlow.js (cpu, wasm) and PyTorch (1 and 2 threads) on the same data after checking
 * that they compute the same W1 gradients; print markdown tables and write a JSON record.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { compareW1, formatCheck, type CheckRow } from './check.js';
import { exportData, makeW1Data, type W1Data } from './data.js';
import { LimitW1 } from './limit.js';
import { FULL, QUICK, measure } from './measure.js';
import { TAPEGRAD, TAPEGRAD_PER_STEP, evaluateTargets, perStepLines, formatTargets, ratioTable, resultsTable, skippedNotes, type Row, type TargetResult } from './report.js';
import { tapegradW1Gradients, tapegradW1Step, tapegradW2, tapegradW3 } from './tapegrad.js';
import { TfjsW1, loadTfjs, tfjsW2, tfjsW3, useBackend } from './peers/tfjs.js';
import { findTorchPython, runTorch, type TorchRun } from './peers/torch.js';

export type Workload = 'W1' | 'W2' | 'W3';

/** The command-line flags. */
export interface BenchFlags {
  peers: boolean;
  quick: boolean;
  /** Smallest sizes (W1 T=5 B=2, W2 30 ops, W3 n=8): a smoke test of the harness. */
  tiny: boolean;
  only: Workload[];
  out: string;
}

const DEFAULT_OUT = new URL('../results/latest.json', import.meta.url).pathname;

/**
 * Parses `--peers --quick --tiny --only W1,W2 --out file`.
 *
 * @example
 * parseFlags(['--quick', '--only', 'W2']).only; // ['W2']
 */
export function parseFlags(argv: readonly string[]): BenchFlags {
  const flags: BenchFlags = { peers: false, quick: false, tiny: false, only: ['W1', 'W2', 'W3'], out: DEFAULT_OUT };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [name, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new RangeError(`bench: flag '${name}' needs a value`);
      return v;
    };
    if (name === '--peers') flags.peers = true;
    else if (name === '--quick') flags.quick = true;
    else if (name === '--tiny') flags.tiny = true;
    else if (name === '--out') flags.out = value();
    else if (name === '--only') {
      const list = value().split(',').map((w) => w.trim().toUpperCase());
      const bad = list.filter((w) => w !== 'W1' && w !== 'W2' && w !== 'W3');
      if (bad.length > 0) throw new RangeError(`bench: flag '--only' takes W1, W2, W3 (comma-separated), got ${bad.join(', ')}`);
      flags.only = list as Workload[];
    } else throw new RangeError(`bench: unknown flag '${a}'; valid flags: --peers, --quick, --tiny, --only W1,W2,W3, --out FILE`);
  }
  return flags;
}

/** Everything a run produced (also what goes into the JSON file). */
export interface BenchReport {
  date: string;
  node: string;
  cpu: string;
  flags: BenchFlags;
  rows: Row[];
  check: CheckRow[];
  torch: Omit<TorchRun, 'results' | 'check'>[];
  targets: TargetResult[];
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
  const base = flags.quick ? QUICK : FULL;
  // every measurement announces itself, so a long run shows where it is
  const timing = { ...base, onStart: progress };
  const w1Data = flags.tiny ? [makeW1Data(5, 2)] : [50, 200].flatMap((T) => [1, 20].map((B) => makeW1Data(T, B)));
  const checkData = flags.tiny ? makeW1Data(5, 2) : makeW1Data(50, 20);
  const w2Ops = flags.tiny ? 30 : 10_000;
  const w3Sizes = flags.tiny ? [8] : [64, 256, 512];
  const rows: Row[] = [];
  const row = (key: string, unit: Row['unit'], scale: number): Row => {
    const r: Row = { key, unit, scale, cells: {} };
    rows.push(r);
    return r;
  };
  const has = (w: Workload): boolean => flags.only.includes(w);
  const w1Rows = has('W1') ? w1Data.map((d) => [d, row(`W1 T=${d.T} B=${d.B}`, 'ms/step', 1e3)] as const) : [];
  const w2Row = has('W2') ? row('W2', 'µs/op', 1e6 / w2Ops) : null;
  const w3Rows = has('W3')
    ? w3Sizes.flatMap((n) => [[n, false, row(`W3 n=${n} fwd`, 'GFLOP/s', (2 * n ** 3) / 1e9)] as const, [n, true, row(`W3 n=${n} fwd+bwd`, 'GFLOP/s', (6 * n ** 3) / 1e9)] as const])
    : [];

  log(`tapegrad bench — node ${process.version}, ${cpus()[0]?.model ?? 'unknown cpu'} × ${cpus().length}, ${flags.quick ? 'quick' : 'full'} sampling`);
  const check: CheckRow[] = [];
  const torchRuns: TorchRun[] = [];
  let tf: Awaited<ReturnType<typeof loadTfjs>> | null = null;
  const tmp = mkdtempSync(join(tmpdir(), 'tapegrad-bench-'));
  try {
    if (flags.peers) {
      tf = await loadTfjs();
      const reference = tapegradW1Gradients(checkData);
      check.push(compareW1('JS limit', new LimitW1(checkData).gradients(), reference, 1e-12));
      if (typeof tf !== 'string') {
        for (const backend of ['cpu', 'wasm'] as const) {
          if ((await useBackend(tf, backend)) !== null) continue;
          const model = new TfjsW1(tf, checkData);
          // float32 throughout: agreement to ~1e-6 relative is all it can give
          check.push(compareW1(`tfjs-${backend} (float32)`, model.gradients(), reference, 1e-4));
          model.dispose();
        }
      }
      const dataFile = join(tmp, 'data.json');
      writeFileSync(dataFile, JSON.stringify(exportData(w1Data, checkData, w2Ops, w3Sizes)));
      const found = findTorchPython();
      for (const threads of [1, 2]) {
        progress(`PyTorch, ${threads} thread(s)`);
        const system = `PyTorch ${threads}T`;
        if ('skipped' in found) {
          for (const r of rows) r.cells[system] = { skipped: found.skipped };
          continue;
        }
        const run = runTorch(found.python, dataFile, threads, flags.only, flags.quick, threads === 1);
        torchRuns.push(run);
        if (run.check !== undefined) check.push(compareW1(`PyTorch ${run.torch}`, run.check, reference, 1e-12));
        for (const r of rows) r.cells[system] = run.results[r.key] ?? { skipped: 'not reported' };
      }
      log('');
      log(formatCheck(check, `W1 T=${checkData.T} B=${checkData.B}, initial parameters`));
      for (const run of torchRuns.slice(0, 1)) log(`\nPyTorch ${run.torch} (${run.blasInfo}); BLAS in use: ${run.blas.join(', ') || 'none found'}`);
    }

    // tapegrad, and in the same process the JS limit and tfjs
    for (const [d, r] of w1Rows) r.cells[TAPEGRAD] = measure(`${r.key} tapegrad`, tapegradW1Step(d), timing);
    for (const [d, r] of w1Rows) r.cells[TAPEGRAD_PER_STEP] = measure(`${r.key} ${TAPEGRAD_PER_STEP}`, tapegradW1Step(d, false), timing);
    if (w2Row !== null) w2Row.cells[TAPEGRAD] = measure('W2 tapegrad', tapegradW2(w2Ops), timing);
    for (const [n, backward, r] of w3Rows) r.cells[TAPEGRAD] = measure(`${r.key} tapegrad`, tapegradW3(n, backward), timing);
    if (flags.peers) {
      for (const [d, r] of w1Rows) {
        const limit = new LimitW1(d);
        r.cells['JS limit'] = measure(`${r.key} limit`, () => void limit.step(), timing);
      }
      await timeTfjs(tf!, w1Rows, w2Row, w2Ops, w3Rows, timing);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }

  const peers = flags.peers ? ['JS limit', 'PyTorch 1T', 'PyTorch 2T', 'tfjs-cpu', 'tfjs-wasm'] : [];
  const targets = evaluateTargets(rows, ['PyTorch 1T', 'PyTorch 2T']);
  log('');
  log(resultsTable(rows, [TAPEGRAD, ...(w1Rows.length > 0 ? [TAPEGRAD_PER_STEP] : []), ...peers]));
  if (flags.peers) {
    log('\nRatios (tapegrad time / peer time; below 1 tapegrad is faster):\n');
    log(ratioTable(rows, peers));
    const perStep = perStepLines(rows);
    if (perStep.length > 0) log(`\nW1 without rnnLoss's fused sequence op (config.fused: false, two tape entries per step):\n\n${perStep.map((l) => `- ${l}`).join('\n')}`);
  }
  for (const note of skippedNotes(rows)) log(`\n${note}`);
  log(`\nW1 is @tapegrad/rnn rnnLoss + valueAndGrad + @tapegrad/optim clipGradNorm + SGD. Targets (issue 6):\n`);
  log(formatTargets(targets));
  const report: BenchReport = {
    date: new Date().toISOString(),
    node: process.version,
    cpu: `${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}`,
    flags,
    rows,
    check,
    torch: torchRuns.map(({ results: _results, check: _check, ...info }) => info),
    targets,
  };
  mkdirSync(dirname(flags.out), { recursive: true });
  writeFileSync(flags.out, JSON.stringify(report, null, 2) + '\n');
  log(`\nwrote ${flags.out}`);
  return report;
}

/** Times tfjs on both backends, or marks its cells skipped with the reason. */
async function timeTfjs(
  tf: Awaited<ReturnType<typeof loadTfjs>>,
  w1Rows: readonly (readonly [W1Data, Row])[],
  w2Row: Row | null,
  w2Ops: number,
  w3Rows: readonly (readonly [number, boolean, Row])[],
  timing: typeof FULL,
): Promise<void> {
  for (const backend of ['cpu', 'wasm'] as const) {
    const system = `tfjs-${backend}`;
    const reason = typeof tf === 'string' ? tf : await useBackend(tf, backend);
    const all = [...w1Rows.map(([, r]) => r), ...(w2Row === null ? [] : [w2Row]), ...w3Rows.map(([, , r]) => r)];
    if (typeof tf === 'string' || reason !== null) {
      for (const r of all) r.cells[system] = { skipped: reason ?? 'unavailable' };
      continue;
    }
    for (const [d, r] of w1Rows) {
      const model = new TfjsW1(tf, d);
      r.cells[system] = measure(`${r.key} ${system}`, () => model.step(), timing);
      model.dispose();
    }
    if (w2Row !== null) w2Row.cells[system] = measure(`W2 ${system}`, tfjsW2(tf, w2Ops), timing);
    for (const [n, backward, r] of w3Rows) {
      const w3 = tfjsW3(tf, n, backward);
      r.cells[system] = measure(`${r.key} ${system}`, w3.run, timing);
      w3.dispose();
    }
  }
}
