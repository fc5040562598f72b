/**
 * @file Matrix products in WebAssembly SIMD: C = op(A)·op(B) on float64, the twin of
 * src/kernels/matmul.ts. op(B) is packed into slivers of NR = 8 columns ([k][8], zero-padded past
 * the last column), so a micro-kernel reads B front to back; A is read in place through two
 * strides, which makes every transpose variant one loop nest.
 *
 * Summation order is fixed, and the same as the JS path's: every element of C is the sum, over
 * k-slices of KC products taken in order, of each slice's products added one by one to a partial
 * sum that starts at 0, and C starts at 0. f64x2 lanes are independent float64 sums (no fused
 * multiply-add in wasm), so both paths give the same bits; a thread that computes some sliver
 * columns computes them exactly as one thread would.
 */

/** k-slice length: a KC × 8 sliver of packed B (16 KB) stays in L1 while rows of A stream past. */
export const KC: i32 = 256;
/** Rows of A per block: an MC × KC block of A (128 KB) stays in L2 across all slivers. */
const MC: i32 = 64;
/** Columns per sliver of packed B: four f64x2 accumulators per row of C. */
export const NR: i32 = 8;

/** Number of NR-column slivers that cover n columns. */
export function sliverCount(n: i32): i32 {
  return (n + NR - 1) / NR;
}

/**
 * Packs slivers s0..s1−1 of op(B) (k × n; B stored k × n, or n × k when transB) into `dst`:
 * sliver s at dst + (s − s0)·k·NR doubles, row p of it the 8 values op(B)[p][8s .. 8s + 7].
 */
export function packB(b: usize, transB: bool, k: i32, n: i32, s0: i32, s1: i32, dst: usize): void {
  for (let s = s0; s < s1; s++) {
    const j0 = s * NR;
    const live = min(NR, n - j0);
    let out = dst + (<usize>(s - s0) * <usize>k * NR << 3);
    if (!transB && live == NR) {
      for (let p = 0; p < k; p++) {
        const src = b + ((<usize>p * n + j0) << 3);
        v128.store(out, v128.load(src));
        v128.store(out, v128.load(src, 16), 16);
        v128.store(out, v128.load(src, 32), 32);
        v128.store(out, v128.load(src, 48), 48);
        out += NR << 3;
      }
      continue;
    }
    memory.fill(out, 0, <usize>k * NR << 3);
    for (let c = 0; c < live; c++) {
      // op(B)[p][j] is b[j·k + p] (transB) or b[p·n + j]
      const stride: usize = transB ? 8 : <usize>n << 3;
      let src = b + ((transB ? <usize>(j0 + c) * k : <usize>(j0 + c)) << 3);
      let o = out + (<usize>c << 3);
      for (let p = 0; p < k; p++) {
        store<f64>(o, load<f64>(src));
        src += stride;
        o += NR << 3;
      }
    }
  }
}

@inline function madd(c: v128, a: v128, b: v128): v128 {
  return f64x2.add(c, f64x2.mul(a, b));
}

/** c[0..live) += the four accumulators' lanes in order, through `tile` when live < 8. */
@inline function addRow(c: usize, x0: v128, x1: v128, x2: v128, x3: v128, live: i32, tile: usize): void {
  if (live == NR) {
    v128.store(c, f64x2.add(v128.load(c), x0));
    v128.store(c, f64x2.add(v128.load(c, 16), x1), 16);
    v128.store(c, f64x2.add(v128.load(c, 32), x2), 32);
    v128.store(c, f64x2.add(v128.load(c, 48), x3), 48);
    return;
  }
  v128.store(tile, x0);
  v128.store(tile, x1, 16);
  v128.store(tile, x2, 32);
  v128.store(tile, x3, 48);
  for (let j = 0; j < live; j++) {
    const at = c + (<usize>j << 3);
    store<f64>(at, load<f64>(at) + load<f64>(tile + (<usize>j << 3)));
  }
}

/**
 * Two rows of C, eight columns: c0, c1 += Σ_p A[row][p]·B_sliver[p] over kc steps, with eight
 * f64x2 accumulators (8 multiplies and 8 adds per 6 loads: the f64x2 pipes, not memory, set the pace).
 */
function kernel2(kc: i32, a0: usize, a1: usize, ps: usize, pb: usize, c0: usize, c1: usize, live: i32, tile: usize): void {
  let x0 = f64x2.splat(0), x1 = f64x2.splat(0), x2 = f64x2.splat(0), x3 = f64x2.splat(0);
  let y0 = f64x2.splat(0), y1 = f64x2.splat(0), y2 = f64x2.splat(0), y3 = f64x2.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb), b1 = v128.load(pb, 16), b2 = v128.load(pb, 32), b3 = v128.load(pb, 48);
    const u = v128.load64_splat(a0);
    x0 = madd(x0, u, b0); x1 = madd(x1, u, b1); x2 = madd(x2, u, b2); x3 = madd(x3, u, b3);
    const v = v128.load64_splat(a1);
    y0 = madd(y0, v, b0); y1 = madd(y1, v, b1); y2 = madd(y2, v, b2); y3 = madd(y3, v, b3);
    a0 += ps;
    a1 += ps;
    pb += NR << 3;
  }
  addRow(c0, x0, x1, x2, x3, live, tile);
  addRow(c1, y0, y1, y2, y3, live, tile);
}

