/**
 * @file The result sections of the reproduction document, one function per experiment, each a
 * pure function of the records: Figure 7 as three panels (one table per initialisation, methods
 * against lengths, successes with their 95% interval and the median update of success), the other
 * five tasks (beside the error of a model that ignores its inputs, computed from the task
 * generators), Ω's effect on the error signal, generalisation, and the analysis record.
 */
import type { TaskName } from '@tapegrad/rnn';
import { formatCount } from '../numbers.js';
import { markdownTable } from '../report.js';
import type { RunRecord } from '../record.js';
import type { AnalysisRecord } from './analysis.js';
import { inputBlindError } from './baseline.js';
import { lengthLabel, medianSolved, percent, provenance, sig4, span, succeededRun, successCell } from './format.js';
import type { ExperimentResults } from './results.js';
import { median } from '../stats.js';

/** The paper's successes out of 5 for SGD-CR on the other tasks (docs/PAPER.md). */
export const PAPER_TASK_SUCCESSES: Readonly<Record<string, number>> = {
  addition: 5,
  multiplication: 5,
  'temporal-order-3bit': 5,
  permutation: 2,
  memorization: 5,
};

const of = (x: ExperimentResults, pick: (c: ExperimentResults['cells'][number]['cell']) => boolean) =>
  x.cells.filter((c) => pick(c.cell));

/** `k/n (lo–hi%), median` for a group of cells; notes the seeds still missing. */
function groupCell(group: ExperimentResults['cells']): string {
  const records = group.flatMap((g) => (g.record ? [g.record] : []));
  if (records.length === 0) return 'waiting';
  const missing = group.length - records.length;
  const solved = medianSolved(records);
  return `${successCell(records.filter(succeededRun).length, records.length)}${solved === '–' ? '' : `, ${solved}`}${missing > 0 ? ` (${missing} to run)` : ''}`;
}

/**
 * Figure 7 as the paper draws it: one panel (table) per initialisation.
 *
 * @example
 * figure7Section(results.experiments.get('figure7')!);
 */
export function figure7Section(x: ExperimentResults): string {
  const g = x.experiment.grid;
  const parts = [provenance(x)];
  parts.push(
    'Each cell: runs that succeeded out of those recorded, the 95% Wilson interval of the success rate, and the median update at ' +
      'which the successful runs were confirmed. Budgets: ' +
      g.lengths.map((l) => `${formatCount(x.experiment.budgets[l])} updates at L = ${lengthLabel(l)}`).join(', ') +
      ', or until success.',
  );
  for (const init of g.inits) {
    const rows = g.methods.map((method) => [
      method,
      ...g.lengths.map((l) => groupCell(of(x, (c) => c.init === init && c.method === method && c.length === l))),
    ]);
    parts.push(
      `**${init}**\n\n${markdownTable(['method', ...g.lengths.map((l) => `L = ${lengthLabel(l)}`)], rows).trimEnd()}`,
    );
  }
  return parts.join('\n\n');
}

/** The other five tasks against the paper's counts, and against a model that ignores its inputs. */
export function tasksSection(x: ExperimentResults): string {
  const { sequences, seed } = x.experiment.test;
  // the input-blind error needs one fixed length (a range would be drawn per batch)
  const [length, ...others] = x.experiment.grid.lengths;
  const fixed = others.length === 0 && /^\d+$/.test(length) && sequences > 0 ? Number(length) : null;
  const rows = x.experiment.grid.tasks.map((task) => {
    const group = of(x, (c) => c.task === task);
    const records = group.flatMap((c) => (c.record ? [c.record] : []));
    const errors = records.flatMap((r) => (r.test ? [r.test.errorRate] : []));
    const range = errors.length === 0 ? '–' : span(percent(Math.min(...errors)), percent(Math.max(...errors)));
    const blind = fixed === null ? '–' : percent(inputBlindError(task as TaskName, fixed, sequences, seed));
    return [task, `${PAPER_TASK_SUCCESSES[task] ?? '?'}/5`, groupCell(group), range, blind];
  });
  const budget = Object.entries(x.experiment.budgets)
    .map(([l, b]) => `${formatCount(b)} updates at L = ${lengthLabel(l)}`)
    .join(', ');
  const header = ['task', 'paper', 'here: success, median update', 'test error (range over runs)', 'inputs ignored'];
  return [
    provenance(x),
    `SGD-CR, budget ${budget}, or until success.`,
    markdownTable(header, rows).trimEnd(),
    `"Inputs ignored" is the test error of the best output that does not look at the sequence (the mean target, or the commonest class at each step), fitted on ${formatCount(sequences)} fresh sequences and counted on the runs' own test sequences (packages/cli/src/reproduction/baseline.ts): a test error near it means the run learned next to nothing, one far below it that the run learned most of the task.`,
  ].join('\n\n');
}

