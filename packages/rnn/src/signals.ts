/**
 * @file Per-step error signals δ_k = ∂E/∂x_k, the total derivative of the loss with respect to each
 * state, read off the same reverse walk that gives the parameter gradient: a zero-valued offset is
 * added to every x_k, and ∂E/∂offset_k = ∂E/∂x_k. Plus what the paper monitors from them: their
 * norms per step, the one-step ratios ‖δ_{k+1}·∂x_{k+1}/∂x_k‖/‖δ_{k+1}‖ that Ω penalises, and the
 * original code's "steps in the past".
 */
import { Tensor, valueAndGrad, zeros, detach, index } from '@tapegrad/autodiff';
import { activationScalar, type Activation } from './cell.js';
import { checkCall, type RnnConfig, type RnnParams, type SequenceBatch } from './batch.js';
import { lossOfPrepared, sequenceInputs, sequenceLossOfPrepared } from './model.js';
import { checkFused } from './loss.js';

/** Below this ‖δ_k‖² a (step, example) pair carries no error signal (as in the original code). */
export const MIN_SIGNAL_SQUARED = 1e-20;

/** What {@link errorSignals} returns. */
export interface ErrorSignals {
  /** E, the batch loss (as rnnLoss, without truncation). */
  loss: Tensor;
  /** ∂E/∂θ by full BPTT, shaped like the parameters. */
  grads: RnnParams;
  /** x_0..x_T, each [B, n]. */
  states: Tensor[];
  /** u_1..u_T, each [B, n_in] (views of the batch's inputs): with states and deltas, what Ω takes. */
  inputs: Tensor[];
  /** δ_1..δ_T: deltas[k − 1] = ∂E/∂x_k, [B, n]. Includes the batch mean's 1/B. */
  deltas: Tensor[];
  /** Statistics of the deltas, see {@link signalStatistics} (computed when first read). */
  stats: SignalStatistics;
}

/** Norms and ratios of the error signals, per step k = 1..T and example b. */
export interface SignalStatistics {
  /** ‖δ_k‖ of each example: exampleNorms[k − 1][b]. */
  exampleNorms: Float64Array[];
  /** ‖δ_k‖ averaged over the batch: meanNorms[k − 1]. */
  meanNorms: Float64Array;
  /**
   * ratios[k][b] = ‖δ_{k+1}·∂x_{k+1}/∂x_k‖ / ‖δ_{k+1}‖ for k = 0..T−1 (the first transition x_0 → x_1
   * included), NaN where ‖δ_{k+1}‖² < 1e-20. Ω's paper form uses its square.
   */
  ratios: Float64Array[];
  /** The ratios averaged over the examples with a signal (NaN for a step without any). */
  meanRatios: Float64Array;
  /** Fraction of (step, example) pairs with ‖δ_k‖² ≥ 1e-20: the original code's "steps in the past". */
  stepsInPast: number;
}

/**
 * Loss, parameter gradient, states and error signals δ_k = ∂E/∂x_k of a batch, from one forward and
 * one backward pass, with their statistics. Called inside another transform, the deltas stay on its
 * tape (functions of θ), which is what Ω's exact gradient needs. Truncation in `config` is ignored:
 * these are the signals of the full objective.
 *
 * @example
 * const s = errorSignals(params, batch, { activation: 'tanh', head: 'softmax-last' });
 * s.stats.meanNorms;   // ‖δ_k‖ for k = 1..T: vanishing shows as a fast decay towards k = 1
 * s.stats.stepsInPast; // fraction of steps still reached by the error signal
 * omega({ transition: transition('tanh'), params, states: s.states, inputs: s.inputs, deltas: s.deltas, wrt: ['W_rec'] });
 */
export function errorSignals(params: RnnParams, batch: SequenceBatch, config: RnnConfig): ErrorSignals {
  const op = 'errorSignals';
  const { sizes, activation, head, prepared } = checkCall(op, params, batch, config);
  const fused = checkFused(op, config.fused);
  const T = prepared.length;
  const offsets = fused
    ? sharedZeros([T, prepared.batchSize, sizes.nHidden])
    : prepared.steps.map(() => zeros([prepared.batchSize, sizes.nHidden]));
  const inputs = fused ? sequenceInputs(batch.inputs, prepared) : null;
  let states: Tensor[] = [];
  const { value, grad } = valueAndGrad(
    (p: RnnParams, o: Tensor | Tensor[]) => {
      states = [];
      return inputs !== null
        ? sequenceLossOfPrepared(p, prepared, inputs, activation, head, o as Tensor, states)
        : lossOfPrepared(p, prepared, activation, head, o as Tensor[], states);
    },
    { argnums: [0, 1] },
  )(params, offsets);
  // Outside any transform the value comes back detached; then the states' tape is gone too.
  if (value.tape === null) states = states.map(detach);
  const [grads, offsetGrads] = grad as [RnnParams, Tensor | Tensor[]];
  // fused, ∂E/∂offsets is one [T, B, n] tensor: its steps (views, on the tape when nested)
  const deltas =
    offsetGrads instanceof Tensor ? Array.from({ length: T }, (_, t) => index(offsetGrads, t)) : offsetGrads;
  // The statistics cost another n² per (step, example); computed on first read, as a training loop needs only δ.
  let stats: SignalStatistics | null = null;
  const finalStates = states;
  return {
    loss: value,
    grads,
    states,
    inputs: prepared.steps,
    deltas,
    get stats() {
      return (stats ??= signalStatistics(params, activation, finalStates, deltas));
    },
  };
}

