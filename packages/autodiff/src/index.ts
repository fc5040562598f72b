/**
 * @file The public API of @tapegrad/autodiff.
 */
export { Tensor, tensor, zeros, ones, full, scalar, eye, arange, randn, uniform, detach } from './tensor.js';
export type { Shape, NestedArray, RandomSource } from './tensor.js';
export { Rng } from './random.js';
export { ShapeError, ValueError, TapeError, AnomalyError } from './errors.js';
export { Tape, record, activeTape, noGrad, withAnomalyMode, liveTapeEntries } from './tape.js';
export type { Vjp, TapeEntry, BackwardStep } from './tape.js';
export * from './ops/index.js';
export { grad, valueAndGrad, vjp, jvp, jacobian, hessianVectorProduct, stopGradient } from './transforms.js';
export type { GradOptions, ValueAndGrad, VjpResult } from './transforms.js';
export { treeLeaves, treeEntries, treeMap, treeZip, treeUnflatten } from './tree.js';
export type { TensorTree } from './tree.js';
export * from './linalg/index.js';
