/**
 * @file The claim table: one row per claim of the paper (docs/PAPER.md), each with what the
 * records show and a verdict computed from them by a stated rule, never typed in. A claim whose
 * records are missing says so ("waiting for records"); one whose grid is partial gives its
 * verdict as provisional. The rules are deliberately plain: counts compared with counts.
 */
import { formatCount } from '../numbers.js';
import type { RunRecord } from '../record.js';
import { median } from '../stats.js';
import type { AnalysisRecord } from './analysis.js';
import { sig4, succeededRun } from './format.js';
import type { ExperimentResults, Results } from './results.js';
import { PAPER_TASK_SUCCESSES } from './sections.js';

/** One row: the claim, where it is checked, what the records show, the verdict. */
export interface ClaimRow {
  readonly claim: string;
  readonly evidence: string;
  readonly shows: string;
  readonly verdict: string;
}

const waiting = (x: ExperimentResults | undefined) =>
  x === undefined ? 'no experiment defined' : `waiting for records (0 of ${x.cells.length} runs)`;
const partial = (x: ExperimentResults, verdict: string) =>
  x.missing === 0 ? verdict : `${verdict}, provisional (${x.cells.length - x.missing} of ${x.cells.length} runs)`;
const count = (records: readonly RunRecord[]) => records.filter(succeededRun).length;

function recordsOf(
  x: ExperimentResults,
  pick: (c: { init: string; method: string; length: string; task: string }) => boolean,
): RunRecord[] {
  return x.cells.flatMap((c) => (c.record && pick(c.cell) ? [c.record] : []));
}

function analysisClaims(a: AnalysisRecord | null): ClaimRow[] {
  const evidence = 'analysis record (§7)';
  if (a === null) {
    return [
      'λ1 < 1/γ is sufficient for vanishing',
      'λ1 > 1/γ is necessary for exploding',
      'eqs. 11–14, the wall, clipping at a wall',
    ].map((claim) => ({ claim, evidence, shows: '–', verdict: 'waiting for the record' }));
  }
  const sig = a.flow.find((f) => f.init === 'sigmoid');
  const smart = a.flow.find((f) => f.init === 'smart-tanh');
  const [steep, mild] = [a.networks.find((n) => n.lambda1 === 8), a.networks.find((n) => n.lambda1 === 2)];
  const [plain, clipped] = [
    a.descent.find((d) => d.method.startsWith('sgd ')),
    a.descent.find((d) => d.method.startsWith('sgd-c')),
  ];
  const yes = (ok: boolean | undefined) => (ok ? 'reproduced' : 'not reproduced');
  return [
    {
      claim: 'λ1 < 1/γ is sufficient for the long-term components to vanish',
      evidence,
      shows: `sigmoid init: λ1 = ${sig?.lambda1} < 1/γ = 4; ‖δ_1‖/‖δ_T‖ = ${sig?.firstOverLast.toExponential(1)} over 100 steps`,
      verdict: yes(sig?.verdict === 'vanish' && (sig?.firstOverLast ?? 1) < 1e-10),
    },
    {
      claim: 'λ1 > 1/γ is necessary (not sufficient) for exploding gradients',
      evidence,
      shows: `tanh net at λ1 = 2 (ρ = ${mild?.spectralRadius}): growth α = ${mild?.growthAlpha}, nothing explodes; at λ1 = 8 (ρ = ${steep?.spectralRadius}): α = ${steep?.growthAlpha}`,
      verdict: (mild?.growthAlpha ?? 2) < 1 && (steep?.growthAlpha ?? 0) > 1 ? 'consistent' : 'not reproduced',
    },
    {
      claim: 'smart tanh (ρ = 0.95) keeps the error signal alive over long spans',
      evidence,
      shows: `‖δ_1‖/‖δ_T‖ at L = 100: ${a.flow.map((f) => `${f.init} ${f.firstOverLast.toExponential(1)}`).join(', ')}`,
      verdict: yes(a.flow.every((f) => f.firstOverLast <= (smart?.firstOverLast ?? 0))),
    },
    {
      claim: 'eq. 13: where the gradient explodes the curvature explodes with it, ∂²x_t/∂w² = ((t − 1)/w)·∂x_t/∂w',
      evidence,
      shows: `ratio ${a.eq13.ratio} against ${a.eq13.expected} (relative difference ${a.eq13.relativeError})`,
      verdict: yes(a.eq13.relativeError < 1e-12),
    },
    {
      claim: 'eq. 14 and the wall: a large gradient points along the leading curvature direction',
      evidence,
      shows: `λ1 = 8: cos(∇E, v) = ${steep?.hessianCosine}, |λ|/‖∇E‖ = ${sig4(steep?.curvatureOverGradient)}; single unit on its wall: cos ≥ ${a.wall.minCosineOnWall}`,
      verdict: yes((steep?.hessianCosine ?? 0) > 0.99 && a.wall.minCosineOnWall > 0.99),
    },
    {
      claim: 'a step that hits a wall is thrown far without clipping; clipping keeps it bounded (Fig. 6)',
      evidence,
      shows: `single unit: largest step ${plain?.largestStep} (end E ${plain?.endLoss}) without clipping, ${clipped?.largestStep} (end E ${clipped?.endLoss}) with it`,
      verdict: yes(
        (plain?.largestStep ?? 0) > 2 * (clipped?.largestStep ?? Infinity) &&
          (clipped?.endLoss ?? 1) < (plain?.endLoss ?? 0),
      ),
    },
  ];
}

