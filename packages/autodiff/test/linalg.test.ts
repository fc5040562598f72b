/**
 * @file Tests for the norms and singular values in linalg/: hand-derived values, identities that
 * hold for every matrix (Σσ² = ‖A‖_F², σᵢ² = λᵢ(AᵀA), norm inequalities), and the typed errors
 * for bad input. Eigenvalues are in linalg-eigen.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Rng,
  ShapeError,
  ValueError,
  largestSingularValue,
  matrixNorm,
  singularValues,
  tensor,
  vectorNorm,
  zeros,
} from '@tapegrad/autodiff';
import {
  EPS,
  diagonal,
  expectError,
  frobenius2,
  matmul,
  orthogonal,
  randomMatrix,
  seedAndSize,
  symmetricEigenvalues,
  transpose,
} from './linalg-helpers.js';
import { runs } from '../../../test/fast-check.js';

describe('vectorNorm', () => {
  it('matches hand values for p = 1, 2, 3 and ∞, over all elements of any shape', () => {
    expect(vectorNorm(tensor([3, -4]))).toBe(5);
    expect(vectorNorm(tensor([3, -4]), 1)).toBe(7);
    expect(vectorNorm(tensor([3, -4]), 'inf')).toBe(4);
    expect(vectorNorm(tensor([3, -4]), Infinity)).toBe(4);
    expect(vectorNorm(tensor([1, 2, 2]), 3)).toBeCloseTo(17 ** (1 / 3), 14); // 1 + 8 + 8
    expect(
      vectorNorm(
        tensor([
          [1, 2],
          [2, 4],
        ]),
      ),
    ).toBe(5); // √(1 + 4 + 4 + 16)
    expect(vectorNorm(tensor(-3))).toBe(3);
  });

  it('is 0 for an empty tensor and for zeros', () => {
    expect(vectorNorm(zeros([0]))).toBe(0);
    expect(vectorNorm(zeros([2, 0, 3]), 1)).toBe(0);
    expect(vectorNorm(zeros([4]), 3)).toBe(0);
  });

  it('neither overflows nor underflows for huge and tiny entries', () => {
    expect(vectorNorm(tensor([1e200, 1e200]))).toBeCloseTo(Math.SQRT2 * 1e200, -186);
    expect(vectorNorm(tensor([3e-200, 4e-200])) / 5e-200).toBeCloseTo(1, 14);
    expect(vectorNorm(tensor([1e300, 1e300]), 3) / (2 ** (1 / 3) * 1e300)).toBeCloseTo(1, 14);
  });

  it('propagates NaN and Infinity like arithmetic', () => {
    expect(vectorNorm(tensor([1, NaN, Infinity]))).toBeNaN();
    expect(vectorNorm(tensor([1, -Infinity]), 1)).toBe(Infinity);
    expect(vectorNorm(tensor([1, -Infinity]), 'inf')).toBe(Infinity);
  });

  it('satisfies ‖x‖∞ ≤ ‖x‖₂ ≤ ‖x‖₁ ≤ √n‖x‖₂ and homogeneity', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 1, maxLength: 40 }),
        fc.double({ min: -10, max: 10, noNaN: true }),
        (xs, c) => {
          const x = tensor(xs);
          const [n1, n2, ni] = [vectorNorm(x, 1), vectorNorm(x), vectorNorm(x, 'inf')];
          const slack = 1 + 1e-14;
          expect(ni).toBeLessThanOrEqual(n2 * slack);
          expect(n2).toBeLessThanOrEqual(n1 * slack);
          expect(n1).toBeLessThanOrEqual(Math.sqrt(xs.length) * n2 * slack);
          const scaled = vectorNorm(tensor(xs.map((v) => c * v)), 3);
          expect(Math.abs(scaled - Math.abs(c) * vectorNorm(x, 3))).toBeLessThanOrEqual(1e-13 * (scaled + 1e-300));
        },
      ),
      { numRuns: runs(60) },
    );
  });

  it('rejects orders that are not norms, naming the function, argument and value', () => {
    for (const ord of [0, -1, 0.5, NaN])
      expectError(() => vectorNorm(tensor([1]), ord), ValueError, 'vectorNorm', "'ord'", String(ord));
    expectError(() => vectorNorm(tensor([1]), 'fro' as 'inf'), ValueError, 'vectorNorm', "'ord'", 'fro');
    expectError(() => vectorNorm([1, 2] as never), ValueError, 'vectorNorm', "'x'", 'Tensor');
  });
});

describe('matrixNorm', () => {
  // A = [[1, −2], [3, 4]]: AᵀA = [[10, 10], [10, 20]] has eigenvalues 15 ± √125, so ‖A‖₂ = √(15 + √125).
  const A = tensor([
    [1, -2],
    [3, 4],
  ]);

  it('matches hand values for fro, 1, ∞ and 2', () => {
    expect(matrixNorm(A)).toBeCloseTo(Math.sqrt(30), 15);
    expect(matrixNorm(A, 1)).toBe(6); // column 2: 2 + 4
    expect(matrixNorm(A, 'inf')).toBe(7); // row 2: 3 + 4
    expect(matrixNorm(A, 2)).toBeCloseTo(Math.sqrt(15 + Math.sqrt(125)), 14);
    expect(matrixNorm(tensor([[1, 2, 3]]), 1)).toBe(3);
    expect(matrixNorm(tensor([[1, 2, 3]]), 'inf')).toBe(6);
  });

  it('satisfies ‖A‖₂ ≤ ‖A‖_F ≤ √min(m,n)·‖A‖₂ and ‖A‖₂² ≤ ‖A‖₁‖A‖∞', () => {
    fc.assert(
      fc.property(seedAndSize(8), fc.integer({ min: 1, max: 8 }), ([seed, m], n) => {
        const a = tensor(randomMatrix(new Rng(seed), m, n));
        const [two, fro] = [matrixNorm(a, 2), matrixNorm(a, 'fro')];
        const slack = 1 + 1e-13;
        expect(two).toBeLessThanOrEqual(fro * slack);
        expect(fro).toBeLessThanOrEqual(Math.sqrt(Math.min(m, n)) * two * slack);
        expect(two * two).toBeLessThanOrEqual(matrixNorm(a, 1) * matrixNorm(a, 'inf') * slack);
      }),
      { numRuns: runs(60) },
    );
  });

  it('rejects unknown orders, non-matrices, empty and non-finite matrices', () => {
    expectError(() => matrixNorm(A, 3 as 2), ValueError, 'matrixNorm', "'ord'", '3');
    expectError(() => matrixNorm(tensor([1, 2])), ShapeError, 'matrixNorm', "'A'", 'rank 2', '[2]');
    expectError(() => matrixNorm(zeros([2, 2, 2])), ShapeError, 'matrixNorm', '[2, 2, 2]');
    expectError(() => matrixNorm(zeros([0, 3])), ShapeError, 'matrixNorm', 'empty', '[0, 3]');
    expectError(
      () =>
        matrixNorm(
          tensor([
            [1, 2],
            [NaN, 4],
          ]),
        ),
      ValueError,
      'matrixNorm',
      "'A'",
      '[1, 0]',
      'NaN',
    );
  });
});

describe('singularValues', () => {
  it('of diag(d) are |d| in descending order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constant(0), fc.double({ min: -1e3, max: 1e3, noNaN: true })), {
          minLength: 1,
          maxLength: 12,
        }),
        (d) => {
          const expected = d.map(Math.abs).sort((x, y) => y - x);
          const sigma = singularValues(tensor(diagonal(d)));
          // A diagonal matrix needs no rotation and the scaling is by a power of two, so each σ is
          // √(d²) = |d| exactly, unless d² underflows relative to the largest entry.
          const exactFrom = expected[0] * 1e-150;
          expected.forEach((e, k) =>
            e >= exactFrom ? expect(sigma[k]).toBe(e) : expect(sigma[k]).toBeLessThanOrEqual(exactFrom),
          );
        },
      ),
      { numRuns: runs(60) },
    );
  });

  it('of an orthogonal matrix are all 1', () => {
    fc.assert(
      fc.property(seedAndSize(12), ([seed, n]) => {
        const sigma = singularValues(tensor(orthogonal(new Rng(seed), n)));
        for (const s of sigma) expect(Math.abs(s - 1)).toBeLessThanOrEqual(10 * n * EPS);
      }),
      { numRuns: runs(60) },
    );
  });

  it('satisfy Σσ² = ‖A‖_F² and σᵢ² = λᵢ(AᵀA), for tall, wide and square A', () => {
    fc.assert(
      fc.property(seedAndSize(12), fc.integer({ min: 1, max: 12 }), ([seed, m], n) => {
        const a = randomMatrix(new Rng(seed), m, n);
        const sigma = singularValues(tensor(a));
        expect(sigma.length).toBe(Math.min(m, n));
        for (let k = 1; k < sigma.length; k++) expect(sigma[k]).toBeLessThanOrEqual(sigma[k - 1]);
        const fro2 = frobenius2(a);
        expect(Math.abs(sigma.reduce((s, x) => s + x * x, 0) - fro2)).toBeLessThanOrEqual(1e-13 * fro2);
        // The Gram matrix on the smaller side has exactly the σᵢ² as eigenvalues; its rounding
        // is about ε·‖A‖_F² per entry, hence the absolute tolerance.
        const gram = m >= n ? matmul(transpose(a), a) : matmul(a, transpose(a));
        const lambda = symmetricEigenvalues(gram);
        for (let k = 0; k < sigma.length; k++)
          expect(Math.abs(sigma[k] ** 2 - lambda[k])).toBeLessThanOrEqual(1e-12 * fro2);
        const at = singularValues(tensor(transpose(a)));
        for (let k = 0; k < sigma.length; k++) expect(Math.abs(at[k] - sigma[k])).toBeLessThanOrEqual(1e-13 * sigma[0]);
      }),
      { numRuns: runs(60) },
    );
  });

  it('handle rank deficiency, zeros, 1 × 1 and extreme scales', () => {
    const rank1 = singularValues(
      tensor([
        [1, 2],
        [2, 4],
      ]),
    ); // (1, 2)ᵀ(1, 2): σ₁ = ‖(1,2)‖² = 5
    expect(rank1[0]).toBeCloseTo(5, 14);
    expect(rank1[1]).toBeLessThanOrEqual(1e-15);
    expect(Array.from(singularValues(zeros([3, 2])))).toEqual([0, 0]);
    expect(Array.from(singularValues(tensor([[-3]])))).toEqual([3]);
    expect(singularValues(tensor([[1, 1, 1]]))[0]).toBeCloseTo(Math.sqrt(3), 15);
    const big = singularValues(
      tensor([
        [3e200, 0],
        [4e200, 0],
      ]),
    );
    expect(big[0] / 5e200).toBeCloseTo(1, 14);
    const tiny = singularValues(tensor([[3e-200, 4e-200]]));
    expect(tiny[0] / 5e-200).toBeCloseTo(1, 14);
  });

  it('keep a tiny singular value to high relative accuracy (graded matrix)', () => {
    // diag(1, 1e-10) rotated on the left by 30°: the singular values are exactly 1 and 1e-10.
    const [c, s] = [Math.cos(Math.PI / 6), Math.sin(Math.PI / 6)];
    const sigma = singularValues(
      tensor([
        [c, -s * 1e-10],
        [s, c * 1e-10],
      ]),
    );
    expect(Math.abs(sigma[0] - 1)).toBeLessThanOrEqual(4 * EPS);
    expect(Math.abs(sigma[1] / 1e-10 - 1)).toBeLessThanOrEqual(1e-14);
  });

  it('rejects non-matrices, empty and non-finite input, naming the function', () => {
    expectError(() => singularValues(tensor([1, 2, 3])), ShapeError, 'singularValues', "'A'", '[3]');
    expectError(() => singularValues(zeros([3, 0])), ShapeError, 'singularValues', '[3, 0]');
    expectError(() => singularValues(tensor([[Infinity]])), ValueError, 'singularValues', 'Infinity');
    expectError(() => largestSingularValue(zeros([1, 2, 3])), ShapeError, 'largestSingularValue', '[1, 2, 3]');
  });
});

describe('largestSingularValue', () => {
  it('is ‖A‖₂: 2 for a nilpotent [[0, 2], [0, 0]], and √λ_max(AᵀA) for random A', () => {
    expect(
      largestSingularValue(
        tensor([
          [0, 2],
          [0, 0],
        ]),
      ),
    ).toBe(2);
    const rng = new Rng(7);
    for (const [m, n] of [
      [30, 20],
      [20, 30],
      [50, 50],
    ]) {
      const a = randomMatrix(rng, m, n);
      const lambdaMax = symmetricEigenvalues(matmul(transpose(a), a))[0];
      expect(Math.abs(largestSingularValue(tensor(a)) ** 2 / lambdaMax - 1)).toBeLessThanOrEqual(1e-12);
    }
  });
});
