/**
 * @file The paper's whole update in one call: g ← ∇E + α·∇Ω (Ω's gradient covers the recurrent
 * weights), then one global clipping over every parameter, then the optimizer step, in that order
 * as in the original code, returning what a training loop logs.
 */
import { ValueError, tensor, treeZip, type TensorTree } from '@tapegrad/autodiff';
import { clipGradNorm, globalNorm, type ClipAction, type ClipOptions } from './clip.js';
import { checkNonNegative } from './errors.js';
import { valueAt, type ScheduleLike } from './schedule.js';
import type { Optimizer } from './sgd.js';

/**
 * ∇E + α·∇Ω leaf by leaf; the two records must have the same structure and shapes (Ω's gradient
 * is zero on the parameters it does not cover).
 *
 * @example
 * combineGradients({ W_rec: tensor([1]), b: tensor([1]) }, { W_rec: tensor([2]), b: tensor([0]) }, 4);
 * // { W_rec: [9], b: [1] }
 */
export function combineGradients<G extends TensorTree>(lossGrads: G, omegaGrads: TensorTree, alpha: number): G {
  checkNonNegative('combineGradients', 'alpha', alpha);
  return treeZip('combineGradients', lossGrads, omegaGrads, (g, h) => {
    const out = new Float64Array(g.size);
    for (let i = 0; i < out.length; i++) out[i] = g.data[i] + alpha * h.data[i];
    return tensor(out, g.shape);
  });
}

/** Options of {@link paperStep}. */
export interface PaperStepOptions<P extends TensorTree> {
  params: P;
  /** ∇E, shaped like `params`. */
  lossGrads: TensorTree;
  /** Ω and its gradient, as {@link omega} returns them; omit to train without Ω. */
  omega?: { value: number; grad: TensorTree | null };
  /** Ω's weight α ≥ 0, a constant or a schedule of the optimizer's update count. */
  alpha?: ScheduleLike;
  /** Algorithm 1's threshold and options; omit for no clipping (and no non-finite guard). */
  clip?: ClipOptions & { threshold: number };
  optimizer: Optimizer;
}

/** What {@link paperStep} returns. */
export interface PaperStepResult<P extends TensorTree> {
  /** The new parameters (the given object when the update was skipped). */
  params: P;
  /** Global norm of ∇E + α·∇Ω before clipping. */
  gradNorm: number;
  clipped: boolean;
  action: ClipAction;
  scale: number;
  /** Ω's value (not added to the loss, as in the original code), or null without Ω. */
  omega: number | null;
  alpha: number;
  learningRate: number;
  /** False when the non-finite policy 'skip' dropped this update. */
  updated: boolean;
}

/**
 * One update of SGD-CR (or SGD-C without `omega`, SGD without `clip`):
 * g ← ∇E + α·∇Ω, clip g by its global norm, params ← optimizer.step(params, g).
 *
 * @example
 * const optimizer = new SGD({ learningRate: 0.01 });
 * const om = omega({ transition, params, states, inputs, deltas, wrt: ['W_rec'] });
 * const r = paperStep({ params, lossGrads, omega: om, alpha: 4, clip: { threshold: 1 }, optimizer });
 * params = r.params; // log r.gradNorm, r.clipped, r.omega
 */
export function paperStep<P extends TensorTree>(options: PaperStepOptions<P>): PaperStepResult<P> {
  const op = 'paperStep';
  const { params, lossGrads, optimizer } = options;
  const t = optimizer.updates;
  if (options.omega !== undefined && options.alpha === undefined) {
    throw new ValueError(op, 'alpha', 'is required when omega is given (the paper uses 4 on its synthetic tasks)');
  }
  const alpha = options.alpha === undefined ? 0 : valueAt(op, 'alpha', options.alpha, t);
  const omegaGrad = options.omega?.grad;
  if (options.omega !== undefined && (omegaGrad === null || omegaGrad === undefined)) {
    throw new ValueError(op, 'omega.grad', "is null; compute Ω with gradient 'immediate' or 'exact'");
  }
  const grads = omegaGrad ? combineGradients(lossGrads, omegaGrad, alpha) : lossGrads;
  treeZip(op, params, grads, (p) => p);
  const learningRate = optimizer.learningRate();
  const common = { omega: options.omega?.value ?? null, alpha, learningRate };
  if (options.clip === undefined) {
    return {
      params: optimizer.step(params, grads),
      gradNorm: globalNorm(grads),
      clipped: false,
      action: 'none',
      scale: 1,
      updated: true,
      ...common,
    };
  }
  const { threshold, ...clipOptions } = options.clip;
  const c = clipGradNorm(grads, threshold, { params, ...clipOptions });
  if (c.action === 'skipped')
    return { params, gradNorm: c.norm, clipped: false, action: c.action, scale: c.scale, updated: false, ...common };
  return {
    params: optimizer.step(params, c.grads),
    gradNorm: c.norm,
    clipped: c.clipped,
    action: c.action,
    scale: c.scale,
    updated: true,
    ...common,
  };
}
