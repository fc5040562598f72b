/**
 * @file The training loop of the paper's experiments: SGD, SGD-C (gradient norm clipping) and
 * SGD-CR (clipping plus Ω) on any synthetic task, with the original code's monitoring (loss,
 * pre-clip gradient norm, Ω, steps in the past, spectral radius of W_rec, validation error). A run
 * is a {@link Trainer}: step it, run it to the end, save its complete state as JSON-able data at
 * any update and resume it bit for bit. Platform-neutral: files and timing belong to the caller.
 */
import { Rng, Tensor, ValueError, spectralRadius, treeMap, valueAndGrad, zeros } from '@tapegrad/autodiff';
import { SGD, globalNorm, omega, paperStep, type OmegaResult } from '@tapegrad/optim';
import type { RnnParams } from './batch.js';
import type { Activation } from './cell.js';
import { initRnn } from './init.js';
import { paperOmega, type PaperOmegaResult } from './omega-paper.js';
import { rnnLoss } from './loss.js';
import { predictOutputs, transition } from './model.js';
import { errorSignals } from './signals.js';
import { type Batch, type Task, makeTask } from './tasks/index.js';
import { resolveTrainConfig, type ResolvedTrainConfig, type TrainConfig } from './train-config.js';
import {
  addToWindow,
  emptyWindow,
  type TrainHooks,
  type TrainResult,
  type UpdateMetrics,
  type ValidationMetrics,
  type Window,
} from './train-metrics.js';
import { METHOD_SPECS } from './train-methods.js';
import { Validation } from './train-validation.js';
import {
  checkStateEnvelope,
  decodeFloat,
  decodeParams,
  encodeFloat,
  encodeParams,
  type Divergence,
  type TrainState,
  type TrainStatus,
} from './train-state.js';

export { TRAIN_DEFAULTS, resolveTrainConfig } from './train-config.js';
export type { OmegaImpl, ResolvedTrainConfig, TrainConfig, ValidationMode } from './train-config.js';
export { ALL_TRAIN_METHODS, METHOD_SPECS, TRAIN_METHODS } from './train-methods.js';
export type { MethodSpec, TrainMethod } from './train-methods.js';
export { decodeFloat, encodeFloat } from './train-state.js';
export type { Divergence, EncodedFloat, EncodedTensor, TrainState, TrainStatus, WindowSums } from './train-state.js';
export type { TrainHooks, TrainResult, UpdateMetrics, ValidationMetrics } from './train-metrics.js';

/** paperOmega's ∂Ω/∂W_rec as a gradient of every parameter (zeros elsewhere), the shape paperStep adds to ∇E. */
function onRecurrentWeights(params: RnnParams, r: PaperOmegaResult): OmegaResult<RnnParams> {
  const grad = r.grad === null ? null : treeMap(params, (x, path) => (path === 'W_rec' ? r.grad! : zeros(x.shape)));
  return { value: r.value, grad, pairs: r.pairs };
}

/** The three independent streams of a seed: initialisation, training data, validation set. */
function streams(seed: number): { init: Rng; data: Rng; validation: Rng } {
  const root = new Rng(seed);
  return { init: root.split(), data: root.split(), validation: root.split() };
}

/**
 * One training run. Deterministic: everything derives from `config.seed`, and `state()` /
 * `Trainer.resume()` continue a run so that N updates, save, resume, M updates give the same
 * parameters bit for bit as N + M updates in one go.
 *
 * A NaN or ±Infinity loss (or, for plain sgd, gradient) ends the run with status 'diverged' and
 * `divergence.update` naming the update; that update is not applied. sgd-c and sgd-cr first apply
 * the original code's guard (a NaN/±Infinity/>1e10 gradient norm becomes a small shrink of W_rec).
 *
 * @example
 * const trainer = new Trainer({ task: 'temporal-order', minLength: 20, method: 'sgd-c', maxUpdates: 2000, seed: 1 });
 * const result = trainer.run({ onValidation: (v) => console.log(v.update, v.errorRate) });
 * result.status; // 'success' | 'budget' | 'diverged' | 'stopped'
 * const saved = JSON.stringify(trainer.state());
 * const again = Trainer.resume(JSON.parse(saved)); // continues bit for bit
 */
