/**
 * @file Truncated BPTT(k1, k2) (Williams & Peng): every k1 steps, the losses of those k1 steps are
 * backpropagated at most k2 steps into the past. Written as an objective of its own, so that its
 * gradient is an ordinary gradient and can be checked against finite differences:
 *
 *   J(θ; a) = Σ_j Σ_{s ∈ (e_j − k1, e_j]} E_s( x_s recomputed with θ from the anchor a_{b_j} )
 *
 * with chunk ends e_j = k1, 2k1, … (and T), start b_j = max(0, e_j − k2), and anchors a_0..a_T the
 * states of a forward pass at fixed parameters θ̄, held constant. A chunk starting at 0 starts from
 * the model's own x_0 (so x0 still learns). At θ = θ̄ the recomputed states equal the anchors, so
 * J equals the full loss E, and ∇_θ J is exactly the truncated BPTT gradient.
 */
import { ValueError, detach, noGrad, type Tensor } from '@tapegrad/autodiff';
import type { Activation } from './cell.js';
import { checkCall, type PreparedBatch, type RnnConfig, type RnnParams, type SequenceBatch } from './batch.js';
import type { Head } from './heads.js';
import { initialState, lossOfPrepared, stepLoss, sumLosses, unroll } from './model.js';

/** Truncation lengths: k1 steps between backward passes, k2 ≥ k1 steps backpropagated. */
export interface Truncation {
  k1: number;
  k2: number;
}

/**
 * Checks k1 ≥ 1 and k2 ≥ k1 (integers): with k2 < k1 some losses of a chunk would lie before the
 * chunk's own start.
 */
export function checkTruncation(op: string, truncation: Truncation): void {
  const { k1, k2 } = truncation ?? ({} as Truncation);
  if (!Number.isInteger(k1) || k1 < 1 || !Number.isInteger(k2) || k2 < k1) {
    throw new ValueError(op, 'config.truncation', `needs integers k1 ≥ 1 and k2 ≥ k1, got k1 = ${k1}, k2 = ${k2}`);
  }
}

/**
 * J(θ; anchors) above. `anchors` are x_0..x_T from a forward pass (constants); null computes them
 * at `params` without recording. Its value equals {@link rnnLoss}; its gradient is TBPTT(k1, k2).
 *
 * @example
 * const anchors = noGrad(() => forward(params, batch.inputs, { activation: 'tanh' }).states);
 * const J = (p: RnnParams) => truncatedLoss(p, anchors, batch, { activation: 'tanh', head: 'softmax-every', truncation: { k1: 5, k2: 10 } });
 * gradCheck((...leaves) => J(rebuild(leaves)), leaves); // TBPTT gradient = finite differences of J
 */
export function truncatedLoss(
  params: RnnParams,
  anchors: readonly Tensor[] | null,
  batch: SequenceBatch,
  config: RnnConfig,
): Tensor {
  const op = 'truncatedLoss';
  const { activation, head, prepared } = checkCall(op, params, batch, config);
  if (config.truncation === undefined) throw new ValueError(op, 'config.truncation', 'is required: { k1, k2 }');
  checkTruncation(op, config.truncation);
  if (anchors !== null && (!Array.isArray(anchors) || anchors.length !== prepared.length + 1)) {
    throw new ValueError(
      op,
      'anchors',
      `must hold the T + 1 = ${prepared.length + 1} states x_0..x_T, got ${Array.isArray(anchors) ? anchors.length : typeof anchors}`,
    );
  }
  return truncatedLossOfPrepared(params, anchors, prepared, activation, head, config.truncation);
}

/** {@link truncatedLoss} on a checked batch. */
export function truncatedLossOfPrepared(
  params: RnnParams,
  anchors: readonly Tensor[] | null,
  prepared: PreparedBatch,
  activation: Activation,
  head: Head,
  { k1, k2 }: Truncation,
): Tensor {
  const T = prepared.length;
  const fixed =
    anchors ??
    noGrad(() => {
      const states: Tensor[] = [];
      lossOfPrepared(params, prepared, activation, head, null, states);
      return states;
    });
  const losses: Tensor[] = [];
  for (let end = Math.min(k1, T), last = 0; last < T; last = end, end = Math.min(end + k1, T)) {
    const start = Math.max(0, end - k2);
    const x = start === 0 ? initialState(params, prepared.batchSize) : detach(fixed[start]);
    const chunkFirstLoss = last + 1;
    unroll(params, prepared.steps, activation, x, start, end, (t, _x, h) => {
      if (t < chunkFirstLoss) return;
      const e = stepLoss(params, prepared, head, t, h);
      if (e !== null) losses.push(e);
    });
  }
  return sumLosses(losses);
}
