/**
 * @file The compute plan of an experiment, from measured speed: for each distinct kind of cell
 * (task, method, length, sizes) a short timed trial on this machine gives updates per second and
 * the cost of one validation; with the budgets that gives the worst case (no run stops early) in
 * CPU hours and, over the workers, in wall-clock hours. The plan is printed before a grid starts
 * and written to the experiment folder (`plan.json`), with the machine and its load, so the
 * speeds quoted in the documentation come from a committed measurement.
 */
import { availableParallelism, cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Trainer, resolveTrainConfig, type TrainConfig } from '@tapegrad/rnn';
import { formatNumber } from '../numbers.js';
import { textTable } from '../report.js';
import type { CodeVersion } from '../record.js';
import type { RunRequest } from '../run.js';
import { median } from '../stats.js';

/** One measured kind of cell. */
export interface Rate {
  readonly task: string;
  readonly init: string;
  readonly method: string;
  readonly length: string;
  readonly hidden: number;
  readonly batch: number;
  /** Training updates per second (validation excluded): the median over the bursts. */
  readonly updatesPerSecond: number;
  /** The fastest burst: the speed while the run had a core to itself. */
  readonly best: number;
  /** Seconds of one validation (without confirmation, which only a validation under 1% costs). */
  readonly validationSeconds: number;
  /** Updates per second with the validations every `validateEvery` updates included. */
  readonly effective: number;
}

/** A plan: the machine, its load, the rates, and the worst-case cost of the cells still to run. */
export interface Plan {
  readonly format: 'tapegrad-plan';
  readonly version: 1;
  readonly experiment: string;
  readonly commit: string | null;
  /** Whether tracked files differed from that commit (null when unknown). */
  readonly dirty: boolean | null;
  readonly machine: {
    readonly cpu: string;
    readonly cores: number;
    readonly node: string;
    readonly load: readonly number[];
  };
  readonly workers: number;
  readonly trialSeconds: number;
  readonly rates: readonly Rate[];
  readonly cells: number;
  readonly todo: number;
  /** Sum over the cells to run of budget / effective rate. */
  readonly cpuHoursWorst: number;
  /** cpuHoursWorst over the workers (two runs on two cores, each at the measured single-run speed). */
  readonly wallHoursWorst: number;
}

/**
 * The fields that set a cell's speed; cells that share them share a measurement. The
 * initialisation is one: a sigmoid network's error signals fall into subnormal numbers over long
 * sequences, which the processor handles far more slowly.
 */
function speedKey(c: ReturnType<typeof resolveTrainConfig>): string {
  return JSON.stringify([
    c.task,
    c.init,
    c.method,
    c.minLength,
    c.maxLength,
    c.hidden,
    c.batchSize,
    c.monitorEvery,
    c.validationSequences,
  ]);
}

/**
 * Times `seconds` of training updates in five bursts (after 2 updates to warm up) and two
 * validations. On a shared machine a burst can lose most of its time to other processes, so the
 * rate is the median over the bursts (the fastest is kept too) and the validation the faster of the two.
 *
 * @example
 * measureRate({ minLength: 50, method: 'sgd-cr' }, 2).updatesPerSecond;
 */
export function measureRate(
  config: TrainConfig,
  seconds: number,
): { updatesPerSecond: number; best: number; validationSeconds: number } {
  const trainer = new Trainer({ ...config, maxUpdates: Number.MAX_SAFE_INTEGER });
  trainer.step();
  trainer.step();
  const rates: number[] = [];
  for (let burst = 0; burst < 5; burst++) {
    const start = performance.now();
    let n = 0;
    while (n < 1 || performance.now() - start < (seconds * 1000) / 5) {
      trainer.step();
      n++;
    }
    rates.push(n / ((performance.now() - start) / 1000));
  }
  const validations = [0, 1].map(() => {
    const v = performance.now();
    trainer.validate();
    return (performance.now() - v) / 1000;
  });
  return {
    updatesPerSecond: median(rates) as number,
    best: Math.max(...rates),
    validationSeconds: Math.min(...validations),
  };
}

/**
 * Measures every kind of cell among `todo` and prices the grid.
 *
 * @example
 * const plan = makePlan('figure7', requests, todo, 2, 2, codeVersion(), onMeasured);
 */
