/**
 * @file Reference helpers for the linear algebra tests (linalg.test.ts, linalg-eigen.test.ts):
 * plain-array matrices, a random orthogonal matrix, LU determinant, a Jacobi symmetric eigensolver
 * (deliberately different algorithms from the ones under test), companion matrices, and an
 * order-free spectrum comparison.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { Rng, Tensor, eigenvalues, tensor } from '@tapegrad/autodiff';
import { thrown } from './ops-helpers.js';

export const EPS = Number.EPSILON;

export type Mat = number[][];
export const randomMatrix = (rng: Rng, m: number, n: number): Mat =>
  Array.from({ length: m }, () => Array.from({ length: n }, () => rng.normal()));
export const transpose = (a: Mat): Mat => a[0].map((_, j) => a.map((row) => row[j]));
export const matmul = (a: Mat, b: Mat): Mat =>
  a.map((row) => b[0].map((_, j) => row.reduce((s, x, k) => s + x * b[k][j], 0)));
export const frobenius2 = (a: Mat): number => a.flat().reduce((s, x) => s + x * x, 0);
export const diagonal = (d: number[]): Mat => d.map((x, i) => d.map((_, j) => (i === j ? x : 0)));

/** A random orthogonal matrix: Gram–Schmidt (applied twice, for orthogonality to rounding) on Gaussian columns. */
export function orthogonal(rng: Rng, n: number): Mat {
  const q = transpose(randomMatrix(rng, n, n));
  for (let j = 0; j < n; j++) {
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k < j; k++) {
        const d = q[j].reduce((s, x, i) => s + x * q[k][i], 0);
        q[j] = q[j].map((x, i) => x - d * q[k][i]);
      }
    }
    const norm = Math.hypot(...q[j]);
    q[j] = q[j].map((x) => x / norm);
  }
  return transpose(q);
}

/** Q B Qᵀ: a random orthogonal similarity, hiding B's eigenvalues in a dense matrix. */
export const similar = (rng: Rng, b: Mat): Mat => {
  const q = orthogonal(rng, b.length);
  return matmul(matmul(q, b), transpose(q));
};

/** Determinant by LU with partial pivoting. */
export function determinant(a: Mat): number {
  const u = a.map((row) => [...row]);
  const n = u.length;
  let det = 1;
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(u[i][k]) > Math.abs(u[p][k])) p = i;
    if (p !== k) [u[p], u[k], det] = [u[k], u[p], -det];
    det *= u[k][k];
    for (let i = k + 1; i < n; i++) {
      const f = u[i][k] / u[k][k];
      for (let j = k; j < n; j++) u[i][j] -= f * u[k][j];
    }
  }
  return det;
}

/** Eigenvalues of a symmetric matrix by cyclic Jacobi rotations, descending. */
export function symmetricEigenvalues(a: Mat): number[] {
  const s = a.map((row) => [...row]);
  const n = s.length;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += s[p][q] ** 2;
    if (off <= 1e-32 * frobenius2(s)) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        if (s[p][q] === 0) continue;
        // Rotation in the (p, q) plane zeroing s[p][q]: tan 2θ = 2s_pq / (s_qq − s_pp).
        const theta = 0.5 * Math.atan2(2 * s[p][q], s[q][q] - s[p][p]);
        const c = Math.cos(theta);
        const t = Math.sin(theta);
        for (let k = 0; k < n; k++) [s[k][p], s[k][q]] = [c * s[k][p] - t * s[k][q], t * s[k][p] + c * s[k][q]];
        for (let k = 0; k < n; k++) [s[p][k], s[q][k]] = [c * s[p][k] - t * s[q][k], t * s[p][k] + c * s[q][k]];
      }
    }
  }
  return s.map((row, i) => row[i]).sort((x, y) => y - x);
}

/** The eigenvalues as [re, im] pairs. */
export const eigs = (a: Mat | Tensor): [number, number][] => {
  const { re, im } = eigenvalues(a instanceof Tensor ? a : tensor(a));
  return Array.from(re, (r, k) => [r, im[k]]);
};

/** Every expected value is matched by a distinct computed one within tol (order-free). */
export function expectSameSpectrum(actual: [number, number][], expected: [number, number][], tol: number): void {
  expect(actual.length).toBe(expected.length);
  const unused = [...actual];
  for (const [er, ei] of expected) {
    let best = 0;
    for (let k = 1; k < unused.length; k++) {
      if (Math.hypot(unused[k][0] - er, unused[k][1] - ei) < Math.hypot(unused[best][0] - er, unused[best][1] - ei))
        best = k;
    }
    const [ar, ai] = unused.splice(best, 1)[0];
    expect(Math.hypot(ar - er, ai - ei), `expected ${er} + ${ei}i, closest ${ar} + ${ai}i`).toBeLessThanOrEqual(tol);
  }
}

/** Companion matrix of the monic polynomial xⁿ + c[n−1]xⁿ⁻¹ + … + c[0]. */
export const companion = (c: number[]): Mat =>
  c.map((_, i) => c.map((_, j) => (j === c.length - 1 ? -c[i] : i === j + 1 ? 1 : 0)));

/** Coefficients c[0..n−1] of Π(x − rₖ) (monic, leading 1 dropped). */
export function polyFromRoots(roots: number[]): number[] {
  let p = [1]; // p[k] is the coefficient of xᵏ
  for (const r of roots) p = [...p.map((x, k) => -r * x + (k > 0 ? p[k - 1] : 0)), p[p.length - 1]];
  return p.slice(0, -1);
}

/** A sparse n × n matrix with `perRow` N(0, 0.1²) entries per row, as in the paper's smart-tanh init. */
export function sparseRandom(rng: Rng, n: number, perRow: number): Tensor {
  const data = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const cols = Array.from({ length: n }, (_, j) => j);
    for (let k = 0; k < perRow; k++) {
      const pick = k + rng.int(n - k);
      [cols[k], cols[pick]] = [cols[pick], cols[k]];
      data[i * n + cols[k]] = 0.1 * rng.normal();
    }
  }
  return tensor(data, [n, n]);
}

export const seedAndSize = (max: number) => fc.tuple(fc.integer({ min: 1, max: 2 ** 30 }), fc.integer({ min: 1, max }));

/** Asserts that f throws an error of the given class whose message contains every fragment. */
export function expectError(f: () => unknown, type: new (...args: never[]) => Error, ...fragments: string[]): void {
  const caught = thrown(f);
  expect(caught).toBeInstanceOf(type);
  for (const s of fragments) expect(caught.message).toContain(s);
}
