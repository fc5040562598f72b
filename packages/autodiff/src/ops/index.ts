/**
 * @file Every op, and the two the tape itself needs (add to accumulate, sumTo to undo
 * broadcasting), handed to it here so that tape.ts imports no op.
 */
import { installTapeOps } from '../tape.js';
import { add } from './elementwise.js';
import { sumTo } from './reduce.js';

installTapeOps({ add, sumTo });

export * from './elementwise.js';
export * from './reduce.js';
export * from './shape.js';
export * from './indexing.js';
export * from './join.js';
export * from './linalg.js';
export * from './losses.js';
export * from './custom.js';
export type { Operand } from './operand.js';
