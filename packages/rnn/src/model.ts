/**
 * @file The unrolled RNN of eq. (2): `forward` (states and outputs), the loss of a checked batch
 * (what `rnnLoss` and truncated BPTT build on) and `transition`, the step function F(x_k, u_{k+1})
 * that the Ω regularizer differentiates. Examples are rows: x_t is [B, n] and
 *   x_t = σ(x_{t−1})·W_recᵀ + u_t·W_inᵀ + b      (eq. 2, transposed)
 *   y_t = σ(x_t)·W_outᵀ + b_out
 */
import {
  ShapeError,
  Tensor,
  ValueError,
  add,
  broadcastTo,
  concat,
  index,
  matmulT,
  mul,
  reshape,
  stack,
  zeros,
} from '@tapegrad/autodiff';
import { applyActivation, checkActivation, rnnCell, type Activation } from './cell.js';
import { checkParams, inputSteps, type PreparedBatch, type RnnParams } from './batch.js';
import { outputsEveryStep, softmaxCrossEntropyRows, squaredErrorRows, type Head } from './heads.js';
import { rnnSequence } from './sequence.js';

/** What {@link forward} returns. */
export interface RnnForward {
  /** x_0 … x_T, each [B, n] (pre-activation states, as in the paper). */
  states: Tensor[];
  /** y_t = W_out·σ(x_t) + b_out, [B, n_out]: for every t = 1..T (outputs[t − 1]) or only the last. */
  outputs: Tensor[];
}

/** x_0 as a [B, n] tensor: the learned `x0` broadcast over the batch, or zeros. */
export function initialState(params: RnnParams, batchSize: number): Tensor {
  const n = params.W_rec.shape[0];
  if (params.x0 === undefined) return zeros([batchSize, n]);
  return broadcastTo(reshape(params.x0, [1, n]), [batchSize, n]);
}

/** y = h·W_outᵀ + b_out for hidden activations h [B, n]. */
export function outputLayer(params: RnnParams, h: Tensor): Tensor {
  return add(matmulT(h, params.W_out, false, true), params.b_out);
}

/**
 * Runs steps `from + 1 … to` (1-based) from state `x` and calls `visit(t, x_t, σ(x_t))` after each.
 * This loop is the whole forward pass: two tape ops per step. `stateOffsets[t − 1]` (zeros in
 * value), when given, is added to x_t so that ∂E/∂offset_t = ∂E/∂x_t: how error signals are read.
 */
export function unroll(
  params: RnnParams,
  steps: readonly Tensor[],
  activation: Activation,
  x: Tensor,
  from: number,
  to: number,
  visit: (t: number, x: Tensor, h: Tensor) => void,
  stateOffsets: readonly Tensor[] | null = null,
): void {
  let h = applyActivation(activation, x);
  for (let t = from + 1; t <= to; t++) {
    let next = rnnCell(h, params.W_rec, steps[t - 1], params.W_in, params.b);
    if (stateOffsets !== null) next = add(next, stateOffsets[t - 1]);
    h = applyActivation(activation, next);
    visit(t, next, h);
  }
}

/**
 * The loss E_t of step t (1-based) given σ(x_t), or null when the head has no loss there. Weights
 * make the sum over t the head's loss: 'softmax-every' is the mean over steps and batch.
 */
export function stepLoss(params: RnnParams, prepared: PreparedBatch, head: Head, t: number, h: Tensor): Tensor | null {
  const T = prepared.length;
  if (typeof head === 'object') return head.perStep(outputLayer(params, h), t);
  if (head === 'softmax-every') {
    const ce = softmaxCrossEntropyRows(outputLayer(params, h), prepared.classes!, (t - 1) * prepared.batchSize);
    return T === 1 ? ce : mul(ce, 1 / T);
  }
  if (t !== T) return null;
  const y = outputLayer(params, h);
  return head === 'softmax-last'
    ? softmaxCrossEntropyRows(y, prepared.classes!)
    : squaredErrorRows(y, prepared.target!);
}

/** Adds a list of scalar losses (null entries skipped); 0 when there is none. */
export function sumLosses(losses: readonly Tensor[]): Tensor {
  if (losses.length === 0) return new Tensor(new Float64Array(1), []);
  let total = losses[0];
  for (let i = 1; i < losses.length; i++) total = add(total, losses[i]);
  return total;
}