/**
 * One zero buffer for every call's offsets: they are only ever read (their gradient is what
 * counts), and a fresh [T, B, n] per update costs an allocation the size of the states.
 */
let zeroBuffer = new Float64Array(0);

function sharedZeros(shape: [number, number, number]): Tensor {
  const size = shape[0] * shape[1] * shape[2];
  if (zeroBuffer.length < size) zeroBuffer = new Float64Array(size);
  return new Tensor(zeroBuffer.subarray(0, size), shape);
}

/**
 * Norms of δ_k, the one-step ratios and "steps in the past" for given states x_0..x_T and
 * deltas δ_1..δ_T. The ratio's numerator is δ_{k+1}·W_rec·diag(σ'(x_k)), per example.
 *
 * @example
 * signalStatistics(params, 'tanh', states, deltas).meanRatios; // < 1 everywhere: shrinking signals
 */
export function signalStatistics(
  params: RnnParams,
  activation: Activation,
  states: readonly Tensor[],
  deltas: readonly Tensor[],
): SignalStatistics {
  const n = params.W_rec.shape[0];
  const W = params.W_rec.data;
  const sigma = activationScalar(activation);
  const T = deltas.length;
  const B = T > 0 ? deltas[0].shape[0] : 0;
  const exampleNorms: Float64Array[] = [];
  const meanNorms = new Float64Array(T);
  const ratios: Float64Array[] = [];
  const meanRatios = new Float64Array(T);
  const v = new Float64Array(n);
  let reached = 0;
  for (let k = 0; k < T; k++) {
    const d = deltas[k].data;
    const x = states[k].data;
    const norms = new Float64Array(B);
    const r = new Float64Array(B);
    let ratioSum = 0;
    let ratioCount = 0;
    for (let b = 0; b < B; b++) {
      norms[b] = scaledNorm(d, b * n, n);
      const d2 = norms[b] ** 2;
      meanNorms[k] += norms[b] / B;
      if (d2 < MIN_SIGNAL_SQUARED) {
        r[b] = NaN;
        continue;
      }
      reached++;
      // v_j = Σ_i δ_i·W_rec[i, j]·σ'(x_k[j]): one step of backpropagation through eq. (2)
      v.fill(0);
      for (let i = 0; i < n; i++) {
        const di = d[b * n + i];
        for (let j = 0; j < n; j++) v[j] += di * W[i * n + j];
      }
      let v2 = 0;
      for (let j = 0; j < n; j++) v2 += (v[j] * sigma(x[b * n + j])[1]) ** 2;
      r[b] = Math.sqrt(v2 / d2);
      ratioSum += r[b];
      ratioCount++;
    }
    exampleNorms.push(norms);
    ratios.push(r);
    meanRatios[k] = ratioCount > 0 ? ratioSum / ratioCount : NaN;
  }
  return { exampleNorms, meanNorms, ratios, meanRatios, stepsInPast: T * B > 0 ? reached / (T * B) : 0 };
}

/**
 * ‖x[offset .. offset + n)‖ computed as m·√Σ(x_i/m)² with m = max |x_i|, so that it stays exact for
 * entries far below 1e-154, where a plain sum of squares underflows to 0 (vanishing error signals
 * reach 1e-300 within a few hundred steps). Infinite or NaN entries give Infinity or NaN.
 *
 * @example
 * scaledNorm(new Float64Array([3e-300, 4e-300]), 0, 2); // 5e-300
 */
function scaledNorm(x: Float64Array, offset: number, n: number): number {
  let m = 0;
  for (let i = offset; i < offset + n; i++) m = Math.max(m, Math.abs(x[i]));
  if (m === 0 || !Number.isFinite(m)) return m;
  let s = 0;
  for (let i = offset; i < offset + n; i++) s += (x[i] / m) ** 2;
  return m * Math.sqrt(s);
}