export class Trainer {
  readonly config: ResolvedTrainConfig;
  readonly task: Task;
  readonly activation: Activation;
  private currentParams: RnnParams;
  private readonly optimizer: SGD;
  private rng: Rng;
  private readonly validation: Validation;
  private currentStatus: TrainStatus = 'running';
  private divergence: Divergence | null = null;
  private best: { update: number; errorRate: number } | null = null;
  private window: Window = emptyWindow();
  private lastValidation: ValidationMetrics | null = null;

  constructor(config: TrainConfig = {}) {
    this.config = resolveTrainConfig(config);
    const c = this.config;
    this.task = makeTask(c.task, { minLength: c.minLength, maxLength: c.maxLength });
    const rngs = streams(c.seed);
    const { params, activation } = initRnn({
      nIn: this.task.nIn,
      nHidden: c.hidden,
      nOut: this.task.nOut,
      init: c.init,
      seed: rngs.init,
    });
    this.currentParams = params;
    this.activation = activation;
    this.rng = rngs.data;
    this.optimizer = new SGD({ learningRate: c.learningRate });
    this.validation = new Validation(this.task, c, rngs.validation);
  }

  /**
   * Continues a run from {@link Trainer.state}. `maxUpdates` may raise (or lower) the budget.
   * A state that is not one (wrong format or version, a field missing, parameters whose names or
   * shapes do not fit its configuration) is a ValueError naming the field.
   *
   * @example
   * const trainer = Trainer.resume(JSON.parse(text), { maxUpdates: 100_000 });
   */
  static resume(state: TrainState, overrides: { maxUpdates?: number } = {}): Trainer {
    const config = checkStateEnvelope(state);
    const trainer = new Trainer({
      ...config,
      ...(overrides.maxUpdates === undefined ? {} : { maxUpdates: overrides.maxUpdates }),
    });
    trainer.currentParams = decodeParams(state.params, trainer.currentParams);
    trainer.optimizer.loadState(state.optimizer);
    trainer.rng = Rng.fromState(state.rng);
    // States saved before fresh validation existed hold no stream: theirs stood just after the fixed set.
    if (state.validationRng !== undefined) trainer.validation.restore(state.validationRng);
    const w = state.window;
    const at = (name: keyof Window) => decodeFloat(w[name], `state.window.${name}`);
    trainer.window = {
      updates: at('updates'),
      loss: at('loss'),
      gradNorm: at('gradNorm'),
      clipped: at('clipped'),
      omega: at('omega'),
      omegaCount: at('omegaCount'),
      stepsInPast: at('stepsInPast'),
      stepsInPastCount: at('stepsInPastCount'),
    };
    trainer.currentStatus = state.status;
    trainer.divergence = state.divergence ?? null;
    trainer.best = state.best ?? null;
    return trainer;
  }

  /** The current parameters. */
  get params(): RnnParams {
    return this.currentParams;
  }

  /** Updates done so far. */
  get updates(): number {
    return this.optimizer.updates;
  }

  get status(): TrainStatus {
    return this.currentStatus;
  }

