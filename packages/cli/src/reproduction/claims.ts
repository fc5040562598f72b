/**
 * @file The claim table: one row per claim of the paper (docs/PAPER.md), each with what the
 * records show and a verdict computed from them by a stated rule, never typed in. A claim whose
 * records are missing says so ("waiting for records"); one whose grid is partial gives its
 * verdict as provisional. The rules are deliberately plain: counts compared with counts, and where
 * a few seeds per cell are compared, a one-sided Fisher exact test says whether a lead could be luck.
 */
import { formatCount } from '../numbers.js';
import type { RunRecord } from '../record.js';
import { fisherOneSided, median } from '../stats.js';
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
/** An experiment's largest update budget, as the verdicts quote it. */
const largestBudget = (x: ExperimentResults) => formatCount(Math.max(...Object.values(x.experiment.budgets)));

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
  const tally = (method: string, length: number): Tally => {
    const records = all.flatMap((c) =>
      c.record && c.cell.method === method && Number(c.cell.length) === length ? [c.record] : [],
    );
    return { wins: count(records), runs: records.length };
  };
  const mark = (v: string) => (xs.some((x) => x.missing > 0) ? `${v}, provisional (grid incomplete)` : v);
  // while a grid fills, compare methods only at lengths where each of them has records
  const comparable = (methods: string[]) => lengths.filter((l) => methods.every((m) => tally(m, l).runs > 0));
  // A length where no run of any method succeeded within the budget cannot tell the methods apart:
  // the main claim is judged at the longest length where some run did.
  const all3 = comparable(['sgd-cr', 'sgd-c', 'sgd']);
  const anySuccess = (l: number) => ['sgd-cr', 'sgd-c', 'sgd'].some((m) => tally(m, l).wins > 0);
  const longest = all3.filter(anySuccess).at(-1) ?? all3.at(-1) ?? lengths[lengths.length - 1];
  const silent = all3.filter((l) => l > longest);
  const [cr, c, plain] = ['sgd-cr', 'sgd-c', 'sgd'].map((m) => tally(m, longest));
  const best = rate(c) >= rate(plain) ? c : plain;
  const gaps = comparable(['sgd-c', 'sgd']).map((length) => ({
    length,
    c: tally('sgd-c', length),
    plain: tally('sgd', length),
  }));
  return [
    {
      claim: 'SGD-CR succeeds where SGD and SGD-C fail at long lengths (Fig. 7)',
      evidence,
      shows:
        `at L = ${longest}, all inits: SGD-CR ${of(cr)}, SGD-C ${of(c)}, SGD ${of(plain)}; SGD-CR against the better of the others: ${fisherText(cr, best)}` +
        (silent.length === 0
          ? ''
          : `; at L = ${silent.join(' and ')} no run of any method succeeded within the budget`),
      verdict: mark(longLengthVerdict(cr, best)),
    },
    {
      claim: 'clipping matters more as the length grows (Fig. 7)',
      evidence,
      shows: `SGD-C against SGD, all inits: ${gaps.map((g) => `${of(g.c)} vs ${of(g.plain)} at L = ${g.length}`).join(', ')}`,
      verdict: mark(clippingVerdict(gaps)),
    },
  ];
}

/** Successes out of runs, for one method at one length. */
export interface Tally {
  readonly wins: number;
  readonly runs: number;
}

/** A one-sided Fisher p below this counts as a lead that is unlikely to be luck. */
export const SIGNIFICANT = 0.05;

const of = (t: Tally) => `${t.wins} of ${t.runs}`;
const rate = (t: Tally) => t.wins / Math.max(1, t.runs);
const pOf = (a: Tally, b: Tally) => (a.runs > 0 && b.runs > 0 ? fisherOneSided(a.wins, a.runs, b.wins, b.runs) : 1);
const fisherText = (a: Tally, b: Tally) => `one-sided Fisher p = ${sig3(pOf(a, b))}`;
const sig3 = (p: number) => Number(p.toPrecision(3)).toString();

/**
 * Fig. 7's main claim at the longest recorded length where some run of some method succeeded
 * (beyond it the budget, not the method, decides): reproduced when SGD-CR has more successes
 * than the better of SGD and SGD-C, the lead is significant (one-sided Fisher p < 0.05), and SGD-CR
 * solves at least half of its runs; a lead short of that is "partly", with what is missing.
 */
export function longLengthVerdict(cr: Tally, best: Tally): string {
  if (cr.wins * best.runs <= best.wins * cr.runs) return 'not reproduced';
  const missing = [
    ...(pOf(cr, best) < SIGNIFICANT ? [] : [`the lead is not significant (p ≥ ${SIGNIFICANT})`]),
    ...(2 * cr.wins >= cr.runs ? [] : [`SGD-CR itself solves only ${of(cr)} within the budget`]),
  ];
  return missing.length === 0 ? 'reproduced' : `partly: ${missing.join('; ')}`;
}

