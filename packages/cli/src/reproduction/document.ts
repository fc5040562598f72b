/**
 * @file docs/REPRODUCTION.md as a pure function of the committed results: the same records give
 * the same text, byte for byte, so a test can regenerate it and fail on any difference. Numbers
 * come from records (runs, the analysis record) and from the committed compute plans; the prose
 * around them is fixed here and never quotes a number of its own.
 */
import { formatCount } from '../numbers.js';
import { markdownTable } from '../report.js';
import { SIGNIFICANT, claimRows } from './claims.js';
import { experimentCommandLine, lengthLabel } from './format.js';
import type { ExperimentResults, Results } from './results.js';
import { analysisSection, figure7Section, generalisationSection, omegaSection, tasksSection } from './sections.js';
import { departures } from './settings.js';
import type { Plan } from '../experiments/plan.js';
import { median } from '../stats.js';

/** The command that regenerates the document (and its figures). */
export const REPRODUCTION_COMMAND = 'npx --yes pnpm@10.34.8 run reproduction';

/** The figure files of an experiment, relative to docs/, when it has records to draw. */
export function figureLinks(x: ExperimentResults | undefined): string[] {
  if (x === undefined || x.records.length === 0) return [];
  const name = x.experiment.name;
  if (name === 'figure7' || name === 'figure7-long')
    return [
      `![success rate over the recorded seeds against length, one panel per initialisation](results/${name}/success.png)`,
    ];
  if (name === 'omega-effect')
    return [
      `![‖δ_k‖/‖δ_T‖ against k at the start and the end of training](results/${name}/profiles.png)`,
      `![steps in the past over training](results/${name}/steps-in-past.png)`,
    ];
  return [];
}

function section(
  title: string,
  x: ExperimentResults | undefined,
  body: (x: ExperimentResults) => string,
  level = '##',
): string {
  if (x === undefined) return `${level} ${title}\n\nNo experiment is defined for this yet.`;
  return [`${level} ${title}`, x.experiment.purpose, body(x), ...figureLinks(x)].join('\n\n');
}

/** What validation costs against training, from a plan: the justification of the protocol's interval. */
function validationCost(plan: Plan | null, x: ExperimentResults | undefined): string {
  if (plan === null || x === undefined) return 'No compute plan is committed yet for Figure 7.';
  const c = x.experiment.config;
  const shares = plan.rates.map((r) => 1 - r.effective / r.updatesPerSecond);
  const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
  return (
    `Validation every ${formatCount(c.validateEvery ?? 0)} updates on ${formatCount(c.validationSequences ?? 0)} fresh sequences: measured on this machine, ` +
    `one validation costs a median of ${pct(median(shares) ?? 0)} of the training time between two validations over the ${shares.length} kinds of cell ` +
    `of the ${plan.experiment} plan (below; single measurements under this load range from ${pct(Math.min(...shares))} to ${pct(Math.max(...shares))}), and resolves the update of success to within ${formatCount(c.validateEvery ?? 0)}, ` +
    `${pct((c.validateEvery ?? 0) / Math.min(...Object.values(x.experiment.budgets)))} of the smallest budget. A validation under 1% is then confirmed on ${formatCount(c.confirmSequences ?? 0)} fresh sequences, ` +
    'so a lucky small sample costs one confirmation, never a false success.'
  );
}

/** The experiments the document has sections for, in its order, then any others by name. */
const ORDER = ['figure7', 'figure7-long', 'tasks', 'omega-effect', 'generalisation', 'generalisation-on'];

function inDocumentOrder(results: Results): ExperimentResults[] {
  const rank = (name: string) => (ORDER.includes(name) ? ORDER.indexOf(name) : ORDER.length);
  return [...results.experiments.values()].sort(
    (a, b) => rank(a.experiment.name) - rank(b.experiment.name) || a.experiment.name.localeCompare(b.experiment.name),
  );
}

/** The speeds a plan measured, as a table. */
export function planTable(plan: Plan): string {
  const rows = plan.rates.map((r) => [
    r.task,
    r.init,
    r.method,
    lengthLabel(r.length),
    r.updatesPerSecond.toFixed(1),
    r.best.toFixed(1),
    r.effective.toFixed(1),
  ]);
  return markdownTable(
    ['task', 'init', 'method', 'L', 'updates/s (median of 5 bursts)', 'fastest burst', 'with validation'],
    rows,
  ).trimEnd();
}

