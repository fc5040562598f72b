/**
 * @file Gradient clipping: fast-check properties of Algorithm 1 (norm bound, direction, identity
 * below the threshold, the ≥ / > boundary), element-wise clipping, each non-finite policy, and the
 * checks on bad input.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ShapeError, ValueError, tensor, type Tensor } from '@tapegrad/autodiff';
import { arbShape, arbTensor } from '@tapegrad/autodiff/testing/arbitraries';
import { NonFiniteGradientError, clipGradNorm, clipGradValue, globalNorm } from '@tapegrad/optim';
import { plainNorm, runs } from './helpers.js';

/** A gradient record of two to three tensors, entries of magnitude up to `scale`. */
const arbGrads = (scale: number) =>
  fc.record({
    W_rec: arbTensor(arbShape({ minRank: 2, maxRank: 2, maxDim: 4 }), { min: -scale, max: scale }),
    b: arbTensor(arbShape({ minRank: 1, maxRank: 1, maxDim: 4 }), { min: -scale, max: scale }),
    layers: fc.array(arbTensor(arbShape({ maxRank: 2, maxDim: 3 }), { min: -scale, max: scale }), { maxLength: 1 }),
  });

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

const flat = (g: { W_rec: Tensor; b: Tensor; layers: Tensor[] }) =>
  [g.W_rec, g.b, ...g.layers].flatMap((t) => Array.from(t.data));

describe('clipGradNorm: Algorithm 1 with one global norm', () => {
  it('reports the pre-clip global norm, and the result has norm ≤ threshold to rounding', () => {
    fc.assert(
      fc.property(arbGrads(10), fc.double({ min: 1e-3, max: 20, noNaN: true }), (grads, threshold) => {
        const r = clipGradNorm(grads, threshold);
        expect(r.norm).toBeCloseTo(plainNorm(grads), 10);
        expect(plainNorm(r.grads)).toBeLessThanOrEqual(threshold * (1 + 1e-12));
      }),
      { numRuns: runs(100) },
    );
  });

  it('keeps the direction: the clipped gradient is scale × the original, scale = threshold/norm', () => {
    fc.assert(
      fc.property(arbGrads(10), fc.double({ min: 1e-3, max: 5, noNaN: true }), (grads, threshold) => {
        const r = clipGradNorm(grads, threshold);
        fc.pre(r.clipped);
        expect(r.scale).toBe(threshold / r.norm);
        expect(r.action).toBe('clipped');
        const a = flat(grads);
        const b = flat(r.grads);
        b.forEach((x, i) => expect(x).toBe(a[i] * r.scale));
        expect(plainNorm(r.grads)).toBeCloseTo(threshold, 10);
      }),
      { numRuns: runs(100) },
    );
  });

  it('returns the gradients unchanged (the same object) below the threshold', () => {
    fc.assert(
      fc.property(arbGrads(1), (grads) => {
        const threshold = plainNorm(grads) * 1.5 + 1e-9;
        const r = clipGradNorm(grads, threshold);
        expect(r.grads).toBe(grads);
        expect(r).toMatchObject({ clipped: false, scale: 1, action: 'none' });
      }),
      { numRuns: runs(100) },
    );
  });

  it("clips at exactly the threshold with '>=' (the paper) but not with '>' (the original code)", () => {
    // ‖(3, 4)‖ = 5 exactly in float64.
    const grads = { W: tensor([3]), b: tensor([4]) };
    const paper = clipGradNorm(grads, 5);
    expect(paper).toMatchObject({ norm: 5, clipped: true, scale: 1, action: 'clipped' });
    expect(Array.from(paper.grads.W.data)).toEqual([3]);
    const code = clipGradNorm(grads, 5, { compare: '>' });
    expect(code).toMatchObject({ norm: 5, clipped: false, scale: 1, action: 'none' });
    expect(code.grads).toBe(grads);
  });

  it('computes huge and tiny norms without overflow or underflow', () => {
    expect(globalNorm({ a: tensor([3e200, 4e200]) })).toBeCloseTo(5e200, -190);
    expect(globalNorm({ a: tensor([3e-200, 4e-200]) }) / 5e-200).toBeCloseTo(1, 12);
    expect(globalNorm({ a: tensor([0, 0]) })).toBe(0);
    expect(globalNorm({ a: tensor([1, NaN, Infinity]) })).toBeNaN();
    expect(globalNorm({ a: tensor([1, -Infinity]) })).toBe(Infinity);
  });
});

