/**
 * @file Shared fixtures for the @tapegrad/rnn model tests: seeded random problems (parameters, a
 * batch and a config for any activation × head), the flatten/rebuild pair gradCheck needs to
 * see a parameter record as a list of tensors, and the conversions to the plain-loop reference.
 */
import { Rng, Tensor, largestSingularValue, mean, mul, randn, square, sub, type Tensor as T } from '@tapegrad/autodiff';
import type { Activation, Head, RnnConfig, RnnParams, SequenceBatch } from '@tapegrad/rnn';
import type { Mat, RefHead, RefParams, Vec } from '../../../test/reference/rnn.js';

export { runs } from '../../../test/fast-check.js';

export type HeadKind = 'softmax-last' | 'linear-last' | 'softmax-every' | 'per-step';
export const HEAD_KINDS: readonly HeadKind[] = ['softmax-last', 'linear-last', 'softmax-every', 'per-step'];
export const ACTS: readonly Activation[] = ['tanh', 'sigmoid', 'identity', 'relu'];

export interface ProblemOptions {
  seed: number;
  n: number;
  nIn: number;
  nOut: number;
  T: number;
  B: number;
  activation: Activation;
  head: HeadKind;
  /** Standard deviation of the weights (default 0.5). */
  scale?: number;
  /**
   * Largest singular value W_rec may have; larger draws are scaled down to it (default 1). An
   * exploding unbounded network (identity, relu) makes E so large that central differences lose
   * their digits to rounding, which would test float64 rather than the gradient.
   */
  maxLambda1?: number;
  learnX0?: boolean;
}

/** A per-step loss on odd steps: mean of (y_t − c)², c a fixed constant. */
function perStepHead(nOut: number, rng: Rng): Head {
  const c = randn([1, nOut], rng);
  return { perStep: (y: T, t: number) => (t % 2 === 1 ? mean(square(sub(y, c))) : null) };
}

export function randomProblem(o: ProblemOptions): { params: RnnParams; batch: SequenceBatch; config: RnnConfig } {
  const rng = new Rng(o.seed);
  const s = o.scale ?? 0.5;
  const W = randn([o.n, o.n], rng, 0, s);
  const lambda1 = largestSingularValue(W);
  const cap = o.maxLambda1 ?? 1;
  const params: RnnParams = {
    W_rec: lambda1 > cap ? mul(W, cap / lambda1) : W,
    W_in: randn([o.n, o.nIn], rng, 0, s),
    b: randn([o.n], rng, 0, s),
    W_out: randn([o.nOut, o.n], rng, 0, s),
    b_out: randn([o.nOut], rng, 0, s),
  };
  if (o.learnX0) params.x0 = randn([o.n], rng, 0, s);
  const inputs = randn([o.T, o.B, o.nIn], rng);
  let targets: SequenceBatch['targets'];
  let head: Head;
  if (o.head === 'softmax-last') targets = Int32Array.from({ length: o.B }, () => rng.int(o.nOut));
  if (o.head === 'softmax-every') targets = Int32Array.from({ length: o.T * o.B }, () => rng.int(o.nOut));
  if (o.head === 'linear-last') targets = randn([o.B, o.nOut], rng);
  if (o.head === 'per-step') head = perStepHead(o.nOut, rng);
  else head = o.head;
  return { params, batch: { inputs, targets }, config: { activation: o.activation, head } };
}

/** The record's tensors in a fixed order, and the inverse. */
export const KEYS = ['W_rec', 'W_in', 'b', 'W_out', 'b_out', 'x0'] as const;
export function leavesOf(p: RnnParams): Tensor[] {
  return KEYS.filter((k) => p[k] !== undefined).map((k) => p[k] as Tensor);
}
export function rebuild(like: RnnParams, leaves: readonly Tensor[]): RnnParams {
  const out: Record<string, Tensor> = {};
  KEYS.filter((k) => like[k] !== undefined).forEach((k, i) => (out[k] = leaves[i]));
  return out as unknown as RnnParams;
}

/** The parameters as the plain-loop reference (test/reference/rnn.ts) takes them. */
export function refParams(p: RnnParams): RefParams {
  const out: RefParams = {
    W_rec: p.W_rec.toArray() as Mat,
    W_in: p.W_in.toArray() as Mat,
    b: p.b.toArray() as Vec,
    W_out: p.W_out.toArray() as Mat,
    b_out: p.b_out.toArray() as Vec,
  };
  if (p.x0 !== undefined) out.x0 = p.x0.toArray() as Vec;
  return out;
}

/** A batch of one of the three built-in heads as the reference takes it: inputs [T][B][n_in] and its head. */
export function refBatch(
  batch: SequenceBatch,
  head: 'softmax-last' | 'linear-last' | 'softmax-every',
): { inputs: Mat[]; head: RefHead } {
  const inputs = (batch.inputs as Tensor).toArray() as Mat[];
  if (head === 'linear-last')
    return { inputs, head: { kind: head, target: (batch.targets as Tensor).toArray() as Mat } };
  return { inputs, head: { kind: head, classes: batch.targets as ArrayLike<number> } };
}
