/**
 * @file Turning timings into what a reader wants: each workload in its unit (ms per W1 step, µs
 * per W2 op, GFLOP/s for W3), one markdown table of results, one of ratios against tapegrad,
 * and the targets (each workload states its own) with met or missed.
 */
import type { Timing } from './measure.js';

/** A cell of the results table: a timing, or why the system did not run. */
export type Cell = Timing | { skipped: string };

/** One workload configuration, with the factor that turns seconds per call into its unit. */
export interface Row {
  key: string;
  unit: 'ms/step' | 'µs/op' | 'GFLOP/s';
  /** For ms/step and µs/op: value = median · scale. For GFLOP/s: value = scale / median. */
  scale: number;
  cells: Record<string, Cell>;
}

export const TAPEGRAD = 'tapegrad';
/** W1 on the per-step tape (`fused: false`): the generic engine without the fused sequence op. */
export const TAPEGRAD_PER_STEP = 'tapegrad per-step tape';

/** The row's value for one system in its unit, or null when it did not run. */
export function valueOf(row: Row, system: string): number | null {
  const c = row.cells[system];
  if (c === undefined || 'skipped' in c) return null;
  return row.unit === 'GFLOP/s' ? row.scale / c.median : c.median * row.scale;
}

/** How many times longer tapegrad takes than `system` (below 1: tapegrad is faster). */
export function timeRatio(row: Row, system: string): number | null {
  const t = row.cells[TAPEGRAD];
  const p = row.cells[system];
  if (t === undefined || p === undefined || 'skipped' in t || 'skipped' in p) return null;
  return t.median / p.median;
}

function format(x: number): string {
  if (x >= 100) return x.toFixed(0);
  if (x >= 10) return x.toFixed(1);
  if (x >= 1) return x.toFixed(2);
  return x.toPrecision(2);
}

/** The results table: median (± rme %) per system. */
export function resultsTable(rows: readonly Row[], systems: readonly string[]): string {
  const lines = [
    `| workload | unit | ${systems.join(' | ')} |`,
    `| --- | --- |${systems.map(() => ' ---: |').join('')}`,
  ];
  for (const row of rows) {
    const cells = systems.map((s) => {
      const c = row.cells[s];
      if (c === undefined) return '–';
      if ('skipped' in c) return 'skipped';
      return `${format(valueOf(row, s)!)} ±${c.rme.toFixed(1)}%`;
    });
    lines.push(`| ${row.key} | ${row.unit} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

/** The ratio table: tapegrad time / peer time, and in words who is faster by how much. */
export function ratioTable(rows: readonly Row[], peers: readonly string[]): string {
  const lines = [
    `| workload | ${peers.map((p) => `tapegrad/${p}`).join(' | ')} |`,
    `| --- |${peers.map(() => ' ---: |').join('')}`,
  ];
  for (const row of rows) {
    const cells = peers.map((p) => {
      const r = timeRatio(row, p);
      if (r === null) return '–';
      return r <= 1
        ? `${r.toFixed(2)} (tapegrad ${format(1 / r)}× faster)`
        : `${r.toFixed(2)} (${p} ${format(r)}× faster)`;
    });
    lines.push(`| ${row.key} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

/**
 * The engine without the package's fused op: per W1 row, the per-step tape's and the fused op's
 * time as multiples of the JS limit's, one line each (none when either did not run).
 */
export function perStepLines(rows: readonly Row[]): string[] {
  const lines: string[] = [];
  for (const row of rows) {
    const p = row.cells[TAPEGRAD_PER_STEP];
    const l = row.cells['JS limit'];
    const f = timeRatio(row, 'JS limit');
    if (p === undefined || l === undefined || 'skipped' in p || 'skipped' in l || f === null) continue;
    lines.push(
      `${row.key}: per-step tape ${format(p.median / l.median)}× the JS limit's time, fused sequence op ${format(f)}×`,
    );
  }
  return lines;
}

/** Why a system was skipped, one line each. */
export function skippedNotes(rows: readonly Row[]): string[] {
  const seen = new Map<string, string>();
  for (const row of rows)
    for (const [s, c] of Object.entries(row.cells)) if ('skipped' in c && !seen.has(s)) seen.set(s, c.skipped);
  return [...seen].map(([s, why]) => `${s}: skipped (${why})`);
}

/** One of the issue's targets and whether this run met it. */
export interface TargetResult {
  target: string;
  measured: string;
  met: boolean | null;
}

/** The PyTorch systems: targets compare against the faster of the two in the same run. */
export const TORCH = ['PyTorch 1T', 'PyTorch 2T'];

/** How many times faster tapegrad (or `system`) is than the fastest of `peers` on a row (null when none ran). */
export function speedupOverBest(row: Row, peers: readonly string[], system = TAPEGRAD): number | null {
  const t = row.cells[system];
  if (t === undefined || 'skipped' in t) return null;
  const times = peers.map((p) => row.cells[p]).flatMap((c) => (c === undefined || 'skipped' in c ? [] : [c.median]));
  return times.length === 0 ? null : Math.min(...times) / t.median;
}

/**
 * A target with its measured value and whether it was met (null value: not measured).
 *
 * @example
 * ratioTarget('W2: ≤ 1.0 µs per op', 0.8, (x) => x <= 1, ' µs/op').met; // true
 */
export function ratioTarget(
  target: string,
  value: number | null,
  test: (x: number) => boolean,
  unit: string,
): TargetResult {
  if (value === null) return { target, measured: 'not measured', met: null };
  return { target, measured: `${format(value)}${unit}`, met: test(value) };
}
/** The targets as a markdown list. */
export function formatTargets(targets: readonly TargetResult[]): string {
  return targets
    .map((t) => `- ${t.met === null ? '·' : t.met ? 'met' : 'MISSED'}: ${t.target} — ${t.measured}`)
    .join('\n');
}
