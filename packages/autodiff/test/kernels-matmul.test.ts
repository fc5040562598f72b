/**
 * @file The gemm kernel against a naive triple loop: every transpose flag, odd and edge sizes
 * (which exercise the direct loops, the outer-product case and the packed, register-blocked path
 * with its partial edge tiles), batch offsets, and no writes outside the output matrix.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gemm } from '../src/kernels/matmul.js';
import { Rng } from '@tapegrad/autodiff';
import { runs } from '../../../test/fast-check.js';


interface Case {
  transA: boolean;
  transB: boolean;
  m: number;
  n: number;
  k: number;
  aOffset: number;
  bOffset: number;
  cOffset: number;
}

/** C[i][j] = Σ_p op(A)[i][p]·op(B)[p][j], straight from the definition. */
function naive(t: Case, a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(t.m * t.n);
  for (let i = 0; i < t.m; i++) {
    for (let j = 0; j < t.n; j++) {
      let s = 0;
      for (let p = 0; p < t.k; p++) {
        const aip = t.transA ? a[t.aOffset + p * t.m + i] : a[t.aOffset + i * t.k + p];
        const bpj = t.transB ? b[t.bOffset + j * t.k + p] : b[t.bOffset + p * t.n + j];
        s += aip * bpj;
      }
      out[i * t.n + j] = s;
    }
  }
  return out;
}

/** The values with −0 read as 0: a sum started at 0 gives +0 where a lone product gives −0. */
function values(x: Float64Array): number[] {
  return Array.from(x, (v) => v + 0);
}

/** Fills with `draw()` after `offset` leading slots, plus a trailing guard slot. */
function filled(offset: number, size: number, draw: () => number): Float64Array {
  const x = new Float64Array(offset + size + 1).fill(Number.NaN);
  for (let i = 0; i < size; i++) x[offset + i] = draw();
  return x;
}

/** Runs gemm on a case and returns its output matrix, checking the guard slots were not touched. */
function run(t: Case, draw: () => number): { got: Float64Array; want: Float64Array } {
  const a = filled(t.aOffset, t.m * t.k, draw);
  const b = filled(t.bOffset, t.k * t.n, draw);
  const c = new Float64Array(t.cOffset + t.m * t.n + 1).fill(-7);
  gemm(t.transA, t.transB, t.m, t.n, t.k, a, t.aOffset, b, t.bOffset, c, t.cOffset);
  for (let i = 0; i < t.cOffset; i++) expect(c[i]).toBe(-7);
  expect(c[t.cOffset + t.m * t.n]).toBe(-7);
  return { got: c.slice(t.cOffset, t.cOffset + t.m * t.n), want: naive(t, a, b) };
}

const arbCase = (maxDim: number): fc.Arbitrary<Case> =>
  fc.record({
    transA: fc.boolean(),
    transB: fc.boolean(),
    m: fc.integer({ min: 0, max: maxDim }),
    n: fc.integer({ min: 0, max: maxDim }),
    k: fc.integer({ min: 0, max: maxDim }),
    aOffset: fc.integer({ min: 0, max: 5 }),
    bOffset: fc.integer({ min: 0, max: 5 }),
    cOffset: fc.integer({ min: 0, max: 5 }),
  });

describe('gemm', () => {
  it('matches the triple loop exactly on small integers, for every transpose flag and size up to 41', () => {
    // Products and partial sums of integers in [-8, 8] are exact in float64, so any summation
    // order gives the same bits and the comparison can be exact.
    fc.assert(
      fc.property(arbCase(41), fc.integer(), (t, seed) => {
        const rng = new Rng(seed);
        const { got, want } = run(t, () => rng.int(17) - 8);
        expect(values(got)).toEqual(values(want));
      }),
      { numRuns: runs(60) },
    );
  });

  it('matches the triple loop to rounding on random reals, sizes past one k-slice and column block', () => {
    // k > 128 and n > 256 cross the kernel's KC and NC blocking; sums are reordered, so compare
    // with a tolerance scaled by Σ|a||b| (here at most k·1).
    const sizes: [number, number, number][] = [
      [5, 300, 140],
      [67, 9, 261],
      [13, 259, 131],
    ];
    const rng = new Rng(7);
    for (const [m, n, k] of sizes) {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          const t = { transA, transB, m, n, k, aOffset: 3, bOffset: 1, cOffset: 2 };
          const { got, want } = run(t, () => rng.uniform() * 2 - 1);
          for (let i = 0; i < got.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-13 * k);
        }
      }
    }
  });

  it('computes the RNN shapes: a row times a matrix, transposed or not, and an outer product', () => {
    const rng = new Rng(3);
    const shapes: [number, number, number][] = [
      [1, 50, 50],
      [50, 50, 1],
      [20, 50, 50],
      [50, 50, 20],
      [20, 50, 6],
      [20, 4, 50],
      [1, 4, 50],
    ];
    for (const [m, n, k] of shapes) {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          const t = { transA, transB, m, n, k, aOffset: 0, bOffset: 0, cOffset: 0 };
          const { got, want } = run(t, () => rng.int(9) - 4);
          expect(values(got)).toEqual(values(want));
        }
      }
    }
  });

  it('overwrites the output rather than adding to it, and writes zeros when k = 0', () => {
    const c = new Float64Array([5, 5, 5, 5]);
    gemm(false, false, 2, 2, 0, new Float64Array(0), 0, new Float64Array(0), 0, c, 0);
    expect(Array.from(c)).toEqual([0, 0, 0, 0]);
    const a = new Float64Array([1, 2, 3, 4]);
    gemm(false, false, 2, 2, 2, a, 0, a, 0, c, 0);
    gemm(false, false, 2, 2, 2, a, 0, a, 0, c, 0);
    // [[1, 2], [3, 4]]² = [[7, 10], [15, 22]]
    expect(Array.from(c)).toEqual([7, 10, 15, 22]);
  });

  it('propagates NaN and infinity like the definition does (0·∞ is NaN)', () => {
    const c = new Float64Array(1);
    gemm(false, false, 1, 1, 2, new Float64Array([0, 1]), 0, new Float64Array([Infinity, 2]), 0, c, 0);
    expect(c[0]).toBeNaN();
  });
});