/** One row of C, eight columns: the last row when m is odd, and every row of a matrix-vector product. */
function kernel1(kc: i32, a0: usize, ps: usize, pb: usize, c0: usize, live: i32, tile: usize): void {
  let x0 = f64x2.splat(0), x1 = f64x2.splat(0), x2 = f64x2.splat(0), x3 = f64x2.splat(0);
  for (let p = 0; p < kc; p++) {
    const u = v128.load64_splat(a0);
    x0 = madd(x0, u, v128.load(pb));
    x1 = madd(x1, u, v128.load(pb, 16));
    x2 = madd(x2, u, v128.load(pb, 32));
    x3 = madd(x3, u, v128.load(pb, 48));
    a0 += ps;
    pb += NR << 3;
  }
  addRow(c0, x0, x1, x2, x3, live, tile);
}

/**
 * One row of C, sixteen columns from two slivers (pb and pb + sliverBytes): a matrix-vector
 * product keeps eight independent sums in flight instead of four.
 */
function kernel1x2(kc: i32, a0: usize, ps: usize, pb: usize, sliverBytes: usize, c0: usize, live: i32, tile: usize): void {
  let x0 = f64x2.splat(0), x1 = f64x2.splat(0), x2 = f64x2.splat(0), x3 = f64x2.splat(0);
  let y0 = f64x2.splat(0), y1 = f64x2.splat(0), y2 = f64x2.splat(0), y3 = f64x2.splat(0);
  let qb = pb + sliverBytes;
  for (let p = 0; p < kc; p++) {
    const u = v128.load64_splat(a0);
    x0 = madd(x0, u, v128.load(pb));
    x1 = madd(x1, u, v128.load(pb, 16));
    x2 = madd(x2, u, v128.load(pb, 32));
    x3 = madd(x3, u, v128.load(pb, 48));
    y0 = madd(y0, u, v128.load(qb));
    y1 = madd(y1, u, v128.load(qb, 16));
    y2 = madd(y2, u, v128.load(qb, 32));
    y3 = madd(y3, u, v128.load(qb, 48));
    a0 += ps;
    pb += NR << 3;
    qb += NR << 3;
  }
  addRow(c0, x0, x1, x2, x3, NR, tile);
  addRow(c0 + (NR << 3), y0, y1, y2, y3, live, tile);
}

/**
 * C[0..m)[8·s0 .. min(8·s1, n)) = op(A)·op(B) for the slivers s0..s1−1 packed at `packed` (as
 * packB left them). op(A)[i][p] is at a + i·rowStride + p·pStride (bytes); C has ldc columns.
 * `tile` is 64 bytes of scratch for edge columns.
 */
export function gemmSlivers(
  m: i32, n: i32, k: i32, a: usize, rowStride: usize, pStride: usize, packed: usize, s0: i32, s1: i32, c: usize, ldc: i32, tile: usize,
): void {
  const j0 = s0 * NR;
  const width = min(s1 * NR, n) - j0;
  if (width <= 0) return;
  for (let i = 0; i < m; i++) memory.fill(c + ((<usize>i * ldc + j0) << 3), 0, <usize>width << 3);
  const ldcBytes = <usize>ldc << 3;
  for (let pc = 0; pc < k; pc += KC) {
    const kc = min(KC, k - pc);
    for (let ic = 0; ic < m; ic += MC) {
      const iEnd = min(ic + MC, m);
      const pairs = (iEnd - ic) & ~1;
      for (let s = s0; s < s1; s++) {
        const pb = packed + ((<usize>(s - s0) * k + pc) * NR << 3);
        const col = s * NR;
        const live = min(NR, n - col);
        for (let i = ic; i < ic + pairs; i += 2) {
          const a0 = a + <usize>i * rowStride + <usize>pc * pStride;
          const c0 = c + ((<usize>i * ldc + col) << 3);
          kernel2(kc, a0, a0 + rowStride, pStride, pb, c0, c0 + ldcBytes, live, tile);
        }
      }
      if (pairs == iEnd - ic) continue;
      // the odd last row: two slivers at a time
      const i = iEnd - 1;
      const a0 = a + <usize>i * rowStride + <usize>pc * pStride;
      const sliverBytes = <usize>k * NR << 3;
      let s = s0;
      for (; s + 1 < s1; s += 2) {
        const col = s * NR;
        const pb = packed + ((<usize>(s - s0) * k + pc) * NR << 3);
        kernel1x2(kc, a0, pStride, pb, sliverBytes, c + ((<usize>i * ldc + col) << 3), min(NR, n - col - NR), tile);
      }
      if (s < s1) {
        const col = s * NR;
        kernel1(kc, a0, pStride, packed + ((<usize>(s - s0) * k + pc) * NR << 3), c + ((<usize>i * ldc + col) << 3), min(NR, n - col), tile);
      }
    }
  }
}

/**
 * C = op(A)·op(B), all of it: pack op(B) into `packed` (⌈n/8⌉·k·8 doubles), then gemmSlivers.
 * A stored m × k (or k × m when transA), B stored k × n (or n × k when transB), C m × n.
 */
export function gemm(transA: bool, transB: bool, m: i32, n: i32, k: i32, a: usize, b: usize, c: usize, packed: usize, tile: usize): void {
  gemmRange(transA, transB, m, n, k, a, b, c, packed, tile, 0, sliverCount(n));
}

/** gemm restricted to the slivers s0..s1−1 (columns 8·s0 ..): what one thread of a pool does. */
export function gemmRange(
  transA: bool, transB: bool, m: i32, n: i32, k: i32, a: usize, b: usize, c: usize, packed: usize, tile: usize, s0: i32, s1: i32,
): void {
  if (m == 0 || n == 0) return;
  packB(b, transB, k, n, s0, s1, packed);
  const rowStride: usize = transA ? 8 : <usize>k << 3;
  const pStride: usize = transA ? <usize>m << 3 : 8;
  gemmSlivers(m, n, k, a, rowStride, pStride, packed, s0, s1, c, n, tile);
}
