/**
 * @file The recurrent kernels' own tanh and sigmoid: tanh within 3·2⁻⁵² relative of Math.tanh (an
 * independent implementation, V8's port of fdlibm) over the whole range, exact at the special
 * values, odd; sigmoid and its slope σ(x)σ(−x) within 3·2⁻⁵² and 5·2⁻⁵² of the same formulas
 * written with Math.exp (plus 2⁻¹⁰²² where the value is subnormal), with the old values at ±∞,
 * NaN, 0 and ±1000; and the WebAssembly activations and slopes equal to the JavaScript ones bit for bit.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  activateInto,
  activationSlope,
  sigmoidScalar,
  tanhKernel,
  useKernels,
  type KernelActivation,
} from '@tapegrad/autodiff/kernels';
import { activeWasm } from '../src/kernels/backend.js';
import { ACTIVATION_CODES } from '../src/kernels/activation.js';
import { runs } from '../../../test/fast-check.js';

const RUNS = runs(200);
const EPS = 2 ** -52;

/** Values spread over every scale tanh cares about: tiny, around 1, and past saturation. */
const arbX = fc.oneof(
  fc.double({ min: -30, max: 30, noNaN: true }),
  fc.double({ min: -1, max: 1, noNaN: true }),
  fc.double({ min: -1e-8, max: 1e-8, noNaN: true }),
);

describe('tanhKernel', () => {
  it('is within 3·2⁻⁵² relative of Math.tanh', () => {
    fc.assert(
      fc.property(arbX, (x) => {
        const want = Math.tanh(x);
        const got = tanhKernel(x);
        expect(Math.abs(got - want)).toBeLessThanOrEqual(3 * EPS * Math.abs(want));
      }),
      { numRuns: RUNS },
    );
  });

  it('is odd, and exact at 0, −0, ±∞, NaN and beyond ±20', () => {
    fc.assert(
      fc.property(arbX, (x) => {
        expect(tanhKernel(-x)).toBe(-tanhKernel(x));
      }),
      { numRuns: RUNS },
    );
    expect(Object.is(tanhKernel(0), 0)).toBe(true);
    expect(Object.is(tanhKernel(-0), -0)).toBe(true);
    expect(tanhKernel(Infinity)).toBe(1);
    expect(tanhKernel(-Infinity)).toBe(-1);
    expect(tanhKernel(NaN)).toBeNaN();
    expect(tanhKernel(20.5)).toBe(1);
    // tanh x = x − x³/3 + …: below 2⁻²⁷ the cubic term is under half an ulp of x
    expect(tanhKernel(1e-9)).toBe(1e-9);
    expect(tanhKernel(5e-324)).toBe(5e-324);
  });
});

