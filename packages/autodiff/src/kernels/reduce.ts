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
  // Leading axes reduced (a batch summed away, as when the tape undoes broadcasting): contiguous
  // rows added into `out`, no index bookkeeping.
  if (axes.every((a, i) => a === i)) {
    for (let r = 0; r < data.length; r += outSize) {
      for (let j = 0; j < outSize; j++) out[j] = combine(out[j], data[r + j]);
    }
    return out;
  }
  const outStrides = keptStrides(shape, reduced);
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

/**
 * Strides of the keepdims output seen from the input's index: the position in the output advances
 * only along the kept dimensions (stride 0 along a reduced one).
 */
function keptStrides(shape: Shape, reduced: readonly boolean[]): number[] {
  const strides = new Array<number>(shape.length).fill(0);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (!reduced[d]) {
      strides[d] = s;
      s *= shape[d];
    }
  }
  return strides;
}

/** Sum of all elements. */
export function sumAll(data: Float64Array): number {
  let s = 0;
  for (let i = 0; i < data.length; i++) s += data[i];
  return s;
}

/**
 * For each element of `data` (of `shape`), the flat index of the output element it reduces into
 * when `axes` are reduced (keepdims layout): the same walk as {@link reduceAxes}, written down once
 * so multi-pass reductions (max, then a shifted sum) can reuse it.
 */
export function reducedIndex(shape: Shape, axes: readonly number[]): Int32Array {
  let size = 1;
  for (const d of shape) size *= d;
  const map = new Int32Array(size);
  const outStrides = keptStrides(shape, shape.map((_, d) => axes.includes(d)));
  const index = new Array<number>(shape.length).fill(0);
  let o = 0;
  for (let i = 0; i < size; i++) {
    map[i] = o;
    for (let d = shape.length - 1; d >= 0; d--) {
      index[d]++;
      o += outStrides[d];
      if (index[d] < shape[d]) break;
      o -= outStrides[d] * shape[d];
      index[d] = 0;
    }
  }
  return map;
}

/**
 * log Σ exp(x) over `axes`, in keepdims layout. The maximum m is subtracted before exponentiating,
 * so no term exceeds 1 and nothing overflows: log Σ exp(x) = m + log1p(Σ' exp(x − m)), where Σ'
 * skips one maximal term (its exp is exactly 1). log1p keeps results like log(1 + e⁻⁴⁰) ≠ 0.
 */
export function logSumExpAxes(data: Float64Array, shape: Shape, axes: readonly number[]): Float64Array {
  const m = reduceAxes(data, shape, axes, -Infinity, Math.max);
  const map = reducedIndex(shape, axes);
  // An infinite maximum is its own answer; shifting by it would produce ∞ − ∞ = NaN.
  const shift = m.map((v) => (Number.isFinite(v) ? v : 0));
  const rest = new Float64Array(m.length);
  const skipped = new Uint8Array(m.length);
  for (let i = 0; i < data.length; i++) {
    const o = map[i];
    if (skipped[o] === 0 && data[i] === m[o] && Number.isFinite(m[o])) skipped[o] = 1;
    else rest[o] += Math.exp(data[i] - shift[o]);
  }
  for (let o = 0; o < rest.length; o++) rest[o] = shift[o] + (skipped[o] === 1 ? Math.log1p(rest[o]) : Math.log(rest[o]));
  return rest;
}

/**
 * Euclidean norm over `axes`, in keepdims layout, scaled by the largest |x| first so that squares
 * of values near 1e200 do not overflow: ‖x‖ = a·√Σ (x/a)², a = max |x|.
 */
export function normAxes(data: Float64Array, shape: Shape, axes: readonly number[]): Float64Array {
  const a = reduceAxes(data, shape, axes, 0, (acc, v) => Math.max(acc, Math.abs(v)));
  const map = reducedIndex(shape, axes);
  const s = new Float64Array(a.length);
  for (let i = 0; i < data.length; i++) {
    const scale = a[map[i]];
    if (scale > 0 && scale < Infinity) {
      const r = data[i] / scale;
      s[map[i]] += r * r;
    }
  }
  for (let o = 0; o < s.length; o++) s[o] = a[o] > 0 && a[o] < Infinity ? a[o] * Math.sqrt(s[o]) : a[o];
  return s;
}

/**
 * Weights [x = extreme] / (number of ties) for each element, where `extreme` is the max or min over
 * `axes` in keepdims layout: how the gradient of max/min is shared among the positions that won.
 */
export function extremeWeights(data: Float64Array, shape: Shape, axes: readonly number[], extreme: Float64Array): Float64Array {
  const map = reducedIndex(shape, axes);
  const count = new Float64Array(extreme.length);
  for (let i = 0; i < data.length; i++) if (data[i] === extreme[map[i]]) count[map[i]]++;
  const w = new Float64Array(data.length);
  for (let i = 0; i < data.length; i++) if (data[i] === extreme[map[i]]) w[i] = 1 / count[map[i]];
  return w;
}

/**
 * A shape seen around one axis as (outer, n, inner) blocks: element (o, k, i) sits at
 * o·n·inner + k·inner + i. Single-axis kernels (softmax, gather, concat) loop over these.
 */
export function axisBlocks(shape: Shape, axis: number): [outer: number, n: number, inner: number] {
  let outer = 1;
  let inner = 1;
  for (let d = 0; d < axis; d++) outer *= shape[d];
  for (let d = axis + 1; d < shape.length; d++) inner *= shape[d];
  return [outer, shape[axis], inner];
}

/**
 * Softmax (or, with `log`, log-softmax) along the middle axis of (outer, n, inner) blocks, with the
 * maximum m subtracted first: softmax(x) = exp(x − m) / s and log-softmax(x) = (x − m) − log s,
 * s = Σ exp(x − m) = 1 + r where r sums all but one maximal term; log s = log1p(r) stays exact
 * when r is tiny (a confident prediction's loss is log(1 + e⁻⁴⁰), not 0).
 */
export function softmaxBlocks(data: Float64Array, outer: number, n: number, inner: number, log: boolean): Float64Array {
  const out = new Float64Array(data.length);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      const end = base + n * inner;
      let top = base;
      for (let p = base + inner; p < end; p += inner) if (data[p] > data[top]) top = p;
      const m = data[top];
      let r = 0;
      for (let p = base; p < end; p += inner) {
        const e = Math.exp(data[p] - m);
        out[p] = e;
        if (p !== top) r += e;
      }
      if (log) {
        // (x − m) − log s, not x − (m + log s): the latter loses the digits of log s when |m| is large
        const logS = Math.log1p(r);
        for (let p = base; p < end; p += inner) out[p] = data[p] - m - logS;
      } else {
        const scale = 1 / (1 + r);
        for (let p = base; p < end; p += inner) out[p] *= scale;
      }
    }
  }
  return out;
}
