/**
 * @file The testing kit itself: gradCheck passes correct gradients and catches wrong ones (naming
 * the element), gradGradCheck catches a VJP that is not differentiable, and the arbitraries keep
 * their promises.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Tensor, add, exp, matmul, mul, randn, record, sum, tanh, tensor } from '@tapegrad/autodiff';
import { GradCheckError, gradCheck, gradGradCheck } from '@tapegrad/autodiff/testing';
import {
  arbBroadcastablePair,
  arbBroadcastableShapes,
  arbDistinct,
  arbMatmulPair,
  arbShape,
  arbTensor,
} from '@tapegrad/autodiff/testing/arbitraries';
import { runs } from '../../../test/fast-check.js';
import { thrown } from './ops-helpers.js';

/** x² with a VJP that is wrong at one flat element (`bad`): 3x there instead of 2x. */
function brokenSquare(bad: number) {
  return (x: Tensor): Tensor => {
    const out = new Tensor(
      x.data.map((v) => v * v),
      x.shape,
    );
    const factor = new Tensor(
      x.data.map((v, k) => (k === bad ? 3 * v : 2 * v)),
      x.shape,
    );
    return record(out, 'brokenSquare', [x], ['x'], (g) => [mul(g, factor)]);
  };
}

/** x² with a correct first derivative computed outside the tape: a constant, so no second order. */
function opaqueSquare(x: Tensor): Tensor {
  const out = new Tensor(
    x.data.map((v) => v * v),
    x.shape,
  );
  return record(out, 'opaqueSquare', [x], ['x'], (g) => [
    new Tensor(
      g.data.map((h, k) => 2 * x.data[k] * h),
      x.shape,
    ),
  ]);
}

describe('gradCheck', () => {
  it('passes a correct gradient and reports the full-Jacobian comparison', () => {
    const report = gradCheck((x) => sum(tanh(x)), [tensor([0.5, -1, 2])], { name: 'tanh' });
    expect(report).toMatchObject({ name: 'tanh', mode: 'jacobian', comparisons: 3 });
    expect(report.worstRatio).toBeLessThan(1);
  });

  it('compares every entry of the Jacobian of a non-scalar output of several inputs', () => {
    const a = randn([2, 3], 1);
    const b = randn([3, 2], 2);
    // (2·3 + 3·2) input elements × 4 output elements
    expect(gradCheck(matmul, [a, b]).comparisons).toBe(48);
  });

  it('switches to random projections for large problems and stays deterministic', () => {
    const x = randn([40, 40], 3);
    const f = (t: Tensor) => tanh(matmul(t, t));
    const r1 = gradCheck(f, [x], { seed: 7 });
    const r2 = gradCheck(f, [x], { seed: 7 });
    expect(r1.mode).toBe('directions');
    expect(r1.comparisons).toBe(6);
    expect(r1).toEqual(r2);
  });

  it('names the function, the input, the worst element and both values when a gradient is wrong', () => {
    const x = tensor([
      [0.5, 1],
      [1.5, 2],
    ]);
    const error = thrown(() => gradCheck(brokenSquare(2), [x], { name: 'brokenSquare' }));
    expect(error).toBeInstanceOf(GradCheckError);
    expect(error).toBeInstanceOf(RangeError);
    const e = error as GradCheckError;
    // flat element 2 of a [2, 2] input is [1, 0]; x = 1.5, so analytic 3·1.5 = 4.5 against 2·1.5 = 3
    expect(e.element).toEqual([1, 0]);
    expect(e.input).toBe(0);
    expect(e.analytic).toBeCloseTo(4.5, 12);
    expect(e.numeric).toBeCloseTo(3, 6);
    expect(e.tolerance).toBeCloseTo(1e-5 + 1e-3 * 3, 8);
    expect(e.message).toMatch(/^brokenSquare: gradient check failed/);
    expect(e.message).toContain('input 0 element [1, 0]');
    expect(e.message).toContain('output [1, 0]');
    expect(e.message).toContain('analytic 4.5');
    expect(e.message).toMatch(/numeric (2\.9999|3\b)/);
    expect(e.message).toContain('tolerance');
  });

  it('finds the wrong element through a failing random projection too', () => {
    const x = randn([30, 30], 4);
    const f = (t: Tensor) => sum(brokenSquare(123)(t));
    const e = (() => {
      try {
        gradCheck(f, [x], { maxJacobianEntries: 10, name: 'big' });
      } catch (err) {
        return err as GradCheckError;
      }
      throw new Error('gradCheck did not fail');
    })();
    expect(e).toBeInstanceOf(GradCheckError);
    expect(e.element).toEqual([4, 3]); // 123 = 4·30 + 3
    expect(e.message).toContain('random projection');
    expect(e.message).toContain('element [4, 3]');
  });

  it('uses the tolerances it is given', () => {
    // A gradient off by 1e-4 relative fails at rtol 1e-5 and passes at rtol 1e-3.
    const scaled = (x: Tensor): Tensor => {
      const out = new Tensor(
        x.data.map((v) => 2 * v),
        x.shape,
      );
      return record(out, 'scaled', [x], ['x'], (g) => [mul(g, 2 * (1 + 1e-4))]);
    };
    expect(() => gradCheck(scaled, [tensor([1])], { rtol: 1e-5, atol: 0 })).toThrow(GradCheckError);
    expect(gradCheck(scaled, [tensor([1])]).worstRatio).toBeLessThan(1);
  });

  it('counts an input the function ignores as a zero gradient, which finite differences agree with', () => {
    expect(gradCheck((a, _b) => sum(exp(a)), [tensor([1]), tensor([2, 3])]).comparisons).toBe(3);
  });

  it('rejects bad arguments with typed errors', () => {
    expect(() => gradCheck((x) => x, [])).toThrow(/non-empty array of Tensors/);
    expect(() => gradCheck((x) => x, [[1, 2] as unknown as Tensor])).toThrow(TypeError);
    expect(() => gradCheck((x) => x, [tensor([1])], { eps: -1 })).toThrow(/eps/);
  });
});

