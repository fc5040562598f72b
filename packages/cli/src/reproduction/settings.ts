/**
 * @file Where the committed experiments depart from the paper's settings (docs/PAPER.md), listed
 * from their definitions so that a change to a definition changes the list: budgets, set sizes and
 * the success rule always; when training stops before a long-length evaluation; learning rate,
 * sizes, clipping, α, Ω's form, initialisation and seeds whenever they differ.
 */
import type { TrainConfig } from '@tapegrad/rnn';
import { formatCount } from '../numbers.js';
import type { Experiment } from '../experiments/definition.js';
import { lengthLabel } from './format.js';

/** The paper's training settings (docs/PAPER.md, "Training protocol"). */
export const PAPER_SETTINGS = {
  hidden: 50,
  batchSize: 20,
  learningRate: 0.01,
  clipThreshold: 1,
  alpha: 4,
  omegaForm: 'paper',
  maxUpdates: 5_000_000,
  testSequences: 10_000,
  seeds: 5,
} as const;

const LABELS: Readonly<Record<string, string>> = {
  hidden: 'hidden units',
  batchSize: 'minibatch',
  learningRate: 'learning rate',
  clipThreshold: 'clipping threshold',
  alpha: 'α',
  omegaForm: "Ω's form",
};

/**
 * The rows [experiment, setting, here, paper] of every departure.
 *
 * @example
 * departures(readExperiment('docs/results/figure7')); // [['figure7', 'update budget', ...], ...]
 */
export function departures(e: Experiment): string[][] {
  const rows: string[][] = [];
  const c = e.config as Required<TrainConfig>;
  const budgets = Object.entries(e.budgets)
    .map(([l, b]) => `${formatCount(b)} at L = ${lengthLabel(l)}`)
    .join(', ');
  rows.push([
    e.name,
    'update budget',
    c.stopOnSuccess === false ? `${budgets}, training on after success` : `${budgets}, or until success`,
    `up to ${formatCount(PAPER_SETTINGS.maxUpdates)}`,
  ]);
  const validation =
    c.validation === 'fresh'
      ? `${formatCount(c.validationSequences)} fresh sequences every ${formatCount(c.validateEvery)} updates; under 1% is confirmed on ${formatCount(c.confirmSequences)} fresh sequences; then a test on ${formatCount(e.test.sequences)} more`
      : `a fixed set of ${formatCount(c.validationSequences)} every ${formatCount(c.validateEvery)} updates; a test on ${formatCount(e.test.sequences)} fresh sequences`;
  rows.push([
    e.name,
    'success rule and set sizes',
    validation,
    `< 1% wrong of ${formatCount(PAPER_SETTINGS.testSequences)} fresh sequences; how often and on what it validated is not stated`,
  ]);
  for (const [key, label] of Object.entries(LABELS)) {
    const paper = PAPER_SETTINGS[key as keyof typeof PAPER_SETTINGS];
    const here = (c as unknown as Record<string, unknown>)[key];
    if (here !== undefined && here !== paper) rows.push([e.name, label, `${here}`, `${paper}`]);
  }
  if (e.evaluate !== undefined && c.stopOnSuccess !== false)
    rows.push([
      e.name,
      'training before the evaluation at long lengths',
      'stops at the first confirmed success',
      'not stated (the sample run first went under 1% after about 280,000 updates)',
    ]);
  if (e.grid.seeds.length !== PAPER_SETTINGS.seeds)
    rows.push([e.name, 'seeds per cell', `${e.grid.seeds.length}`, `${PAPER_SETTINGS.seeds}`]);
  const temporal = e.grid.tasks.every((t) => t === 'temporal-order');
  if (!temporal) rows.push([e.name, 'initialisation', e.grid.inits.join(', '), 'not stated for these tasks']);
  return rows;
}
