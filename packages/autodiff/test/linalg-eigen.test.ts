/**
 * @file Tests for eigenvalues and spectralRadius: known spectra (rotations, Jordan blocks,
 * triangular, symmetric, companion and permutation matrices), identities on random matrices
 * (trace = Σλ, det = Πλ, trace A² = Σλ², Gershgorin discs), the 0.95 spectral-radius rescaling the
 * smart-tanh initialisation relies on, convergence failure, and the typed errors for bad input.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ConvergenceError,
  Rng,
  ShapeError,
  ValueError,
  eigenvalues,
  mul,
  spectralRadius,
  tensor,
  zeros,
} from '@tapegrad/autodiff';
import {
  EPS,
  type Mat,
  companion,
  determinant,
  diagonal,
  eigs,
  expectError,
  expectSameSpectrum,
  frobenius2,
  matmul,
  polyFromRoots,
  randomMatrix,
  seedAndSize,
  similar,
  sparseRandom,
  symmetricEigenvalues,
  transpose,
} from './linalg-helpers.js';
import { runs } from '../../../test/fast-check.js';

const rotation = (theta: number): Mat => [
  [Math.cos(theta), -Math.sin(theta)],
  [Math.sin(theta), Math.cos(theta)],
];

/**
 * κ(λ) = ‖x‖‖y‖/|yᵀx| for the eigenvalue λ = L[k][k] of a lower triangular L, with the right (x)
 * and left (y) eigenvectors from forward and back substitution, normalised so x_k = y_k = 1.
 */
function triangularConditionNumber(l: Mat, k: number): number {
  const n = l.length;
  const lambda = l[k][k];
  const [x, y] = [new Array<number>(n).fill(0), new Array<number>(n).fill(0)];
  x[k] = y[k] = 1;
  for (let i = k + 1; i < n; i++)
    x[i] = -l[i].slice(k, i).reduce((s, v, j) => s + v * x[k + j], 0) / (l[i][i] - lambda);
  for (let i = k - 1; i >= 0; i--) {
    let s = 0;
    for (let j = i + 1; j <= k; j++) s += y[j] * l[j][i];
    y[i] = -s / (l[i][i] - lambda);
  }
  return Math.hypot(...x) * Math.hypot(...y); // yᵀx = x_k·y_k = 1
}

/** Block-diagonal matrix from square blocks. */
function blockDiagonal(blocks: Mat[]): Mat {
  const n = blocks.reduce((s, b) => s + b.length, 0);
  const out = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  let at = 0;
  for (const b of blocks) {
    b.forEach((row, i) => row.forEach((x, j) => (out[at + i][at + j] = x)));
    at += b.length;
  }
  return out;
}

