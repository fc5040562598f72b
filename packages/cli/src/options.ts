/**
 * @file Flags several subcommands share: the task, the initialisation, the method and the model
 * and data sizes, with the paper's defaults (docs/PAPER.md: temporal order, 50 hidden units, batch 20,
 * lr 0.01, clipping threshold 1, α = 4).
 */
import { type InitName, INITS, TASK_NAMES, type TaskName } from '@tapegrad/rnn';
import { flag, intAtLeast, oneOf } from './args.js';

/** The training methods of Figure 7. */
export type Method = 'sgd' | 'sgd-c' | 'sgd-cr';

/** The methods, in the paper's order. */
export const METHODS: readonly Method[] = ['sgd', 'sgd-c', 'sgd-cr'];

/** `--task`, `--init`, `--hidden`: what is trained. */
export const modelFlags = {
  task: flag(oneOf<TaskName>(TASK_NAMES), 'temporal-order' as TaskName, `task: ${TASK_NAMES.join(', ')}`, 'NAME'),
  init: flag(oneOf<InitName>(INITS), 'smart-tanh' as InitName, `initialisation: ${INITS.join(', ')}`, 'NAME'),
  hidden: flag(intAtLeast(1), 50, 'hidden units', 'N'),
};

/** `--method`. */
export const methodFlag = flag(oneOf<Method>(METHODS), 'sgd-cr' as Method, `training method: ${METHODS.join(', ')}`, 'NAME');
