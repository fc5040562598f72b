/**
 * @file How the reproduction document writes what records hold: success counts with their 95%
 * interval, update counts, error rates, the provenance of an experiment (the command that made
 * it, the commits, the machine and its load) and how complete its grid is.
 */
import type { ExperimentResults } from './results.js';
import type { RunRecord } from '../record.js';
import { formatCount } from '../numbers.js';
import { median, wilson } from '../stats.js';

/** The command that runs (or resumes) an experiment, as the document prints it. */
export function experimentCommandLine(name: string): string {
  return `nice -n 10 npx --yes pnpm@10.34.8 run experiment docs/results/${name} --commit`;
}

/**
 * `k/n (lo–hi%)`: successes out of runs with Wilson's 95% interval.
 *
 * @example
 * successCell(3, 5); // '3/5 (23–88%)'
 */
export function successCell(successes: number, runs: number): string {
  const w = wilson(successes, runs);
  return `${successes}/${runs} (${Math.round(100 * w.low)}–${Math.round(100 * w.high)}%)`;
}

/**
 * A grid length as a reader expects it: a range in a definition (`50..201`, the command line's
 * form: each minibatch draws L from [MIN, MAX − 1]) is written with both ends included.
 *
 * @example
 * lengthLabel('50..201'); // '50–200'
 * lengthLabel('100'); // '100'
 * lengthLabel('10..11'); // '10' (a range of one length)
 */
export function lengthLabel(length: string): string {
  const m = /^(\d+)\.\.(\d+)$/.exec(length);
  return m === null ? length : span(m[1] as string, `${Number(m[2]) - 1}`);
}

/**
 * A range of formatted values, written once when both ends read the same.
 *
 * @example
 * span('30.0%', '33.7%'); // '30.0%–33.7%'
 * span('4.1', '4.1'); // '4.1'
 */
export function span(low: string, high: string): string {
  return low === high ? low : `${low}–${high}`;
}

/** The median first success of the runs that succeeded, e.g. `12,500`; '–' when none did. */
export function medianSolved(records: readonly RunRecord[]): string {
  const m = median(records.filter(succeededRun).map((r) => r.solvedAt as number));
  return m === null ? '–' : formatCount(Math.round(m));
}

/** Success by the protocol: solved (validation and confirmation) and the final test under 1%. */
export function succeededRun(r: RunRecord): boolean {
  return r.solvedAt !== null && r.test?.success === true;
}

/**
 * A recorded value as people read it: as stored (four significant digits), in scientific notation
 * when very large or very small; '–' when missing.
 *
 * @example
 * sig4(41870000); // '4.19e+7'
 */
export function sig4(v: number | undefined | null): string {
  if (v === undefined || v === null) return '–';
  return v !== 0 && (Math.abs(v) >= 1e5 || Math.abs(v) < 1e-3) ? v.toExponential(2) : `${v}`;
}

/** An error rate as a percentage with one decimal, e.g. `0.4%`. */
export function percent(rate: number): string {
  return `${(100 * rate).toFixed(rate < 0.001 && rate > 0 ? 2 : 1)}%`;
}

/** Short commit hashes of the records, with `+dirty` where the tree had uncommitted changes. */
function commits(records: readonly RunRecord[]): string {
  const seen = [
    ...new Set(records.map((r) => `${r.code.commit?.slice(0, 7) ?? 'unknown'}${r.code.dirty ? '+dirty' : ''}`)),
  ].sort();
  return seen.length === 0 ? '–' : seen.join(', ');
}

/** The load the records saw: the range of their per-run means, and the machines. */
function load(records: readonly RunRecord[]): string {
  const with_ = records.filter((r) => r.machine?.load);
  if (with_.length === 0) return 'not recorded';
  const means = with_.map((r) => r.machine?.load?.mean as number);
  const machines = [
    ...new Set(with_.map((r) => `${r.machine?.cpu}, ${r.machine?.cores} cores, Node ${r.machine?.node}`)),
  ].sort();
  const range = span(Math.min(...means).toFixed(1), Math.max(...means).toFixed(1));
  return `1-minute load average ${range} (mean per run) on ${machines.join('; ')}`;
}

/**
 * The provenance paragraph of an experiment: its command, how complete it is, commits, load, time.
 *
 * @example
 * provenance(results.experiments.get('figure7')!);
 */
export function provenance(x: ExperimentResults): string {
  const e = x.experiment;
  const total = x.cells.length;
  const done = total - x.missing;
  const status =
    done === total
      ? `**Complete**: all ${total} runs recorded.`
      : done === 0
        ? `**Waiting for records**: none of the ${total} runs is recorded yet.`
        : `**Incomplete**: ${done} of ${total} runs recorded, ${x.missing} still missing; numbers below cover the recorded runs only.`;
  const stale =
    x.stale > 0 ? ` ${x.stale} record(s) in the folder no longer match the definition and are left out.` : '';
  const hours = x.records.reduce((s, r) => s + r.seconds, 0) / 3600;
  const made =
    done === 0
      ? ''
      : ` Made by commit(s) ${commits(x.records)}; ${load(x.records)}; ${hours.toFixed(1)} h of run time in all.`;
  return `Definition: [docs/results/${e.name}/experiment.json](results/${e.name}/experiment.json); run or resume with \`${experimentCommandLine(e.name)}\`. ${status}${stale}${made}`;
}
