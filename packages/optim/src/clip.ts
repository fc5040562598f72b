/**
 * @file Gradient clipping: the paper's Algorithm 1 (one global norm over every parameter, rescaled
 * when it reaches the threshold), what to do when that norm is NaN, ±Infinity or absurdly large,
 * and element-wise clipping, the variant the paper compares against.
 */
import {
  ValueError,
  tensor,
  treeEntries,
  treeLeaves,
  treeMap,
  treeZip,
  type Tensor,
  type TensorTree,
} from '@tapegrad/autodiff';
import { NonFiniteGradientError, checkPositive } from './errors.js';

/** What {@link clipGradNorm} does with a gradient whose global norm is not usable. */
export type NonFinitePolicy = 'throw' | 'skip' | 'fallback';

/** Options of {@link clipGradNorm}. */
export interface ClipOptions {
  /** Clip when ‖g‖ >= threshold (the paper, default) or when ‖g‖ > threshold (the original code). */
  compare?: '>=' | '>';
  /**
   * When the norm is NaN, ±Infinity or above `maxNorm`: throw a {@link NonFiniteGradientError}
   * naming the parameters (default); 'skip': return zero gradients with action 'skipped' so the
   * caller skips the update; 'fallback': the original code's rule, the recurrent weight's gradient
   * becomes `fallbackShrink`·W_rec (a small shrink of W_rec) and every other gradient 0.
   */
  nonFinite?: NonFinitePolicy;
  /** Norms above this count as non-finite (default 1e10, as in the original code). */
  maxNorm?: number;
  /** Path of the recurrent weight in the record, for 'fallback' (default 'W_rec'). */
  recurrentKey?: string;
  /** The parameters the gradients belong to; 'fallback' needs them. */
  params?: TensorTree;
  /** The factor of W_rec that 'fallback' uses as its gradient (default 0.02). */
  fallbackShrink?: number;
}

/** What happened to the gradients. */
export type ClipAction = 'none' | 'clipped' | 'skipped' | 'fallback';

/** What {@link clipGradNorm} returns. */
export interface ClipResult<G extends TensorTree> {
  /** The gradients to apply (the input object itself when nothing changed). */
  grads: G;
  /** The global norm before clipping: what users log and average to pick a threshold. */
  norm: number;
  /** The factor applied: threshold/norm when clipped, 1 when not, 0 when skipped or replaced. */
  scale: number;
  /** True when the gradients were rescaled by Algorithm 1. */
  clipped: boolean;
  action: ClipAction;
}

/**
 * The Euclidean norm of all the tensors of a tree taken together, √(Σ g²). NaN when any entry is
 * NaN, Infinity when any is ±Infinity; finite gradients whose squares overflow are rescaled first,
 * so a finite tree never gets an infinite norm.
 *
 * @example
 * globalNorm({ W: tensor([[3]]), b: tensor([4]) }); // 5
 */
export function globalNorm(tree: TensorTree): number {
  const leaves = treeLeaves(tree);
  let sumSquares = 0;
  let largest = 0;
  let nan = false;
  for (const x of leaves) {
    for (let i = 0; i < x.size; i++) {
      const v = x.data[i];
      sumSquares += v * v;
      const a = Math.abs(v);
      if (a > largest) largest = a;
      else if (Number.isNaN(a)) nan = true;
    }
  }
  if (nan) return NaN;
  if (largest === Infinity) return Infinity;
  // The plain sum is exact to rounding unless it overflowed or lost everything to underflow.
  if (Number.isFinite(sumSquares) && (sumSquares > 1e-280 || largest === 0)) return Math.sqrt(sumSquares);
  let scaled = 0;
  for (const x of leaves) {
    for (let i = 0; i < x.size; i++) {
      const v = x.data[i] / largest;
      scaled += v * v;
    }
  }
  return largest * Math.sqrt(scaled);
}

/**
 * Algorithm 1 of the paper: with g all gradients together, if ‖g‖ ≥ threshold then
 * g ← (threshold/‖g‖)·g. The direction is kept and only the length limited. Returns the pre-clip
 * norm and what was done, and handles an unusable norm by `options.nonFinite`.
 *
 * @example
 * const { grads, norm, clipped } = clipGradNorm({ W: tensor([3]), b: tensor([4]) }, 1);
 * // norm 5, clipped true, grads { W: [0.6], b: [0.8] }
 * clipGradNorm({ W: tensor([NaN]), W_rec: tensor([1]) }, 1, { nonFinite: 'skip' }).action; // 'skipped'
 */
