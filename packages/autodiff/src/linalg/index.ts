/**
 * @file Non-differentiable numerical linear algebra: norms, singular values, eigenvalues and the
 * spectral radius of real matrices. Tensors in, plain numbers and Float64Arrays out; nothing here
 * records on a tape. (The differentiable matmul lives in ops/linalg.ts.)
 */
export { vectorNorm, matrixNorm } from './norms.js';
export type { VectorNormOrder, MatrixNormOrder } from './norms.js';
export { singularValues, largestSingularValue } from './svd.js';
export { eigenvalues, spectralRadius } from './eigen.js';
export type { ComplexValues, EigenvalueOptions } from './eigen.js';
export { ConvergenceError } from './matrix.js';
