/**
 * @file The shapes the model accepts, and their checks: the parameter record, a batch of sequences
 * (inputs T × B × n_in, targets per head) and the configuration. Every check runs once per call,
 * before the unrolled loop, and throws a typed error naming the function, the argument and the values.
 */
import { ShapeError, Tensor, ValueError } from '@tapegrad/autodiff';
import { checkActivation, type Activation } from './cell.js';
import { checkHead, type Head } from './heads.js';

/**
 * The parameters of eq. (2) and the output layer, column-vector convention as in the paper:
 * x_t = W_rec·σ(x_{t−1}) + W_in·u_t + b, y_t = W_out·σ(x_t) + b_out. `x0` ([n]) is the learned
 * initial state; without it x_0 = 0. A plain record, so `valueAndGrad` and the optimizers take it as is.
 *
 * @example
 * const params: RnnParams = initRnn({ nIn: 6, nHidden: 50, nOut: 4, init: 'smart-tanh', seed: 1 }).params;
 */
export type RnnParams = {
  W_rec: Tensor;
  W_in: Tensor;
  b: Tensor;
  W_out: Tensor;
  b_out: Tensor;
  x0?: Tensor;
};

/**
 * One minibatch. `inputs` is a [T, B, n_in] tensor or an array of T tensors [B, n_in] (every
 * sequence of a batch has the same length T; inputs are data, not differentiated when given as one
 * tensor). `targets` depends on the head: 'softmax-last' B class indices; 'softmax-every' T·B class
 * indices, step-major (index t·B + b, or a [T, B] tensor); 'linear-last' a [B, n_out] tensor; a
 * per-step loss ignores it.
 *
 * @example
 * const batch: SequenceBatch = { inputs: zeros([10, 2, 6]), targets: [0, 3] };
 */
export interface SequenceBatch {
  inputs: Tensor | readonly Tensor[];
  targets?: Tensor | ArrayLike<number>;
}

/** How to unroll: σ, the output head, and optionally truncated BPTT. */
export interface RnnConfig {
  activation: Activation;
  head: Head;
  /** Truncated BPTT(k1, k2): see {@link truncatedLoss} for the exact objective. */
  truncation?: { k1: number; k2: number };
  /**
   * Full BPTT through the fused {@link rnnSequence} op, one tape entry for all T steps (default
   * true); false records two ops per step (rnnCell, σ). Same values and gradients to rounding.
   */
  fused?: boolean;
}

/** Sizes read off a parameter record. */
export interface RnnSizes {
  nHidden: number;
  nIn: number;
  nOut: number;
}

/** A checked batch: per-step input views, the sizes, and the targets in the form the head uses. */
export interface PreparedBatch {
  steps: Tensor[];
  length: number;
  batchSize: number;
  classes: Int32Array | null;
  target: Tensor | null;
}

const shapeText = (t: Tensor): string => `[${t.shape.join(', ')}]`;

function expectShape(op: string, name: string, t: unknown, shape: readonly number[]): void {
  if (!(t instanceof Tensor))
    throw new ShapeError(op, name, `must be a Tensor of shape [${shape.join(', ')}], got ${typeof t}`);
  if (t.rank !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw new ShapeError(op, name, `must have shape [${shape.join(', ')}], got ${shapeText(t)}`);
  }
}

/**
 * Checks that the parameters fit together and returns their sizes.
 *
 * @example
 * checkParams('forward', params); // { nHidden: 50, nIn: 6, nOut: 4 }
 */
export function checkParams(op: string, params: RnnParams): RnnSizes {
  if (typeof params !== 'object' || params === null)
    throw new ValueError(op, 'params', `must be a parameter record, got ${String(params)}`);
  const W = params.W_rec;
  if (!(W instanceof Tensor) || W.rank !== 2 || W.shape[0] !== W.shape[1]) {
    throw new ShapeError(
      op,
      'params.W_rec',
      `must be a square [n, n] tensor, got ${W instanceof Tensor ? shapeText(W) : typeof W}`,
    );
  }
  const n = W.shape[0];
  if (n <= 0) throw new ShapeError(op, 'params.W_rec', `hidden size must be ≥ 1, got ${n}`);
  const W_in = params.W_in;
  if (!(W_in instanceof Tensor) || W_in.rank !== 2 || W_in.shape[0] !== n) {
    throw new ShapeError(
      op,
      'params.W_in',
      `must have shape [${n}, n_in], got ${W_in instanceof Tensor ? shapeText(W_in) : typeof W_in}`,
    );
  }
  const W_out = params.W_out;
  if (!(W_out instanceof Tensor) || W_out.rank !== 2 || W_out.shape[1] !== n) {
    throw new ShapeError(
      op,
      'params.W_out',
      `must have shape [n_out, ${n}], got ${W_out instanceof Tensor ? shapeText(W_out) : typeof W_out}`,
    );
  }
  const nOut = W_out.shape[0];
  expectShape(op, 'params.b', params.b, [n]);
  expectShape(op, 'params.b_out', params.b_out, [nOut]);
  if (params.x0 !== undefined) expectShape(op, 'params.x0', params.x0, [n]);
  return { nHidden: n, nIn: W_in.shape[1], nOut };
}