  /**
   * One update on a fresh minibatch: loss and gradient by BPTT, Ω (sgd-cr), clipping (sgd-c,
   * sgd-cr), the SGD step. Throws a ValueError once the run has diverged.
   */
  step(): UpdateMetrics {
    if (this.currentStatus === 'diverged') {
      throw new ValueError(
        'Trainer.step',
        'this',
        `the run diverged at update ${this.divergence?.update}; there is nothing to continue`,
      );
    }
    const c = this.config;
    const params = this.currentParams;
    const batch = this.task.sample(this.rng, c.batchSize);
    const update = this.updates + 1;
    const rnnConfig = { activation: this.activation, head: this.task.head };
    const method = METHOD_SPECS[c.method];
    const regularize = method.regularizes;
    const monitor = regularize || update % c.monitorEvery === 0;
    let loss: number;
    let grads: RnnParams;
    let om: OmegaResult<RnnParams> | null = null;
    let stepsInPast: number | null = null;
    if (monitor) {
      const s = errorSignals(params, batch, rnnConfig);
      loss = s.loss.item();
      grads = s.grads;
      const gradient = regularize ? 'immediate' : 'none';
      om =
        c.omegaImpl === 'closed-form'
          ? onRecurrentWeights(
              params,
              paperOmega({
                W_rec: params.W_rec,
                activation: this.activation,
                states: s.states,
                deltas: s.deltas,
                form: c.omegaForm,
                gradient,
              }),
            )
          : omega({
              transition: transition(this.activation),
              params,
              states: s.states,
              inputs: s.inputs,
              deltas: s.deltas,
              wrt: ['W_rec'],
              form: c.omegaForm,
              gradient,
            });
      // Ω's pairs are the (step, example) pairs with ‖δ‖² ≥ 1e-20, the same count as stats.stepsInPast,
      // which the closed form gets without computing the statistics.
      stepsInPast = c.omegaImpl === 'closed-form' ? om.pairs / (s.deltas.length * c.batchSize) : s.stats.stepsInPast;
    } else {
      const r = valueAndGrad((p: RnnParams) => rnnLoss(p, batch, rnnConfig))(params);
      loss = r.value.item();
      grads = r.grad;
    }
    const base = { update, steps: batch.steps, loss, omega: om?.value ?? null, stepsInPast };
    // Without clipping there is no guard: a non-finite ∇E (or ∇Ω) would be applied as it is.
    const rawNorm = method.clips ? 0 : Math.max(globalNorm(grads), om?.grad ? globalNorm(om.grad) : 0);
    if (!Number.isFinite(loss) || !Number.isFinite(rawNorm)) {
      const reason = !Number.isFinite(loss)
        ? `the loss is ${loss}`
        : `the gradient norm is ${rawNorm} and ${c.method} has no clipping to guard it`;
      this.divergence = { update, loss: encodeFloat(loss), gradNorm: encodeFloat(rawNorm), reason };
      this.currentStatus = 'diverged';
      return { ...base, gradNorm: rawNorm, clipped: false, action: 'none', diverged: true };
    }
    const r = paperStep({
      params,
      lossGrads: grads,
      ...(regularize && om !== null ? { omega: om, alpha: c.alpha } : {}),
      ...(method.clips ? { clip: { threshold: c.clipThreshold, nonFinite: 'fallback' as const } } : {}),
      optimizer: this.optimizer,
    });
    this.currentParams = r.params;
    const metrics: UpdateMetrics = {
      ...base,
      gradNorm: r.gradNorm,
      clipped: r.clipped,
      action: r.action,
      diverged: false,
    };
    addToWindow(this.window, metrics);
    return metrics;
  }

  /**
   * The model's outputs for a batch, as the evaluation expects them ([B, nOut], or [T·B, nOut]
   * for memorization). Computed without recording a tape.
   *
   * @example
   * evaluateTask(trainer.task, (b) => trainer.predict(b), { rng: new Rng(7) });
   */
  predict(batch: Batch): Tensor {
    const every = this.task.head === 'softmax-every';
    return predictOutputs(this.currentParams, batch.inputs, this.activation, every ? 'every' : 'last');
  }

