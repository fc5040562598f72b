/**
 * @file The public API of @tapegrad/rnn: the model of eq. (2) and its loss heads, full and
 * truncated BPTT, the initialisations, the gradient-flow analysis, the single-unit system and the
 * synthetic tasks.
 */
export { ACTIVATIONS, ACTIVATION_GAMMA, checkActivation, applyActivation, activationScalar, rnnCell } from './cell.js';
export type { Activation } from './cell.js';
export { HEADS, checkHead, softmaxCrossEntropyRows, squaredErrorRows } from './heads.js';
export type { Head, HeadName, PerStepLoss } from './heads.js';
export { checkParams, prepareBatch } from './batch.js';
export type { RnnParams, SequenceBatch, RnnConfig, RnnSizes, PreparedBatch } from './batch.js';
export { PREDICT_STATE_VALUES, forward, initialState, outputLayer, predictOutputs, transition } from './model.js';
export type { RnnForward } from './model.js';
export { rnnLoss } from './loss.js';
export { rnnSequence } from './sequence.js';
export { truncatedLoss } from './truncated.js';
export type { Truncation } from './truncated.js';
export { errorSignals, signalStatistics, MIN_SIGNAL_SQUARED } from './signals.js';
export type { ErrorSignals, SignalStatistics } from './signals.js';
export { paperOmega, type PaperOmegaOptions, type PaperOmegaResult } from './omega-paper.js';
export { jacobianProducts, recurrentConditions } from './jacobians.js';
export type { JacobianProducts, RecurrentConditions } from './jacobians.js';
export { initRnn, smartTanhRecurrent, INITS, SMART_TANH_FAN_IN, SMART_TANH_RADIUS } from './init.js';
export type { InitName, InitOptions } from './init.js';
export { SINGLE_UNIT, singleUnitLoss, singleUnitPoint, singleUnitSurface } from './single-unit.js';
export type { SingleUnitSurface } from './single-unit.js';
export { unitDerivatives, growthRate, gradientGrowth } from './geometry.js';
export type {
  UnitDerivatives,
  UnitDerivativesOptions,
  GrowthFit,
  GradientGrowth,
  GradientGrowthOptions,
} from './geometry.js';
export { leadingHessianEigenpair, hessianAlignment, rnnHessianAlignment, singleUnitWallProfile } from './wall.js';
export type {
  PowerIterationOptions,
  HessianEigenpair,
  AlignmentOptions,
  StepOutcome,
  HessianAlignment,
} from './wall.js';
export type { RnnAlignmentOptions, WallProfile, WallProfileOptions } from './wall.js';
export * from './tasks/index.js';
export * from './train.js';
