/**
 * @file Eqs. 12–13 through the tape: `unitDerivatives` (grad of grad of one unit's state) against
 * the closed forms, the curvature-to-gradient ratio (t − 1)/w, finite differences where no closed
 * form exists (a sigmoid unit at the paper's wall), and the growth-rate fit `growthRate`.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ValueError } from '@tapegrad/autodiff';
import { SINGLE_UNIT, growthRate, unitDerivatives } from '@tapegrad/rnn';
import { fcSeed, runs } from './geometry-helpers.js';

/** |a − b| ≤ tol·|b|, or a = b exactly when b is 0 (∂²x_1/∂w² = 0 has no relative error). */
const relClose = (a: number, b: number, tol: number): boolean =>
  b === 0 ? a === 0 : Math.abs(a - b) <= tol * Math.abs(b);

describe('eqs. 12–13: x_t = x_0·w^t and its derivatives in w, by grad of grad on the tape', () => {
  it('match t·x_0·w^{t−1} and t(t−1)·x_0·w^{t−2} to 1e-12 for t ≤ 50, w on both sides of 1', () => {
    // |w| away from 1 on both sides, either sign, and x_0 of either sign; the tape's sums of t
    // (or t(t−1)) equal terms lose at most ~t·ε ≈ 1e-14, far inside 1e-12.
    const range = (min: number, max: number) => fc.double({ min, max, noNaN: true });
    const w = fc.oneof(range(0.3, 0.97), range(1.03, 1.6), range(-1.6, -0.3));
    const x0 = fc.oneof(range(0.1, 3), range(-3, -0.1));
    fc.assert(
      fc.property(w, x0, fc.integer({ min: 1, max: 50 }), (w, x0, T) => {
        const d = unitDerivatives({ w, x0, steps: T });
        for (let t = 1; t <= T; t++) {
          expect(relClose(d.x[t - 1], x0 * w ** t, 1e-12), `x_${t}`).toBe(true);
          expect(relClose(d.dx[t - 1], t * x0 * w ** (t - 1), 1e-12), `∂x_${t}/∂w at w = ${w}`).toBe(true);
          expect(relClose(d.d2x[t - 1], t * (t - 1) * x0 * w ** (t - 2), 1e-12), `∂²x_${t}/∂w² at w = ${w}`).toBe(true);
        }
      }),
      { numRuns: runs(12), seed: fcSeed(1213) },
    );
  });

  it('the curvature grows with the gradient: ∂²x_t/∂w² / ∂x_t/∂w = (t − 1)/w, at T = 50 on both sides of 1', () => {
    for (const w of [0.8, 0.95, 1.05, 1.2]) {
      const d = unitDerivatives({ w, x0: 1, steps: 50 });
      for (let t = 2; t <= 50; t++) expect(relClose(d.d2x[t - 1] / d.dx[t - 1], (t - 1) / w, 1e-12)).toBe(true);
      // above 1 both explode together; below 1 both vanish, and still the ratio grows like t
      if (w > 1) expect(Math.abs(d.d2x[49])).toBeGreaterThan(Math.abs(d.dx[49]) * 40);
    }
    const d = unitDerivatives({ w: 1.2, x0: 1, steps: 50 });
    expect(d.dx[49]).toBeCloseTo(50 * 1.2 ** 49, 6); // 3.79e5
    expect(d.t[49]).toBe(50);
  });

  it('a bias and another σ are handled too, checked against central differences of the tape gradient', () => {
    // No closed form here: the curvature is checked as the finite difference of the first
    // derivative, and that as the finite difference of x_t. At the paper's wall (w = 4.5,
    // b = −2.303, sigmoid) both derivatives explode with t as in the linear case.
    const h = 1e-6;
    for (const [w, b, activation] of [
      [4.5, -2.303, 'sigmoid'],
      [1.3, 0.2, 'tanh'],
      [1.1, -0.3, 'identity'],
    ] as const) {
      const d = unitDerivatives({ w, b, activation, steps: 30 });
      const up = unitDerivatives({ w: w + h, b, activation, steps: 30 });
      const down = unitDerivatives({ w: w - h, b, activation, steps: 30 });
      for (let t = 1; t <= 30; t++) {
        // central differences: error ~h²·f''' plus rounding ~ε·|f|/h; 1e-6 relative covers both here
        const scale1 = Math.max(Math.abs(d.dx[t - 1]), 1);
        const scale2 = Math.max(Math.abs(d.d2x[t - 1]), 1);
        expect(
          Math.abs((up.x[t - 1] - down.x[t - 1]) / (2 * h) - d.dx[t - 1]) / scale1,
          `${activation} ∂x_${t}`,
        ).toBeLessThan(1e-6);
        expect(
          Math.abs((up.dx[t - 1] - down.dx[t - 1]) / (2 * h) - d.d2x[t - 1]) / scale2,
          `${activation} ∂²x_${t}`,
        ).toBeLessThan(1e-6);
      }
    }
    const wall = unitDerivatives({ w: 4.5, b: -2.303, activation: 'sigmoid', steps: 50 });
    expect(wall.x[0]).toBeCloseTo(4.5 / (1 + Math.exp(-SINGLE_UNIT.x0)) - 2.303, 14); // x_0 = 0.5 by default
    const fit1 = growthRate(wall.t, wall.dx, { from: 20, to: 49 });
    const fit2 = growthRate(wall.t, wall.d2x, { from: 20, to: 40 });
    expect(fit1.alpha).toBeGreaterThan(1.05);
    expect(fit2.alpha).toBeGreaterThan(fit1.alpha);
  });

  it('rejects bad options, naming them', () => {
    expect(() => unitDerivatives({ w: 1, steps: 0 })).toThrow(ValueError);
    expect(() => unitDerivatives({ w: 1, steps: 2.5 })).toThrow(
      /unitDerivatives: argument 'options.steps': .*\[1, ∞\], got 2.5/,
    );
    expect(() => unitDerivatives({ w: NaN, steps: 3 })).toThrow(/options.w.*finite number, got NaN/);
    expect(() => unitDerivatives({ w: 1, steps: 3, activation: 'softsign' as 'tanh' })).toThrow(
      /valid values: tanh, sigmoid, identity, relu/,
    );
  });
});

