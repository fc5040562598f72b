/**
 * @file One update of the paper's training methods, composed from the plain-loop references:
 * BPTT for ∇E, Ω's immediate gradient on W_rec (sgd-cr, sgd-r), g = ∇E + α·∇Ω, Algorithm 1's
 * clipping (sgd-c, sgd-cr), then plain SGD. What `Trainer.step` must do, written the long way.
 */
import { referenceOmega } from './omega.js';
import { referenceBptt, type Mat, type RefHead, type RefParams, type Sigma } from './rnn.js';
import { referenceClip, referenceCombine, referenceNorm, referenceSgd, type Flat } from './update.js';

export interface RefUpdateOptions {
  method: 'sgd' | 'sgd-c' | 'sgd-cr' | 'sgd-r';
  learningRate: number;
  clipThreshold: number;
  alpha: number;
  omegaForm: 'paper' | 'summary';
}

export interface RefUpdate {
  params: RefParams;
  loss: number;
  /** ‖∇E + α·∇Ω‖ before clipping. */
  gradNorm: number;
  clipped: boolean;
  /** Ω at this update (sgd-cr, sgd-r), else null. */
  omega: number | null;
  /** ‖α·∇Ω‖, to tell whether Ω moved this update at all. */
  omegaStep: number;
}

/** A parameter record as name → flat row-major values, and back. */
export function flatParams(p: RefParams): Flat {
  const out: Flat = {};
  for (const [k, v] of Object.entries(p)) if (v !== undefined) out[k] = (v as number[] | Mat).flat();
  return out;
}

function unflat(flat: Flat, like: RefParams): RefParams {
  const out: Record<string, number[] | Mat> = {};
  for (const [k, v] of Object.entries(like) as [string, number[] | Mat][]) {
    out[k] = Array.isArray(v[0])
      ? (v as Mat).map((row, i) => flat[k].slice(i * row.length, (i + 1) * row.length))
      : flat[k];
  }
  return out as unknown as RefParams;
}

/** One update of `o.method` on the batch (inputs [T][B][n_in] and its head). */
export function referenceUpdate(
  p: RefParams,
  inputs: Mat[],
  sigma: Sigma,
  head: RefHead,
  o: RefUpdateOptions,
): RefUpdate {
  const bptt = referenceBptt(p, inputs, sigma, head);
  let grads = flatParams(bptt.grads);
  let omega: number | null = null;
  let omegaStep = 0;
  if (o.method === 'sgd-cr' || o.method === 'sgd-r') {
    const om = referenceOmega(p.W_rec, sigma, bptt.forward.states, bptt.deltas, o.omegaForm);
    omega = om.value;
    omegaStep = o.alpha * referenceNorm({ W_rec: om.grad.flat() });
    grads = referenceCombine(grads, { W_rec: om.grad.flat() }, o.alpha);
  }
  const clips = o.method === 'sgd-c' || o.method === 'sgd-cr';
  const clip = clips ? referenceClip(grads, o.clipThreshold) : { grads, norm: referenceNorm(grads), clipped: false };
  const next = referenceSgd(flatParams(p), clip.grads, { lr: o.learningRate }).params;
  return { params: unflat(next, p), loss: bptt.loss, gradNorm: clip.norm, clipped: clip.clipped, omega, omegaStep };
}
