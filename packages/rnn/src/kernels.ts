/**
 * @file The dense products the plain-loop parts of the package share (the fused sequence op's
 * forward and backward, and paperOmega): A·Bᵀ, A·B and Aᵀ·B on row-major Float64Arrays, with
 * offsets so that one step of a [T, B, n] buffer is used in place. No tensors, no gradients.
 *
 * Each keeps a 4×4 block of its result in 16 locals for the whole inner sum, so every loaded
 * number serves four multiply-adds; the rows and columns left over (count mod 4) go one by one.
 * These products are nearly all of the work of a BPTT step on the paper's sizes.
 *
 * The edges go first, in functions of their own: V8 optimizes a long-running loop on the spot
 * (on-stack replacement), and code after that loop which had not run yet would bail out of the
 * optimized code on every later call (the kernels run a few times per step: they never get hot
 * enough to be optimized whole), leaving that code to the interpreter.
 */

/**
 * out[o + r·cols + c] = Σ_k a[ao + r·inner + k]·b[c·inner + k] for r < rows, c < cols: A·Bᵀ with
 * A [rows, inner] at offset `ao`, B [cols, inner], written to `out` at offset `o` (overwritten).
 *
 * @example
 * const out = new Float64Array(1);
 * productTransposed(Float64Array.of(1, 2), 0, Float64Array.of(3, 4), out, 0, 1, 2, 1); // out[0] = 11
 */
export function productTransposed(a: Float64Array, ao: number, b: Float64Array, out: Float64Array, o: number, rows: number, inner: number, cols: number): void {
  const r4 = rows - (rows % 4);
  const c4 = cols - (cols % 4);
  singleRowsTransposed(a, ao, b, out, o, r4, rows, inner, cols, c4);
  remainderColumnsTransposed(a, ao, b, out, o, rows, inner, cols, c4);
  for (let r = 0; r < r4; r += 4) {
    const a0r = ao + r * inner;
    for (let c = 0; c < c4; c += 4) {
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      let s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
      const b0c = c * inner;
      for (let k = 0; k < inner; k++) {
        const x0 = a[a0r + k], x1 = a[a0r + inner + k], x2 = a[a0r + 2 * inner + k], x3 = a[a0r + 3 * inner + k];
        const y0 = b[b0c + k], y1 = b[b0c + inner + k], y2 = b[b0c + 2 * inner + k], y3 = b[b0c + 3 * inner + k];
        s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3;
        s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3;
        s20 += x2 * y0; s21 += x2 * y1; s22 += x2 * y2; s23 += x2 * y3;
        s30 += x3 * y0; s31 += x3 * y1; s32 += x3 * y2; s33 += x3 * y3;
      }
      const w = o + r * cols + c;
      out[w] = s00; out[w + 1] = s01; out[w + 2] = s02; out[w + 3] = s03;
      out[w + cols] = s10; out[w + cols + 1] = s11; out[w + cols + 2] = s12; out[w + cols + 3] = s13;
      out[w + 2 * cols] = s20; out[w + 2 * cols + 1] = s21; out[w + 2 * cols + 2] = s22; out[w + 2 * cols + 3] = s23;
      out[w + 3 * cols] = s30; out[w + 3 * cols + 1] = s31; out[w + 3 * cols + 2] = s32; out[w + 3 * cols + 3] = s33;
    }
  }
}


/** productTransposed's rows r4..rows − 1 (B = 1 is the common case): four dot products at a time share each load of a. */
function singleRowsTransposed(a: Float64Array, ao: number, b: Float64Array, out: Float64Array, o: number, r4: number, rows: number, inner: number, cols: number, c4: number): void {
  for (let r = r4; r < rows; r++) {
    const ar = ao + r * inner;
    for (let c = 0; c < c4; c += 4) {
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      const bc = c * inner;
      for (let k = 0; k < inner; k++) {
        const x = a[ar + k];
        s0 += x * b[bc + k];
        s1 += x * b[bc + inner + k];
        s2 += x * b[bc + 2 * inner + k];
        s3 += x * b[bc + 3 * inner + k];
      }
      const w = o + r * cols + c;
      out[w] = s0; out[w + 1] = s1; out[w + 2] = s2; out[w + 3] = s3;
    }
  }
}

/** productTransposed's columns c4..cols − 1, one dot product each. */
function remainderColumnsTransposed(a: Float64Array, ao: number, b: Float64Array, out: Float64Array, o: number, rows: number, inner: number, cols: number, c4: number): void {
  for (let r = 0; r < rows; r++) {
    for (let c = c4; c < cols; c++) {
      let s = 0;
      for (let k = 0; k < inner; k++) s += a[ao + r * inner + k] * b[c * inner + k];
      out[o + r * cols + c] = s;
    }
  }
}

/**
 * out[o + r·cols + c] = Σ_k a[ao + r·inner + k]·b[k·cols + c]: A·B with A [rows, inner] at offset
 * `ao`, B [inner, cols], written to `out` at offset `o` (overwritten).
 *
 * @example
 * const out = new Float64Array(2);
 * product(Float64Array.of(1, 2), 0, Float64Array.of(1, 0, 0, 1), out, 0, 1, 2, 2); // out = [1, 2]
 */