describe('clipGradNorm: non-finite policies', () => {
  const params = {
    W_rec: tensor([
      [1, -2],
      [3, 4],
    ]),
    b: tensor([5, 6]),
  };
  const bad = {
    W_rec: tensor([
      [NaN, 1],
      [1, Infinity],
    ]),
    b: tensor([1, 1]),
  };

  it("'throw' (the default) names the parameters with non-finite entries", () => {
    expect(() => clipGradNorm(bad, 1)).toThrow(NonFiniteGradientError);
    expect(() => clipGradNorm(bad, 1)).toThrow(/'W_rec' has 2 of 4 entries non-finite \(first NaN at flat index 0\)/);
    const error = thrown(() => clipGradNorm({ W_rec: tensor([1]), b: tensor([-Infinity]) }, 1));
    expect(error).toBeInstanceOf(RangeError);
    expect(error).toMatchObject({ name: 'NonFiniteGradientError', parameters: ['b'], norm: Infinity });
  });

  it('counts norms above maxNorm (default 1e10) as non-finite, naming the largest part', () => {
    const big = { W_rec: tensor([2e10]), b: tensor([1]) };
    expect(() => clipGradNorm(big, 1)).toThrow(
      /global gradient norm 20000000000 exceeds maxNorm 10000000000; the largest part is 'W_rec'/,
    );
    expect(thrown(() => clipGradNorm(big, 1))).toMatchObject({
      name: 'NonFiniteGradientError',
      op: 'clipGradNorm',
      norm: 2e10,
      parameters: ['W_rec'],
      message:
        "clipGradNorm: argument 'grads': the global gradient norm 20000000000 exceeds maxNorm 10000000000; the largest part is 'W_rec' with norm 20000000000",
    });
    expect(clipGradNorm(big, 1, { maxNorm: Infinity }).action).toBe('clipped');
    expect(clipGradNorm({ W_rec: tensor([1e10]), b: tensor([0]) }, 1).action).toBe('clipped');
    // parts below 1, and a tie (the first is named); every non-finite part listed, joined by '; '
    expect(() => clipGradNorm({ a: tensor([0.3]), b: tensor([0.4]) }, 1, { maxNorm: 0.45 })).toThrow(
      "the largest part is 'b' with norm 0.4",
    );
    expect(() => clipGradNorm({ a: tensor([3e10]), b: tensor([-3e10]) }, 1)).toThrow(
      "the largest part is 'a' with norm 30000000000",
    );
    const two = thrown(() => clipGradNorm({ a: tensor([NaN]), b: tensor([1, Infinity]) }, 1)) as Error;
    expect(two.message).toBe(
      "clipGradNorm: argument 'grads': the global gradient norm is NaN: 'a' has 1 of 1 entries non-finite (first NaN at flat index 0); 'b' has 1 of 2 entries non-finite (first Infinity at flat index 1)",
    );
    expect(two).toMatchObject({ op: 'clipGradNorm', parameters: ['a', 'b'] });
  });

  it("'skip' returns zero gradients and action 'skipped'", () => {
    const r = clipGradNorm(bad, 1, { nonFinite: 'skip' });
    expect(r).toMatchObject({ clipped: false, scale: 0, action: 'skipped' });
    expect(r.norm).toBeNaN();
    expect(Array.from(r.grads.W_rec.data)).toEqual([0, 0, 0, 0]);
    expect(Array.from(r.grads.b.data)).toEqual([0, 0]);
  });

  it("'fallback' (the original code) sets W_rec's gradient to 0.02·W_rec and every other to 0", () => {
    const r = clipGradNorm(bad, 1, { nonFinite: 'fallback', params });
    expect(r).toMatchObject({ action: 'fallback', clipped: false, scale: 0 });
    expect(Array.from(r.grads.W_rec.data)).toEqual([0.02, -0.04, 0.06, 0.08]);
    expect(Array.from(r.grads.b.data)).toEqual([0, 0]);
    const custom = clipGradNorm({ U: tensor([NaN]), V: tensor([1]) }, 1, {
      nonFinite: 'fallback',
      params: { U: tensor([2]), V: tensor([3]) },
      recurrentKey: 'V',
      fallbackShrink: 0.5,
    });
    expect([custom.grads.U.data[0], custom.grads.V.data[0]]).toEqual([0, 1.5]);
  });

  it("'fallback' checks its inputs on every call, not only when the norm goes bad", () => {
    const fine = {
      W_rec: tensor([
        [1, 0],
        [0, 1],
      ]),
      b: tensor([0, 0]),
    };
    expect(() => clipGradNorm(fine, 1, { nonFinite: 'fallback' })).toThrow(/'options.params'/);
    expect(() => clipGradNorm(fine, 1, { nonFinite: 'fallback', params, recurrentKey: 'U' })).toThrow(
      /'options.recurrentKey': 'U' is not a path of the gradients; they have \[W_rec, b\]/,
    );
  });
});

