/**
 * @file Matrix multiplication on Float64Array, C = op(A)·op(B) where op transposes or not, so the
 * backward pass never materialises a transpose.
 *
 * One summation order for every path, so that the plain-JavaScript loops here and the WebAssembly
 * SIMD kernel (assembly/gemm.ts, used for products big enough to pay for the copy into wasm
 * memory) give the same bits: each element of C starts at 0 and gets, for each k-slice of KC
 * products in order, that slice's products added one by one to a partial sum started at 0.
 *
 * Two JavaScript paths. Small products (the RNN's 1×50·50×50ᵀ, outer products, k < 4) run direct
 * loops chosen so the innermost loop has unit stride. Larger ones use the GotoBLAS scheme in scalar
 * JavaScript: copy op(A) into slivers of MR rows and op(B) into slivers of NR columns, laid out so a
 * micro-kernel reads both front to back, then let the micro-kernel keep an MR×NR block of C in
 * local variables (registers) for a whole k-slice. Packing makes the four transpose variants one
 * case and costs O(mk + kn) against the O(mnk) product.
 */
import { ValueError } from '../errors.js';
import { activeWasm, wasmFor } from './backend.js';
import type { WasmKernels } from './wasm.js';

/** Rows and columns of C that one JavaScript micro-kernel call keeps in registers (16 accumulators). */
const MR = 4;
const NR = 4;
/**
 * k-slice length, shared with the WebAssembly kernel: it fixes the summation order.
 *
 * @example
 * KC; // 256: a sum over 1000 terms is four partial sums, each from 0, added in order
 */
export const KC = 256;
/** Columns per block: the KC×NC part of packed B (512 KB) stays in L2 across all rows of A. */
const NC = 256;
/** Below this many multiply-adds packing does not pay for itself. */
const DIRECT_MAX_WORK = 4096;
/**
 * From this many multiply-adds on (12³), the WebAssembly kernel beats the copies it needs
 * (the committed quiet run of `node bench/dist/crossover.js`, bench/results/crossover.md;
 * bench/test/crossover.test.ts holds the two together).
 *
 * @example
 * 20 * 50 * 50 >= WASM_MIN_WORK; // true: an RNN step of B = 20 runs in WebAssembly
 */
export const WASM_MIN_WORK = 1728;

// Scratch, grown on demand and reused, so gemm does not allocate per call. Safe because gemm is
// synchronous and calls nothing that could re-enter it.
let packedA = new Float64Array(0);
let packedB = new Float64Array(0);
let rowScratch = new Float64Array(0);
const edgeTile = new Float64Array(MR * NR);

/** A product C = op(A)·op(B): sizes, buffers, and where in them the three matrices start. */
export interface Gemm {
  /** Rows of C and of op(A). */
  m: number;
  /** Columns of C and of op(B). */
  n: number;
  /** Columns of op(A), rows of op(B): the length of each sum. */
  k: number;
  /** A, stored m × k, or k × m when `transA`. */
  a: Float64Array;
  /** B, stored k × n, or n × k when `transB`. */
  b: Float64Array;
  /** C, m × n, overwritten. */
  c: Float64Array;
  transA?: boolean;
  transB?: boolean;
  /** Where A, B and C start in their arrays (one matrix of a batch); 0 by default. */
  aOffset?: number;
  bOffset?: number;
  cOffset?: number;
}

/**
 * Writes op(A)·op(B) into C (see {@link Gemm}). The same bits from the JavaScript loops and from
 * the WebAssembly kernel, whichever runs.
 *
 * @example
 * const c = new Float64Array(1);
 * gemm({ m: 1, n: 1, k: 2, a: Float64Array.of(1, 2), b: Float64Array.of(3, 4), c }); // c = [11]
 */
export function gemm(p: Gemm): void {
  const wasm = wasmFor(p.m * p.n * p.k, WASM_MIN_WORK);
  if (wasm !== null) wasmGemm(wasm, p);
  else gemmJs(p);
}

/**
 * The WebAssembly path of {@link gemm}, at any size; a ValueError when the WebAssembly kernels are
 * not in use (see useKernels).
 *
 * @example
 * const c = new Float64Array(1);
 * gemmWasm({ m: 1, n: 1, k: 2, a: Float64Array.of(1, 2), b: Float64Array.of(3, 4), c }); // c = [11]
 */
export function gemmWasm(p: Gemm): void {
  const w = activeWasm();
  if (w === null) throw new ValueError('gemmWasm', 'kernels', "the WebAssembly kernels are not in use (useKernels('wasm'))");
  wasmGemm(w, p);
}

/** Copy op(A), op(B) into wasm memory, multiply, copy C out. */
function wasmGemm(w: WasmKernels, p: Gemm): void {
  const { m, n, k } = p;
  const aOffset = p.aOffset ?? 0;
  const bOffset = p.bOffset ?? 0;
  const cOffset = p.cOffset ?? 0;
  const [A, B, C] = w.layout(m * k, k * n, m * n);
  w.put(A, p.a, aOffset, m * k);
  w.put(B, p.b, bOffset, k * n);
  w.gemm(p.transA === true, p.transB === true, m, n, k, A, B, C);
  w.take(C, p.c, cOffset, m * n);
}

