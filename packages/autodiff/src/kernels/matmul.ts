/**
 * @file Matrix multiplication on Float64Array, C = op(A)·op(B) where op transposes or not, so the
 * backward pass never materialises a transpose.
 *
 * Two paths. Small products (the RNN's 1×50·50×50ᵀ, outer products, k < 4) run direct loops
 * chosen so the innermost loop has unit stride. Larger ones use the GotoBLAS scheme in scalar
 * JavaScript: copy op(A) into slivers of MR rows and op(B) into slivers of NR columns, laid out
 * so a micro-kernel reads both front to back, then let the micro-kernel keep an MR×NR block of C
 * in local variables (registers) for a whole k-slice. Packing makes the four transpose variants
 * one case and costs O(mk + kn) against the O(mnk) product.
 */

/** Rows and columns of C that one micro-kernel call keeps in registers (16 accumulators). */
const MR = 4;
const NR = 4;
/** k-slice length: an MR×KC sliver of A (4 KB) stays in L1 while the B slivers stream past. */
const KC = 128;
/** Columns per block: the KC×NC part of packed B (256 KB) stays in L2 across all rows of A. */
const NC = 256;
/** Below this many multiply-adds packing does not pay for itself. */
const DIRECT_MAX_WORK = 4096;

// Scratch for the packed panels, grown on demand and reused, so gemm does not allocate per call.
// Safe because gemm is synchronous and calls nothing that could re-enter it.
let packedA = new Float64Array(0);
let packedB = new Float64Array(0);
const edgeTile = new Float64Array(MR * NR);

/**
 * Writes op(A)·op(B) into `c` (m × n, overwritten). A is stored m × k (or k × m when transA),
 * B is stored k × n (or n × k when transB). Offsets select one matrix of a batch.
 *
 * @example
 * const c = new Float64Array(1);
 * gemm(false, false, 1, 1, 2, new Float64Array([1, 2]), 0, new Float64Array([3, 4]), 0, c, 0); // c = [11]
 */
export function gemm(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  a: Float64Array,
  aOffset: number,
  b: Float64Array,
  bOffset: number,
  c: Float64Array,
  cOffset: number,
): void {
  if (k === 1) {
    // An outer product: op(A) is a column and op(B) a row whatever the flags, so no stride matters.
    for (let i = 0; i < m; i++) {
      const ai = a[aOffset + i];
      const ci = cOffset + i * n;
      for (let j = 0; j < n; j++) c[ci + j] = ai * b[bOffset + j];
    }
    return;
  }
  c.fill(0, cOffset, cOffset + m * n);
  if (m === 0 || n === 0 || k === 0) return;
  if (m < MR || n < NR || k < 4 || m * n * k <= DIRECT_MAX_WORK) {
    if (transB) gemmDot(transA, m, n, k, a, aOffset, b, bOffset, c, cOffset);
    else gemmAxpy(transA, m, n, k, a, aOffset, b, bOffset, c, cOffset);
    return;
  }
  gemmPacked(transA, transB, m, n, k, a, aOffset, b, bOffset, c, cOffset);
}

/**
 * C += op(A)·B with B stored k × n: row i of C gathers rows of B scaled by A[i][p], four rows of
 * B per pass so each element of C is loaded and stored k/4 times instead of k times.
 */
function gemmAxpy(transA: boolean, m: number, n: number, k: number, a: Float64Array, aOffset: number, b: Float64Array, bOffset: number, c: Float64Array, cOffset: number): void {
  const ai = transA ? 1 : k;
  const ap = transA ? m : 1;
  const k4 = k - (k % 4);
  for (let i = 0; i < m; i++) {
    const ci = cOffset + i * n;
    const aRow = aOffset + i * ai;
    for (let p = 0; p < k4; p += 4) {
      const a0 = a[aRow + p * ap];
      const a1 = a[aRow + (p + 1) * ap];
      const a2 = a[aRow + (p + 2) * ap];
      const a3 = a[aRow + (p + 3) * ap];
      const b0 = bOffset + p * n;
      const b1 = b0 + n;
      const b2 = b1 + n;
      const b3 = b2 + n;
      for (let j = 0; j < n; j++) c[ci + j] += a0 * b[b0 + j] + a1 * b[b1 + j] + a2 * b[b2 + j] + a3 * b[b3 + j];
    }
    for (let p = k4; p < k; p++) {
      const aip = a[aRow + p * ap];
      const bRow = bOffset + p * n;
      for (let j = 0; j < n; j++) c[ci + j] += aip * b[bRow + j];
    }
  }
}

/**
 * C = op(A)·Bᵀ with B stored n × k: each C[i][j] is a dot product of a row of op(A) with a row
 * of B, both read with unit stride (A too unless transA); four rows of B share each load of A.
 */
function gemmDot(transA: boolean, m: number, n: number, k: number, a: Float64Array, aOffset: number, b: Float64Array, bOffset: number, c: Float64Array, cOffset: number): void {
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
      for (let p = 0; p < k; p++) {
        const aip = a[aRow + p * ap];
        s0 += aip * b[b0 + p];
        s1 += aip * b[b1 + p];
        s2 += aip * b[b2 + p];
        s3 += aip * b[b3 + p];
      }
      c[ci + j] = s0;
      c[ci + j + 1] = s1;
      c[ci + j + 2] = s2;
      c[ci + j + 3] = s3;
    }
    for (let j = n4; j < n; j++) {
      const bRow = bOffset + j * k;
      let s = 0;
      for (let p = 0; p < k; p++) s += a[aRow + p * ap] * b[bRow + p];
      c[ci + j] = s;
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
