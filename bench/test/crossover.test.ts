/**
 * @file The thresholds where gemm turns to WebAssembly (WASM_MIN_WORK) and to two threads
 * (THREAD_MIN_WORK) agree with the committed quiet run of `node bench/dist/crossover.js`,
 * bench/results/crossover.md: from the threshold's n on, every square product the run timed was
 * faster on the path the threshold switches to. Re-run the command on a quiet machine, commit its
 * output, and move a constant when this fails.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WASM_MIN_WORK } from '../../packages/autodiff/src/kernels/matmul.js';
import { THREAD_MIN_WORK } from '@tapegrad/autodiff/threads';

const record = readFileSync(new URL('../results/crossover.md', import.meta.url), 'utf8');
/** The table's rows: n, wasm/JS time, two threads/one thread time. */
const rows = [...record.matchAll(/^\| (\d+) \| ([\d.]+) \| ([\d.]+) \|$/gm)].map((m) => m.slice(1, 4).map(Number));

describe('the kernel thresholds', () => {
  it('are what the committed crossover run measured', () => {
    expect(rows.length).toBeGreaterThan(5);
    const from = (work: number) => Math.round(Math.cbrt(work));
    const wasmFrom = from(WASM_MIN_WORK);
    const threadsFrom = from(THREAD_MIN_WORK);
    expect(rows.some(([n]) => n === wasmFrom) && rows.some(([n]) => n === threadsFrom)).toBe(true);
    for (const [n, wasm, threads] of rows) {
      if (n >= wasmFrom) expect(wasm, `wasm/JS at n = ${n}`).toBeLessThan(1);
      if (n >= threadsFrom) expect(threads, `two threads/one at n = ${n}`).toBeLessThan(1);
    }
    // and the threshold is not far beyond the crossover: the product just below it was slower on two threads
    const below = rows.filter(([n]) => n < threadsFrom).at(-1)!;
    expect(below[2]).toBeGreaterThanOrEqual(1);
  });
});