/**
 * Unrolls the network over a batch and returns every state x_0..x_T and the outputs.
 * `outputs: 'every'` computes y_t at every step; the default 'last' only y_T.
 *
 * @example
 * const { states, outputs } = forward(params, zeros([10, 2, 6]), { activation: 'tanh' });
 * states.length; // 11
 * outputs[0].shape; // [2, 4]
 */
export function forward(
  params: RnnParams,
  inputs: Tensor | readonly Tensor[],
  options: { activation: Activation; outputs?: 'last' | 'every' },
): RnnForward {
  const sizes = checkParams('forward', params);
  const activation = checkActivation('forward', options.activation);
  const every = options.outputs === 'every';
  if (options.outputs !== undefined && options.outputs !== 'last' && !every) {
    throw new ValueError(
      'forward',
      'options.outputs',
      `unknown value ${JSON.stringify(options.outputs)}; valid values: last, every`,
    );
  }
  const steps = inputSteps('forward', inputs, sizes.nIn);
  const T = steps.length;
  const states = [initialState(params, steps[0].shape[0])];
  const outputs: Tensor[] = [];
  unroll(params, steps, activation, states[0], 0, T, (t, x, h) => {
    states.push(x);
    if (every || t === T) outputs.push(outputLayer(params, h));
  });
  return { states, outputs };
}

/**
 * The full-BPTT loss of a checked batch, pushing x_0..x_T onto `collectStates` when given.
 * `stateOffsets` as in {@link unroll}.
 */
export function lossOfPrepared(
  params: RnnParams,
  prepared: PreparedBatch,
  activation: Activation,
  head: Head,
  stateOffsets: readonly Tensor[] | null = null,
  collectStates?: Tensor[],
): Tensor {
  const T = prepared.length;
  const x0 = initialState(params, prepared.batchSize);
  collectStates?.push(x0);
  const losses: Tensor[] = [];
  const everyStep = outputsEveryStep(head);
  const visit = (t: number, x: Tensor, h: Tensor): void => {
    collectStates?.push(x);
    if (!everyStep && t !== T) return;
    const e = stepLoss(params, prepared, head, t, h);
    if (e !== null) losses.push(e);
  };
  unroll(params, prepared.steps, activation, x0, 0, T, visit, stateOffsets);
  return sumLosses(losses);
}

/**
 * A batch's inputs as the one [T, B, n_in] tensor {@link rnnSequence} takes: a given tensor is data
 * (a fresh view, off any tape, as the per-step path's step views are); a list of step tensors is
 * stacked, so gradients still reach them.
 */
export function sequenceInputs(inputs: Tensor | readonly Tensor[], prepared: PreparedBatch): Tensor {
  return inputs instanceof Tensor ? new Tensor(inputs.data, inputs.shape) : stack(prepared.steps);
}

/**
 * The full-BPTT loss of a checked batch through {@link rnnSequence}: the T steps as one tape entry,
 * then σ and the head on the states that carry a loss. Same value and gradient as
 * {@link lossOfPrepared} to rounding; `inputs` from {@link sequenceInputs}. `offsets` [T, B, n] as
 * rnnSequence's; `collectStates` gets x_0..x_T, each [B, n].
 */
export function sequenceLossOfPrepared(
  params: RnnParams,
  prepared: PreparedBatch,
  inputs: Tensor,
  activation: Activation,
  head: Head,
  offsets?: Tensor,
  collectStates?: Tensor[],
): Tensor {
  const T = prepared.length;
  const n = params.W_rec.shape[0];
  const x0 = params.x0 === undefined ? zeros([1, n]) : reshape(params.x0, [1, n]);
  const X = rnnSequence(x0, params.W_rec, inputs, params.W_in, params.b, activation, offsets);
  if (collectStates !== undefined) {
    collectStates.push(initialState(params, prepared.batchSize));
    for (let t = 0; t < T; t++) collectStates.push(index(X, t));
  }
  if (!outputsEveryStep(head))
    return stepLoss(params, prepared, head, T, applyActivation(activation, index(X, T - 1)))!;
  // every step: one output layer over all T·B rows
  const Y = outputLayer(params, reshape(applyActivation(activation, X), [T * prepared.batchSize, n]));
  // the mean over steps of the per-step batch means is the mean over all T·B rows
  if (head === 'softmax-every') return softmaxCrossEntropyRows(Y, prepared.classes!);
  const Y3 = reshape(Y, [T, prepared.batchSize, Y.shape[1]]);
  const losses: Tensor[] = [];
  for (let t = 1; t <= T; t++) {
    const e = head.perStep(index(Y3, t - 1), t);
    if (e !== null) losses.push(e);
  }
  return sumLosses(losses);
}