/**
 * The JavaScript path of {@link gemm}, always: the reference the WebAssembly kernel is tested
 * against bit for bit.
 *
 * @example
 * const c = new Float64Array(4);
 * gemmJs({ m: 2, n: 2, k: 1, a: Float64Array.of(1, 2), b: Float64Array.of(3, 4), c }); // c = [3, 4, 6, 8]
 */
export function gemmJs(p: Gemm): void {
  const { m, n, k, a, b, c } = p;
  const transA = p.transA === true;
  const transB = p.transB === true;
  const aOffset = p.aOffset ?? 0;
  const bOffset = p.bOffset ?? 0;
  const cOffset = p.cOffset ?? 0;
  c.fill(0, cOffset, cOffset + m * n);
  if (m === 0 || n === 0 || k === 0) return;
  if (m < MR || n < NR || k < 4 || m * n * k <= DIRECT_MAX_WORK) {
    for (let p0 = 0; p0 < k; p0 += KC) {
      const p1 = Math.min(k, p0 + KC);
      if (transB) gemmDot(transA, m, n, k, p0, p1, a, aOffset, b, bOffset, c, cOffset);
      else gemmAxpy(transA, m, n, k, p0, p1, a, aOffset, b, bOffset, c, cOffset);
    }
    return;
  }
  gemmPacked(transA, transB, m, n, k, a, aOffset, b, bOffset, c, cOffset);
}

/**
 * C += the k-slice p0..p1 of op(A)·B with B stored k × n: row i of C gathers rows of B scaled by
 * A[i][p], four rows of B per pass so each element of C is loaded and stored a quarter as often.
 * The first slice sums straight into C (which starts at 0); later ones into a zeroed row first.
 */
function gemmAxpy(transA: boolean, m: number, n: number, k: number, p0: number, p1: number, a: Float64Array, aOffset: number, b: Float64Array, bOffset: number, c: Float64Array, cOffset: number): void {
  const ai = transA ? 1 : k;
  const ap = transA ? m : 1;
  const p4 = p1 - ((p1 - p0) % 4);
  if (p0 > 0 && rowScratch.length < n) rowScratch = new Float64Array(n);
  const t = p0 === 0 ? c : rowScratch;
  for (let i = 0; i < m; i++) {
    const ci = cOffset + i * n;
    const ti = p0 === 0 ? ci : 0;
    if (p0 > 0) t.fill(0, 0, n);
    const aRow = aOffset + i * ai;
    for (let p = p0; p < p4; p += 4) {
      const a0 = a[aRow + p * ap];
      const a1 = a[aRow + (p + 1) * ap];
      const a2 = a[aRow + (p + 2) * ap];
      const a3 = a[aRow + (p + 3) * ap];
      const b0 = bOffset + p * n;
      const b1 = b0 + n;
      const b2 = b1 + n;
      const b3 = b2 + n;
      for (let j = 0; j < n; j++) t[ti + j] = t[ti + j] + a0 * b[b0 + j] + a1 * b[b1 + j] + a2 * b[b2 + j] + a3 * b[b3 + j];
    }
    for (let p = p4; p < p1; p++) {
      const aip = a[aRow + p * ap];
      const bRow = bOffset + p * n;
      for (let j = 0; j < n; j++) t[ti + j] += aip * b[bRow + j];
    }
    if (p0 > 0) for (let j = 0; j < n; j++) c[ci + j] += t[j];
  }
}

/**
 * C += the k-slice p0..p1 of op(A)·Bᵀ with B stored n × k: each C[i][j] gets a dot product of a
 * row of op(A) with a row of B, both read with unit stride (A too unless transA); four rows of B
 * share each load of A.
 */
function gemmDot(transA: boolean, m: number, n: number, k: number, p0: number, p1: number, a: Float64Array, aOffset: number, b: Float64Array, bOffset: number, c: Float64Array, cOffset: number): void {
  const ai = transA ? 1 : k;
  const ap = transA ? m : 1;
  const n4 = n - (n % 4);
  for (let i = 0; i < m; i++) {
    const ci = cOffset + i * n;
    const aRow = aOffset + i * ai;
    for (let j = 0; j < n4; j += 4) {
      const b0 = bOffset + j * k;
      const b1 = b0 + k;
      const b2 = b1 + k;
      const b3 = b2 + k;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let p = p0; p < p1; p++) {
        const aip = a[aRow + p * ap];
        s0 += aip * b[b0 + p];
        s1 += aip * b[b1 + p];
        s2 += aip * b[b2 + p];
        s3 += aip * b[b3 + p];
      }
      c[ci + j] += s0;
      c[ci + j + 1] += s1;
      c[ci + j + 2] += s2;
      c[ci + j + 3] += s3;
    }
    for (let j = n4; j < n; j++) {
      const bRow = bOffset + j * k;
      let s = 0;
      for (let p = p0; p < p1; p++) s += a[aRow + p * ap] * b[bRow + p];
      c[ci + j] += s;
    }
  }
}

