/**
 * @file `@tapegrad/autodiff/testing`: the gradient checkers and fast-check arbitraries tapegrad
 * tests itself with, for users' own property suites. Importing this entry point needs fast-check
 * installed (an optional peer dependency of the package; the package root does not need it).
 *
 * @example
 * import fc from 'fast-check';
 * import { tanh, sum } from '@tapegrad/autodiff';
 * import { gradCheck, gradGradCheck, arbTensor, arbShape } from '@tapegrad/autodiff/testing';
 * fc.assert(fc.property(arbTensor(arbShape()), (x) => {
 *   gradCheck((t) => sum(tanh(t)), [x], { name: 'tanh' });
 *   gradGradCheck((t) => sum(tanh(t)), [x], { name: 'tanh' });
 * }));
 */
export { gradCheck, gradGradCheck, GradCheckError } from './gradcheck.js';
export type { GradCheckOptions, GradGradCheckOptions, GradCheckReport } from './gradcheck.js';
export { arbShape, arbTensor, arbBroadcastableShapes, arbBroadcastablePair, arbMatmulPair, arbDistinct } from './arbitraries.js';
export type { ShapeOptions, ValueOptions, PairOptions, MatmulPairOptions, DistinctOptions } from './arbitraries.js';