/** At most this many state values (T·B·n) per call of the fused recurrence in {@link predictOutputs}: 16 MiB. */
export const PREDICT_STATE_VALUES = 1 << 21;

/**
 * The outputs of the network on an input tensor [T, B, n_in], for evaluation (off any tape; inside
 * a transform its ops record as usual): y_T [B, n_out], or with `outputs: 'every'` y_1..y_T as
 * [T·B, n_out] (step-major rows, what memorization's evaluation reads). The fused recurrence ({@link rnnSequence}: the wasm kernel when it is loaded) runs over
 * chunks of steps whose states fit in `maxStateValues`, each starting from the last state of the one
 * before, so a length of 5,000 costs a chunk's memory, not all T states. Same values as
 * {@link forward} to rounding (the kernel may add in another order).
 *
 * @example
 * predictOutputs(params, inputs, 'tanh').shape; // [B, n_out]
 */
export function predictOutputs(
  params: RnnParams,
  inputs: Tensor,
  activation: Activation,
  outputs: 'last' | 'every' = 'last',
  maxStateValues = PREDICT_STATE_VALUES,
): Tensor {
  const sizes = checkParams('predictOutputs', params);
  const sigma = checkActivation('predictOutputs', activation);
  const [T, B, nIn] = inputs instanceof Tensor ? inputs.shape : [];
  if (!(inputs instanceof Tensor) || inputs.rank !== 3 || nIn !== sizes.nIn || T < 1 || B < 1) {
    const got = inputs instanceof Tensor ? `[${inputs.shape.join(', ')}]` : typeof inputs;
    throw new ShapeError('predictOutputs', 'inputs', `must be [T ≥ 1, B ≥ 1, ${sizes.nIn}], got ${got}`);
  }
  if (outputs !== 'last' && outputs !== 'every') {
    const valid = 'valid values: last, every';
    throw new ValueError('predictOutputs', 'outputs', `unknown value ${JSON.stringify(outputs)}; ${valid}`);
  }
  if (!(Number.isInteger(maxStateValues) && maxStateValues >= 1)) {
    throw new ValueError('predictOutputs', 'maxStateValues', `must be an integer ≥ 1, got ${maxStateValues}`);
  }
  const n = sizes.nHidden;
  const chunk = Math.max(1, Math.floor(maxStateValues / (B * n)));
  let x = params.x0 === undefined ? zeros([1, n]) : reshape(params.x0, [1, n]);
  const every: Tensor[] = [];
  for (let t0 = 0; t0 < T; t0 += chunk) {
    const steps = Math.min(chunk, T - t0);
    const u = new Tensor(inputs.data.subarray(t0 * B * nIn, (t0 + steps) * B * nIn), [steps, B, nIn]);
    const X = rnnSequence(x, params.W_rec, u, params.W_in, params.b, sigma);
    x = index(X, steps - 1);
    if (outputs === 'every') every.push(outputLayer(params, reshape(applyActivation(sigma, X), [steps * B, n])));
  }
  if (outputs === 'last') return outputLayer(params, applyActivation(sigma, x));
  return every.length === 1 ? every[0] : concat(every, 0);
}

/**
 * The transition F(x_k, u_{k+1}, θ) = σ(x_k)·W_recᵀ + u_{k+1}·W_inᵀ + b of eq. (1)/(2), for batch-row
 * states [B, n] and inputs [B, n_in]: the `Transition` the Ω regularizer of @tapegrad/optim takes.
 *
 * @example
 * const F = transition('tanh');
 * F(states[0], inputs[0], params); // equals states[1]
 * omega({ transition: F, params, states, inputs, deltas, wrt: ['W_rec'] });
 */
export function transition(activation: Activation): (x: Tensor, u: Tensor, params: RnnParams) => Tensor {
  const sigma = checkActivation('transition', activation);
  return (x, u, params) => rnnCell(applyActivation(sigma, x), params.W_rec, u, params.W_in, params.b);
}