describe('eigenvalues of known matrices', () => {
  it('1 × 1 and 2 × 2 in closed form', () => {
    expect(eigs([[-7]])).toEqual([[-7, 0]]);
    expect(
      eigs([
        [2, 1],
        [1, 2],
      ]),
    ).toEqual([
      [3, 0],
      [1, 0],
    ]);
    // [[1, −5], [1, −1]]: trace 0, det 4, so λ = ±2i.
    expect(
      eigs([
        [1, -5],
        [1, -1],
      ]),
    ).toEqual([
      [0, 2],
      [0, -2],
    ]);
  });

  it('of a rotation by θ are cos θ ± i sin θ', () => {
    fc.assert(
      fc.property(fc.double({ min: -Math.PI, max: Math.PI, noNaN: true }), (theta) => {
        const [c, s] = [Math.cos(theta), Math.sin(theta)];
        expectSameSpectrum(
          eigs(rotation(theta)),
          [
            [c, s],
            [c, -s],
          ],
          2 * EPS,
        );
      }),
      { numRuns: runs(60) },
    );
  });

  it('of rotations hidden by an orthogonal similarity come back as conjugate pairs', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 30 }),
        fc.array(fc.double({ min: 0.1, max: 3, noNaN: true }), { minLength: 1, maxLength: 5 }),
        (seed, thetas) => {
          const expected = thetas.flatMap((t): [number, number][] => [
            [Math.cos(t), Math.sin(t)],
            [Math.cos(t), -Math.sin(t)],
          ]);
          const actual = eigs(similar(new Rng(seed), blockDiagonal(thetas.map(rotation))));
          // Orthogonal matrices are normal, so their eigenvalues are perfectly conditioned.
          expectSameSpectrum(actual, expected, 1e-13);
          actual.forEach(([r, i]) => expect(Math.hypot(r, i)).toBeCloseTo(1, 13));
        },
      ),
      { numRuns: runs(60) },
    );
  });

  it('of a Jordan block: exact when upper triangular, ε^(1/n)-accurate when hidden', () => {
    const jordan = (n: number, lambda: number): Mat =>
      Array.from({ length: n }, (_, i) =>
        Array.from({ length: n }, (_, j) => (i === j ? lambda : j === i + 1 ? 1 : 0)),
      );
    expect(eigs(jordan(4, 2))).toEqual(Array(4).fill([2, 0]));
    // A defective eigenvalue of multiplicity n moves by about ε^(1/n) under rounding (the
    // perturbed characteristic polynomial (λ − 2)ⁿ = ε), so that is the best any method can do;
    // their mean is the trace / n and stays accurate.
    for (const n of [2, 3, 4]) {
      for (const a of [transpose(jordan(n, 2)), similar(new Rng(n), jordan(n, 2))]) {
        const lambda = eigs(a);
        lambda.forEach(([r, i]) => expect(Math.hypot(r - 2, i)).toBeLessThanOrEqual(20 * EPS ** (1 / n)));
        expect(Math.abs(lambda.reduce((s, [r]) => s + r, 0) / n - 2)).toBeLessThanOrEqual(1e-14);
      }
    }
  });

  it('of triangular and diagonal matrices are the diagonal', () => {
    fc.assert(
      fc.property(seedAndSize(12), ([seed, n]) => {
        const a = randomMatrix(new Rng(seed), n, n);
        const upper = a.map((row, i) => row.map((x, j) => (j < i ? 0 : x)));
        const d = a.map((row, i) => row[i]).sort((x, y) => Math.abs(y) - Math.abs(x) || y - x);
        // Upper triangular is already Schur form: every subdiagonal is an exact zero.
        expectSameSpectrum(
          eigs(upper),
          d.map((x) => [x, 0]),
          0,
        );
        expectSameSpectrum(
          eigs(diagonal(d)),
          d.map((x) => [x, 0]),
          0,
        );
        // Lower triangular needs real QR iterations. Random triangular matrices are far from
        // normal (κ(λ) reaches 1e6 at n = 12), so hold each eigenvalue to the backward-stability
        // bound |Δλ| ≤ c·ε‖A‖_F·κ(λ) rather than a fixed tolerance.
        const lower = transpose(upper);
        const actual = eigs(lower);
        const norm = Math.sqrt(frobenius2(lower));
        lower.forEach((row, k) => {
          const tol = 10 * n * EPS * norm * triangularConditionNumber(lower, k);
          expect(Math.min(...actual.map(([r, i]) => Math.hypot(r - row[k], i)))).toBeLessThanOrEqual(tol);
        });
      }),
      { numRuns: runs(60) },
    );
  });

  it('of symmetric matrices are real and agree with a Jacobi eigenvalue solve', () => {
    fc.assert(
      fc.property(seedAndSize(15), ([seed, n]) => {
        const b = randomMatrix(new Rng(seed), n, n);
        const a = b.map((row, i) => row.map((x, j) => x + b[j][i]));
        const expected = symmetricEigenvalues(a);
        const actual = eigs(a);
        const scale = Math.max(...expected.map(Math.abs));
        // Symmetric eigenvalues are perfectly conditioned: error ≈ ε·‖A‖ times a modest factor.
        actual.forEach(([, i]) => expect(Math.abs(i)).toBeLessThanOrEqual(1e-12 * scale));
        expectSameSpectrum(
          actual,
          expected.map((x) => [x, 0]),
          1e-12 * scale,
        );
      }),
      { numRuns: runs(60) },
    );
  });

  it('of the zero matrix are zero; of exact block-triangular matrices are the blocks’ eigenvalues', () => {
    expect(eigs(zeros([5, 5]))).toEqual(Array(5).fill([0, 0]));
    const rng = new Rng(11);
    const [top, bottom] = [randomMatrix(rng, 3, 3), randomMatrix(rng, 4, 4)];
    const coupling = randomMatrix(rng, 3, 4);
    // [[top, coupling], [0, bottom]]: exact zero subdiagonal blocks split the problem.
    const a = [...top.map((row, i) => [...row, ...coupling[i]]), ...bottom.map((row) => [0, 0, 0, ...row])];
    expectSameSpectrum(eigs(a), [...eigs(top), ...eigs(bottom)], 1e-12);
  });

  it('of a companion matrix are the roots of its polynomial', () => {
    const roots = [1, 2, 3, 4, 5, -0.5];
    // Polynomial roots are sensitive to coefficient rounding (Wilkinson): ~1e-12 here.
    expectSameSpectrum(
      eigs(companion(polyFromRoots(roots))),
      roots.map((r) => [r, 0]),
      1e-9,
    );
    // x⁴ + 1: the primitive 8th roots of unity e^{iπ(2k+1)/4}.
    const eighth = [1, 3, 5, 7].map((k): [number, number] => [
      Math.cos((k * Math.PI) / 4),
      Math.sin((k * Math.PI) / 4),
    ]);
    expectSameSpectrum(eigs(companion([1, 0, 0, 0])), eighth, 1e-14);
  });

  it('of a cyclic permutation are the n-th roots of unity (standard shifts stall here)', () => {
    for (let n = 2; n <= 9; n++) {
      const p = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === (j + 1) % n ? 1 : 0)));
      const roots = Array.from({ length: n }, (_, k): [number, number] => [
        Math.cos((2 * Math.PI * k) / n),
        Math.sin((2 * Math.PI * k) / n),
      ]);
      expectSameSpectrum(eigs(p), roots, 1e-13);
      expect(spectralRadius(tensor(p))).toBeCloseTo(1, 14);
    }
  });

  it('of s·A are s·λ(A) without overflow or underflow, for s = 1e±200 and 1e±300', () => {
    const a = randomMatrix(new Rng(3), 8, 8);
    const lambda = eigs(a);
    for (const s of [1e200, 1e-200, 1e300, 1e-300]) {
      // Internally A is divided by a power of two near its largest entry, so s only changes
      // that power and the final multiplication: the spectra agree to rounding.
      const scaled = eigs(a.map((row) => row.map((x) => s * x))).map(([r, i]): [number, number] => [r / s, i / s]);
      expectSameSpectrum(scaled, lambda, 1e-13);
    }
  });

  it('come sorted by modulus, conjugate pairs adjacent with + first', () => {
    const { re, im } = eigenvalues(tensor(randomMatrix(new Rng(5), 30, 30)));
    for (let k = 1; k < re.length; k++)
      expect(Math.hypot(re[k], im[k])).toBeLessThanOrEqual(Math.hypot(re[k - 1], im[k - 1]));
    for (let k = 0; k < re.length; k++) {
      if (im[k] > 0) expect([re[k + 1], im[k + 1]]).toEqual([re[k], -im[k]]);
      if (im[k] < 0) expect([re[k - 1], im[k - 1]]).toEqual([re[k], -im[k]]);
    }
  });
});

