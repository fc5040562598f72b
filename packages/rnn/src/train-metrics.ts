/**
 * @file What the training loop reports: each update's metrics, each validation's (with the
 * confirmation the paper's protocol adds), the hooks a caller passes to {@link Trainer.run}, and
 * how a run ended.
 */
import type { ClipAction } from '@tapegrad/optim';
import type { RnnParams } from './batch.js';
import type { Evaluation } from './tasks/index.js';
import type { Divergence, TrainStatus } from './train-state.js';

/** What one update reports. */
export interface UpdateMetrics {
  /** Updates done, this one included (1-based). */
  update: number;
  /** T of this minibatch. */
  steps: number;
  /** The minibatch loss E before the update (Ω not added, as in the original code). */
  loss: number;
  /** Global norm of ∇E (+ α·∇Ω for sgd-cr) before clipping. */
  gradNorm: number;
  clipped: boolean;
  /** 'fallback' when the norm was NaN, ±Infinity or > 1e10 and the original code's W_rec shrink was applied. */
  action: ClipAction;
  /** Ω (the configured form) at this update; null on updates that do not monitor it. */
  omega: number | null;
  /** Fraction of (step, example) pairs with ‖∂E/∂x_k‖² ≥ 1e-20; null when not monitored. */
  stepsInPast: number | null;
  /** True when this update found a NaN/±Infinity loss or gradient and ended the run instead. */
  diverged: boolean;
}

/**
 * What a validation reports: the error on the validation sequences (fixed or fresh), the
 * confirmation when that error was under 1% and the run confirms, and averages since the last one.
 */
export interface ValidationMetrics extends Evaluation {
  update: number;
  /** The error on `confirmSequences` fresh sequences, measured only when the validation was under 1%. */
  confirmation: Evaluation | null;
  /** The run has succeeded here: validation under 1% and, when the run confirms, the confirmation too. */
  solved: boolean;
  /** Largest |eigenvalue| of W_rec. */
  spectralRadius: number;
  meanLoss: number;
  meanGradNorm: number;
  clippedFraction: number;
  meanOmega: number | null;
  meanStepsInPast: number | null;
}

/** Callbacks of {@link Trainer.run}; all optional and synchronous. */
export interface TrainHooks {
  onUpdate?: (metrics: UpdateMetrics) => void;
  onValidation?: (metrics: ValidationMetrics) => void;
  /** Return true to end the run after this update with status 'stopped' (a time budget, a signal). */
  shouldStop?: (metrics: UpdateMetrics) => boolean;
}

/** How a run ended. */
export interface TrainResult {
  status: TrainStatus;
  updates: number;
  params: RnnParams;
  best: { update: number; errorRate: number } | null;
  divergence: Divergence | null;
  /** The last validation, or null when there was none. */
  validation: ValidationMetrics | null;
}

/** @internal The sums over the updates since the last validation, which a validation averages. */
export interface Window {
  updates: number;
  loss: number;
  gradNorm: number;
  clipped: number;
  omega: number;
  omegaCount: number;
  stepsInPast: number;
  stepsInPastCount: number;
}

/** @internal A window with nothing in it yet. */
export const emptyWindow = (): Window => ({
  updates: 0,
  loss: 0,
  gradNorm: 0,
  clipped: 0,
  omega: 0,
  omegaCount: 0,
  stepsInPast: 0,
  stepsInPastCount: 0,
});

/** @internal Adds one update's metrics to the window (Ω and steps in the past only where measured). */
export function addToWindow(w: Window, m: UpdateMetrics): void {
  w.updates++;
  w.loss += m.loss;
  w.gradNorm += m.gradNorm;
  w.clipped += m.clipped ? 1 : 0;
  if (m.omega !== null) [w.omega, w.omegaCount] = [w.omega + m.omega, w.omegaCount + 1];
  if (m.stepsInPast !== null)
    [w.stepsInPast, w.stepsInPastCount] = [w.stepsInPast + m.stepsInPast, w.stepsInPastCount + 1];
}
