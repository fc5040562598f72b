/**
 * @file `rnnLoss`: the loss of a batch as one scalar tensor. Full BPTT is `valueAndGrad` of it (the
 * tape's reverse walk over the unrolled steps); with `config.truncation` its gradient is truncated
 * BPTT(k1, k2).
 */
import { ValueError, type Tensor } from '@tapegrad/autodiff';
import { checkCall, type RnnConfig, type RnnParams, type SequenceBatch } from './batch.js';
import { lossOfPrepared, sequenceInputs, sequenceLossOfPrepared } from './model.js';
import { truncatedLossOfPrepared, checkTruncation } from './truncated.js';

/**
 * The loss E of a batch as a scalar tensor; differentiate it with `valueAndGrad` for full BPTT:
 *   const { value, grad } = valueAndGrad((p: RnnParams) => rnnLoss(p, batch, config))(params);
 * Heads: 'softmax-last' cross-entropy at step T, 'linear-last' squared error at step T (no ½),
 * 'softmax-every' cross-entropy at every step, averaged over steps; all averaged over the batch.
 * A per-step loss gives E = Σ_t E_t. With `config.truncation` the value is the same but the
 * gradient is truncated BPTT(k1, k2) (see {@link truncatedLoss}). Full BPTT runs the T steps as one
 * tape entry ({@link rnnSequence}); `config.fused: false` records two ops per step instead.
 *
 * @example
 * const loss = rnnLoss(params, { inputs: zeros([50, 20, 6]), targets: new Int32Array(20) }, { activation: 'tanh', head: 'softmax-last' });
 */
export function rnnLoss(params: RnnParams, batch: SequenceBatch, config: RnnConfig): Tensor {
  const op = 'rnnLoss';
  const { activation, head, prepared } = checkCall(op, params, batch, config);
  if (config.truncation !== undefined) {
    checkTruncation(op, config.truncation);
    return truncatedLossOfPrepared(params, null, prepared, activation, head, config.truncation);
  }
  if (!checkFused(op, config.fused)) return lossOfPrepared(params, prepared, activation, head);
  return sequenceLossOfPrepared(params, prepared, sequenceInputs(batch.inputs, prepared), activation, head);
}

/**
 * `config.fused` checked: true (the default) or false; anything else throws a ValueError.
 *
 * @example
 * checkFused('rnnLoss', undefined); // true
 */
export function checkFused(op: string, fused: unknown): boolean {
  if (fused === undefined) return true;
  if (typeof fused !== 'boolean')
    throw new ValueError(op, 'config.fused', `must be true or false, got ${String(fused)}`);
  return fused;
}
