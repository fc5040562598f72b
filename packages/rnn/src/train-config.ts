/**
 * @file What a training run is configured by, the paper's defaults (temporal order, 50 hidden
 * units, minibatch 20, lr 0.01, clipping threshold 1, α = 4), and the checks that turn a partial
 * configuration into a complete one or a typed error naming the field, the value and the valid values.
 */
import { ValueError } from '@tapegrad/autodiff';
import type { OmegaForm } from '@tapegrad/optim';
import { INITS, type InitName } from './init.js';
import { TASK_NAMES, isTaskName, makeTask, type TaskName } from './tasks/index.js';
import { ALL_TRAIN_METHODS, type TrainMethod } from './train-methods.js';

/**
 * A training run. Every field is optional; {@link resolveTrainConfig} fills in the defaults.
 *
 * @example
 * const config: TrainConfig = { task: 'temporal-order', minLength: 50, method: 'sgd-cr', init: 'smart-tanh', seed: 3 };
 */
export interface TrainConfig {
  /** Default 'temporal-order'. */
  task?: TaskName;
  /** Each minibatch's L is drawn from [minLength, maxLength − 1]; default 50. */
  minLength?: number;
  /** Default minLength (a fixed length). */
  maxLength?: number;
  /** Default 'smart-tanh'. */
  init?: InitName;
  /** Default 'sgd-cr'. */
  method?: TrainMethod;
  /** Hidden units; default 50. */
  hidden?: number;
  /** Constant learning rate; default 0.01. */
  learningRate?: number;
  /** Algorithm 1's threshold (sgd-c, sgd-cr); default 1. */
  clipThreshold?: number;
  /** Ω's weight (sgd-cr); default 4, the paper's temporal-order value (the original code's default is 2). */
  alpha?: number;
  /** Ω's form: 'paper' (squared norms, mean; default) or 'summary' (eq. 15: plain norms, sum). */
  omegaForm?: OmegaForm;
  /** Sequences per update; default 20. */
  batchSize?: number;
  /** The update budget; default 5,000,000 (the paper's maximum). */
  maxUpdates?: number;
  /** Everything random (initialisation, training data, validation set) derives from it; default 1. */
  seed?: number;
  /** Validate (and measure the spectral radius) every this many updates; default 1000. */
  validateEvery?: number;
  /** Sequences per validation; default 1000. */
  validationSequences?: number;
  /**
   * Where validation sequences come from: 'fixed' (default) draws one set at the start and reuses
   * it; 'fresh' draws new ones at every validation, so success is never judged on sequences the
   * run has been selected on.
   */
  validation?: ValidationMode;
  /**
   * When a validation is under 1%, confirm on this many fresh sequences: the run has succeeded only
   * when fewer than 1% of them are wrong too (the paper's criterion uses 10,000). 0 (default): the
   * validation alone decides.
   */
  confirmSequences?: number;
  /** End the run at the first validation error below 1% (the paper's success); default true. */
  stopOnSuccess?: boolean;
  /**
   * sgd and sgd-c compute Ω and "steps in the past" (which they do not need to train) only every
   * this many updates; default 100. sgd-cr has them at every update.
   */
  monitorEvery?: number;
  /**
   * How Ω and its gradient are computed: 'closed-form' (default) by `paperOmega`'s loops for
   * eq. 2, about three times cheaper per sgd-cr update; 'autodiff' by the generic `omega` of
   * @tapegrad/optim (a nested VJP through the transition). Equal to rounding; a run keeps its choice
   * across resumes, so resumed runs still match uninterrupted ones bit for bit.
   */
  omegaImpl?: OmegaImpl;
}

/** Where a run's validation sequences come from: see {@link TrainConfig.validation}. */
export type ValidationMode = 'fixed' | 'fresh';

/** How the training loop computes Ω: see {@link TrainConfig.omegaImpl}. */
export type OmegaImpl = 'closed-form' | 'autodiff';

/** A configuration with every field present, as a run's state records it. */
export type ResolvedTrainConfig = Required<TrainConfig>;

/** The defaults; the paper's values where it states one. */
export const TRAIN_DEFAULTS: Readonly<Omit<ResolvedTrainConfig, 'maxLength'>> = {
  task: 'temporal-order',
  minLength: 50,
  init: 'smart-tanh',
  method: 'sgd-cr',
  hidden: 50,
  learningRate: 0.01,
  clipThreshold: 1,
  alpha: 4,
  omegaForm: 'paper',
  batchSize: 20,
  maxUpdates: 5_000_000,
  seed: 1,
  validateEvery: 1000,
  validationSequences: 1000,
  validation: 'fixed',
  confirmSequences: 0,
  stopOnSuccess: true,
  monitorEvery: 100,
  omegaImpl: 'closed-form',
};

