/**
 * @file The task registry: `makeTask(name, lengths)` builds any of the six synthetic tasks of the
 * paper with a length range, and the evaluation helpers are re-exported from here.
 */
import { ValueError, type Rng } from '@tapegrad/autodiff';
import { addition, multiplication } from './arithmetic.js';
import { memorization } from './memorization.js';
import { permutation } from './permutation.js';
import {
  checkBatchSize,
  checkLength,
  drawLength,
  TASK_NAMES,
  type Batch,
  type LengthRange,
  type Task,
  type TaskName,
  type TaskSpec,
} from './task.js';
import { temporalOrder, temporalOrder3Bit } from './temporal-order.js';

export { TASK_NAMES } from './task.js';
export type { Batch, LengthRange, Task, TaskName } from './task.js';
export * from './evaluate.js';

const SPECS: Record<TaskName, TaskSpec> = {
  'temporal-order': temporalOrder,
  'temporal-order-3bit': temporalOrder3Bit,
  addition,
  multiplication,
  permutation,
  memorization,
};

/**
 * True when `name` is one of {@link TASK_NAMES}.
 *
 * @example
 * isTaskName('addition'); // true
 * isTaskName('torder');   // false
 */
export function isTaskName(name: string): name is TaskName {
  return Object.hasOwn(SPECS, name);
}

/**
 * Makes one of the paper's six synthetic tasks. Each minibatch draws its length L uniformly from
 * [minLength, maxLength − 1] (fixed at minLength when maxLength = minLength, the default), then the
 * data, as the original code does. Throws a ValueError listing the valid names for an unknown name,
 * and for lengths the task's position rules cannot use (temporal order, addition and
 * multiplication need L ≥ 10; permutation and memorization L ≥ 1) or maxLength < minLength.
 *
 * @example
 * const task = makeTask('temporal-order', { minLength: 50, maxLength: 201 }); // L in 50..200
 * task.nIn;  // 6
 * task.nOut; // 4
 * task.head; // 'softmax-last'
 * const batch = task.sample(new Rng(1), 20);
 */
export function makeTask(name: string, lengths: LengthRange): Task {
  if (!isTaskName(name)) {
    throw new ValueError('makeTask', 'name', `unknown task '${name}'; valid tasks: ${TASK_NAMES.join(', ')}`);
  }
  const spec = SPECS[name];
  const minLength = lengths?.minLength;
  const maxLength = lengths?.maxLength ?? minLength;
  checkLength('makeTask', 'minLength', minLength, spec.shortestLength, `${name}: ${spec.shortestReason}`);
  if (!Number.isInteger(maxLength) || maxLength < minLength) {
    throw new ValueError('makeTask', 'maxLength', `must be an integer ≥ minLength = ${minLength}, got ${maxLength}`);
  }
  const generate = (rng: Rng, batchSize: number, length: number): Batch => {
    checkBatchSize(`${name}.generate`, batchSize);
    checkLength(`${name}.generate`, 'length', length, spec.shortestLength, spec.shortestReason);
    return spec.generate(rng, batchSize, length);
  };
  return {
    name,
    nIn: spec.nIn,
    nOut: spec.nOut,
    head: spec.head,
    minLength,
    maxLength,
    generate,
    sample: (rng, batchSize) => {
      checkBatchSize(`${name}.sample`, batchSize);
      return spec.generate(rng, batchSize, drawLength(rng, minLength, maxLength));
    },
  };
}
