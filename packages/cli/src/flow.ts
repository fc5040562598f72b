/**
 * @file Gradient flow of one network on one batch, as the command line reports it: per-step
 * error signal norms ‖∂E/∂x_k‖, "steps in the past", λ1, the spectral radius and the paper's
 * verdict. Used by `diagnose` and by the story's first part.
 */
import { Rng } from '@tapegrad/autodiff';
import {
  errorSignals,
  initRnn,
  makeTask,
  recurrentConditions,
  type Activation,
  type InitName,
  type RnnParams,
  type TaskName,
} from '@tapegrad/rnn';
import { formatNumber } from './numbers.js';

/** What {@link gradientFlow} measures. */
export interface FlowReport {
  readonly label: string;
  readonly length: number;
  readonly loss: number;
  /** ‖∂E/∂x_k‖ averaged over the batch, k = 1..T (index k − 1). */
  readonly norms: number[];
  /** ‖∂E/∂x_1‖ / ‖∂E/∂x_T‖: how much of the error signal reaches the first step. */
  readonly firstOverLast: number;
  readonly stepsInPast: number;
  readonly lambda1: number;
  readonly spectralRadius: number;
  readonly gamma: number;
  readonly verdict: string;
  readonly message: string;
}

/** A network to analyse: a fresh initialisation or given parameters (e.g. from a checkpoint). */
export type FlowSubject =
  | { readonly init: InitName; readonly seed: number; readonly hidden: number }
  | { readonly params: RnnParams; readonly activation: Activation; readonly label: string };

/**
 * Measures the gradient flow of `subject` on one batch of `task` at a fixed `length`.
 *
 * @example
 * const r = gradientFlow({ init: 'smart-tanh', seed: 1, hidden: 50 }, 'temporal-order', 100, 20, 7);
 * r.message; // 'λ1 = ... < 1/γ = 1: long-term components must vanish ...'
 */
export function gradientFlow(
  subject: FlowSubject,
  taskName: TaskName,
  length: number,
  batchSize: number,
  dataSeed: number,
): FlowReport {
  const task = makeTask(taskName, { minLength: length });
  const { params, activation, label } =
    'params' in subject
      ? subject
      : {
          ...initRnn({
            nIn: task.nIn,
            nHidden: subject.hidden,
            nOut: task.nOut,
            init: subject.init,
            seed: subject.seed,
          }),
          label: subject.init,
        };
  const batch = task.generate(new Rng(dataSeed), batchSize, length);
  const s = errorSignals(params, { inputs: batch.inputs, targets: batch.targets }, { activation, head: task.head });
  const norms = Array.from(s.stats.meanNorms);
  const c = recurrentConditions(params.W_rec, activation);
  return {
    label,
    length: norms.length,
    loss: s.loss.item(),
    norms,
    firstOverLast: norms[0] / norms[norms.length - 1],
    stepsInPast: s.stats.stepsInPast,
    lambda1: c.lambda1,
    spectralRadius: c.spectralRadius,
    gamma: c.gamma,
    verdict: c.verdict,
    message: c.message,
  };
}

/** The rows of a flow report for the ‖∂E/∂x_k‖ plot. */
export function flowRows(r: FlowReport): { init: string; k: number; norm: number }[] {
  return r.norms.map((norm, i) => ({ init: r.label, k: i + 1, norm }));
}

/** One terminal/Markdown table row of a flow report. */
export function flowTableRow(r: FlowReport): string[] {
  return [
    r.label,
    formatNumber(r.lambda1, 3),
    formatNumber(r.spectralRadius, 3),
    `${r.gamma}`,
    showRatio(r.firstOverLast),
    formatNumber(r.stepsInPast, 2),
    verdictWords(r.verdict),
  ];
}

/** The header matching {@link flowTableRow}. */
export const FLOW_TABLE_HEADER = ['network', 'λ1', 'ρ(W_rec)', 'γ', '‖δ_1‖/‖δ_T‖', 'steps in past', 'verdict'];

/** ‖δ_1‖/‖δ_T‖; a 0 means the entries of δ_1 themselves fell below the smallest float64 (~5e-324). */
function showRatio(v: number): string {
  return v === 0 ? '0 (underflow, < 5e-324)' : v.toExponential(1);
}

function verdictWords(v: string): string {
  if (v === 'vanish') return 'λ1 < 1/γ: vanishing guaranteed';
  if (v === 'may-explode') return 'λ1 > 1/γ: exploding possible';
  return 'λ1 = 1/γ: boundary';
}