export function makePlan(
  experiment: string,
  all: readonly RunRequest[],
  todo: readonly RunRequest[],
  workers: number,
  trialSeconds: number,
  code: CodeVersion,
  onMeasured?: (r: Rate) => void,
): Plan {
  const rates = new Map<string, Rate>();
  for (const r of todo) {
    const c = resolveTrainConfig(r.config);
    const key = speedKey(c);
    if (rates.has(key)) continue;
    const m = measureRate(r.config, trialSeconds);
    const length = c.minLength === c.maxLength ? `${c.minLength}` : `${c.minLength}..${c.maxLength}`;
    const effective = 1 / (1 / m.updatesPerSecond + m.validationSeconds / c.validateEvery);
    const rate = {
      task: c.task,
      init: c.init,
      method: c.method,
      length,
      hidden: c.hidden,
      batch: c.batchSize,
      ...m,
      effective,
    };
    rates.set(key, rate);
    onMeasured?.(rate);
  }
  let cpuSeconds = 0;
  for (const r of todo) {
    const c = resolveTrainConfig(r.config);
    cpuSeconds += c.maxUpdates / (rates.get(speedKey(c))?.effective ?? 1);
  }
  const hours = (s: number) => Math.round((s / 3600) * 100) / 100;
  return {
    format: 'tapegrad-plan',
    version: 1,
    experiment,
    commit: code.commit,
    dirty: code.dirty,
    machine: {
      cpu: cpus()[0]?.model.trim() ?? 'unknown',
      cores: availableParallelism(),
      node: process.version,
      load: loadavg().map((l) => Math.round(l * 100) / 100),
    },
    workers,
    trialSeconds,
    rates: [...rates.values()],
    cells: all.length,
    todo: todo.length,
    cpuHoursWorst: hours(cpuSeconds),
    wallHoursWorst: hours(cpuSeconds / Math.min(workers, Math.max(1, todo.length))),
  };
}

/**
 * The order runs start in: seed by seed (every cell's first seed before any cell's second), and
 * within a seed the longest first, so the two workers finish together. A grid stopped part way
 * (as a long one on a shared machine will be) then has some seeds of every cell, not every seed of
 * a few cells; a later call continues from the records and checkpoints.
 *
 * @example
 * runOrder(plan, todo)[0].config.seed; // the smallest seed left in the grid
 */
export function runOrder(plan: Plan, todo: readonly RunRequest[]): RunRequest[] {
  return [...todo].sort(
    (a, b) => (a.config.seed ?? 0) - (b.config.seed ?? 0) || worstSeconds(plan, b) - worstSeconds(plan, a),
  );
}

/**
 * The worst-case seconds of one request under a plan (budget / effective rate), for ordering.
 *
 * @example
 * todo.sort((a, b) => worstSeconds(plan, b) - worstSeconds(plan, a)); // longest first
 */
export function worstSeconds(plan: Plan, r: RunRequest): number {
  const c = resolveTrainConfig(r.config);
  const length = c.minLength === c.maxLength ? `${c.minLength}` : `${c.minLength}..${c.maxLength}`;
  const rate = plan.rates.find(
    (x) =>
      x.task === c.task &&
      x.init === c.init &&
      x.method === c.method &&
      x.length === length &&
      x.hidden === c.hidden &&
      x.batch === c.batchSize,
  );
  return c.maxUpdates / (rate?.effective ?? 1);
}

/** The plan as text for the terminal. */
export function planText(plan: Plan): string {
  const header = [
    'task',
    'init',
    'method',
    'length',
    'updates/s',
    'fastest burst',
    'validation s',
    'updates/s with validation',
  ];
  const rows = plan.rates.map((r) => [
    r.task,
    r.init,
    r.method,
    r.length,
    formatNumber(r.updatesPerSecond, 1),
    formatNumber(r.best, 1),
    formatNumber(r.validationSeconds, 2),
    formatNumber(r.effective, 1),
  ]);
  const m = plan.machine;
  return (
    `plan for ${plan.experiment}: ${plan.todo} of ${plan.cells} cells to run, ${plan.workers} workers; ` +
    `measured in ${plan.trialSeconds} s trials (median of five bursts) on ${m.cpu} (${m.cores} cores, load ${m.load.join(' ')})\n${textTable(header, rows)}` +
    `worst case (no run stops before its budget): ${plan.cpuHoursWorst} CPU hours, about ${plan.wallHoursWorst} h on ${plan.workers} workers\n`
  );
}