const OP = 'resolveTrainConfig';

function positiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value <= 0)
    throw new ValueError(OP, `config.${name}`, `must be a positive integer, got ${value}`);
}

function oneOf<T extends string>(name: string, value: unknown, valid: readonly T[]): void {
  if (!(valid as readonly unknown[]).includes(value)) {
    throw new ValueError(
      OP,
      `config.${name}`,
      `unknown value ${JSON.stringify(value)}; valid values: ${valid.join(', ')}`,
    );
  }
}

/**
 * Fills in the defaults and checks every field; throws a ValueError naming the first bad field.
 *
 * @example
 * resolveTrainConfig({ method: 'sgd-c', minLength: 20 }).alpha; // 4
 * resolveTrainConfig({ method: 'adam' }); // ValueError: ... valid values: sgd, sgd-c, sgd-cr, sgd-r
 */
export function resolveTrainConfig(config: TrainConfig = {}): ResolvedTrainConfig {
  if (typeof config !== 'object' || config === null)
    throw new ValueError(OP, 'config', `must be an object, got ${String(config)}`);
  const known = new Set(Object.keys(TRAIN_DEFAULTS).concat('maxLength'));
  const unknown = Object.keys(config).filter(
    (k) => !known.has(k) && (config as Record<string, unknown>)[k] !== undefined,
  );
  if (unknown.length > 0)
    throw new ValueError(
      OP,
      'config',
      `unknown field(s) ${unknown.join(', ')}; valid fields: ${[...known].join(', ')}`,
    );
  const defined = Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined));
  const c = { ...TRAIN_DEFAULTS, ...defined } as ResolvedTrainConfig;
  c.maxLength = config.maxLength ?? c.minLength;
  if (!isTaskName(c.task))
    throw new ValueError(
      OP,
      'config.task',
      `unknown task ${JSON.stringify(c.task)}; valid values: ${TASK_NAMES.join(', ')}`,
    );
  oneOf('init', c.init, INITS);
  oneOf('method', c.method, ALL_TRAIN_METHODS);
  oneOf('validation', c.validation, ['fixed', 'fresh']);
  oneOf('omegaForm', c.omegaForm, ['paper', 'summary']);
  oneOf('omegaImpl', c.omegaImpl, ['closed-form', 'autodiff']);
  // The task checks its own length rules (and names the argument) before any work starts.
  makeTask(c.task, { minLength: c.minLength, maxLength: c.maxLength });
  positiveInteger('hidden', c.hidden);
  positiveInteger('batchSize', c.batchSize);
  positiveInteger('validateEvery', c.validateEvery);
  positiveInteger('validationSequences', c.validationSequences);
  positiveInteger('monitorEvery', c.monitorEvery);
  if (!Number.isInteger(c.confirmSequences) || c.confirmSequences < 0) {
    throw new ValueError(OP, 'config.confirmSequences', `must be an integer ≥ 0, got ${c.confirmSequences}`);
  }
  if (!Number.isInteger(c.maxUpdates) || c.maxUpdates < 0)
    throw new ValueError(OP, 'config.maxUpdates', `must be an integer ≥ 0, got ${c.maxUpdates}`);
  // The generators are seeded from a signed 32-bit integer: a seed outside would silently repeat one inside.
  if (!Number.isInteger(c.seed) || c.seed < -(2 ** 31) || c.seed >= 2 ** 31)
    throw new ValueError(OP, 'config.seed', `must be an integer in [-2147483648, 2147483647], got ${c.seed}`);
  if (!(c.learningRate > 0) || !Number.isFinite(c.learningRate))
    throw new ValueError(OP, 'config.learningRate', `must be a finite number > 0, got ${c.learningRate}`);
  if (!(c.clipThreshold > 0))
    throw new ValueError(OP, 'config.clipThreshold', `must be a number > 0, got ${c.clipThreshold}`);
  if (!(c.alpha >= 0) || !Number.isFinite(c.alpha))
    throw new ValueError(OP, 'config.alpha', `must be a finite number ≥ 0, got ${c.alpha}`);
  if (typeof c.stopOnSuccess !== 'boolean')
    throw new ValueError(OP, 'config.stopOnSuccess', `must be true or false, got ${String(c.stopOnSuccess)}`);
  return c;
}
