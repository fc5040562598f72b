/**
 * @file The public API of @tapegrad/optim: SGD with schedules, gradient clipping with non-finite
 * policies, the Ω regularizer, and the paper's update composing them.
 */
export { SGD } from './sgd.js';
export type { Optimizer, OptimizerState, SgdOptions } from './sgd.js';
export { constant, inverseTime, stepDecay, valueAt } from './schedule.js';
export type { Schedule, ScheduleLike } from './schedule.js';
export { clipGradNorm, clipGradValue, globalNorm } from './clip.js';
export type { ClipAction, ClipOptions, ClipResult, ClipValueResult, NonFinitePolicy } from './clip.js';
export { NonFiniteGradientError } from './errors.js';
export { omega, omegaTensor, checkTrajectory, OMEGA_MIN_DELTA_SQUARED } from './omega.js';
export type {
  OmegaExactOptions,
  OmegaForm,
  OmegaOptions,
  OmegaResult,
  OmegaTensorOptions,
  Trajectory,
  Transition,
} from './omega.js';
export { trajectorySignals, compareOmegaGradients } from './signals.js';
export type { TrajectorySignalsOptions, OmegaGradientComparison } from './signals.js';
export { combineGradients, paperStep } from './update.js';
export type { PaperStepOptions, PaperStepResult } from './update.js';
