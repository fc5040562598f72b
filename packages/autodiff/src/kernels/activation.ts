/**
 * @file The activations of the recurrent kernels on Float64Array, and their slopes: tanh from its
 * own expm1, relu, identity, and sigmoid. The first three have a WebAssembly twin
 * (assembly/activation.ts) that performs the same float64 operations in the same order, so the
 * two paths give the same bits; both are also the same on every JavaScript engine, which
 * Math.tanh (its last bits differ between engines) is not. sigmoid runs here only.
 *
 * tanh|x| = e / (e + 2) with e = expm1(2|x|): accurate for small |x| (no 1 − 1 cancellation),
 * rounding to 1 beyond |x| = 20 and to x below 2⁻²⁷. expm1(y) = 2^k·expm1(r) + (2^k − 1) for
 * y = k·ln 2 + r, |r| ≤ ln2/2, with expm1(r) from its Taylor series to r¹³ (the first term left out
 * is below 0.02 ulp), summed by Estrin's scheme.
 */
import { sigmoidScalar } from './elementwise.js';

/** The activations the recurrent kernels take (the σ of an RNN's x_t = W·σ(x_{t−1}) + ...). */
export type KernelActivation = 'tanh' | 'sigmoid' | 'relu' | 'identity';

/**
 * The codes the WebAssembly kernels use for the activations they have (sigmoid runs in JS only).
 *
 * @example
 * ACTIVATION_CODES.tanh; // 1, as assembly/activation.ts TANH
 */
export const ACTIVATION_CODES: Readonly<Record<KernelActivation, number | null>> = { identity: 0, tanh: 1, relu: 2, sigmoid: null };

const HUGE = 20;
const TINY = 2 ** -27; // below it tanh x = x − x³/3 rounds to x
const SHIFTER = 6755399441055744; // 1.5·2^52: v + SHIFTER − SHIFTER rounds v to an integer, ties to even
const INV_LN2 = 1.4426950408889634;
const LN2_HI = 0.6931471803691238; // ln 2 with 21 trailing zero bits: k·LN2_HI is exact
const LN2_LO = 1.9082149292705877e-10;
/** 2^k for k = 0..58, by doubling (exact). */
const POW2 = new Float64Array(59);
for (let k = 0, v = 1; k < POW2.length; k++, v *= 2) POW2[k] = v;

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
  const y = a + a;
  const shifted = SHIFTER + y * INV_LN2;
  const k = shifted - SHIFTER;
  const r = y - k * LN2_HI - k * LN2_LO;
  // the series to r¹³ by Estrin's scheme, exactly as the WebAssembly twin groups it
  const r2 = r * r;
  const r4 = r2 * r2;
  const r8 = r4 * r4;
  const q0 = 0.5 + (1 / 6) * r + (1 / 24 + (1 / 120) * r) * r2;
  const q1 = 1 / 720 + (1 / 5040) * r + (1 / 40320 + (1 / 362880) * r) * r2;
  const q2 = 1 / 3628800 + (1 / 39916800) * r + (1 / 479001600 + (1 / 6227020800) * r) * r2;
  const q = q0 + q1 * r4 + q2 * r8;
  const p = r + r2 * q;
  const s = POW2[k];
  const e = s * p + (s - 1);
  const t = e / (e + 2);
  return x < 0 ? -t : t;
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
