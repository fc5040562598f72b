/**
 * @file The seeded inputs of every workload, made once and shared by every system: W1's initial
 * parameters, one-hot symbol sequences and targets, and W3's matrices. Each workload writes the
 * numbers it uses as JSON for the Python peer (JSON float64 parses back to the same bits), so
 * PyTorch starts from identical values.
 */
import { Rng, Tensor, randn } from '@tapegrad/autodiff';
import { initRnn, type RnnParams } from '@tapegrad/rnn';

/** W1's sizes (docs/WORKLOADS.md): 6 one-hot input symbols, 50 hidden units, 4 classes. */
export const N_IN = 6;
export const N_HIDDEN = 50;
export const N_OUT = 4;
/** W1's training step: clip the global gradient norm at 1, then SGD with this rate. */
export const CLIP_THRESHOLD = 1;
export const LEARNING_RATE = 0.01;

/** The sizes and step settings as the PyTorch peer reads them. */
export const HYPER = {
  nIn: N_IN,
  nHidden: N_HIDDEN,
  nOut: N_OUT,
  clipThreshold: CLIP_THRESHOLD,
  learningRate: LEARNING_RATE,
};

/** One W1 configuration and its data. */
export interface W1Data {
  T: number;
  B: number;
  /** Initial parameters (the paper's smart-tanh initialisation; b, b_out zero). */
  params: RnnParams;
  /** symbols[t·B + r] ∈ [0, N_IN): the one-hot input of row r at step t + 1. */
  symbols: Int32Array;
  /** The same as a [T, B, N_IN] one-hot tensor, what `rnnLoss` takes. */
  inputs: Tensor;
  /** targets[r] ∈ [0, N_OUT): the class of row r at the last step. */
  targets: Int32Array;
}

/**
 * Seeded W1 data: the same (T, B, seed) always gives the same numbers.
 *
 * @example
 * const d = makeW1Data(50, 1);
 * d.inputs.shape; // [50, 1, 6]
 */
export function makeW1Data(T: number, B: number, seed = 2013): W1Data {
  const rng = new Rng(seed + 7919 * T + 104729 * B);
  const { params } = initRnn({ nIn: N_IN, nHidden: N_HIDDEN, nOut: N_OUT, init: 'smart-tanh', seed: rng });
  const symbols = new Int32Array(T * B);
  const oneHot = new Float64Array(T * B * N_IN);
  for (let i = 0; i < T * B; i++) {
    symbols[i] = rng.int(N_IN);
    oneHot[i * N_IN + symbols[i]] = 1;
  }
  const targets = new Int32Array(B);
  for (let r = 0; r < B; r++) targets[r] = rng.int(N_OUT);
  return { T, B, params, symbols, inputs: new Tensor(oneHot, [T, B, N_IN]), targets };
}

/** W3's two n × n matrices, standard normal, seeded by n. */
export function makeW3Data(n: number): { a: Tensor; b: Tensor } {
  const rng = new Rng(31 * n + 1);
  return { a: randn([n, n], rng), b: randn([n, n], rng) };
}

/** The parameter names in the order every system reports gradients. */
export const PARAM_NAMES = ['W_rec', 'W_in', 'b', 'W_out', 'b_out'] as const;
export type ParamName = (typeof PARAM_NAMES)[number];

/** Plain arrays of a parameter record, for JSON. */
export function paramsToJson(params: RnnParams): Record<ParamName, number[]> {
  const out = {} as Record<ParamName, number[]>;
  for (const name of PARAM_NAMES) out[name] = Array.from(params[name].data);
  return out;
}