function figure7Claims(fig: ExperimentResults | undefined, long: ExperimentResults | undefined): ClaimRow[] {
  const evidence = 'figure7 (§2), figure7-long (§3)';
  const xs = [fig, long].filter((x): x is ExperimentResults => x !== undefined && x.records.length > 0);
  if (xs.length === 0) {
    return [
      'SGD-CR succeeds where SGD and SGD-C fail at long lengths (Fig. 7)',
      'clipping matters more as the length grows (Fig. 7)',
    ].map((claim) => ({ claim, evidence, shows: '–', verdict: waiting(fig) }));
  }
  const all = xs.flatMap((x) => x.cells);
  const lengths = [...new Set(all.filter((c) => c.record).map((c) => Number(c.cell.length)))].sort((a, b) => a - b);
  const [shortest, longest] = [lengths[0], lengths[lengths.length - 1]];
  const at = (method: string, length: number) =>
    count(
      all.flatMap((c) => (c.record && c.cell.method === method && Number(c.cell.length) === length ? [c.record] : [])),
    );
  const runsAt = (length: number) =>
    all.filter((c) => c.record && c.cell.method === 'sgd' && Number(c.cell.length) === length).length;
  const incomplete = xs.some((x) => x.missing > 0);
  const mark = (v: string) => (incomplete ? `${v}, provisional (grid incomplete)` : v);
  const [cr, c, plain] = [at('sgd-cr', longest), at('sgd-c', longest), at('sgd', longest)];
  const gapShort = at('sgd-c', shortest) - at('sgd', shortest);
  const gapLong = c - plain;
  return [
    {
      claim: 'SGD-CR succeeds where SGD and SGD-C fail at long lengths (Fig. 7)',
      evidence,
      shows: `at L = ${longest}, all inits: SGD-CR ${cr}, SGD-C ${c}, SGD ${plain} successes of ${runsAt(longest)} runs each`,
      verdict: mark(cr >= c && cr >= plain && cr > plain ? 'reproduced' : 'not reproduced'),
    },
    {
      claim: 'clipping matters more as the length grows (Fig. 7)',
      evidence,
      shows: `SGD-C minus SGD successes: ${gapShort} at L = ${shortest}, ${gapLong} at L = ${longest}`,
      verdict: mark(lengths.length < 2 ? 'one length only' : gapLong > gapShort ? 'reproduced' : 'not reproduced'),
    },
  ];
}

function taskClaims(x: ExperimentResults | undefined): ClaimRow[] {
  const evidence = 'tasks (§4)';
  const tasks = Object.keys(PAPER_TASK_SUCCESSES);
  if (x === undefined || x.records.length === 0)
    return tasks.map((t) => ({
      claim: `SGD-CR solves ${t} (paper: ${PAPER_TASK_SUCCESSES[t]}/5)`,
      evidence,
      shows: '–',
      verdict: waiting(x),
    }));
  return tasks.map((t) => {
    const records = recordsOf(x, (c) => c.task === t);
    const budget = formatCount(Math.max(...Object.values(x.experiment.budgets)));
    const ok = records.length > 0 && count(records) >= Math.min(PAPER_TASK_SUCCESSES[t], records.length);
    return {
      claim: `SGD-CR solves ${t} (paper: ${PAPER_TASK_SUCCESSES[t]}/5)`,
      evidence,
      shows: records.length === 0 ? '–' : `${count(records)}/${records.length} within ${budget} updates`,
      verdict:
        records.length === 0
          ? 'waiting for records'
          : partial(x, ok ? 'reproduced' : `not reproduced within ${budget} updates`),
    };
  });
}

