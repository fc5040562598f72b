/**
 * @file Independent references for the geometry tests (src/geometry.ts, src/wall.ts), written
 * without the tape:
 * - a linear network x_t = W·x_{t−1} with W = R·diag(λ)·R⁻¹ built from a known R (orthogonal, or
 *   unit upper triangular), so E_t = cᵀ·W^t·x_0 and ∂E_t/∂W have closed forms in the eigenbasis;
 * - a plain-loop forward pass and BPTT for ∂E_t/∂W_rec of the paper's network with one example;
 * - a random tanh network with W_rec rescaled to a given λ1;
 * - seeded fast-check settings.
 */
import { Rng, Tensor, largestSingularValue, mul, randn, tensor, zeros } from '@tapegrad/autodiff';
import type { Activation, RnnParams } from '@tapegrad/rnn';

export { runs } from '../../../test/fast-check.js';
import { fcSeed as sharedSeed } from '../../../test/fast-check.js';
/**
 * The seed of a geometry property: its own fallback (the tanh properties state how many of the drawn
 * networks explode, measured on these draws), unless TAPEGRAD_FC_SEED asks for another (or 'random').
 */
export const fcSeed = (fallback: number): number | undefined =>
  process.env.TAPEGRAD_FC_SEED ? sharedSeed() : fallback;

type Matrix = number[][];
const matmul = (A: Matrix, B: Matrix): Matrix =>
  A.map((row) => B[0].map((_, j) => row.reduce((s, a, k) => s + a * B[k][j], 0)));
const transpose = (A: Matrix): Matrix => A[0].map((_, j) => A.map((row) => row[j]));
const apply = (A: Matrix, x: readonly number[]): number[] => A.map((row) => row.reduce((s, a, k) => s + a * x[k], 0));
const identity = (n: number): Matrix =>
  Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));

/** I − 2uuᵀ/‖u‖²: an orthogonal reflection. */
function reflection(u: readonly number[]): Matrix {
  const s = u.reduce((a, v) => a + v * v, 0);
  return u.map((ui, i) => u.map((uj, j) => (i === j ? 1 : 0) - (2 * ui * uj) / s));
}

/** A linear network with known eigenvectors: W = R·diag(λ)·R⁻¹, readout c, start x_0. */
export interface LinearNetwork {
  n: number;
  lambda: number[];
  R: Matrix;
  Rinv: Matrix;
  /** Rᵀc and R⁻¹x_0: the readout and the start in the eigenbasis. */
  cHat: number[];
  xHat: number[];
  W: Matrix;
  c: number[];
  x0: number[];
}

/**
 * λ_1 = ±[1.2, 2] (or `leading`) and |λ_i| ≤ gap·|λ_1| for the others; ĉ_1, x̂_1 ∈ [0.5, 1] and the
 * other coordinates in [−1, 1]. `normal: true` draws R orthogonal (W symmetric, so its singular
 * vectors are its eigenvectors); otherwise R = I + N with N strictly upper triangular, entries
 * uniform in ±stretch/2 (W not normal).
 */
export interface LinearNetworkOptions {
  normal: boolean;
  gap?: number;
  leading?: number;
  stretch?: number;
}

export function linearNetwork(seed: number, n: number, options: LinearNetworkOptions): LinearNetwork {
  const rng = new Rng(seed);
  const gap = options.gap ?? 0.85;
  const draw = (): number[] => Array.from({ length: n }, () => rng.normal());
  let R: Matrix;
  let Rinv: Matrix;
  if (options.normal) {
    R = matmul(reflection(draw()), reflection(draw()));
    Rinv = transpose(R);
  } else {
    const stretch = options.stretch ?? 1;
    const N = Array.from({ length: n }, (_, i) =>
      Array.from({ length: n }, (_, j) => (j > i ? (rng.uniform() - 0.5) * stretch : 0)),
    );
    R = identity(n).map((row, i) => row.map((v, j) => v + N[i][j]));
    // (I + N)⁻¹ = Σ_k (−N)^k, a finite sum since N is nilpotent
    Rinv = identity(n);
    let power = identity(n);
    for (let k = 1; k < n; k++) {
      power = matmul(power, N).map((row) => row.map((v) => -v));
      Rinv = Rinv.map((row, i) => row.map((v, j) => v + power[i][j]));
    }
  }
  const l1 = options.leading ?? (rng.uniform() < 0.5 ? -1 : 1) * (1.2 + 0.8 * rng.uniform());
  const lambda = [l1, ...Array.from({ length: n - 1 }, () => (2 * rng.uniform() - 1) * gap * Math.abs(l1))];
  const lead = (): number[] => [
    0.5 + 0.5 * rng.uniform(),
    ...Array.from({ length: n - 1 }, () => 2 * rng.uniform() - 1),
  ];
  const cHat = lead();
  const xHat = lead();
  const W = matmul(
    matmul(
      R,
      lambda.map((l, i) => lambda.map((_, j) => (i === j ? l : 0))),
    ),
    Rinv,
  );
  return { n, lambda, R, Rinv, cHat, xHat, W, c: apply(transpose(Rinv), cHat), x0: apply(R, xHat) };
}

