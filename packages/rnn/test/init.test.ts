/**
 * @file The paper's three initialisations: smart tanh's sparsity and spectral radius (checked with
 * the eigenvalue routine it rescales with and, independently, by Gelfand's formula), the standard
 * deviations and activations of each, determinism per seed, and bad names and sizes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng, ValueError, spectralRadius } from '@tapegrad/autodiff';
import { initRnn, smartTanhRecurrent, type InitName } from '@tapegrad/rnn';
import { runs } from './rnn-helpers.js';

const std = (d: Float64Array): number => Math.sqrt(d.reduce((s, v) => s + v * v, 0) / d.length);

/**
 * The spectral radius by Gelfand's formula, ρ(W) = lim ‖W^k‖^(1/k), with k = 2^squarings: W is
 * squared and rescaled to unit Frobenius norm `squarings` times, and log ‖W^k‖/k = Σ_i log c_i/2^i
 * for the scale factors c_i. An independent check of the eigenvalue routine smartTanhRecurrent
 * rescales with (Hessenberg QR): no eigenvalues, no shared code; the error is O(log C / k) for a
 * constant C of the matrix, far below 1e-10 at k = 2^60.
 */
function gelfandRadius(W: Float64Array, n: number, squarings = 60): number {
  let A = Float64Array.from(W);
  let logRadius = 0;
  for (let s = 1; s <= squarings; s++) {
    const B = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < n; k++) {
        const a = A[i * n + k];
        for (let j = 0; j < n; j++) B[i * n + j] += a * A[k * n + j];
      }
    }
    const c = Math.sqrt(B.reduce((acc, v) => acc + v * v, 0));
    for (let i = 0; i < B.length; i++) B[i] /= c;
    logRadius += Math.log(c) / 2 ** s;
    A = B;
  }
  return Math.exp(logRadius);
}

describe('initialisations', () => {
  it('smart tanh: exactly 15 non-zero incoming weights per unit and spectral radius 0.95 to 1e-12', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: 15, max: 60 }), (seed, n) => {
        const W = smartTanhRecurrent(n, new Rng(seed));
        for (let i = 0; i < n; i++) {
          let nonZero = 0;
          for (let j = 0; j < n; j++) if (W.data[i * n + j] !== 0) nonZero++;
          expect(nonZero).toBe(15);
        }
        expect(Math.abs(spectralRadius(W) - 0.95)).toBeLessThan(1e-12);
        expect(Math.abs(gelfandRadius(W.data, n) - 0.95)).toBeLessThan(1e-10);
      }),
      { numRuns: runs(8) },
    );
  });

  it('smart tanh with fewer than 15 units is dense, still at spectral radius 0.95', () => {
    const W = smartTanhRecurrent(6, new Rng(3));
    expect(W.data.every((v) => v !== 0)).toBe(true);
    expect(Math.abs(spectralRadius(W) - 0.95)).toBeLessThan(1e-12);
    expect(Math.abs(gelfandRadius(W.data, 6) - 0.95)).toBeLessThan(1e-10);
  });

  it("Gelfand's formula finds known spectral radii (a rotation block beside a Jordan block)", () => {
    // [[0, −2], [2, 0]] ⊕ [[0.5, 1], [0, 0.5]]: eigenvalues ±2i and 0.5 (twice), so ρ = 2; the
    // Jordan block alone has ρ = 0.5 though its norm is above 1.
    const W = Float64Array.from([0, -2, 0, 0, 2, 0, 0, 0, 0, 0, 0.5, 1, 0, 0, 0, 0.5]);
    expect(Math.abs(gelfandRadius(W, 4) - 2)).toBeLessThan(1e-12);
    expect(Math.abs(gelfandRadius(Float64Array.from([0.5, 1, 0, 0.5]), 2) - 0.5)).toBeLessThan(1e-10);
  });

  it("draws the paper's standard deviations, biases 0, and the matching activation", () => {
    const cases: [InitName, number, string][] = [
      ['sigmoid', 0.01, 'sigmoid'],
      ['basic-tanh', 0.1, 'tanh'],
      ['smart-tanh', 0.01, 'tanh'],
    ];
    for (const [init, s, act] of cases) {
      const { params, activation } = initRnn({ nIn: 40, nHidden: 100, nOut: 40, init, seed: 7 });
      expect(activation).toBe(act);
      // 4000 draws: the sample std is within 5% of s with overwhelming probability (and the seed is fixed)
      expect(std(params.W_in.data) / s).toBeGreaterThan(0.95);
      expect(std(params.W_in.data) / s).toBeLessThan(1.05);
      expect(std(params.W_out.data) / s).toBeCloseTo(1, 1);
      if (init !== 'smart-tanh') expect(std(params.W_rec.data) / s).toBeCloseTo(1, 1);
      expect(params.b.data.every((v) => v === 0) && params.b_out.data.every((v) => v === 0)).toBe(true);
      expect(params.x0).toBeUndefined();
    }
  });

  it('is deterministic for a seed, and adds a learned x0 on request', () => {
    const a = initRnn({ nIn: 6, nHidden: 20, nOut: 4, init: 'smart-tanh', seed: 11, learnInitialState: true });
    const b = initRnn({ nIn: 6, nHidden: 20, nOut: 4, init: 'smart-tanh', seed: 11, learnInitialState: true });
    expect(Array.from(a.params.W_rec.data)).toEqual(Array.from(b.params.W_rec.data));
    expect(Array.from(a.params.W_out.data)).toEqual(Array.from(b.params.W_out.data));
    expect(a.params.x0?.shape).toEqual([20]);
    const c = initRnn({ nIn: 6, nHidden: 20, nOut: 4, init: 'smart-tanh', seed: 12 });
    expect(Array.from(c.params.W_rec.data)).not.toEqual(Array.from(a.params.W_rec.data));
  });

  it('rejects unknown names and non-positive sizes, listing what is valid', () => {
    expect(() => initRnn({ nIn: 6, nHidden: 5, nOut: 4, init: 'xavier' as InitName, seed: 1 })).toThrow(ValueError);
    expect(() => initRnn({ nIn: 6, nHidden: 5, nOut: 4, init: 'xavier' as InitName, seed: 1 })).toThrow(
      /initRnn: argument 'options.init': unknown initialisation "xavier"; valid values: sigmoid, basic-tanh, smart-tanh/,
    );
    expect(() => initRnn({ nIn: 6, nHidden: 0, nOut: 4, init: 'sigmoid', seed: 1 })).toThrow(
      /initRnn: argument 'options.nHidden': must be a positive integer, got 0/,
    );
    expect(() => initRnn({ nIn: 6, nHidden: -3, nOut: 4, init: 'sigmoid', seed: 1 })).toThrow(ValueError);
  });
});
