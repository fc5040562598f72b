/**
 * @file Probability helpers and losses: softmax, logSoftmax, softmaxCrossEntropy (from logits, with
 * integer or one-hot/probability targets) and mse. Every exponential is taken after subtracting the
 * maximum, so logits of ±1000 give finite, exact results.
 */
import { ShapeError, ValueError, showShape } from '../errors.js';
import { axisBlocks, softmaxBlocks } from '../kernels/reduce.js';
import { record } from '../tape.js';
import { Tensor } from '../tensor.js';
import { normalizeAxis } from './axes.js';
import { exp, mul, neg, square, sub } from './elementwise.js';
import { mean, sum } from './reduce.js';
import { reshape } from './shape.js';

const X = ['x'];

/**
 * exp(x) / Σ exp(x) along `axis` (the last by default), with the maximum subtracted first.
 *
 * @example
 * softmax(tensor([0, Math.log(3)])).toArray(); // [0.25, 0.75]
 */
export function softmax(x: Tensor, axis = -1): Tensor {
  const a = normalizeAxis('softmax', axis, x.rank);
  const [outer, n, inner] = axisBlocks(x.shape, a);
  const out = new Tensor(softmaxBlocks(x.data, outer, n, inner, false), x.shape);
  // ∂/∂x = y ⊙ (g − Σ g ⊙ y), y = softmax(x), the sum along the axis
  return record(out, 'softmax', [x], X, (g) => [mul(out, sub(g, sum(mul(g, out), { axis: a, keepdims: true })))]);
}

/**
 * log softmax(x) = x − logsumexp(x) along `axis` (the last by default), with the maximum subtracted
 * first, so it stays finite where softmax underflows to 0.
 *
 * @example
 * logSoftmax(tensor([1000, 1000])).toArray(); // [−log 2, −log 2]
 */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  const a = normalizeAxis('logSoftmax', axis, x.rank);
  const [outer, n, inner] = axisBlocks(x.shape, a);
  const out = new Tensor(softmaxBlocks(x.data, outer, n, inner, true), x.shape);
  // ∂/∂x = g − exp(out) ⊙ Σ g, the sum along the axis (exp(out) = softmax(x) ≤ 1)
  return record(out, 'logSoftmax', [x], X, (g) => [sub(g, mul(exp(out), sum(g, { axis: a, keepdims: true })))]);
}

/** How a per-example loss is reduced over the batch: averaged (default), added, or kept. */
export type Reduction = 'mean' | 'sum' | 'none';

/** Options of the losses. */
export interface LossOptions {
  reduction?: Reduction;
}

function checkReduction(op: string, reduction: unknown): Reduction {
  if (reduction === 'mean' || reduction === 'sum' || reduction === 'none') return reduction;
  throw new ValueError(op, 'reduction', `must be 'mean', 'sum' or 'none', got ${JSON.stringify(reduction)}`);
}

/**
 * Cross-entropy of softmax(logits) against `targets`, per row: −log softmax(z)[t] for a class index
 * t, or −Σ_c t_c·log softmax(z)_c for a one-hot or probability row. `logits` is [B, C]; `targets`
 * is B class indices (a number array or Int32Array) or a [B, C] tensor. Computed from log-softmax,
 * never from log of a softmax that may have rounded to 0.
 *
 * @example
 * softmaxCrossEntropy(tensor([[0, 0], [0, 0]]), [0, 1]).item(); // log 2 ≈ 0.6931
 * softmaxCrossEntropy(tensor([[2, 0]]), tensor([[1, 0]]), { reduction: 'none' }).toArray(); // [log(1 + e⁻²)]
 */