  /**
   * Error on the validation sequences (and, when under 1%, the confirmation), the spectral radius,
   * and the averages since the last validation (which it resets).
   */
  validate(): ValidationMetrics {
    const predict = (b: Batch) => this.predict(b);
    const evaluation = this.validation.measure(predict);
    const confirmation = evaluation.success ? this.validation.confirm(predict) : null;
    const w = this.window;
    const mean = (sum: number, count: number) => (count > 0 ? sum / count : NaN);
    const v: ValidationMetrics = {
      ...evaluation,
      update: this.updates,
      confirmation,
      solved: evaluation.success && (confirmation === null || confirmation.success),
      spectralRadius: spectralRadius(this.currentParams.W_rec),
      meanLoss: mean(w.loss, w.updates),
      meanGradNorm: mean(w.gradNorm, w.updates),
      clippedFraction: mean(w.clipped, w.updates),
      meanOmega: w.omegaCount > 0 ? w.omega / w.omegaCount : null,
      meanStepsInPast: w.stepsInPastCount > 0 ? w.stepsInPast / w.stepsInPastCount : null,
    };
    this.window = emptyWindow();
    if (this.best === null || v.errorRate < this.best.errorRate)
      this.best = { update: v.update, errorRate: v.errorRate };
    this.lastValidation = v;
    return v;
  }

  /**
   * Runs until the budget is spent, validation succeeds (with `stopOnSuccess`), the run diverges
   * or `hooks.shouldStop` says so. Validates every `validateEvery` updates and once more at the end
   * of the budget. A run that already succeeded or diverged returns at once.
   */
  run(hooks: TrainHooks = {}): TrainResult {
    if (this.currentStatus !== 'success' && this.currentStatus !== 'diverged') this.currentStatus = 'running';
    const c = this.config;
    while (this.currentStatus === 'running') {
      if (this.updates >= c.maxUpdates) {
        this.currentStatus = 'budget';
        // Unless the last update was just validated (after a resume lastValidation is unknown, the window is not).
        if (this.window.updates > 0 || this.best === null) {
          const v = this.validate();
          hooks.onValidation?.(v);
          if (c.stopOnSuccess && v.solved) this.currentStatus = 'success';
        }
        break;
      }
      const m = this.step();
      hooks.onUpdate?.(m);
      if (m.diverged) break;
      if (m.update % c.validateEvery === 0) {
        const v = this.validate();
        hooks.onValidation?.(v);
        if (c.stopOnSuccess && v.solved) this.currentStatus = 'success';
      }
      if (this.currentStatus === 'running' && hooks.shouldStop?.(m) === true) this.currentStatus = 'stopped';
    }
    return this.result();
  }

  /** Where the run stands, as {@link Trainer.run} returns it. */
  result(): TrainResult {
    return {
      status: this.currentStatus,
      updates: this.updates,
      params: this.currentParams,
      best: this.best,
      divergence: this.divergence,
      validation: this.lastValidation,
    };
  }

  /** The complete state as JSON-able data (see {@link TrainState}). */
  state(): TrainState {
    const w = this.window;
    return {
      format: 'tapegrad-train-state',
      version: 1,
      config: { ...this.config },
      updates: this.updates,
      status: this.currentStatus,
      divergence: this.divergence,
      best: this.best,
      params: encodeParams(this.currentParams),
      optimizer: this.optimizer.state(),
      rng: this.rng.state(),
      validationRng: this.validation.state(),
      window: {
        updates: w.updates,
        loss: encodeFloat(w.loss),
        gradNorm: encodeFloat(w.gradNorm),
        clipped: w.clipped,
        omega: encodeFloat(w.omega),
        omegaCount: w.omegaCount,
        stepsInPast: encodeFloat(w.stepsInPast),
        stepsInPastCount: w.stepsInPastCount,
      },
    };
  }
}

/**
 * Trains a fresh run to its end: `new Trainer(config).run(hooks)`.
 *
 * @example
 * const result = train({ task: 'addition', minLength: 20, method: 'sgd-cr', maxUpdates: 5000 });
 * result.status; result.best?.errorRate;
 */
export function train(config: TrainConfig = {}, hooks: TrainHooks = {}): TrainResult {
  return new Trainer(config).run(hooks);
}