describe('eigenvalues of random matrices', () => {
  /** Πλ in complex arithmetic. */
  const product = (lambda: [number, number][]): [number, number] =>
    lambda.reduce<[number, number]>(([pr, pi], [r, i]) => [pr * r - pi * i, pr * i + pi * r], [1, 0]);

  it('satisfy trace = Σλ, det = Πλ and trace A² = Σλ² at n = 50 and 100', () => {
    for (const n of [50, 100]) {
      const a = randomMatrix(new Rng(n), n, n);
      const lambda = eigs(a);
      const scale = Math.sqrt(n); // ‖A‖₂ ≈ 2√n for Gaussian entries
      const trace = a.reduce((s, row, i) => s + row[i], 0);
      expect(Math.abs(lambda.reduce((s, [r]) => s + r, 0) - trace)).toBeLessThanOrEqual(1e-11 * n * scale);
      expect(lambda.reduce((s, [, i]) => s + i, 0)).toBe(0); // conjugate pairs cancel exactly
      const trace2 = matmul(a, a).reduce((s, row, i) => s + row[i], 0);
      expect(Math.abs(lambda.reduce((s, [r, i]) => s + r * r - i * i, 0) - trace2)).toBeLessThanOrEqual(
        1e-11 * n * scale ** 2,
      );
      // Each λ has error ~ε‖A‖κ(λ); relative to the smallest |λ| that compounds in the product.
      const [pr, pi] = product(lambda);
      const det = determinant(a);
      expect(Math.abs(pr / det - 1)).toBeLessThanOrEqual(1e-8);
      expect(Math.abs(pi / det)).toBeLessThanOrEqual(1e-8);
    }
  });

  it('lie in the Gershgorin discs, match those of Aᵀ and of a diagonal similarity, det = Πλ', () => {
    fc.assert(
      fc.property(seedAndSize(20), ([seed, n]) => {
        const rng = new Rng(seed);
        const a = randomMatrix(rng, n, n);
        const lambda = eigs(a);
        const slack = 1e-10 * n;
        for (const [r, i] of lambda) {
          const inSome = a.some(
            (row, k) =>
              Math.hypot(r - row[k], i) <= row.reduce((s, x, j) => s + (j === k ? 0 : Math.abs(x)), 0) + slack,
          );
          expect(inSome, `λ = ${r} + ${i}i outside every Gershgorin disc`).toBe(true);
        }
        // D A D⁻¹ with D = diag(eᵈ) shares A's eigenvalues; condition numbers of random
        // nonsymmetric eigenvalues reach ~1e3, so compare at 1e-9.
        const d = Array.from({ length: n }, () => Math.exp(rng.normal()));
        expectSameSpectrum(eigs(a.map((row, i) => row.map((x, j) => (d[i] * x) / d[j]))), lambda, 1e-9 * n);
        expectSameSpectrum(eigs(transpose(a)), lambda, 1e-9 * n);
        const [pr] = product(lambda);
        expect(Math.abs(pr - determinant(a))).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(determinant(a))));
      }),
      { numRuns: runs(60) },
    );
  });
});