/** The stable logistic function and its slope written with Math.exp: the independent reference. */
const sigmoidByExp = (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
const sigmoidSlopeByExp = (x: number) => Math.exp(-Math.abs(x)) / (1 + Math.exp(-Math.abs(x))) ** 2;
/** Both tails up to where σ(−|x|) underflows, and the values the paper's networks see. */
const arbSigmoidX = fc.oneof(
  arbX,
  fc.double({ min: -760, max: 760, noNaN: true }),
  fc.constantFrom(20, 40, 1000, -20, -40, -1000, 709, -709, 709.5, -708.5),
);

describe('sigmoidScalar', () => {
  // Measured against 60-digit arithmetic over 200,000 points: the kernel is within 1.25·2⁻⁵² relative
  // and this Math.exp form within 1.36·2⁻⁵² (so they differ by at most 2.6·2⁻⁵²). Where σ is
  // subnormal (below 2⁻¹⁰²², x < −708.4) relative error means nothing; beyond x = −709 the kernel
  // gives 0 for a value below 2⁻¹⁰²².
  it('is within 3·2⁻⁵² relative of the Math.exp form (plus 2⁻¹⁰²² where it is subnormal)', () => {
    fc.assert(
      fc.property(arbSigmoidX, (x) => {
        const want = sigmoidByExp(x);
        expect(Math.abs(sigmoidScalar(x) - want)).toBeLessThanOrEqual(3 * EPS * want + 2 ** -1022);
      }),
      { numRuns: RUNS },
    );
  });

  it("has the slope σ(x)σ(−x) within 5·2⁻⁵² of the Math.exp form's (3·2⁻⁵² measured), not 0 where representable", () => {
    fc.assert(
      fc.property(arbSigmoidX, (x) => {
        const want = sigmoidSlopeByExp(x);
        expect(Math.abs(activationSlope('sigmoid', x, sigmoidScalar(x)) - want)).toBeLessThanOrEqual(
          5 * EPS * want + 2 ** -1022,
        );
      }),
      { numRuns: RUNS },
    );
    // e⁻⁴⁰ ≈ 4.2e−18: 1 − σ(40) would be 0
    expect(activationSlope('sigmoid', 40, sigmoidScalar(40))).toBeGreaterThan(4e-18);
  });

  it('keeps the values of the Math.exp form at ±∞, NaN, ±0 and ±1000, and σ(x) + σ(−x) = 1 to an ulp', () => {
    for (const x of [Infinity, -Infinity, 0, -0, 1000, -1000]) expect(sigmoidScalar(x)).toBe(sigmoidByExp(x));
    expect(sigmoidScalar(Infinity)).toBe(1);
    expect(sigmoidScalar(-1000)).toBe(0);
    expect(sigmoidScalar(NaN)).toBeNaN();
    expect(activationSlope('sigmoid', NaN, sigmoidScalar(NaN))).toBeNaN();
    expect(activationSlope('sigmoid', Infinity, 1)).toBe(0);
    fc.assert(
      fc.property(arbSigmoidX, (x) => {
        expect(Math.abs(sigmoidScalar(x) + sigmoidScalar(-x) - 1)).toBeLessThanOrEqual(EPS);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('activation slopes', () => {
  it("are the autodiff ops' forms: tanh (1 − h)(1 + h), sigmoid σ(x)σ(−x), relu 0/1, identity 1", () => {
    expect(activationSlope('tanh', 0.3, 0.5)).toBe(0.75);
    // σ(0) = 1/2, so σ(0)·σ(−0) = 1/4
    expect(activationSlope('sigmoid', 0, 0.5)).toBe(0.25);
    expect(activationSlope('relu', -1, 0)).toBe(0);
    expect(activationSlope('relu', 2, 2)).toBe(1);
    expect(activationSlope('identity', 5, 5)).toBe(1);
  });
});

const hasWasm = useKernels('auto') === 'wasm';

/** Each activation's range and the special values: |x| = 20, 40, 1000, the edges of both tails, ±∞, NaN. */
const arbSpecialX = fc.oneof(
  arbX,
  fc.double({ min: -760, max: 760, noNaN: true }),
  fc.constantFrom(0, -0, Infinity, -Infinity, NaN, 20, -20.000001, 40, -40, 1000, -1000, 709, -709.0000001, 745, -745),
);
const sameBits = (a: number, b: number) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

describe.runIf(hasWasm)('the WebAssembly activations', () => {
  it.each(['tanh', 'sigmoid', 'relu', 'identity'] as KernelActivation[])(
    '%s equals the JavaScript one bit for bit, odd lengths included',
    (sigma) => {
      useKernels('wasm');
      const w = activeWasm();
      fc.assert(
        fc.property(fc.array(arbSpecialX, { maxLength: 41 }), (xs) => {
          const src = Float64Array.from(xs);
          const want = new Float64Array(src.length);
          activateInto(sigma, src, 0, want, 0, src.length);
          const [a, b] = w!.layout(src.length, src.length);
          w!.put(a, src);
          w!.exports.activate(ACTIVATION_CODES[sigma], a, b, src.length);
          const got = w!.slice(b, src.length);
          for (let i = 0; i < src.length; i++) expect(sameBits(got[i], want[i])).toBe(true);
        }),
        { numRuns: RUNS },
      );
    },
  );

  it.each(['tanh', 'sigmoid', 'relu', 'identity'] as KernelActivation[])(
    "%s's slope equals the JavaScript one bit for bit",
    (sigma) => {
      useKernels('wasm');
      const w = activeWasm();
      fc.assert(
        fc.property(fc.array(arbSpecialX, { maxLength: 41 }), (xs) => {
          const x = Float64Array.from(xs);
          const h = new Float64Array(x.length);
          activateInto(sigma, x, 0, h, 0, x.length);
          const [xa, ha, ones, out] = w!.layout(x.length, x.length, x.length, x.length);
          w!.put(xa, x);
          w!.put(ha, h);
          w!.put(ones, new Float64Array(x.length).fill(1));
          // the step back from σ(x_0): 0 + 1·σ'(x) for every element, as the recurrence's loops compute it
          w!.exports.initialStateGradient(ACTIVATION_CODES[sigma], xa, ha, ones, out, x.length);
          const got = w!.slice(out, x.length);
          for (let i = 0; i < x.length; i++)
            expect(sameBits(got[i], 0 + 1 * activationSlope(sigma, x[i], h[i]))).toBe(true);
        }),
        { numRuns: RUNS },
      );
    },
  );
});
