/**
 * @file Reduction loops on Float64Array: a reduction over any set of axes is done as a loop over
 * (outer, reduced, inner) blocks after the axes are normalised.
 */

type Shape = readonly number[];

/**
 * Reduces `data` (of `shape`) over `axes` (sorted, distinct, in range) with a binary `combine`
 * starting from `init`. Returns the result in keepdims layout (reduced dimensions have size 1).
 */
export function reduceAxes(
  data: Float64Array,
  shape: Shape,
  axes: readonly number[],
  init: number,
  combine: (acc: number, x: number) => number,
): Float64Array {
  const reduced = new Array<boolean>(shape.length).fill(false);
  for (const a of axes) reduced[a] = true;
  let outSize = 1;
  for (let d = 0; d < shape.length; d++) if (!reduced[d]) outSize *= shape[d];
  const out = new Float64Array(outSize).fill(init);
  if (data.length === 0) return out;
  // Out strides: the position in `out` advances only along the kept dimensions.
  const outStrides = new Array<number>(shape.length).fill(0);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (!reduced[d]) {
      outStrides[d] = s;
      s *= shape[d];
    }
  }
  const index = new Array<number>(shape.length).fill(0);
  let o = 0;
  for (let i = 0; i < data.length; i++) {
    out[o] = combine(out[o], data[i]);
    for (let d = shape.length - 1; d >= 0; d--) {
      index[d]++;
      o += outStrides[d];
      if (index[d] < shape[d]) break;
      o -= outStrides[d] * shape[d];
      index[d] = 0;
    }
  }
  return out;
}

/** Sum of all elements. */
export function sumAll(data: Float64Array): number {
  let s = 0;
  for (let i = 0; i < data.length; i++) s += data[i];
  return s;
}
