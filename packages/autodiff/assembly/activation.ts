/**
 * @file The activations of the recurrent kernels, two float64 lanes at a time: tanh and the
 * logistic sigmoid computed from their own expm1 (WebAssembly has neither, nor exp), relu and
 * identity, and their slopes. The twin of src/kernels/activation.ts (which derives the formulas):
 * the same operations in the same order per element, so both paths give the same bits on every
 * machine (unlike Math.tanh and Math.exp, whose last bits vary between engines).
 */

/** Codes shared with the JS side (src/kernels/activation.ts ACTIVATION_CODES). */
export const IDENTITY: i32 = 0;
export const TANH: i32 = 1;
export const RELU: i32 = 2;
export const SIGMOID: i32 = 3;

// tanh|x| = e/(e + 2) with e = expm1(2|x|); expm1(y) = 2^k·expm1(r) + (2^k − 1) for y = k·ln2 + r.
// The constants live in memory as f64x2 pairs: V8 folds a load into the arithmetic that uses it,
// where a v128 constant would be rebuilt from general registers on every pass of a loop.
const HUGE: f64 = 20; // |x| > 20: tanh rounds to ±1 (and e would overflow)
const SIGMOID_HUGE: f64 = 709; // |x| > 709: σ(−|x|) is below 2⁻¹⁰²² (taken as 0), σ(|x|) rounds to 1
const TINY: f64 = 7.450580596923828e-9; // 2⁻²⁷: below it tanh x = x − x³/3 rounds to x
const SHIFTER: f64 = 6755399441055744; // 1.5·2^52: v + SHIFTER − SHIFTER rounds v to an integer
const INV_LN2: f64 = 1.4426950408889634;
const LN2_HI: f64 = 6.93147180369123816490e-1; // ln2 with 21 trailing zero bits: k·LN2_HI is exact
const LN2_LO: f64 = 1.90821492927058770002e-10;
// 1/i! for i = 2..13 (expm1(r) = r + r²·Σ r^(i−2)/i!), then the other constants, each twice
const CONSTANTS = memory.data<f64>([
  0.5, 0.5, 1.0 / 6.0, 1.0 / 6.0, 1.0 / 24.0, 1.0 / 24.0, 1.0 / 120.0, 1.0 / 120.0,
  1.0 / 720.0, 1.0 / 720.0, 1.0 / 5040.0, 1.0 / 5040.0, 1.0 / 40320.0, 1.0 / 40320.0, 1.0 / 362880.0, 1.0 / 362880.0,
  1.0 / 3628800.0, 1.0 / 3628800.0, 1.0 / 39916800.0, 1.0 / 39916800.0, 1.0 / 479001600.0, 1.0 / 479001600.0,
  1.0 / 6227020800.0, 1.0 / 6227020800.0,
  INV_LN2, INV_LN2, SHIFTER, SHIFTER, LN2_HI, LN2_HI, LN2_LO, LN2_LO, 1, 1, 2, 2, HUGE, HUGE, TINY, TINY,
  SIGMOID_HUGE, SIGMOID_HUGE,
]);
@inline function constant(i: i32): v128 {
  return v128.load(CONSTANTS + (<usize>i << 4));
}
@inline function plusTimes(a: v128, b: v128, c: v128): v128 {
  return f64x2.add(a, f64x2.mul(b, c));
}

/** expm1(y) of both lanes, for 0 ≤ y ≤ 709 (other lanes give garbage the callers select away). */
@inline function expm1Kernel2(y: v128): v128 {
  const shifted = plusTimes(constant(13), y, constant(12));
  const k = f64x2.sub(shifted, constant(13));
  const r = f64x2.sub(f64x2.sub(y, f64x2.mul(k, constant(14))), f64x2.mul(k, constant(15)));
  // the series to r¹³ by Estrin's scheme (pairs, then powers r², r⁴, r⁸): short dependency chains
  const r2 = f64x2.mul(r, r);
  const r4 = f64x2.mul(r2, r2);
  const r8 = f64x2.mul(r4, r4);
  const q0 = plusTimes(plusTimes(constant(0), constant(1), r), plusTimes(constant(2), constant(3), r), r2);
  const q1 = plusTimes(plusTimes(constant(4), constant(5), r), plusTimes(constant(6), constant(7), r), r2);
  const q2 = plusTimes(plusTimes(constant(8), constant(9), r), plusTimes(constant(10), constant(11), r), r2);
  const q = plusTimes(plusTimes(q0, q1, r4), q2, r8);
  const p = plusTimes(r, r2, q);
  // 2^k: k (0..1023) sits in the low mantissa bits of `shifted`; move k + 1023 into the exponent field
  const s = i64x2.shl(i64x2.add(shifted, i64x2.splat(1023)), 52);
  return f64x2.add(f64x2.mul(s, p), f64x2.sub(s, constant(16)));
}

