/**
 * @file The gemm kernel, both paths, against two triple loops: one summing in gemm's defined order
 * (k-slices of KC, each from 0; the comparison is exact, bit for bit), one plain (to 1e-13
 * relative to Σ|a||b|). Every transpose flag, odd and edge sizes (1×1, zero-length dimensions, the
 * direct loops, the packed path with its partial edge tiles, k across a slice), batch offsets, no
 * writes outside the output matrix; and the WebAssembly kernel equal to the JavaScript one bit for
 * bit.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '@tapegrad/autodiff';
import { KC, gemm, gemmJs, gemmWasm, kernelBackend, useKernels, type Gemm } from '@tapegrad/autodiff/kernels';
import { runs } from '../../../test/fast-check.js';

/** The WebAssembly kernels where this platform has them (Node 20 does); their tests skip nowhere else. */
const hasWasm = useKernels('auto') === 'wasm';

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

/** op(A)[i][p] and op(B)[p][j] straight from the storage convention. */
const entryA = (t: Case, a: Float64Array, i: number, p: number) =>
  t.transA ? a[t.aOffset + p * t.m + i] : a[t.aOffset + i * t.k + p];
const entryB = (t: Case, b: Float64Array, p: number, j: number) =>
  t.transB ? b[t.bOffset + j * t.k + p] : b[t.bOffset + p * t.n + j];

/** C[i][j] = Σ over k-slices of KC (in order) of each slice's sum started at 0: gemm's order. */
function ordered(t: Case, a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(t.m * t.n);
  for (let i = 0; i < t.m; i++) {
    for (let j = 0; j < t.n; j++) {
      let c = 0;
      for (let p0 = 0; p0 < t.k; p0 += KC) {
        let s = 0;
        for (let p = p0; p < Math.min(t.k, p0 + KC); p++) s += entryA(t, a, i, p) * entryB(t, b, p, j);
        c += s;
      }
      out[i * t.n + j] = c;
    }
  }
  return out;
}

/** C[i][j] = Σ_p op(A)[i][p]·op(B)[p][j], one sum, and Σ_p |op(A)[i][p]·op(B)[p][j]| beside it. */
function plain(t: Case, a: Float64Array, b: Float64Array): { c: Float64Array; scale: Float64Array } {
  const c = new Float64Array(t.m * t.n);
  const scale = new Float64Array(t.m * t.n);
  for (let i = 0; i < t.m; i++) {
    for (let j = 0; j < t.n; j++) {
      for (let p = 0; p < t.k; p++) {
        const x = entryA(t, a, i, p) * entryB(t, b, p, j);
        c[i * t.n + j] += x;
        scale[i * t.n + j] += Math.abs(x);
      }
    }
  }
  return { c, scale };
}

/** Fills with `draw()` after `offset` leading slots, plus a trailing guard slot. */
function filled(offset: number, size: number, draw: () => number): Float64Array {
  const x = new Float64Array(offset + size + 1).fill(Number.NaN);
  for (let i = 0; i < size; i++) x[offset + i] = draw();
  return x;
}

/** Runs one gemm path on a case; checks that the guard slots around C were not touched. */
function run(kernel: (p: Gemm) => void, t: Case, a: Float64Array, b: Float64Array): Float64Array {
  const c = new Float64Array(t.cOffset + t.m * t.n + 1).fill(-7);
  kernel({ ...t, a, b, c });
  for (let i = 0; i < t.cOffset; i++) expect(c[i]).toBe(-7);
  expect(c[t.cOffset + t.m * t.n]).toBe(-7);
  return c.slice(t.cOffset, t.cOffset + t.m * t.n);
}

const arbCase = (maxDim: number, maxK: number): fc.Arbitrary<Case> =>
  fc.record({
    transA: fc.boolean(),
    transB: fc.boolean(),
    m: fc.integer({ min: 0, max: maxDim }),
    n: fc.integer({ min: 0, max: maxDim }),
    k: fc.integer({ min: 0, max: maxK }),
    aOffset: fc.integer({ min: 0, max: 5 }),
    bOffset: fc.integer({ min: 0, max: 5 }),
    cOffset: fc.integer({ min: 0, max: 5 }),
  });

const paths: [string, (p: Gemm) => void][] = [
  ['JavaScript', gemmJs],
  ...(hasWasm ? [['WebAssembly', gemmWasm] as [string, (p: Gemm) => void]] : []),
];