export function product(a: Float64Array, ao: number, b: Float64Array, out: Float64Array, o: number, rows: number, inner: number, cols: number): void {
  const r4 = rows - (rows % 4);
  const c4 = cols - (cols % 4);
  remainderColumns(a, ao, b, out, o, r4, inner, cols, c4);
  singleRows(a, ao, b, out, o, r4, rows, inner, cols);
  for (let r = 0; r < r4; r += 4) {
    const a0r = ao + r * inner;
    for (let c = 0; c < c4; c += 4) {
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      let s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
      for (let k = 0; k < inner; k++) {
        const x0 = a[a0r + k], x1 = a[a0r + inner + k], x2 = a[a0r + 2 * inner + k], x3 = a[a0r + 3 * inner + k];
        const bk = k * cols + c;
        const y0 = b[bk], y1 = b[bk + 1], y2 = b[bk + 2], y3 = b[bk + 3];
        s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3;
        s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3;
        s20 += x2 * y0; s21 += x2 * y1; s22 += x2 * y2; s23 += x2 * y3;
        s30 += x3 * y0; s31 += x3 * y1; s32 += x3 * y2; s33 += x3 * y3;
      }
      const w = o + r * cols + c;
      out[w] = s00; out[w + 1] = s01; out[w + 2] = s02; out[w + 3] = s03;
      out[w + cols] = s10; out[w + cols + 1] = s11; out[w + cols + 2] = s12; out[w + cols + 3] = s13;
      out[w + 2 * cols] = s20; out[w + 2 * cols + 1] = s21; out[w + 2 * cols + 2] = s22; out[w + 2 * cols + 3] = s23;
      out[w + 3 * cols] = s30; out[w + 3 * cols + 1] = s31; out[w + 3 * cols + 2] = s32; out[w + 3 * cols + 3] = s33;
    }
  }
}

/** product's columns c4..cols − 1 of the rows 0..r4 − 1, one dot product each. */
function remainderColumns(a: Float64Array, ao: number, b: Float64Array, out: Float64Array, o: number, r4: number, inner: number, cols: number, c4: number): void {
  for (let r = 0; r < r4; r++) {
    for (let c = c4; c < cols; c++) {
      let s = 0;
      for (let k = 0; k < inner; k++) s += a[ao + r * inner + k] * b[k * cols + c];
      out[o + r * cols + c] = s;
    }
  }
}

/** product's rows r4..rows − 1: rows of B scaled and summed, four at a time, contiguous in B and out. */
function singleRows(a: Float64Array, ao: number, b: Float64Array, out: Float64Array, o: number, r4: number, rows: number, inner: number, cols: number): void {
  for (let r = r4; r < rows; r++) {
    const ar = ao + r * inner;
    const w = o + r * cols;
    out.fill(0, w, w + cols);
    let k = 0;
    for (; k + 4 <= inner; k += 4) {
      const x0 = a[ar + k], x1 = a[ar + k + 1], x2 = a[ar + k + 2], x3 = a[ar + k + 3];
      const bk = k * cols;
      for (let c = 0; c < cols; c++) out[w + c] += x0 * b[bk + c] + x1 * b[bk + cols + c] + x2 * b[bk + 2 * cols + c] + x3 * b[bk + 3 * cols + c];
    }
    for (; k < inner; k++) {
      const x = a[ar + k];
      for (let c = 0; c < cols; c++) out[w + c] += x * b[k * cols + c];
    }
  }
}

/**
 * Aᵀ·B for A [rows, aCols] and B [rows, bCols]: out[i·bCols + j] = Σ_p a[p·aCols + i]·b[p·bCols + j],
 * a new [aCols, bCols] array. Sums over all rows at once: how a weight gradient over every
 * (step, example) pair becomes one product.
 *
 * @example
 * transposedProduct(Float64Array.of(1, 2), 1, Float64Array.of(3, 4), 1, 2); // [11]
 */
export function transposedProduct(a: Float64Array, aCols: number, b: Float64Array, bCols: number, rows: number): Float64Array {
  const out = new Float64Array(aCols * bCols);
  const i4 = aCols - (aCols % 4);
  const j4 = bCols - (bCols % 4);
  transposedEdges(a, aCols, b, bCols, rows, out, i4, j4);
  for (let i = 0; i < i4; i += 4) {
    for (let j = 0; j < j4; j += 4) {
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      for (let p = 0; p < rows; p++) {
        const pa = p * aCols + i;
        const pb = p * bCols + j;
        const a0 = a[pa], a1 = a[pa + 1], a2 = a[pa + 2], a3 = a[pa + 3];
        const b0 = b[pb], b1 = b[pb + 1], b2 = b[pb + 2], b3 = b[pb + 3];
        c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
        c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
        c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
        c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
      }
      const o = i * bCols + j;
      out[o] = c00; out[o + 1] = c01; out[o + 2] = c02; out[o + 3] = c03;
      out[o + bCols] = c10; out[o + bCols + 1] = c11; out[o + bCols + 2] = c12; out[o + bCols + 3] = c13;
      out[o + 2 * bCols] = c20; out[o + 2 * bCols + 1] = c21; out[o + 2 * bCols + 2] = c22; out[o + 2 * bCols + 3] = c23;
      out[o + 3 * bCols] = c30; out[o + 3 * bCols + 1] = c31; out[o + 3 * bCols + 2] = c32; out[o + 3 * bCols + 3] = c33;
    }
  }
  return out;
}

/** transposedProduct's last aCols mod 4 rows and bCols mod 4 columns, one sum each. */
function transposedEdges(a: Float64Array, aCols: number, b: Float64Array, bCols: number, rows: number, out: Float64Array, i4: number, j4: number): void {
  for (let i = 0; i < aCols; i++) {
    for (let j = i < i4 ? j4 : 0; j < bCols; j++) {
      let s = 0;
      for (let p = 0; p < rows; p++) s += a[p * aCols + i] * b[p * bCols + j];
      out[i * bCols + j] = s;
    }
  }
}
