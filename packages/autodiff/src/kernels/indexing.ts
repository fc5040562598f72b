/**
 * @file Copy loops for the shape and indexing ops: permuting axes, cutting a window out of a tensor
 * (or putting one back), gathering and scatter-adding along an axis, and joining blocks. No
 * arithmetic beyond scatter's sums, and no gradients in here.
 */

type Shape = readonly number[];

function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d];
  }
  return strides;
}

/** The elements of `data` (of `shape`) with axes reordered: output axis d is input axis `axes[d]`. */
export function permuteData(data: Float64Array, shape: Shape, axes: readonly number[]): Float64Array {
  const out = new Float64Array(data.length);
  const rank = shape.length;
  if (rank === 2 && axes[0] === 1) {
    const [r, c] = shape;
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = data[i * c + j];
    return out;
  }
  const inStrides = stridesOf(shape);
  const outShape = axes.map((a) => shape[a]);
  const step = axes.map((a) => inStrides[a]);
  const index = new Array<number>(rank).fill(0);
  let p = 0;
  for (let o = 0; o < out.length; o++) {
    out[o] = data[p];
    for (let d = rank - 1; d >= 0; d--) {
      index[d]++;
      p += step[d];
      if (index[d] < outShape[d]) break;
      p -= step[d] * outShape[d];
      index[d] = 0;
    }
  }
  return out;
}

/**
 * Copies between a tensor `big` (of `bigShape`) and the window `small` (of `smallShape`) whose
 * first element sits at `begin` inside it: into `small` for slicing, into `big` for padding.
 * Works row by row along the last dimension.
 */
export function copyWindow(
  big: Float64Array,
  bigShape: Shape,
  begin: readonly number[],
  small: Float64Array,
  smallShape: Shape,
  intoSmall: boolean,
): void {
  const rank = bigShape.length;
  if (small.length === 0) return;
  if (rank === 0) {
    if (intoSmall) small[0] = big[0];
    else big[0] = small[0];
    return;
  }
  const strides = stridesOf(bigShape);
  const row = smallShape[rank - 1];
  let p = 0;
  for (let d = 0; d < rank; d++) p += begin[d] * strides[d];
  const index = new Array<number>(rank).fill(0);
  for (let q = 0; q < small.length; q += row) {
    if (intoSmall) for (let k = 0; k < row; k++) small[q + k] = big[p + k];
    else for (let k = 0; k < row; k++) big[p + k] = small[q + k];
    for (let d = rank - 2; d >= 0; d--) {
      index[d]++;
      p += strides[d];
      if (index[d] < smallShape[d]) break;
      p -= strides[d] * smallShape[d];
      index[d] = 0;
    }
  }
}

/** out[o, j, i] = x[o, indices[j], i] for (outer, n, inner) blocks of x. */
export function gatherBlocks(x: Float64Array, outer: number, n: number, inner: number, indices: Int32Array): Float64Array {
  const m = indices.length;
  const out = new Float64Array(outer * m * inner);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const from = (o * n + indices[j]) * inner;
      out.set(x.subarray(from, from + inner), (o * m + j) * inner);
    }
  }
  return out;
}

/** out[o, indices[j], i] += x[o, j, i]: the adjoint of {@link gatherBlocks}, into `n` slots. */
export function scatterAddBlocks(x: Float64Array, outer: number, n: number, inner: number, indices: Int32Array): Float64Array {
  const m = indices.length;
  const out = new Float64Array(outer * n * inner);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const to = (o * n + indices[j]) * inner;
      const from = (o * m + j) * inner;
      for (let i = 0; i < inner; i++) out[to + i] += x[from + i];
    }
  }
  return out;
}

/**
 * Joins tensors along an axis: each part is (outer, sizes[t], inner) blocks, the result
 * (outer, Σ sizes, inner). Stacking is the case where every size is 1.
 */
export function concatBlocks(parts: readonly Float64Array[], sizes: readonly number[], outer: number, inner: number): Float64Array {
  let total = 0;
  for (const s of sizes) total += s;
  const out = new Float64Array(outer * total * inner);
  let p = 0;
  for (let o = 0; o < outer; o++) {
    for (let t = 0; t < parts.length; t++) {
      const len = sizes[t] * inner;
      out.set(parts[t].subarray(o * len, (o + 1) * len), p);
      p += len;
    }
  }
  return out;
}