describe('clipGradValue', () => {
  it('limits each entry to [−limit, limit] and counts the clipped ones', () => {
    const r = clipGradValue(
      {
        W: tensor([
          [-3, 0.5],
          [2, -1],
        ]),
        b: [tensor([1.5])],
      },
      1,
    );
    expect(r.grads.W.toArray()).toEqual([
      [-1, 0.5],
      [1, -1],
    ]);
    expect(Array.from(r.grads.b[0].data)).toEqual([1]);
    expect(r.clippedElements).toBe(3);
  });

  it('keeps entries inside the limit and the sign of the others (property)', () => {
    fc.assert(
      fc.property(arbGrads(10), fc.double({ min: 1e-3, max: 5, noNaN: true }), (grads, limit) => {
        const r = clipGradValue(grads, limit);
        const a = flat(grads);
        flat(r.grads).forEach((x, i) => {
          expect(Math.abs(x)).toBeLessThanOrEqual(limit);
          expect(x).toBe(Math.abs(a[i]) <= limit ? a[i] : Math.sign(a[i]) * limit);
        });
        expect(r.clippedElements).toBe(a.filter((x) => Math.abs(x) > limit).length);
      }),
      { numRuns: runs(100) },
    );
  });

  it('leaves NaN as NaN', () => {
    expect(clipGradValue({ w: tensor([NaN]) }, 1).grads.w.data[0]).toBeNaN();
  });
});

describe('clipping: bad input', () => {
  const grads = { W: tensor([1]) };
  it('rejects a threshold ≤ 0 or NaN, naming it', () => {
    for (const t of [0, -1, NaN, Infinity]) {
      expect(() => clipGradNorm(grads, t)).toThrow(ValueError);
      expect(() => clipGradNorm(grads, t)).toThrow(
        new RegExp(`clipGradNorm: argument 'threshold': must be a finite number > 0, got ${t}`),
      );
    }
    expect(() => clipGradValue(grads, 0)).toThrow(/clipGradValue: argument 'limit'.*got 0/);
  });

  it('rejects unknown options', () => {
    expect(() => clipGradNorm(grads, 1, { compare: '=>' as '>' })).toThrow(/'options.compare'.*got =>/);
    expect(() => clipGradNorm(grads, 1, { nonFinite: 'ignore' as 'skip' })).toThrow(/'options.nonFinite'.*got ignore/);
    expect(() => clipGradNorm(grads, 1, { maxNorm: -1 })).toThrow(/'options.maxNorm'.*got -1/);
    for (const maxNorm of [0, NaN, '5']) {
      expect(() => clipGradNorm(grads, 1, { maxNorm: maxNorm as number })).toThrow(
        `clipGradNorm: argument 'options.maxNorm': must be a number > 0 (Infinity disables it), got ${maxNorm}`,
      );
    }
    expect(() =>
      clipGradNorm(grads, 1, { nonFinite: 'fallback', params: grads, recurrentKey: 'W', fallbackShrink: NaN }),
    ).toThrow("clipGradNorm: argument 'options.fallbackShrink': must be a finite number, got NaN");
    expect(() => clipGradNorm(grads, 1, { nonFinite: 'fallback' })).toThrow(
      "clipGradNorm: argument 'options.params': nonFinite: 'fallback' needs the parameters (it replaces W_rec's gradient by a multiple of W_rec)",
    );
  });

  it('rejects fallback params whose structure differs from the grads', () => {
    expect(() =>
      clipGradNorm({ W_rec: tensor([NaN]) }, 1, { nonFinite: 'fallback', params: { W_rec: tensor([1, 2]) } }),
    ).toThrow(ShapeError);
  });
});
