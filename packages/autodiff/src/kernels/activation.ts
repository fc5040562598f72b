/**
 * @file The activations of the recurrent kernels on Float64Array, and their slopes: tanh and the
 * logistic sigmoid, both from the kernels' own expm1, relu and identity. Each has a WebAssembly
 * twin (assembly/activation.ts) that performs the same float64 operations in the same order, so
 * the two paths give the same bits; both are also the same on every JavaScript engine, which
 * Math.tanh and Math.exp (their last bits differ between engines) are not.
 *
 * expm1(y) for 0 ≤ y ≤ 709: y = k·ln 2 + r with |r| ≤ ln2/2, expm1(y) = 2^k·expm1(r) + (2^k − 1),
 * expm1(r) from its Taylor series to r¹³ (the first term left out is below 0.02 ulp), summed by
 * Estrin's scheme. From it, with e = expm1 of a non-negative argument (no cancellation anywhere):
 *   tanh|x| = e / (e + 2), e = expm1(2|x|): rounds to 1 beyond |x| = 20 and to x below 2⁻²⁷;
 *   σ(|x|) = (e + 1)/(e + 2) and σ(−|x|) = 1/(e + 2), e = expm1(|x|): σ(−|x|) keeps its relative
 *   precision down to the smallest normal number (beyond |x| = 709 it is below 2⁻¹⁰²² and taken as 0).
 */
/** The activations the recurrent kernels take (the σ of an RNN's x_t = W·σ(x_{t−1}) + ...). */
export type KernelActivation = 'tanh' | 'sigmoid' | 'relu' | 'identity';

/**
 * The codes the WebAssembly kernels use for the activations.
 *
 * @example
 * ACTIVATION_CODES.tanh; // 1, as assembly/activation.ts TANH
 */
export const ACTIVATION_CODES: Readonly<Record<KernelActivation, number>> = { identity: 0, tanh: 1, relu: 2, sigmoid: 3 };

/**
 * Whether σ'(x) needs x itself (relu's step, sigmoid's σ(−x)) or only h = σ(x) (tanh, identity).
 *
 * @example
 * SLOPE_NEEDS_X.sigmoid; // true
 */
export const SLOPE_NEEDS_X: Readonly<Record<KernelActivation, boolean>> = { identity: false, tanh: false, relu: true, sigmoid: true };

const HUGE = 20;
/** Beyond it σ(−|x|) < e⁻⁷⁰⁹ is below 2⁻¹⁰²² (taken as 0) and σ(|x|) rounds to 1; 2^k stays finite below it. */
const SIGMOID_HUGE = 709;
const TINY = 2 ** -27; // below it tanh x = x − x³/3 rounds to x
const SHIFTER = 6755399441055744; // 1.5·2^52: v + SHIFTER − SHIFTER rounds v to an integer, ties to even
const INV_LN2 = 1.4426950408889634;
const LN2_HI = 0.6931471803691238; // ln 2 with 21 trailing zero bits: k·LN2_HI is exact
const LN2_LO = 1.9082149292705877e-10;
/** 2^k for k = 0..1023, by doubling (exact). */
const POW2 = new Float64Array(1024);
for (let k = 0, v = 1; k < POW2.length; k++, v *= 2) POW2[k] = v;

/** expm1(y) for 0 ≤ y ≤ 709 (see the file comment), grouped exactly as the WebAssembly twin groups it. */
function expm1Kernel(y: number): number {
  const shifted = SHIFTER + y * INV_LN2;
  const k = shifted - SHIFTER;
  const r = y - k * LN2_HI - k * LN2_LO;
  const r2 = r * r;
  const r4 = r2 * r2;
  const r8 = r4 * r4;
  const q0 = 0.5 + (1 / 6) * r + (1 / 24 + (1 / 120) * r) * r2;
  const q1 = 1 / 720 + (1 / 5040) * r + (1 / 40320 + (1 / 362880) * r) * r2;
  const q2 = 1 / 3628800 + (1 / 39916800) * r + (1 / 479001600 + (1 / 6227020800) * r) * r2;
  const q = q0 + q1 * r4 + q2 * r8;
  const p = r + r2 * q;
  const s = POW2[k];
  return s * p + (s - 1);
}

/**
 * tanh(x), within 2 ulp of the exact value, the same bits on every engine and in the
 * WebAssembly kernels.
 *
 * @example
 * tanhKernel(0.5); // 0.46211715726000974
 */
export function tanhKernel(x: number): number {
  const a = Math.abs(x);
  if (a > HUGE) return x > 0 ? 1 : -1;
  if (a < TINY) return x; // also keeps the sign of −0
  const e = expm1Kernel(a + a);
  const t = e / (e + 2);
  return x < 0 ? -t : t;
}

/**
 * The logistic function σ(x) = 1/(1 + e⁻ˣ), stable in both tails (never 1 − something that rounds
 * away), within 4·2⁻⁵² relative of the exact value where that is a normal number; the same bits on
 * every engine and in the WebAssembly kernels. ±Infinity give 1 and 0, NaN gives NaN.
 *
 * @example
 * sigmoidScalar(0); // 0.5
 * sigmoidScalar(-40); // 4.248354255291589e-18, not 0
 */
export function sigmoidScalar(x: number): number {
  const a = Math.abs(x);
  if (a > SIGMOID_HUGE) return x > 0 ? 1 : 0;
  const e = expm1Kernel(a);
  const d = e + 2;
  return x < 0 ? 1 / d : (e + 1) / d;
}

/**
 * dst[d0 + i] = σ(src[s0 + i]) for i < len.
 *
 * @example
 * const h = new Float64Array(2);
 * activateInto('relu', Float64Array.of(-1, 2), 0, h, 0, 2); // h = [0, 2]
 */
export function activateInto(sigma: KernelActivation, src: Float64Array, s0: number, dst: Float64Array, d0: number, len: number): void {
  switch (sigma) {
    case 'tanh':
      for (let i = 0; i < len; i++) dst[d0 + i] = tanhKernel(src[s0 + i]);
      return;
    case 'sigmoid':
      for (let i = 0; i < len; i++) dst[d0 + i] = sigmoidScalar(src[s0 + i]);
      return;
    case 'relu':
      for (let i = 0; i < len; i++) dst[d0 + i] = src[s0 + i] > 0 ? src[s0 + i] : 0;
      return;
    case 'identity':
      for (let i = 0; i < len; i++) dst[d0 + i] = src[s0 + i];
  }
}

/**
 * σ'(x) given x and h = σ(x), in the forms the autodiff ops use: tanh (1 − h)(1 + h), sigmoid
 * σ(x)·σ(−x), relu 1 for x > 0 (else 0), identity 1.
 *
 * @example
 * activationSlope('tanh', 0, 0); // 1
 */
export function activationSlope(sigma: KernelActivation, x: number, h: number): number {
  switch (sigma) {
    case 'tanh':
      return (1 - h) * (1 + h);
    case 'sigmoid':
      return h * sigmoidScalar(-x);
    case 'relu':
      return x > 0 ? 1 : 0;
    case 'identity':
      return 1;
  }
}
