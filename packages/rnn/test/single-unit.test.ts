import { describe, expect, it } from 'vitest';
import { Tensor, ValueError, tensor } from '@tapegrad/autodiff';
import { gradCheck } from '@tapegrad/autodiff/testing';
import { singleUnitLoss, singleUnitPoint, singleUnitSurface } from '@tapegrad/rnn';

describe('the single-unit system x_t = w·σ(x_{t−1}) + b', () => {
  it('has loss (σ(x_50) − 0.7)² from x_0 = 0.5', () => {
    // w = 0: x_50 = b, so E = (σ(b) − 0.7)²
    expect(singleUnitPoint(0, 1).loss).toBeCloseTo((1 / (1 + Math.exp(-1)) - 0.7) ** 2, 15);
    // one step: x_1 = w·σ(0.5) + b
    const x1 = 2 / (1 + Math.exp(-0.5)) - 1;
    expect(singleUnitLoss(tensor(2), tensor(-1), 1).item()).toBeCloseTo((1 / (1 + Math.exp(-x1)) - 0.7) ** 2, 15);
  });

  it('its tape gradient equals finite differences at ordinary points', () => {
    for (const [w, b] of [
      [1, 0],
      [3, -2],
      [-2, 1],
      [8, -4],
    ]) {
      gradCheck((wt: Tensor, bt: Tensor) => singleUnitLoss(wt, bt), [tensor(w), tensor(b)], {
        name: `E at (${w}, ${b})`,
      });
    }
  });

  it('its gradient equals finite differences next to the wall, where it is ~1000× steeper', () => {
    // Found on a grid: at w = 4.5 the wall crosses b ≈ −2.303 (x_0 = 0.5 sits on the boundary
    // between the two attractors of the bistable map). Its width in b is ~1e-3, so steps of 1e-7
    // resolve it.
    const near = singleUnitPoint(4.5, -2.3029);
    const far = singleUnitPoint(4.5, -1.5);
    expect(Math.abs(near.db)).toBeGreaterThan(50);
    expect(Math.abs(near.db)).toBeGreaterThan(1000 * Math.abs(far.db));
    gradCheck((wt: Tensor, bt: Tensor) => singleUnitLoss(wt, bt), [tensor(4.5), tensor(-2.3029)], {
      name: 'E at the wall',
      eps: 1e-7,
    });
  });

  it('the grid surface has the tape loss and gradient at every point', () => {
    const s = singleUnitSurface({ w: [-2, 10], b: [-6, 2], points: [7, 9] });
    expect(s.loss).toHaveLength(63);
    for (let i = 0; i < 7; i++) {
      for (let j = 0; j < 9; j++) {
        const p = singleUnitPoint(s.w[i], s.b[j]);
        expect(s.loss[i * 9 + j]).toBeCloseTo(p.loss, 13);
        expect(s.dw[i * 9 + j]).toBeCloseTo(p.dw, 10);
        expect(s.db[i * 9 + j]).toBeCloseTo(p.db, 10);
      }
    }
    expect(s.w[6]).toBe(10);
    expect(s.b[0]).toBe(-6);
  });

  it('rejects a length ≤ 0 and empty grids', () => {
    expect(() => singleUnitLoss(tensor(1), tensor(0), 0)).toThrow(ValueError);
    expect(() => singleUnitLoss(tensor(1), tensor(0), 0)).toThrow(
      /singleUnitLoss: argument 'steps': sequence length must be an integer ≥ 1, got 0/,
    );
    expect(() => singleUnitSurface({ w: [0, 1], b: [0, 1], points: [0, 3] })).toThrow(
      /points\[0\]': must be a positive integer, got 0/,
    );
  });
});