export function clipGradNorm<G extends TensorTree>(
  grads: G,
  threshold: number,
  options: ClipOptions = {},
): ClipResult<G> {
  const op = 'clipGradNorm';
  checkPositive(op, 'threshold', threshold);
  const compare = options.compare ?? '>=';
  if (compare !== '>=' && compare !== '>')
    throw new ValueError(op, 'options.compare', `must be '>=' or '>', got ${String(compare)}`);
  const policy = options.nonFinite ?? 'throw';
  if (policy !== 'throw' && policy !== 'skip' && policy !== 'fallback') {
    throw new ValueError(op, 'options.nonFinite', `must be 'throw', 'skip' or 'fallback', got ${String(policy)}`);
  }
  const maxNorm = options.maxNorm ?? 1e10;
  if (typeof maxNorm !== 'number' || Number.isNaN(maxNorm) || maxNorm <= 0) {
    throw new ValueError(op, 'options.maxNorm', `must be a number > 0 (Infinity disables it), got ${String(maxNorm)}`);
  }
  // Checked up front so a misconfigured fallback fails on the first call, not on the first NaN.
  const fallback = policy === 'fallback' ? fallbackGrads(grads, options) : null;

  const norm = globalNorm(grads);
  if (!Number.isFinite(norm) || norm > maxNorm) {
    if (fallback !== null) return { grads: fallback(), norm, scale: 0, clipped: false, action: 'fallback' };
    if (policy === 'skip')
      return {
        grads: treeMap(grads, (g) => tensor(new Float64Array(g.size), g.shape)),
        norm,
        scale: 0,
        clipped: false,
        action: 'skipped',
      };
    throw nonFiniteError(grads, norm, maxNorm);
  }
  const clipped = compare === '>=' ? norm >= threshold : norm > threshold;
  if (!clipped) return { grads, norm, scale: 1, clipped: false, action: 'none' };
  const scale = threshold / norm;
  return { grads: treeMap(grads, (g) => scaled(g, scale)), norm, scale, clipped: true, action: 'clipped' };
}

function scaled(g: Tensor, scale: number): Tensor {
  const out = new Float64Array(g.size);
  for (let i = 0; i < out.length; i++) out[i] = g.data[i] * scale;
  return tensor(out, g.shape);
}

/** Validates the fallback's inputs and returns the rule: W_rec's gradient ← shrink·W_rec, others 0. */
function fallbackGrads<G extends TensorTree>(grads: G, options: ClipOptions): () => G {
  const op = 'clipGradNorm';
  const key = options.recurrentKey ?? 'W_rec';
  const shrink = options.fallbackShrink ?? 0.02;
  if (typeof shrink !== 'number' || !Number.isFinite(shrink)) {
    throw new ValueError(op, 'options.fallbackShrink', `must be a finite number, got ${String(shrink)}`);
  }
  if (options.params === undefined) {
    throw new ValueError(
      op,
      'options.params',
      "nonFinite: 'fallback' needs the parameters (it replaces W_rec's gradient by a multiple of W_rec)",
    );
  }
  const params = options.params;
  const paths = treeEntries(grads).map(([path]) => path);
  if (!paths.includes(key)) {
    throw new ValueError(
      op,
      'options.recurrentKey',
      `'${key}' is not a path of the gradients; they have [${paths.join(', ')}]`,
    );
  }
  return () =>
    treeZip(op, grads, params, (g, p, path) => {
      const out = new Float64Array(g.size);
      if (path === key) for (let i = 0; i < out.length; i++) out[i] = shrink * p.data[i];
      return tensor(out, g.shape);
    });
}

function nonFiniteError(grads: TensorTree, norm: number, maxNorm: number): NonFiniteGradientError {
  const bad: string[] = [];
  const details: string[] = [];
  let largest: [string, number] = ['', -1];
  for (const [path, g] of treeEntries(grads)) {
    let count = 0;
    let first = -1;
    for (let i = 0; i < g.size; i++) {
      if (!Number.isFinite(g.data[i])) {
        count++;
        if (first < 0) first = i;
      }
    }
    if (count > 0) {
      bad.push(path);
      details.push(
        `'${path}' has ${count} of ${g.size} entries non-finite (first ${g.data[first]} at flat index ${first})`,
      );
    }
    const n = globalNorm(g);
    if (n > largest[1]) largest = [path, n];
  }
  if (bad.length > 0)
    return new NonFiniteGradientError(
      'clipGradNorm',
      norm,
      bad,
      `the global gradient norm is ${norm}: ${details.join('; ')}`,
    );
  return new NonFiniteGradientError(
    'clipGradNorm',
    norm,
    [largest[0]],
    `the global gradient norm ${norm} exceeds maxNorm ${maxNorm}; the largest part is '${largest[0]}' with norm ${largest[1]}`,
  );
}

/** What {@link clipGradValue} returns. */
export interface ClipValueResult<G extends TensorTree> {
  grads: G;
  /** How many entries were outside [−limit, limit]. */
  clippedElements: number;
}

/**
 * Element-wise clipping (Mikolov's variant): each entry is limited to [−limit, limit]. Unlike
 * {@link clipGradNorm} it can change the gradient's direction. NaN entries stay NaN.
 *
 * @example
 * clipGradValue({ w: tensor([-3, 0.5, 2]) }, 1).grads.w; // [-1, 0.5, 1]
 */
export function clipGradValue<G extends TensorTree>(grads: G, limit: number): ClipValueResult<G> {
  checkPositive('clipGradValue', 'limit', limit);
  let clippedElements = 0;
  const out = treeMap(grads, (g) => {
    const data = new Float64Array(g.size);
    for (let i = 0; i < data.length; i++) {
      const v = g.data[i];
      if (v > limit) data[i] = limit;
      else if (v < -limit) data[i] = -limit;
      else data[i] = v;
      if (data[i] !== v && !Number.isNaN(v)) clippedElements++;
    }
    return tensor(data, g.shape);
  });
  return { grads: out, clippedElements };
}