/** The ratio ‖δ_1‖/‖δ_T‖ of a record's first or last profile. */
function firstOverLast(r: RunRecord, which: 'first' | 'last'): number | null {
  const rows = r.profiles?.rows ?? [];
  const row = which === 'first' ? rows[0] : rows[rows.length - 1];
  return row?.ratios[0] ?? null;
}

/** Steps in the past at a record's first or last validation. */
function stepsInPast(r: RunRecord, which: 'first' | 'last'): number | null {
  const rows = r.curves.validation.rows.filter((row) => row[7] !== null);
  const row = which === 'first' ? rows[0] : rows[rows.length - 1];
  return row === undefined ? null : (row[7] as number);
}

/** The median of a per-record quantity, formatted; '–' when no record has it. */
function medianOf(
  records: readonly RunRecord[],
  f: (r: RunRecord) => number | null,
  show: (v: number) => string,
): string {
  const m = median(records.map(f).filter((v): v is number => v !== null));
  return m === null ? '–' : show(m);
}

/** Ω's effect: successes, divergences, the first-step signal and steps in the past, early and late. */
export function omegaSection(x: ExperimentResults): string {
  const g = x.experiment.grid;
  const exp = (v: number) => v.toExponential(1);
  const fix = (v: number) => v.toFixed(2);
  const rows = g.inits.flatMap((init) =>
    g.methods.map((method) => {
      const group = of(x, (c) => c.init === init && c.method === method);
      const records = group.flatMap((c) => (c.record ? [c.record] : []));
      return [
        init,
        method,
        groupCell(group),
        records.length === 0 ? '–' : `${records.filter((r) => r.status === 'diverged').length}`,
        medianOf(records, (r) => firstOverLast(r, 'first'), exp),
        medianOf(records, (r) => firstOverLast(r, 'last'), exp),
        medianOf(records, (r) => stepsInPast(r, 'first'), fix),
        medianOf(records, (r) => stepsInPast(r, 'last'), fix),
      ];
    }),
  );
  const header = [
    'init',
    'method',
    'success, median update',
    'diverged',
    '‖δ_1‖/‖δ_T‖ at start',
    'at the end',
    'steps in past, first validation',
    'last',
  ];
  const p = x.experiment.profile;
  const how = p
    ? `‖δ_k‖/‖δ_T‖ is measured on a fixed probe batch of ${p.sequences} sequences every ${formatCount(p.every)} updates (medians over seeds); ` +
      'steps in the past is the fraction of (step, sequence) pairs whose error signal has ‖δ_k‖² ≥ 1e-20, averaged between validations.'
    : '';
  return [provenance(x), how, markdownTable(header, rows).trimEnd()].filter((s) => s !== '').join('\n\n');
}