export function softmaxCrossEntropy(
  logits: Tensor,
  targets: readonly number[] | Int32Array | Tensor,
  options: LossOptions = {},
): Tensor {
  const op = 'softmaxCrossEntropy';
  const reduction = checkReduction(op, options.reduction ?? 'mean');
  if (logits.rank !== 2) throw new ShapeError(op, 'logits', `needs shape [B, C], got ${showShape(logits.shape)}`);
  const [rows, classes] = logits.shape;
  const logp = softmaxBlocks(logits.data, rows, classes, 1, true);
  const losses = new Float64Array(rows);
  let targetTensor: Tensor | null = null;
  let classIndex: Int32Array | null = null;
  if (targets instanceof Tensor) {
    if (targets.rank !== 2 || targets.shape[0] !== rows || targets.shape[1] !== classes) {
      throw new ShapeError(
        op,
        'targets',
        `a target tensor must have the logits' shape ${showShape(logits.shape)}, got ${showShape(targets.shape)}`,
      );
    }
    for (let b = 0; b < rows; b++) {
      let s = 0;
      for (let c = 0; c < classes; c++) {
        const t = targets.data[b * classes + c];
        // A zero target contributes nothing, even where log p is −∞.
        if (t !== 0) s -= t * logp[b * classes + c];
      }
      losses[b] = s;
    }
    targetTensor = targets;
  } else {
    classIndex = checkClasses(op, targets, rows, classes);
    for (let b = 0; b < rows; b++) losses[b] = -logp[b * classes + classIndex[b]];
  }
  const inputs = targetTensor === null ? [logits] : [logits, targetTensor];
  const scale = reduction === 'mean' ? 1 / rows : 1;
  let out: Tensor;
  if (reduction === 'none') out = new Tensor(losses, [rows]);
  else {
    let total = 0;
    for (let b = 0; b < rows; b++) total += losses[b];
    out = new Tensor(new Float64Array([total * scale]), []);
  }
  // ∂/∂z = g_b·(softmax(z)·Σ_c t_c − t) (= softmax(z) − t for a distribution), ∂/∂t = −g_b·log softmax(z);
  // g_b is g·scale for a reduced loss, row b of g for 'none'
  return record(out, op, inputs, LOGITS_TARGETS, (g, needs) => {
    const gb = reduction === 'none' ? reshape(g, [rows, 1]) : mul(g, scale);
    const p = softmax(logits, 1);
    const t = targetTensor ?? oneHot(classIndex!, classes);
    const mass = targetTensor === null ? p : mul(p, sum(t, { axis: 1, keepdims: true }));
    return [needs[0] ? mul(gb, sub(mass, t)) : null, needs[1] ? mul(gb, neg(logSoftmax(logits, 1))) : null];
  });
}

const LOGITS_TARGETS = ['logits', 'targets'];

/** Rows of zeros with a 1 at each class index: the target distribution of class labels. */
function oneHot(classIndex: Int32Array, classes: number): Tensor {
  const data = new Float64Array(classIndex.length * classes);
  for (let b = 0; b < classIndex.length; b++) data[b * classes + classIndex[b]] = 1;
  return new Tensor(data, [classIndex.length, classes]);
}

function checkClasses(op: string, targets: readonly number[] | Int32Array, rows: number, classes: number): Int32Array {
  if (!Array.isArray(targets) && !(targets instanceof Int32Array)) {
    throw new TypeError(
      `${op}: argument 'targets' must be class indices (number[] or Int32Array) or a Tensor, got ${typeof targets}`,
    );
  }
  if (targets.length !== rows) {
    throw new ShapeError(op, 'targets', `has ${targets.length} class indices but logits have ${rows} rows`);
  }
  const out = new Int32Array(rows);
  for (let b = 0; b < rows; b++) {
    const t = targets[b];
    if (typeof t !== 'number' || !Number.isInteger(t) || t < 0 || t >= classes) {
      throw new ValueError(
        op,
        'targets',
        `targets[${b}] = ${String(t)} is not a class index (an integer in [0, ${classes}))`,
      );
    }
    out[b] = t;
  }
  return out;
}

/**
 * Mean squared error: the mean (or sum, or each) of (pred − target)², without a factor ½.
 * `pred` and `target` must have the same shape (no broadcasting, which would hide a [B] vs [B, 1] mix-up).
 *
 * @example
 * mse(tensor([1, 2]), tensor([1, 4])).item(); // (0 + 4) / 2 = 2
 */
export function mse(pred: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  const reduction = checkReduction('mse', options.reduction ?? 'mean');
  if (pred.rank !== target.rank || pred.shape.some((n, d) => n !== target.shape[d])) {
    throw new ShapeError(
      'mse',
      'pred, target',
      `shapes differ: ${showShape(pred.shape)} vs ${showShape(target.shape)}`,
    );
  }
  const errors = square(sub(pred, target));
  return reduction === 'mean' ? mean(errors) : reduction === 'sum' ? sum(errors) : errors;
}