function omegaClaims(x: ExperimentResults | undefined): ClaimRow[] {
  const evidence = 'omega-effect (§5)';
  const claims = [
    'Ω keeps the error signal from vanishing during training (SGD-CR against SGD-C)',
    'Ω without clipping usually fails from exploding gradients (footnote 4)',
  ];
  if (x === undefined || x.records.length === 0)
    return claims.map((claim) => ({ claim, evidence, shows: '–', verdict: waiting(x) }));
  const last = (r: RunRecord) => r.profiles?.rows.at(-1)?.ratios[0] ?? null;
  const med = (method: string) =>
    median(
      recordsOf(x, (c) => c.method === method)
        .map(last)
        .filter((v): v is number => v !== null),
    );
  const [cr, c] = [med('sgd-cr'), med('sgd-c')];
  const r = recordsOf(x, (c) => c.method === 'sgd-r');
  const crRuns = recordsOf(x, (c) => c.method === 'sgd-cr');
  const diverged = r.filter((run) => run.status === 'diverged').length;
  return [
    {
      claim: claims[0],
      evidence,
      shows: `median ‖δ_1‖/‖δ_T‖ at the last profile: SGD-CR ${cr?.toExponential(1) ?? '–'}, SGD-C ${c?.toExponential(1) ?? '–'}`,
      verdict: cr === null || c === null ? 'waiting for records' : partial(x, cr > c ? 'reproduced' : 'not reproduced'),
    },
    {
      claim: claims[1],
      evidence,
      shows: `SGD-R: ${count(r)}/${r.length} succeeded, ${diverged} diverged; SGD-CR: ${count(crRuns)}/${crRuns.length}`,
      verdict:
        r.length === 0
          ? 'waiting for records'
          : partial(x, footnoteVerdict(r.length, count(r), diverged, count(crRuns))),
    },
  ];
}

/**
 * Footnote 4's verdict: reproduced when most runs without clipping fail and most of those failures
 * diverge (the gradients exploded); fewer successes than with clipping but failures that did not
 * diverge are only part of the claim, and say so.
 */
export function footnoteVerdict(
  runs: number,
  succeeded: number,
  diverged: number,
  succeededWithClipping: number,
): string {
  const failed = runs - succeeded;
  if (failed * 2 > runs && diverged * 2 > failed) return 'reproduced';
  if (succeeded < succeededWithClipping)
    return `partly: fewer successes than with clipping, but ${diverged} of the ${failed} failed runs diverged (the rest ran out of updates)`;
  return 'not reproduced';
}

function generalisationClaims(x: ExperimentResults | undefined): ClaimRow[] {
  const evidence = 'generalisation (§6)';
  const claims = [
    'a basic-tanh model trained on lengths 50..200 succeeds (5/5) and makes no error up to 5,000 steps',
    'the sample run first went under 1% after about 280,000 updates',
  ];
  if (x === undefined || x.records.length === 0)
    return claims.map((claim) => ({ claim, evidence, shows: '–', verdict: waiting(x) }));
  const longest = x.experiment.evaluate?.lengths.at(-1) ?? '';
  const general = x.records.filter(
    (r) => succeededRun(r) && r.evaluations.length > 0 && r.evaluations.every((e) => e.wrong === 0),
  );
  const solved = x.records.flatMap((r) => (r.solvedAt === null ? [] : [r.solvedAt]));
  const m = median(solved);
  const budget = formatCount(Math.max(...Object.values(x.experiment.budgets)));
  return [
    {
      claim: claims[0],
      evidence,
      shows: `${count(x.records)}/${x.records.length} succeeded; ${general.length} with no error at every evaluated length up to ${longest}`,
      verdict: partial(
        x,
        general.length === x.records.length ? 'reproduced' : `not reproduced within ${budget} updates`,
      ),
    },
    {
      claim: claims[1],
      evidence,
      shows:
        m === null ? `no run under 1% within ${budget} updates` : `median first success at update ${formatCount(m)}`,
      verdict: partial(x, m === null ? `consistent: more than ${budget} updates` : 'measured'),
    },
  ];
}

/**
 * Every claim row, in the order of docs/PAPER.md.
 *
 * @example
 * claimRows(loadResults('docs/results')).map((r) => r.verdict);
 */
export function claimRows(results: Results): ClaimRow[] {
  const x = (name: string) => results.experiments.get(name);
  return [
    ...analysisClaims(results.analysis),
    ...figure7Claims(x('figure7'), x('figure7-long')),
    ...taskClaims(x('tasks')),
    ...omegaClaims(x('omega-effect')),
    ...generalisationClaims(x('generalisation')),
  ];
}