function computeSection(results: Results): string {
  const parts = [
    '## 9. Compute',
    `Each experiment measures this machine before it starts (\`tapegrad experiment DIR --plan-only\` measures without running) and commits the plan (\`plan.json\`): single-run speeds in short timed trials, and the worst case if no run stopped before its budget.`,
  ];
  for (const x of inDocumentOrder(results)) {
    const p = x.plan;
    if (p === null) {
      parts.push(`**${x.experiment.name}**: no plan committed yet.`);
      continue;
    }
    const m = p.machine;
    parts.push(
      `**${x.experiment.name}**: measured at commit ${p.commit?.slice(0, 7) ?? 'unknown'}${p.dirty ? '+dirty' : ''} on ${m.cpu} (${m.cores} cores, Node ${m.node}) under load ${m.load.join(', ')} ` +
        `(1, 5, 15 minutes; timings under load are lower than on a quiet machine); worst case ${p.cpuHoursWorst} CPU hours for ${p.todo} runs, about ${p.wallHoursWorst} h on ${p.workers} worker${p.workers === 1 ? '' : 's'}.`,
    );
    parts.push(planTable(p));
  }
  return parts.join('\n\n');
}

/**
 * The whole document.
 *
 * @example
 * writeFileSync('docs/REPRODUCTION.md', reproductionDocument(loadResults('docs/results')));
 */
export function reproductionDocument(results: Results): string {
  const x = (name: string) => results.experiments.get(name);
  const ordered = inDocumentOrder(results);
  const status = ordered.map((e) => [
    `[${e.experiment.name}](results/${e.experiment.name}/experiment.json)`,
    e.experiment.title,
    `${e.cells.length - e.missing} of ${e.cells.length}`,
    `\`${experimentCommandLine(e.experiment.name)}\``,
  ]);
  const claims = claimRows(results).map((r) => [r.claim, r.evidence, r.shows, r.verdict]);
  const flags = ordered.flatMap((e) => departures(e.experiment));
  const parts = [
    '# Reproducing Pascanu, Mikolov & Bengio (2013) with tapegrad',
    `This file is generated from the committed records under [docs/results](results/) by \`${REPRODUCTION_COMMAND}\`, which also draws its figures; ` +
      '`npm test` regenerates the text and fails on any difference, so edit the records or the generator (packages/cli/src/reproduction/), never this file. ' +
      "The paper's facts it compares with are in [PAPER.md](PAPER.md).",
    "Success everywhere means the paper's criterion: a run succeeds when a validation on fresh sequences is under 1% wrong, a confirmation on " +
      '10,000 fresh sequences is under 1% too (the update recorded as its success), and the final test on 10,000 more is under 1%. ' +
      'Intervals are 95% Wilson intervals of the success rate over the recorded seeds.',
    '## Experiments and their state',
    markdownTable(['experiment', 'what', 'runs recorded', 'command'], status).trimEnd(),
    'A grid runs on both cores, seed by seed (seed 1 of every cell first, the longest runs first within a seed), and each record is committed as its run ends (`--commit`); the same command continues an ' +
      'interrupted grid here or, with the records, on another machine. Where a grid is incomplete its section says how many runs are missing.',
    '## 1. The default run is a demonstration',
    '`npm start` runs `tapegrad story` in about three minutes: gradient flow at initialisation, the single-unit surface, the geometry of eqs. 11–14, and a quick ' +
      'SGD / SGD-C / SGD-CR comparison at small sizes and a learning rate chosen to separate the methods within 2,000 updates. That comparison ' +
      "shows how fast learning starts, not whether the paper's protocol succeeds; its report prints the recorded Figure 7 (§2) beside it, " +
      'and it is not a result of this document.',
    section('2. Figure 7: temporal order at L = 20, 50 and 100', x('figure7'), figure7Section),
    section('3. Figure 7 at L = 150 and 200', x('figure7-long'), figure7Section),
    section('4. The other five tasks', x('tasks'), tasksSection),
    section('5. What Ω does to the error signal', x('omega-effect'), omegaSection),
    section('6. Generalisation to 5,000 steps', x('generalisation'), generalisationSection),
    section('Training on past the first success', x('generalisation-on'), generalisationSection, '###'),
    `## 7. Without training: gradient flow and the geometry of eqs. 11–14\n\n${analysisSection(results.analysis)}`,
    "## 8. The paper's claims, point by point",
    `Each verdict is computed from the records by the rule in packages/cli/src/reproduction/claims.ts; "provisional" marks a grid with runs still missing. Where one method's successes are compared with another's over a few seeds, a lead counts only when a one-sided Fisher exact test puts the chance of it being luck below ${SIGNIFICANT}.`,
    markdownTable(['claim', 'records', 'what they show', 'verdict'], claims).trimEnd(),
    '### Settings that differ from PAPER.md',
    markdownTable(['experiment', 'setting', 'here', 'paper'], flags).trimEnd(),
    `## 9. The protocol's cost\n\n${validationCost(x('figure7')?.plan ?? null, x('figure7'))}`,
    computeSection(results).replace('## 9. Compute', '### Speeds measured'),
    '## 10. Withdrawn',
    'The former §2 ("longer runs at the paper\'s sizes") and §3 (generalisation in a small setting) quoted numbers typed in by hand from runs ' +
      "without records; a re-run of §2's own command disagreed with them (issue 11). They are withdrawn; §2, §5 and §6 replace them with recorded runs.",
  ];
  return `${parts.join('\n\n')}\n`;
}