describe.each(paths)('gemm, %s path', (_, kernel) => {
  it("equals the triple loop summing in gemm's order, bit for bit, on random reals", () => {
    fc.assert(
      fc.property(arbCase(23, 2 * KC + 9), fc.integer(), (t, s) => {
        const rng = new Rng(s);
        const a = filled(t.aOffset, t.m * t.k, () => rng.uniform() * 2 - 1);
        const b = filled(t.bOffset, t.k * t.n, () => rng.uniform() * 2 - 1);
        const got = run(kernel, t, a, b);
        expect(Array.from(got)).toEqual(Array.from(ordered(t, a, b)));
      }),
      { numRuns: runs(60) },
    );
  });

  it('agrees with a plain triple loop to 1e-13 relative to Σ|a·b|, past a k-slice and the packed path', () => {
    const rng = new Rng(7);
    const sizes: [number, number, number][] = [
      [5, 300, 140],
      [67, 9, 261],
      [13, 37, 531],
      [1, 1, 1],
      [33, 41, 29],
    ];
    for (const [m, n, k] of sizes) {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          const t = { transA, transB, m, n, k, aOffset: 3, bOffset: 1, cOffset: 2 };
          const a = filled(3, m * k, () => rng.uniform() * 2 - 1);
          const b = filled(1, k * n, () => rng.uniform() * 2 - 1);
          const got = run(kernel, t, a, b);
          const want = plain(t, a, b);
          for (let i = 0; i < got.length; i++)
            expect(Math.abs(got[i] - want.c[i])).toBeLessThanOrEqual(1e-13 * want.scale[i]);
        }
      }
    }
  });

  it('overwrites the output rather than adding to it, and writes zeros when k = 0', () => {
    const c = new Float64Array([5, 5, 5, 5]);
    kernel({ m: 2, n: 2, k: 0, a: new Float64Array(0), b: new Float64Array(0), c });
    expect(Array.from(c)).toEqual([0, 0, 0, 0]);
    const a = new Float64Array([1, 2, 3, 4]);
    kernel({ m: 2, n: 2, k: 2, a, b: a, c });
    kernel({ m: 2, n: 2, k: 2, a, b: a, c });
    // [[1, 2], [3, 4]]² = [[7, 10], [15, 22]]
    expect(Array.from(c)).toEqual([7, 10, 15, 22]);
  });

  it('propagates NaN and infinity like the definition does (0·∞ is NaN)', () => {
    const c = new Float64Array(1);
    kernel({ m: 1, n: 1, k: 2, a: new Float64Array([0, 1]), b: new Float64Array([Infinity, 2]), c });
    expect(c[0]).toBeNaN();
  });
});

describe('gemm, the two paths together', () => {
  it.runIf(hasWasm)('gives the same bits from WebAssembly as from JavaScript on the RNN shapes and big ones', () => {
    const rng = new Rng(3);
    const shapes: [number, number, number][] = [
      [1, 50, 50],
      [20, 50, 50],
      [50, 50, 1000],
      [1000, 6, 50],
      [129, 130, 257],
    ];
    for (const [m, n, k] of shapes) {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          const t = { transA, transB, m, n, k, aOffset: 0, bOffset: 0, cOffset: 0 };
          const a = filled(0, m * k, () => rng.uniform() * 2 - 1);
          const b = filled(0, k * n, () => rng.uniform() * 2 - 1);
          expect(Array.from(run(gemmWasm, t, a, b))).toEqual(Array.from(run(gemmJs, t, a, b)));
        }
      }
    }
  });

  it('gemm picks a path by size and the switch, with the same result either way', () => {
    const rng = new Rng(5);
    const a = Float64Array.from({ length: 40 * 30 }, () => rng.uniform());
    const c1 = new Float64Array(40 * 40);
    const c2 = new Float64Array(40 * 40);
    useKernels('js');
    expect(kernelBackend()).toBe('js');
    gemm({ m: 40, n: 40, k: 30, a, b: a, c: c1, transB: true });
    expect(() => gemmWasm({ m: 1, n: 1, k: 1, a, b: a, c: c2 })).toThrow(/not in use/);
    useKernels('auto');
    gemm({ m: 40, n: 40, k: 30, a, b: a, c: c2, transB: true });
    expect(Array.from(c2)).toEqual(Array.from(c1));
  });
});
