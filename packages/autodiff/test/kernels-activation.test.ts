/**
 * @file The recurrent kernels' own tanh: within 3·2⁻⁵² relative of Math.tanh (an independent
 * implementation, V8's port of fdlibm) over the whole range, exact at the special values, odd, and
 * the WebAssembly kernel's tanh, relu and identity equal to the JavaScript ones bit for bit.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { activateInto, activationSlope, tanhKernel, useKernels, type KernelActivation } from '@tapegrad/autodiff/kernels';
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

describe.runIf(hasWasm)('the WebAssembly activations', () => {
  it.each(['tanh', 'relu', 'identity'] as KernelActivation[])('%s equals the JavaScript one bit for bit, odd lengths included', (sigma) => {
    useKernels('wasm');
    const w = activeWasm();
    fc.assert(
      fc.property(fc.array(fc.oneof(arbX, fc.constantFrom(0, -0, Infinity, -Infinity, NaN, 20, -20.000001)), { maxLength: 41 }), (xs) => {
        const src = Float64Array.from(xs);
        const want = new Float64Array(src.length);
        activateInto(sigma, src, 0, want, 0, src.length);
        const [a, b] = w!.layout(src.length, src.length);
        w!.put(a, src);
        w!.exports.activate(ACTIVATION_CODES[sigma]!, a, b, src.length);
        const got = w!.slice(b, src.length);
        for (let i = 0; i < src.length; i++) expect(Object.is(got[i], want[i]) || (Number.isNaN(got[i]) && Number.isNaN(want[i]))).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });
});
