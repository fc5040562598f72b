/**
 * @file `@tapegrad/autodiff/testing/arbitraries`: fast-check arbitraries for property tests of
 * tensor code: shapes, tensors whose values stay away from kinks and domain edges, broadcastable
 * and matmul-compatible pairs, and tensors without ties. The only module of tapegrad that imports
 * fast-check (an optional peer dependency, needed by this entry point alone).
 *
 * @example
 * import fc from 'fast-check';
 * import { tanh, sum } from '@tapegrad/autodiff';
 * import { gradCheck } from '@tapegrad/autodiff/testing';
 * import { arbShape, arbTensor } from '@tapegrad/autodiff/testing/arbitraries';
 * fc.assert(fc.property(arbTensor(arbShape()), (x) => {
 *   gradCheck((t) => sum(tanh(t)), [x], { name: 'tanh' });
 * }), { seed: 42 });
 */
import fc from 'fast-check';
import { Tensor } from '../tensor.js';

/** Ranks and dimension sizes an {@link arbShape} may draw. */
export interface ShapeOptions {
  /** Fewest dimensions (default 0: a scalar). */
  minRank?: number;
  /** Most dimensions (default 3). */
  maxRank?: number;
  /** Smallest dimension size (default 1). */
  minDim?: number;
  /** Largest dimension size (default 4). */
  maxDim?: number;
}

/** Which values an {@link arbTensor} may hold. */
export interface ValueOptions {
  /** Smallest value (default −3). */
  min?: number;
  /** Largest value (default 3). */
  max?: number;
  /**
   * Points the values keep `margin` away from: the kinks of relu/abs/max (0) or where a domain
   * ends (log, sqrt, div at 0). A value closer than `margin` is moved to point ± margin (its
   * side kept), so it may leave [min, max] by less than `margin`; keep the points 2·margin apart.
   */
  awayFrom?: readonly number[];
  /** Distance kept from `awayFrom` (default 0.1, far larger than gradCheck's step 1e-6). */
  margin?: number;
}

/**
 * Shapes: arrays of dimension sizes.
 *
 * @example
 * fc.assert(fc.property(arbShape({ minRank: 1, maxRank: 2 }), (shape) => zeros(shape).size > 0));
 */
export function arbShape(options: ShapeOptions = {}): fc.Arbitrary<number[]> {
  const { minRank = 0, maxRank = 3, minDim = 1, maxDim = 4 } = options;
  return fc.array(fc.integer({ min: minDim, max: maxDim }), { minLength: minRank, maxLength: maxRank });
}

/**
 * Tensors of a given shape (or of shapes drawn from an arbitrary) with float64 values in
 * [min, max], kept `margin` away from the `awayFrom` points.
 *
 * @example
 * // values in [0.1, 3]: safe for log and sqrt
 * const positive = arbTensor(arbShape(), { min: 0.1, max: 3 });
 * // relu's kink: no value in (−0.1, 0.1)
 * const noKink = arbTensor([2, 3], { awayFrom: [0] });
 * fc.assert(fc.property(noKink, (x) => gradCheck(relu, [x]) !== undefined));
 */
export function arbTensor(
  shape: readonly number[] | fc.Arbitrary<number[]>,
  options: ValueOptions = {},
): fc.Arbitrary<Tensor> {
  const shapes = shape instanceof fc.Arbitrary ? shape : fc.constant([...shape]);
  return shapes.chain((s) => valuesOf(sizeOf(s), options).map((values) => new Tensor(Float64Array.from(values), s)));
}

function valuesOf(n: number, options: ValueOptions): fc.Arbitrary<number[]> {
  const { min = -3, max = 3, awayFrom = [], margin = 0.1 } = options;
  const value = fc.double({ min, max, noNaN: true, noDefaultInfinity: true }).map((v) => keepAway(v, awayFrom, margin));
  return fc.array(value, { minLength: n, maxLength: n });
}

function keepAway(v: number, points: readonly number[], margin: number): number {
  for (const p of points) if (Math.abs(v - p) < margin) v = v >= p ? p + margin : p - margin;
  return v;
}

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

/**
 * Two shapes that broadcast together (NumPy rules): drawn from one full shape, each drops some
 * leading dimensions and turns some others into 1.
 *
 * @example
 * fc.assert(fc.property(arbBroadcastableShapes(), ([a, b]) => add(zeros(a), zeros(b)) !== undefined));
 */
export function arbBroadcastableShapes(options: ShapeOptions = {}): fc.Arbitrary<[number[], number[]]> {
  const variant = (full: number[]): fc.Arbitrary<number[]> =>
    fc
      .tuple(
        fc.integer({ min: 0, max: full.length }),
        fc.array(fc.boolean(), { minLength: full.length, maxLength: full.length }),
      )
      .map(([drop, ones]) => full.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d)));
  return arbShape(options).chain((full) => fc.tuple(variant(full), variant(full)));
}

