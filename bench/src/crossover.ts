/**
 * @file `node bench/dist/crossover.js`: where the faster path of a matrix product changes. For
 * square products n³ of growing n it times the JavaScript loops against the WebAssembly kernel
 * (copies in and out included), and one thread against two (@tapegrad/autodiff/threads, wall
 * clock), interleaved, best of several rounds; it prints the ratios and the first n from which each
 * faster path stays faster. gemm's WASM_MIN_WORK and THREAD_MIN_WORK come from a quiet run of this.
 */
import { gemmJs, gemmWasm, gemm, useKernels, type Gemm } from '@tapegrad/autodiff/kernels';
import { startThreads, stopThreads } from '@tapegrad/autodiff/threads';

const SIZES = [4, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256];

/** Best seconds per call of `run` over a few rounds of at least 20 ms each. */
function best(run: () => void): number {
  let out = Infinity;
  for (let round = 0; round < 5; round++) {
    let calls = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < 20 || calls < 3) {
      run();
      calls++;
    }
    out = Math.min(out, (performance.now() - t0) / 1000 / calls);
  }
  return out;
}

function problem(n: number): Gemm {
  const a = Float64Array.from({ length: n * n }, (_, i) => Math.sin(i));
  return { m: n, n, k: n, a, b: a, c: new Float64Array(n * n) };
}

/** The first size from which `faster` holds for every larger size too (null if never). */
function crossover(ratios: readonly number[]): number | null {
  let from: number | null = null;
  ratios.forEach((r, i) => {
    if (r < 1) from ??= SIZES[i];
    else from = null;
  });
  return from;
}

useKernels('wasm');
console.log('| n | wasm / JS time | two threads / one thread time |');
console.log('| ---: | ---: | ---: |');
const wasmRatios: number[] = [];
const threadRatios: number[] = [];
for (const n of SIZES) {
  const p = problem(n);
  const js = best(() => gemmJs(p));
  const wasm = best(() => gemmWasm(p));
  const one = best(() => gemm(p));
  await startThreads(1, { minWork: 0 });
  const two = best(() => gemm(p));
  await stopThreads();
  wasmRatios.push(wasm / js);
  threadRatios.push(two / one);
  console.log(`| ${n} | ${(wasm / js).toFixed(2)} | ${(two / one).toFixed(2)} |`);
}
console.log(`\nWebAssembly faster from n = ${crossover(wasmRatios) ?? 'never'}`);
console.log(`two threads faster from n = ${crossover(threadRatios) ?? 'never'}`);