/** The network as RnnParams (σ the identity, no input, b = 0, y_t = cᵀx_t) and T zero inputs. */
export function linearParams(net: LinearNetwork, T: number): { params: RnnParams; inputs: Tensor } {
  const params: RnnParams = {
    W_rec: tensor(net.W),
    W_in: zeros([net.n, 1]),
    b: zeros([net.n]),
    W_out: tensor([net.c]),
    b_out: zeros([1]),
    x0: tensor(net.x0),
  };
  return { params, inputs: zeros([T, 1, 1]) };
}

/** Σ_{k=1}^{t} a^{t−k}·b^{k−1}. */
const powerSum = (a: number, b: number, t: number): number => {
  let s = 0;
  for (let k = 1; k <= t; k++) s += a ** (t - k) * b ** (k - 1);
  return s;
};

/** ∂E_t/∂W = Σ_k (W^{t−k})ᵀc·(W^{k−1}x_0)ᵀ = R⁻ᵀ·M_t·Rᵀ with (M_t)_ij = ĉ_i·x̂_j·Σ_k λ_i^{t−k}λ_j^{k−1}. */
export function linearGradient(net: LinearNetwork, t: number): Matrix {
  const M = net.cHat.map((ci, i) => net.xHat.map((xj, j) => ci * xj * powerSum(net.lambda[i], net.lambda[j], t)));
  return matmul(matmul(transpose(net.Rinv), M), transpose(net.R));
}

/** l·rᵀ/(‖l‖‖r‖) with l = R⁻ᵀe_1, r = R·e_1: the left and right eigenvectors of λ_1. */
export function leadingDirection(net: LinearNetwork): Matrix {
  const l = net.Rinv[0];
  const r = net.R.map((row) => row[0]);
  const norm = Math.hypot(...l) * Math.hypot(...r);
  return l.map((li) => r.map((rj) => (li * rj) / norm));
}

const SIGMA: Record<'tanh' | 'identity', (v: number) => [number, number]> = {
  tanh: (v) => {
    const s = Math.tanh(v);
    return [s, (1 - s) * (1 + s)];
  },
  identity: (v) => [v, 1],
};

/**
 * ∂E_t/∂W_rec for t = 1..T of the network with one example (B = 1), E_t = Σ_j W_out[j]·σ(x_t)[j] + b_out,
 * by a plain forward loop and the BPTT recursion δ_{k−1} = (W_recᵀ·δ_k) ⊙ σ'(x_{k−1}); W_rec may
 * be given to override params.W_rec. Returns T flat row-major [n·n] arrays.
 */
export function plainStepGradients(
  params: RnnParams,
  inputs: Tensor,
  activation: Activation,
  W?: Float64Array,
): Float64Array[] {
  if (activation !== 'tanh' && activation !== 'identity') throw new Error('plainStepGradients: tanh or identity only');
  const sigma = SIGMA[activation];
  const n = params.W_rec.shape[0];
  const m = params.W_in.shape[1];
  const T = inputs.shape[0];
  const Wr = W ?? params.W_rec.data;
  const xs: number[][] = [params.x0 === undefined ? new Array<number>(n).fill(0) : Array.from(params.x0.data)];
  for (let t = 1; t <= T; t++) {
    const h = xs[t - 1].map((v) => sigma(v)[0]);
    xs.push(
      Array.from({ length: n }, (_, i) => {
        let s = params.b.data[i];
        for (let j = 0; j < n; j++) s += Wr[i * n + j] * h[j];
        for (let j = 0; j < m; j++) s += params.W_in.data[i * m + j] * inputs.data[(t - 1) * m + j];
        return s;
      }),
    );
  }
  const out: Float64Array[] = [];
  for (let t = 1; t <= T; t++) {
    const G = new Float64Array(n * n);
    let delta = xs[t].map((v, i) => params.W_out.data[i] * sigma(v)[1]);
    for (let k = t; k >= 1; k--) {
      const h = xs[k - 1].map((v) => sigma(v)[0]);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) G[i * n + j] += delta[i] * h[j];
      delta = xs[k - 1].map((v, j) => {
        let s = 0;
        for (let i = 0; i < n; i++) s += Wr[i * n + j] * delta[i];
        return s * sigma(v)[1];
      });
    }
    out.push(G);
  }
  return out;
}

/** A random tanh network: W_rec ~ N(0, 1) rescaled to largest singular value λ1, one example. */
export function tanhNetwork(
  seed: number,
  n: number,
  lambda1: number,
  steps: number,
): { params: RnnParams; inputs: Tensor } {
  const rng = new Rng(seed);
  const W = randn([n, n], rng);
  const params: RnnParams = {
    W_rec: mul(W, lambda1 / largestSingularValue(W)),
    W_in: randn([n, 2], rng),
    b: zeros([n]),
    W_out: randn([1, n], rng),
    b_out: zeros([1]),
    x0: randn([n], rng),
  };
  return { params, inputs: randn([steps, 1, 2], rng) };
}

/** ‖a − b‖/‖b‖ over flat arrays. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  let s = 0;
  for (let i = 0; i < b.length; i++) {
    d += (a[i] - b[i]) ** 2;
    s += b[i] ** 2;
  }
  return Math.sqrt(d / s);
}

export const flat = (A: Matrix): Float64Array => Float64Array.from(A.flat());