/** Options of {@link arbBroadcastablePair}: shapes, values, and optionally no ties between a and b. */
export interface PairOptions extends ShapeOptions, ValueOptions {
  /** All values of both tensors pairwise at least `margin` apart (for maximum/minimum). */
  distinct?: boolean;
}

/**
 * Two tensors whose shapes broadcast together.
 *
 * @example
 * const pair = arbBroadcastablePair({ distinct: true }); // no ties: maximum's gradient is defined
 * fc.assert(fc.property(pair, ([a, b]) => gradCheck(maximum, [a, b]) !== undefined));
 */
export function arbBroadcastablePair(options: PairOptions = {}): fc.Arbitrary<[Tensor, Tensor]> {
  return arbBroadcastableShapes(options).chain(([sa, sb]) => {
    const na = sizeOf(sa);
    const nb = sizeOf(sb);
    const values = options.distinct ? distinctValues(na + nb, options) : valuesOf(na + nb, options);
    return values.map((v): [Tensor, Tensor] => [
      new Tensor(Float64Array.from(v.slice(0, na)), sa),
      new Tensor(Float64Array.from(v.slice(na)), sb),
    ]);
  });
}

/** Options of {@link arbMatmulPair}. */
export interface MatmulPairOptions extends ValueOptions {
  /** Largest m, k, n (default 4). */
  maxDim?: number;
  /** Most batch dimensions (default 2; 0 gives plain 2-D matrices). */
  maxBatchRank?: number;
}

/**
 * a of shape [...batchA, m, k] and b of shape [...batchB, k, n] where batchA and batchB broadcast
 * together (either may be empty, or have 1s where the other does not).
 *
 * @example
 * fc.assert(fc.property(arbMatmulPair(), ([a, b]) => gradCheck(matmul, [a, b]) !== undefined));
 * const plain = arbMatmulPair({ maxBatchRank: 0 }); // 2-D only
 */
export function arbMatmulPair(options: MatmulPairOptions = {}): fc.Arbitrary<[Tensor, Tensor]> {
  const { maxDim = 4, maxBatchRank = 2 } = options;
  const dim = fc.integer({ min: 1, max: maxDim });
  const batches = arbBroadcastableShapes({ minRank: 0, maxRank: maxBatchRank, maxDim: 3 });
  return fc
    .tuple(batches, dim, dim, dim)
    .chain(([[ba, bb], m, k, n]) => fc.tuple(arbTensor([...ba, m, k], options), arbTensor([...bb, k, n], options)));
}

/** Options of {@link arbDistinct}. */
export interface DistinctOptions {
  /** Smallest value (default −3). */
  min?: number;
  /** Largest value (default 3). */
  max?: number;
  /** Least distance between any two values (default 0.05; less if n values do not fit). */
  margin?: number;
}

/**
 * Tensors with no ties: any two values are at least min(margin, (max − min)/(2·size)) apart, so
 * max, min and their gradients are unambiguous and stay so under a finite-difference step.
 *
 * @example
 * fc.assert(fc.property(arbDistinct(arbShape({ minRank: 1 })), (x) => gradCheck((t) => max(t), [x]) !== undefined));
 */
export function arbDistinct(
  shape: readonly number[] | fc.Arbitrary<number[]>,
  options: DistinctOptions = {},
): fc.Arbitrary<Tensor> {
  const shapes = shape instanceof fc.Arbitrary ? shape : fc.constant([...shape]);
  return shapes.chain((s) => distinctValues(sizeOf(s), options).map((v) => new Tensor(Float64Array.from(v), s)));
}

/**
 * n values, one in each of n equal slots of [min, max] in shuffled order, each jittered inside its
 * slot but never into the last `gap` of it: neighbours are at least `gap` apart.
 */
function distinctValues(n: number, options: DistinctOptions): fc.Arbitrary<number[]> {
  const { min = -3, max = 3, margin = 0.05 } = options;
  if (n === 0) return fc.constant([]);
  const slot = (max - min) / n;
  const gap = Math.min(margin, slot / 2);
  const slots = Array.from({ length: n }, (_, i) => i);
  const jitter = fc.double({ min: 0, max: slot - gap, noNaN: true });
  return fc
    .tuple(fc.shuffledSubarray(slots, { minLength: n, maxLength: n }), fc.array(jitter, { minLength: n, maxLength: n }))
    .map(([order, offsets]) => order.map((p, i) => min + p * slot + offsets[i]));
}
