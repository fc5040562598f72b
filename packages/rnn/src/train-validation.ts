/**
 * @file How a training run validates: on a fixed set drawn once (the older behaviour) or on
 * fresh sequences at every validation, and, when a validation is under 1%, the confirmation on
 * many more fresh sequences that the paper's success criterion asks for. Every sequence comes
 * from the run's own validation stream, whose state a checkpoint keeps, so a resumed run draws
 * the same sequences as an uninterrupted one.
 */
import { Rng } from '@tapegrad/autodiff';
import {
  evaluateBatches,
  evaluateTask,
  makeBatches,
  type Batch,
  type Evaluation,
  type Predict,
  type Task,
} from './tasks/index.js';
import type { ResolvedTrainConfig } from './train-config.js';

/** Sequences per generated batch of validation data: large enough to amortise, small enough to stay in cache. */
const VALIDATION_BATCH = 100;

/**
 * @internal A run's validation: the fixed set (mode 'fixed') and the stream fresh sequences come from.
 *
 * @example
 * const v = new Validation(task, config, streams.validation);
 * v.measure(predict).errorRate; v.confirm(predict)?.success;
 */
export class Validation {
  private readonly fixedSet: Batch[] | null;

  constructor(
    private readonly task: Task,
    private readonly config: ResolvedTrainConfig,
    private rng: Rng,
  ) {
    const n = config.validationSequences;
    this.fixedSet = config.validation === 'fixed' ? makeBatches(task, rng, n, Math.min(VALIDATION_BATCH, n)) : null;
  }

  /** The error on the fixed set, or on `validationSequences` fresh sequences. */
  measure(predict: Predict): Evaluation {
    if (this.fixedSet !== null) return evaluateBatches(this.fixedSet, predict);
    return evaluateTask(this.task, predict, {
      sequences: this.config.validationSequences,
      batchSize: VALIDATION_BATCH,
      rng: this.rng,
    });
  }

  /** The error on `confirmSequences` fresh sequences, or null when the run confirms nothing. */
  confirm(predict: Predict): Evaluation | null {
    const n = this.config.confirmSequences;
    return n === 0
      ? null
      : evaluateTask(this.task, predict, { sequences: n, batchSize: VALIDATION_BATCH, rng: this.rng });
  }

  /** The stream's state, for a checkpoint. */
  state(): number[] {
    return this.rng.state();
  }

  /** Continues the stream from a checkpoint's state. */
  restore(state: readonly number[]): void {
    this.rng = Rng.fromState([...state]);
  }
}