describe('gradGradCheck', () => {
  it('passes ops whose VJP is differentiable, with respect to the inputs and the output gradient', () => {
    const reports = gradGradCheck((a, b) => tanh(mul(a, b)), [tensor([0.3, -0.7]), tensor([1.2, 0.4])], {
      projections: 2,
    });
    expect(reports).toHaveLength(2);
    // inputs a, b and the output gradient v, each of 2 elements, against one scalar
    expect(reports[0].comparisons).toBe(6);
  });

  it('catches a VJP computed outside the tape, which first-order checks cannot see', () => {
    const x = tensor([0.5, -1.5]);
    expect(gradCheck(opaqueSquare, [x]).worstRatio).toBeLessThan(1);
    expect(() => gradGradCheck(opaqueSquare, [x], { name: 'opaqueSquare' })).toThrow(
      /opaqueSquare \(second order, projection 0\): gradient check failed for the output with respect to (input 0|the output gradient v) element/,
    );
  });
});

describe('arbitraries', () => {
  it('arbShape stays within its rank and dimension bounds', () => {
    fc.assert(
      fc.property(arbShape({ minRank: 1, maxRank: 3, minDim: 2, maxDim: 5 }), (s) => {
        expect(s.length).toBeGreaterThanOrEqual(1);
        expect(s.length).toBeLessThanOrEqual(3);
        for (const d of s) expect(d >= 2 && d <= 5).toBe(true);
      }),
      { numRuns: runs(50) },
    );
  });

  it('arbTensor keeps values in range and away from the given points', () => {
    fc.assert(
      fc.property(arbTensor(arbShape(), { min: -2, max: 2, awayFrom: [0, 1], margin: 0.2 }), (x) => {
        expect(x.size).toBe(x.shape.reduce((p, d) => p * d, 1));
        for (const v of x.data) {
          expect(Math.abs(v) >= 0.2 && Math.abs(v - 1) >= 0.2 - 1e-15).toBe(true);
          expect(v >= -2.2 && v <= 2.2).toBe(true);
        }
      }),
      { numRuns: runs(50) },
    );
  });

  it('arbBroadcastableShapes and arbBroadcastablePair give shapes add accepts', () => {
    fc.assert(
      fc.property(arbBroadcastableShapes({ maxRank: 4 }), arbBroadcastablePair(), ([sa, sb], [a, b]) => {
        const out = add(
          new Tensor(new Float64Array(sa.reduce((p, d) => p * d, 1)), sa),
          new Tensor(new Float64Array(sb.reduce((p, d) => p * d, 1)), sb),
        );
        expect(out.shape.length).toBe(Math.max(sa.length, sb.length));
        expect(() => add(a, b)).not.toThrow();
      }),
      { numRuns: runs(50) },
    );
  });

  it('arbBroadcastablePair with distinct has no ties, even across the pair', () => {
    fc.assert(
      fc.property(arbBroadcastablePair({ distinct: true, margin: 0.05 }), ([a, b]) => {
        const all = [...a.data, ...b.data].sort((p, q) => p - q);
        for (let i = 1; i < all.length; i++) expect(all[i] - all[i - 1]).toBeGreaterThanOrEqual(0.05 - 1e-12);
      }),
      { numRuns: runs(50) },
    );
  });

  it('arbMatmulPair gives operands matmul accepts, batched and broadcast', () => {
    let batched = 0;
    fc.assert(
      fc.property(arbMatmulPair(), ([a, b]) => {
        const c = matmul(a, b);
        expect(c.shape.slice(-2)).toEqual([a.shape[a.rank - 2], b.shape[b.rank - 1]]);
        if (c.rank > 2) batched++;
      }),
      { numRuns: runs(50) },
    );
    expect(batched).toBeGreaterThan(0);
  });

  it('arbMatmulPair with maxBatchRank 0 gives plain matrices', () => {
    fc.assert(
      fc.property(arbMatmulPair({ maxBatchRank: 0, maxDim: 2 }), ([a, b]) => {
        expect([a.rank, b.rank]).toEqual([2, 2]);
        expect(Math.max(...a.shape, ...b.shape)).toBeLessThanOrEqual(2);
      }),
      { numRuns: runs(50) },
    );
  });

  it('arbDistinct separates every pair of values', () => {
    fc.assert(
      fc.property(arbDistinct(arbShape({ minRank: 1 }), { min: -1, max: 1, margin: 0.01 }), (x) => {
        const sorted = [...x.data].sort((p, q) => p - q);
        for (let i = 1; i < sorted.length; i++) expect(sorted[i] - sorted[i - 1]).toBeGreaterThanOrEqual(0.01 - 1e-12);
        for (const v of sorted) expect(v >= -1 && v <= 1).toBe(true);
      }),
      { numRuns: runs(50) },
    );
  });
});