/** Generalisation: per seed, when it succeeded and its error at each evaluated length. */
export function generalisationSection(x: ExperimentResults): string {
  const lengths = x.experiment.evaluate?.lengths ?? [];
  const rows = x.cells.map(({ cell, record: r }) => {
    if (r === null) return [`${cell.seed}`, 'waiting', '', ...lengths.map(() => '')];
    const at = (l: string) => {
      const e = r.evaluations.find((v) => `${v.minLength}` === l || `${v.minLength}..${v.maxLength}` === l);
      return e ? `${formatCount(e.wrong)}/${formatCount(e.sequences)} (${percent(e.errorRate)})` : '–';
    };
    const solved = r.solvedAt === null ? `not within ${formatCount(r.updates)}` : formatCount(r.solvedAt);
    return [`${cell.seed}`, solved, r.test ? percent(r.test.errorRate) : '–', ...lengths.map(at)];
  });
  const header = ['seed', 'solved at update', 'test error (training lengths)', ...lengths.map((l) => `L = ${l}`)];
  return [provenance(x), markdownTable(header, rows).trimEnd()].join('\n\n');
}

/** The analysis record: gradient flow at initialisation and the geometry of eqs. 11–14. */
export function analysisSection(a: AnalysisRecord | null): string {
  if (a === null) return '**Waiting for the record**: run `node packages/cli/bin/tapegrad.js analysis`.';
  const flow = markdownTable(
    ['init', 'λ1', 'ρ(W_rec)', 'γ', '‖δ_1‖/‖δ_T‖', 'steps in past', 'condition'],
    a.flow.map((f) => [
      f.init,
      `${f.lambda1}`,
      `${f.spectralRadius}`,
      `${f.gamma}`,
      f.firstOverLast.toExponential(1),
      `${f.stepsInPast}`,
      f.verdict === 'vanish' ? 'λ1 < 1/γ' : 'λ1 > 1/γ',
    ]),
  ).trimEnd();
  const nets = markdownTable(
    [
      'λ1',
      'ρ',
      'growth α of ‖∂E_t/∂W_rec‖',
      'cos(∂E_30, ∂E_60)',
      "Hessian's leading eigenvector",
      '|λ|/‖∇E‖',
      'steps: plain, clipped, Newton',
    ],
    a.networks.map((n) => [
      `${n.lambda1}`,
      `${n.spectralRadius}`,
      `${n.growthAlpha}`,
      `${n.cosineAt30}`,
      n.hessianConverged
        ? `found, cos with ∇E ${n.hessianCosine}`
        : 'no dominant one (power iteration did not converge)',
      sig4(n.curvatureOverGradient),
      `${sig4(n.steps.plain)}, ${sig4(n.steps.clipped)}, ${sig4(n.steps.newton)}`,
    ]),
  ).trimEnd();
  const descent = markdownTable(
    ['descent on the single unit', 'end E', 'largest step', 'largest ‖g‖'],
    a.descent.map((d) => [d.method, sig4(d.endLoss), sig4(d.largestStep), sig4(d.largestGradNorm)]),
  ).trimEnd();
  return [
    `Made by \`node packages/cli/bin/tapegrad.js analysis\` at commit ${a.code.commit?.slice(0, 7) ?? 'unknown'}${a.code.dirty ? '+dirty' : ''} (seconds; no training).`,
    'Gradient flow at initialisation (temporal order, L = 100, 50 hidden units, one batch of 20):',
    flow,
    `Eq. 13 through the tape (x_t = w·x_{t−1}, w = ${a.eq13.w}, T = ${a.eq13.steps}): ∂²x_T/∂w² ÷ ∂x_T/∂w = ${a.eq13.ratio} against (T − 1)/w = ${a.eq13.expected} (relative difference ${a.eq13.relativeError}).`,
    "Eq. 14 and the wall on a tanh network of 16 units, T = 60 (the rnn README's example), W_rec rescaled to λ1:",
    nets,
    `The single unit across its wall (w = 4.5): ${a.wall.pointsOnWall} of 31 points have ‖∇E‖ ≥ 10 (largest ${a.wall.largestGradNorm}); there the leading Hessian eigenvector is aligned with the gradient (cos ≥ ${a.wall.minCosineOnWall}) and the curvature is ${a.wall.curvatureOverGradient[0]}–${a.wall.curvatureOverGradient[1]} times the gradient norm.`,
    descent,
  ].join('\n\n');
}