describe('growthRate: |y_t| ≈ C·α^t by least squares on logs', () => {
  it('recovers α and C of an exact geometric series, and C·α^t ≤ |y_t| on the window', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.2, max: 3, noNaN: true }),
        fc.double({ min: 1e-3, max: 1e3, noNaN: true }),
        fc.boolean(),
        (alpha, C, flip) => {
          const t = Float64Array.from({ length: 40 }, (_, i) => i + 1);
          const y = t.map((s) => (flip && s % 2 ? -1 : 1) * C * alpha ** s);
          const fit = growthRate(t, y, { from: 5, to: 35 });
          expect(Math.abs(fit.alpha / alpha - 1)).toBeLessThan(1e-12);
          expect(Math.abs(fit.C / C - 1)).toBeLessThan(1e-10);
          expect(fit.rms).toBeLessThan(1e-10);
          expect([fit.from, fit.to]).toEqual([5, 35]);
        },
      ),
      { numRuns: runs(30), seed: fcSeed(14) },
    );
  });

  it('C is the largest constant of the lower bound, not of the fit line', () => {
    // y = 2^t except a dip at t = 3: the slope moves a little, and C drops to the dip's level
    const t = [1, 2, 3, 4, 5];
    const y = [2, 4, 1, 16, 32];
    const fit = growthRate(t, y);
    t.forEach((s, i) => expect(y[i]).toBeGreaterThanOrEqual(fit.C * fit.alpha ** s * (1 - 1e-12)));
    expect(t.some((s, i) => Math.abs(y[i] - fit.C * fit.alpha ** s) < 1e-12 * y[i])).toBe(true);
  });

  it('rejects zeros, mismatched lengths and windows with fewer than two points', () => {
    expect(() => growthRate([1, 2, 3], [1, 0, 2])).toThrow(
      /growthRate: argument 'y': needs finite non-zero values.*got 0 at t = 2/,
    );
    expect(() => growthRate([1, 2], [1])).toThrow(/one value per t \(2\), got 1/);
    expect(() => growthRate([1, 2, 3], [1, 2, 4], { from: 3 })).toThrow(/at least two points in \[3, 3\], got 1/);
  });
});
