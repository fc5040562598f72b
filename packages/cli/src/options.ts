/**
 * @file Flags several subcommands share: the task, the initialisation, the method, the seed and
 * the model size, with the paper's defaults (docs/PAPER.md: temporal order, 50 hidden units, batch 20,
 * lr 0.01, clipping threshold 1, α = 4).
 */
import {
  ALL_TRAIN_METHODS,
  INITS,
  TASK_NAMES,
  TRAIN_METHODS,
  type InitName,
  type TaskName,
  type TrainMethod,
} from '@tapegrad/rnn';
import { flag, integer, oneOf } from './args.js';
import { LIMITS } from './limits.js';

/** A training method (the library's table: sgd, sgd-c, sgd-cr, sgd-r). */
export type Method = TrainMethod;

/** The methods of Figure 7, in the paper's order: what sweeps and the story compare by default. */
export const METHODS: readonly Method[] = TRAIN_METHODS;

/** Every method a run may use (Figure 7's and sgd-r, Ω without clipping). */
export const ALL_METHODS: readonly Method[] = ALL_TRAIN_METHODS;

/** Reads a seed, 0 to 2^31 − 1 (the generators are seeded from 32 bits; a larger seed would repeat a smaller one). */
export const seedValue = integer(0, LIMITS.seed);

/** Reads a count of hidden units. */
export const hiddenValue = integer(1, LIMITS.hidden);

/** `--task`, `--init`, `--hidden`: what is trained. */
export const modelFlags = {
  task: flag(oneOf<TaskName>(TASK_NAMES), 'temporal-order' as TaskName, `task: ${TASK_NAMES.join(', ')}`, 'NAME'),
  init: flag(oneOf<InitName>(INITS), 'smart-tanh' as InitName, `initialisation: ${INITS.join(', ')}`, 'NAME'),
  hidden: flag(hiddenValue, 50, `hidden units (at most ${LIMITS.hidden})`, 'N'),
};

/** `--method`. */
export const methodFlag = flag(
  oneOf<Method>(ALL_METHODS),
  'sgd-cr' as Method,
  `training method: ${ALL_METHODS.join(', ')}`,
  'NAME',
);