/** tanh of both lanes. */
export function tanh2(x: v128): v128 {
  const a = f64x2.abs(x);
  const e = expm1Kernel2(f64x2.add(a, a));
  const t = f64x2.div(e, f64x2.add(e, constant(17)));
  const magnitude = v128.bitselect(constant(16), t, f64x2.gt(a, constant(18)));
  return v128.bitselect(x, v128.or(magnitude, v128.and(x, f64x2.splat(-0.0))), f64x2.lt(a, constant(19)));
}

/** σ(x) = 1/(1 + e⁻ˣ) of both lanes: (e + 1)/(e + 2) for x ≥ 0, 1/(e + 2) for x < 0, e = expm1|x|. */
export function sigmoid2(x: v128): v128 {
  const a = f64x2.abs(x);
  const e = expm1Kernel2(a);
  const negative = f64x2.lt(x, f64x2.splat(0));
  const s = f64x2.div(v128.bitselect(constant(16), f64x2.add(e, constant(16)), negative), f64x2.add(e, constant(17)));
  const limit = v128.bitselect(constant(16), f64x2.splat(0), f64x2.gt(x, f64x2.splat(0)));
  return v128.bitselect(limit, s, f64x2.gt(a, constant(20)));
}

/** relu of both lanes: x where x > 0, else 0. */
@inline function relu2(x: v128): v128 {
  return v128.bitselect(x, f64x2.splat(0), f64x2.gt(x, f64x2.splat(0)));
}

/**
 * σ'(x) of both lanes, from x and h = σ(x): tanh (1 − h)(1 + h), sigmoid h·σ(−x) (not 1 − h, which
 * rounds to 0 where σ(−x) is tiny), relu 1 for x > 0, identity 1.
 * Callers branch on `act` outside their loops; this is for loop bodies and tails.
 */
@inline export function slope2(act: i32, x: v128, h: v128): v128 {
  const one = f64x2.splat(1);
  if (act == TANH) return f64x2.mul(f64x2.sub(one, h), f64x2.add(one, h));
  if (act == RELU) return v128.bitselect(one, f64x2.splat(0), f64x2.gt(x, f64x2.splat(0)));
  if (act == SIGMOID) return f64x2.mul(h, sigmoid2(f64x2.neg(x)));
  return one;
}

/**
 * dst[0..len) = σ(src[0..len)). One loop per activation: with the choice inside the loop, the
 * optimizer computes tanh for every activation and selects afterwards.
 */
export function activate(act: i32, src: usize, dst: usize, len: i32): void {
  const pairs = len & ~1;
  if (act == TANH) {
    for (let i = 0; i < pairs; i += 2) v128.store(dst + (<usize>i << 3), tanh2(v128.load(src + (<usize>i << 3))));
  } else if (act == SIGMOID) {
    for (let i = 0; i < pairs; i += 2) v128.store(dst + (<usize>i << 3), sigmoid2(v128.load(src + (<usize>i << 3))));
  } else if (act == RELU) {
    for (let i = 0; i < pairs; i += 2) v128.store(dst + (<usize>i << 3), relu2(v128.load(src + (<usize>i << 3))));
  } else {
    memory.copy(dst, src, <usize>pairs << 3);
  }
  if (pairs == len) return;
  const x = f64x2.splat(load<f64>(src + (<usize>pairs << 3)));
  const y = act == TANH ? tanh2(x) : act == SIGMOID ? sigmoid2(x) : act == RELU ? relu2(x) : x;
  store<f64>(dst + (<usize>pairs << 3), f64x2.extract_lane(y, 0));
}
