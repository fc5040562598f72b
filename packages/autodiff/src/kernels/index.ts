/**
 * @file `@tapegrad/autodiff/kernels`: the raw numeric kernels for packages that need them (the RNN's
 * fused sequence op and closed-form Ω), and the switch between their WebAssembly SIMD and plain
 * JavaScript paths. No tensors, no gradients: Float64Arrays in, Float64Arrays out.
 */
export { useKernels, kernelBackend, kernelMemoryBytes } from './backend.js';
export type { KernelChoice } from './backend.js';
export { gemm, gemmJs, gemmWasm, KC } from './matmul.js';
export type { Gemm } from './matmul.js';
export { tanhKernel, sigmoidScalar, activateInto, activationSlope, ACTIVATION_CODES } from './activation.js';
export type { KernelActivation } from './activation.js';
export { recurrenceForward, recurrenceBackward, forwardJs, backwardJs } from './recurrence.js';
export type { RecurrenceSizes, RecurrenceInputs, RecurrenceStates, RecurrenceNeeds, RecurrenceGrads } from './recurrence.js';
export { omegaRows, omegaRowsJs, dot2 } from './omega.js';
export type { OmegaRowsInput, OmegaRowsResult } from './omega.js';