describe('spectralRadius', () => {
  it('rescales sparse 50 × 50 (15 per row) and 100 × 100 matrices to exactly 0.95, to 1e-12', () => {
    // The smart-tanh initialisation: W ← W · 0.95 / ρ(W); the result must report ρ = 0.95.
    const rng = new Rng(2013);
    for (const n of [50, 50, 50, 50, 50, 100, 100]) {
      const w = sparseRandom(rng, n, 15);
      const rho = spectralRadius(w);
      const { re, im } = eigenvalues(w);
      expect(rho).toBe(Math.hypot(re[0], im[0]));
      const rescaled = spectralRadius(mul(w, 0.95 / rho));
      expect(Math.abs(rescaled / 0.95 - 1)).toBeLessThanOrEqual(1e-12);
    }
  });

  it('is |λ| of the dominant complex pair, where power iteration would oscillate', () => {
    expect(
      spectralRadius(
        tensor([
          [0, -2],
          [2, 0],
        ]),
      ),
    ).toBe(2);
    expect(spectralRadius(tensor(blockDiagonal([rotation(1), [[0.5]]])))).toBeCloseTo(1, 15);
  });
});

describe('eigenvalue errors', () => {
  it('a ConvergenceError (a RangeError) when the iteration budget runs out', () => {
    const cyclic = tensor([
      [0, 0, 1],
      [1, 0, 0],
      [0, 1, 0],
    ]);
    expectError(
      () => eigenvalues(cyclic, { maxIterations: 5 }),
      ConvergenceError,
      'eigenvalues',
      'did not converge after 5 iterations',
      '3×3',
    );
    expectError(
      () => spectralRadius(tensor(randomMatrix(new Rng(1), 10, 10)), { maxIterations: 0 }),
      RangeError,
      'spectralRadius',
    );
    // Triangular and 2 × 2 matrices need no QR step at all.
    expect(
      eigenvalues(
        tensor([
          [1, 2],
          [0, 4],
        ]),
        { maxIterations: 0 },
      ),
    ).toEqual({ re: new Float64Array([4, 1]), im: new Float64Array(2) });
    expect(
      eigenvalues(
        tensor([
          [1, 2],
          [3, 4],
        ]),
        { maxIterations: 0 },
      ).re.length,
    ).toBe(2);
  });

  it('bad shapes, values and options name the function, the argument and the offending value', () => {
    expectError(() => eigenvalues(zeros([2, 3])), ShapeError, 'eigenvalues', "'A'", 'square', '[2, 3]');
    expectError(() => eigenvalues(tensor([1, 2])), ShapeError, 'eigenvalues', 'rank 2', '[2]');
    expectError(() => eigenvalues(zeros([2, 2, 2])), ShapeError, 'eigenvalues', '[2, 2, 2]');
    expectError(() => eigenvalues(zeros([0, 0])), ShapeError, 'eigenvalues', 'empty', '[0, 0]');
    expectError(
      () =>
        spectralRadius(
          tensor([
            [1, NaN],
            [0, 1],
          ]),
        ),
      ValueError,
      'spectralRadius',
      "'A'",
      '[0, 1]',
      'NaN',
    );
    expectError(() => spectralRadius(zeros([3, 1])), ShapeError, 'spectralRadius', '[3, 1]');
    for (const bad of [-1, 1.5, NaN]) {
      expectError(
        () => eigenvalues(zeros([2, 2]), { maxIterations: bad }),
        ValueError,
        'eigenvalues',
        'maxIterations',
        String(bad),
      );
    }
    expectError(() => eigenvalues('A' as never), ValueError, 'eigenvalues', 'Tensor', 'string');
  });
});