/**
 * "Clipping matters more as the length grows": SGD-C's lead over SGD at some longer length exceeds
 * its lead at the shortest, and that lead is significant (one-sided Fisher p < 0.05); a larger lead
 * that is not significant is "partly". Every length is looked at, so a budget too short for any
 * method at the longest length does not hide a lead at a middle one.
 */
export function clippingVerdict(gaps: readonly { length: number; c: Tally; plain: Tally }[]): string {
  if (gaps.length < 2) return 'one length only';
  const lead = (g: (typeof gaps)[number]) => rate(g.c) - rate(g.plain);
  const [first, ...longer] = gaps;
  const widest = longer.reduce((w, g) => (lead(g) > lead(w) ? g : w));
  if (lead(widest) <= lead(first)) return 'not reproduced';
  const p = pOf(widest.c, widest.plain);
  const where = `widest lead at L = ${widest.length}, one-sided Fisher p = ${sig3(p)}`;
  return p < SIGNIFICANT ? `reproduced (${where})` : `partly: the lead grows but is not significant (${where})`;
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
    const budget = largestBudget(x);
    return {
      claim: `SGD-CR solves ${t} (paper: ${PAPER_TASK_SUCCESSES[t]}/5)`,
      evidence,
      shows: records.length === 0 ? '–' : `${count(records)}/${records.length} within ${budget} updates`,
      verdict:
        records.length === 0
          ? 'waiting for records'
          : partial(x, taskVerdict(PAPER_TASK_SUCCESSES[t], count(records), records.length, budget)),
    };
  });
}

/**
 * A task's verdict: reproduced with at least the paper's successes (or every run, while fewer than
 * the paper's count are recorded); partly with some successes short of that; not reproduced with none.
 *
 * @example
 * taskVerdict(5, 4, 5, '200,000'); // 'partly: 4 of 5 within 200,000 updates, the paper 5 of 5'
 */
export function taskVerdict(paper: number, wins: number, runs: number, budget: string): string {
  if (wins >= Math.min(paper, runs)) return 'reproduced';
  if (wins > 0) return `partly: ${wins} of ${runs} within ${budget} updates, the paper ${paper} of 5`;
  return `not reproduced within ${budget} updates`;
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

/** Whether the models of a generalisation experiment succeed and make no error at every evaluated length. */
function generalises(x: ExperimentResults): { shows: string; verdict: string } {
  const longest = x.experiment.evaluate?.lengths.at(-1) ?? '';
  const general = x.records.filter(
    (r) => succeededRun(r) && r.evaluations.length > 0 && r.evaluations.every((e) => e.wrong === 0),
  );
  const budget = largestBudget(x);
  return {
    shows: `${count(x.records)}/${x.records.length} succeeded; ${general.length} with no error at every evaluated length up to ${longest}`,
    verdict: partial(x, generalisationVerdict(x.records.length, count(x.records), general.length, budget)),
  };
}

function generalisationClaims(x: ExperimentResults | undefined, on: ExperimentResults | undefined): ClaimRow[] {
  const evidence = 'generalisation (§6)';
  const claims = [
    'a basic-tanh model trained on lengths 50..200 succeeds (5/5) and makes no error up to 5,000 steps',
    'the sample run first went under 1% after about 280,000 updates',
  ];
  const trainedOn =
    on === undefined
      ? []
      : [
          {
            claim: 'the same, training on past the first success as the sample run did',
            evidence: 'generalisation-on (§6)',
            ...(on.records.length === 0 ? { shows: '–', verdict: waiting(on) } : generalises(on)),
          },
        ];
  if (x === undefined || x.records.length === 0)
    return [...claims.map((claim) => ({ claim, evidence, shows: '–', verdict: waiting(x) })), ...trainedOn];
  const m = median(x.records.flatMap((r) => (r.solvedAt === null ? [] : [r.solvedAt])));
  const budget = largestBudget(x);
  return [
    { claim: claims[0], evidence, ...generalises(x) },
    ...trainedOn,
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
 * The generalisation claim: reproduced when every run succeeded and made no error at every evaluated
 * length; partly when some runs succeeded (saying how many also generalised); not reproduced when
 * none succeeded within the budget.
 *
 * @example
 * generalisationVerdict(5, 5, 3, '300,000'); // 'partly: 5 of 5 succeeded, 3 of them with no error at every evaluated length'
 */
export function generalisationVerdict(runs: number, succeeded: number, general: number, budget: string): string {
  if (general === runs) return 'reproduced';
  if (succeeded > 0)
    return `partly: ${succeeded} of ${runs} succeeded, ${general} of them with no error at every evaluated length`;
  return `not reproduced within ${budget} updates`;
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
    ...generalisationClaims(x('generalisation'), x('generalisation-on')),
  ];
}
