/**
 * @file The exports of tapegrad's WebAssembly kernels (built by scripts/build-wasm.mjs into
 * src/kernels/wasm-bytes.ts). Every function works on float64 data at byte addresses in the
 * imported memory; nothing is kept between calls, so the JS side owns every buffer's lifetime.
 */
export { KC, NR, gemm, gemmRange, sliverCount } from './gemm';
export { activate } from './activation';
export { addInto, initialStateGradient, inputWeightGradient, recurrenceBackward, recurrenceForward, sumRows, transpose } from './recurrence';
export { dot2, omegaRows } from './omega';

/** Where free memory starts: the JS side lays its buffers out from here. */
export function heapBase(): usize {
  return (__heap_base + 15) & ~15;
}
