/**
 * @file `@tapegrad/autodiff/testing`: the float64 gradient checkers tapegrad tests itself with, for
 * users' own suites. Needs nothing beyond the package: the fast-check arbitraries live on their own
 * entry point, `@tapegrad/autodiff/testing/arbitraries`, the only one that needs fast-check.
 *
 * @example
 * import { tanh, sum, tensor } from '@tapegrad/autodiff';
 * import { gradCheck, gradGradCheck } from '@tapegrad/autodiff/testing';
 * gradCheck((t) => sum(tanh(t)), [tensor([0.1, -0.4])], { name: 'tanh' });
 * gradGradCheck((t) => sum(tanh(t)), [tensor([0.1, -0.4])], { name: 'tanh' });
 */
export { gradCheck, gradGradCheck, GradCheckError } from './gradcheck.js';
export type { GradCheckOptions, GradGradCheckOptions, GradCheckReport } from './gradcheck.js';