/**
 * The blocked path: pack, then loop over k-slices (KC) and column blocks (NC) so the B block in
 * use fits in L2, and within them over MR×NR tiles of C, each computed by the micro-kernel.
 */
function gemmPacked(transA: boolean, transB: boolean, m: number, n: number, k: number, a: Float64Array, aOffset: number, b: Float64Array, bOffset: number, c: Float64Array, cOffset: number): void {
  const mPanels = Math.ceil(m / MR);
  const nPanels = Math.ceil(n / NR);
  if (packedA.length < mPanels * MR * k) packedA = new Float64Array(mPanels * MR * k);
  if (packedB.length < nPanels * NR * k) packedB = new Float64Array(nPanels * NR * k);
  // op(A) is m × k with strides (rowStride, colStride); op(B)'s columns are the rows of op(B)ᵀ.
  packSlivers(MR, m, k, a, aOffset, transA ? 1 : k, transA ? m : 1, packedA);
  packSlivers(NR, n, k, b, bOffset, transB ? k : 1, transB ? 1 : n, packedB);
  for (let p0 = 0; p0 < k; p0 += KC) {
    const kc = Math.min(KC, k - p0);
    for (let j0 = 0; j0 < n; j0 += NC) {
      const jEnd = Math.min(j0 + NC, n);
      for (let i = 0; i < m; i += MR) {
        const aSliver = i * k + p0 * MR;
        for (let j = j0; j < jEnd; j += NR) {
          microKernel(kc, packedA, aSliver, packedB, j * k + p0 * NR, c, cOffset + i * n + j, n, Math.min(MR, m - i), Math.min(NR, n - j));
        }
      }
    }
  }
}

/**
 * Copies the rows×cols matrix X (X[r][p] at x[offset + r·rowStride + p·colStride]) into slivers
 * of `width` rows: sliver s holds X[s·width .. s·width+width−1][p] for p = 0..cols−1, one column
 * of the sliver after another, so a k-slice of it is contiguous. Rows past the end are zero, which
 * lets the micro-kernel always compute a full tile.
 */
function packSlivers(width: number, rows: number, cols: number, x: Float64Array, offset: number, rowStride: number, colStride: number, out: Float64Array): void {
  let o = 0;
  for (let r0 = 0; r0 < rows; r0 += width) {
    const live = Math.min(width, rows - r0);
    for (let p = 0; p < cols; p++) {
      const base = offset + r0 * rowStride + p * colStride;
      for (let r = 0; r < live; r++) out[o + r] = x[base + r * rowStride];
      for (let r = live; r < width; r++) out[o + r] = 0;
      o += width;
    }
  }
}

/**
 * C[0..rows)[0..cols) += A_sliver · B_sliver over kc steps: 16 accumulators in locals so the
 * inner loop does 8 loads for 16 multiply-adds and touches C only once at the end.
 */
function microKernel(kc: number, pa: Float64Array, ia: number, pb: Float64Array, ib: number, c: Float64Array, ic: number, ldc: number, rows: number, cols: number): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  for (let p = 0; p < kc; p++) {
    const a0 = pa[ia];
    const a1 = pa[ia + 1];
    const a2 = pa[ia + 2];
    const a3 = pa[ia + 3];
    const b0 = pb[ib];
    const b1 = pb[ib + 1];
    const b2 = pb[ib + 2];
    const b3 = pb[ib + 3];
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
    ia += MR;
    ib += NR;
  }
  if (rows === MR && cols === NR) {
    let o = ic;
    c[o] += c00; c[o + 1] += c01; c[o + 2] += c02; c[o + 3] += c03;
    o += ldc;
    c[o] += c10; c[o + 1] += c11; c[o + 2] += c12; c[o + 3] += c13;
    o += ldc;
    c[o] += c20; c[o + 1] += c21; c[o + 2] += c22; c[o + 3] += c23;
    o += ldc;
    c[o] += c30; c[o + 1] += c31; c[o + 2] += c32; c[o + 3] += c33;
    return;
  }
  // A tile at the bottom or right edge: the padded part of the tile is discarded.
  const t = edgeTile;
  t[0] = c00; t[1] = c01; t[2] = c02; t[3] = c03;
  t[4] = c10; t[5] = c11; t[6] = c12; t[7] = c13;
  t[8] = c20; t[9] = c21; t[10] = c22; t[11] = c23;
  t[12] = c30; t[13] = c31; t[14] = c32; t[15] = c33;
  for (let r = 0; r < rows; r++) for (let s = 0; s < cols; s++) c[ic + r * ldc + s] += t[r * NR + s];
}
