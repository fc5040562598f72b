/**
 * @file The numbers of the vanishing-and-exploding section: a network drawn with one of the paper's
 * initialisations, one batch of temporal-order sequences, and for W_rec scaled by s the per-step
 * error-signal norms ‖δ_k‖ (@tapegrad/rnn's errorSignals), λ1, γ and the paper's verdict
 * (recurrentConditions), and the bound ‖δ_T‖·η^(T−k) that λ1 implies.
 */
import { Rng, mul } from '@tapegrad/autodiff';
import {
  errorSignals,
  initRnn,
  makeTask,
  recurrentConditions,
  type InitName,
  type RecurrentConditions,
  type RnnParams,
  type Activation,
  type SequenceBatch,
  type HeadName,
} from '@tapegrad/rnn';

/** The network and batch the section analyses; drawn once per initialisation. */
export interface FlowSubject {
  readonly init: InitName;
  readonly params: RnnParams;
  readonly activation: Activation;
  readonly head: HeadName;
  readonly batch: SequenceBatch;
  /** λ1 of the unscaled W_rec: λ1 of s·W_rec is s·λ1, so the verdict changes at s = 1/(γ·λ1). */
  readonly lambda1: number;
  readonly gamma: number;
}

/** The section's fixed sizes: the README's worked example (50 units, 20 sequences of length 50). */
export const FLOW_SIZES = { hidden: 50, length: 50, batch: 20, seed: 1 } as const;

/**
 * Draws the network (seed 1) and one batch (seed 1) of temporal-order sequences.
 *
 * @example
 * const subject = flowSubject('smart-tanh');
 * subject.lambda1; // λ1 of the drawn W_rec (about 1.77: far above its spectral radius, 0.95)
 */
export function flowSubject(init: InitName): FlowSubject {
  const task = makeTask('temporal-order', { minLength: FLOW_SIZES.length });
  const { params, activation } = initRnn({
    nIn: task.nIn,
    nHidden: FLOW_SIZES.hidden,
    nOut: task.nOut,
    init,
    seed: FLOW_SIZES.seed,
  });
  const batch = task.sample(new Rng(FLOW_SIZES.seed), FLOW_SIZES.batch);
  const c = recurrentConditions(params.W_rec, activation);
  return { init, params, activation, head: task.head, batch, lambda1: c.lambda1, gamma: c.gamma };
}

/** What the section shows for one scale. */
export interface FlowResult {
  readonly scale: number;
  /** ‖δ_k‖ averaged over the batch, k = 1..T (index k − 1). */
  readonly norms: Float64Array;
  /** ‖δ_T‖·η^(T−k), k = 1..T: the bound the conditions give (only the last step has a loss). */
  readonly bound: Float64Array;
  readonly conditions: RecurrentConditions;
  readonly stepsInPast: number;
}

/**
 * Error-signal norms and the paper's conditions for W_rec scaled by `scale`.
 *
 * @example
 * flowAt(flowSubject('smart-tanh'), 0.5).conditions.verdict; // 'vanish'
 */
export function flowAt(subject: FlowSubject, scale: number): FlowResult {
  const params = { ...subject.params, W_rec: mul(subject.params.W_rec, scale) };
  const s = errorSignals(params, subject.batch, { activation: subject.activation, head: subject.head });
  const conditions = recurrentConditions(params.W_rec, subject.activation);
  const norms = s.stats.meanNorms;
  const T = norms.length;
  // With the loss at the last step only, δ_k = δ_{k+1}·∂x_{k+1}/∂x_k and ‖∂x_{k+1}/∂x_k‖ ≤ η, so ‖δ_k‖ ≤ ‖δ_T‖·η^(T−k).
  const bound = Float64Array.from({ length: T }, (_, i) => norms[T - 1] * conditions.eta ** (T - 1 - i));
  return { scale, norms, bound, conditions, stepsInPast: s.stats.stepsInPast };
}