/** The per-step [B, n_in] inputs of a batch, as zero-copy views when given as one tensor. */
export function inputSteps(op: string, inputs: Tensor | readonly Tensor[], nIn: number): Tensor[] {
  if (inputs instanceof Tensor) {
    if (inputs.rank !== 3)
      throw new ShapeError(op, 'batch.inputs', `must have shape [T, B, ${nIn}] (rank 3), got ${shapeText(inputs)}`);
    const [T, B, m] = inputs.shape;
    if (T <= 0)
      throw new ShapeError(op, 'batch.inputs', `sequence length T must be ≥ 1, got shape ${shapeText(inputs)}`);
    if (B <= 0 || m !== nIn)
      throw new ShapeError(op, 'batch.inputs', `must have shape [T, B ≥ 1, ${nIn}], got ${shapeText(inputs)}`);
    const steps: Tensor[] = new Array(T);
    for (let t = 0; t < T; t++) steps[t] = new Tensor(inputs.data.subarray(t * B * m, (t + 1) * B * m), [B, m]);
    return steps;
  }
  if (!Array.isArray(inputs))
    throw new ShapeError(
      op,
      'batch.inputs',
      `must be a [T, B, n_in] tensor or an array of [B, n_in] tensors, got ${typeof inputs}`,
    );
  if (inputs.length === 0)
    throw new ShapeError(op, 'batch.inputs', 'sequence length T must be ≥ 1, got an empty array');
  const first = inputs[0];
  const B = first instanceof Tensor && first.rank === 2 ? first.shape[0] : -1;
  if (B <= 0)
    throw new ShapeError(
      op,
      'batch.inputs[0]',
      `must have shape [B ≥ 1, ${nIn}], got ${first instanceof Tensor ? shapeText(first) : typeof first}`,
    );
  inputs.forEach((u, t) => expectShape(op, `batch.inputs[${t}]`, u, [B, nIn]));
  return [...inputs];
}

/** Class indices as an Int32Array, checked for count, integrality and range [0, nOut). */
function classIndices(
  op: string,
  targets: Tensor | ArrayLike<number> | undefined,
  count: number,
  what: string,
  nOut: number,
): Int32Array {
  if (targets === undefined)
    throw new ValueError(op, 'batch.targets', `the head needs ${what} (${count} class indices)`);
  const values = targets instanceof Tensor ? targets.data : targets;
  if (typeof values !== 'object' || typeof values.length !== 'number' || values.length !== count) {
    const got =
      targets instanceof Tensor
        ? `shape ${shapeText(targets)}`
        : `length ${String((values as ArrayLike<number>)?.length)}`;
    throw new ShapeError(op, 'batch.targets', `must hold ${what} (${count} class indices), got ${got}`);
  }
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const c = values[i];
    if (!Number.isInteger(c) || c < 0 || c >= nOut) {
      throw new ValueError(
        op,
        'batch.targets',
        `class index at ${i} is ${c}; classes must be integers in [0, ${nOut - 1}]`,
      );
    }
    out[i] = c;
  }
  return out;
}

/**
 * Checks a batch against the parameters' sizes and the head, and returns it ready to unroll.
 *
 * @example
 * prepareBatch('rnnLoss', { nHidden: 50, nIn: 6, nOut: 4 }, { inputs: zeros([10, 2, 6]), targets: [0, 1] }, 'softmax-last');
 */
export function prepareBatch(op: string, sizes: RnnSizes, batch: SequenceBatch, head: Head): PreparedBatch {
  if (typeof batch !== 'object' || batch === null)
    throw new ValueError(op, 'batch', `must be { inputs, targets }, got ${String(batch)}`);
  const steps = inputSteps(op, batch.inputs, sizes.nIn);
  const length = steps.length;
  const batchSize = steps[0].shape[0];
  checkHead(op, head);
  let classes: Int32Array | null = null;
  let target: Tensor | null = null;
  if (head === 'softmax-last')
    classes = classIndices(op, batch.targets, batchSize, `B = ${batchSize} targets`, sizes.nOut);
  else if (head === 'softmax-every')
    classes = classIndices(
      op,
      batch.targets,
      length * batchSize,
      `T·B = ${length}·${batchSize} step-major targets`,
      sizes.nOut,
    );
  else if (head === 'linear-last') {
    expectShape(op, 'batch.targets', batch.targets, [batchSize, sizes.nOut]);
    target = batch.targets as Tensor;
  }
  return { steps, length, batchSize, classes, target };
}

/** What {@link checkCall} returns: the sizes, σ, the head and the batch ready to unroll. */
export interface CheckedCall {
  sizes: RnnSizes;
  activation: Activation;
  head: Head;
  prepared: PreparedBatch;
}

/**
 * The checks every loss entry point (rnnLoss, truncatedLoss, errorSignals) starts with, in one
 * order: parameters, σ, head, then the batch against them.
 *
 * @example
 * const { sizes, activation, head, prepared } = checkCall('rnnLoss', params, batch, { activation: 'tanh', head: 'softmax-last' });
 */
export function checkCall(op: string, params: RnnParams, batch: SequenceBatch, config: RnnConfig): CheckedCall {
  const sizes = checkParams(op, params);
  const activation = checkActivation(op, config.activation);
  const head = checkHead(op, config.head);
  return { sizes, activation, head, prepared: prepareBatch(op, sizes, batch, head) };
}
