/**
 * @file Shared pieces of the optim tests: the paper's RNN transition and a second one, seeded
 * random trajectories, central differences, and the fast-check run count.
 */
import {
  Rng,
  Tensor,
  add,
  grad,
  matmulT,
  mul,
  randn,
  sigmoid,
  sum,
  tanh,
  tensor,
  type TensorTree,
} from '@tapegrad/autodiff';

export { runs } from '../../../test/fast-check.js';

export interface RnnParams {
  W_rec: Tensor;
  W_in: Tensor;
  b: Tensor;
  [key: string]: Tensor;
}

/** The paper's eq. 2 in batch rows: x_{k+1} = tanh(x_k)·W_recᵀ + u·W_inᵀ + b. */
export const paperTransition = (x: Tensor, u: Tensor, p: RnnParams): Tensor =>
  add(add(matmulT(tanh(x), p.W_rec, false, true), matmulT(u, p.W_in, false, true)), p.b);

/** The usual form with another nonlinearity: x_{k+1} = sigmoid(x_k·W_recᵀ + u·W_inᵀ + b). */
export const sigmoidTransition = (x: Tensor, u: Tensor, p: RnnParams): Tensor =>
  sigmoid(add(add(matmulT(x, p.W_rec, false, true), matmulT(u, p.W_in, false, true)), p.b));

export interface Problem {
  params: RnnParams;
  states: Tensor[];
  inputs: Tensor[];
  deltas: Tensor[];
}

/** Random parameters and an unrelated random trajectory (x, δ), for checks with x and δ held fixed. */
export function randomProblem(seed: number, n: number, m: number, batch: number, steps: number, scale = 0.8): Problem {
  const rng = new Rng(seed);
  const params = {
    W_rec: randn([n, n], rng, 0, scale),
    W_in: randn([n, m], rng, 0, scale),
    b: randn([n], rng, 0, 0.3),
  };
  const states = Array.from({ length: steps + 1 }, () => randn([batch, n], rng));
  const inputs = Array.from({ length: steps }, () => randn([batch, m], rng));
  const deltas = Array.from({ length: steps }, () => randn([batch, n], rng));
  return { params, states, inputs, deltas };
}

/**
 * The smallest one-step ratio ‖v‖/‖δ‖ over all (step, example) pairs. The summary form has a kink
 * where ‖v‖ = 0 (√ of a square), so finite differences are only compared away from it.
 */
export function smallestStepRatio(
  transition: (x: Tensor, u: Tensor, p: RnnParams) => Tensor,
  params: RnnParams,
  states: readonly Tensor[],
  inputs: readonly Tensor[],
  deltas: readonly Tensor[],
): number {
  let smallest = Infinity;
  inputs.forEach((u, k) => {
    const v = grad((x: Tensor) => sum(mul(transition(x, u, params), deltas[k])))(states[k]);
    const [batch, n] = v.shape;
    for (let e = 0; e < batch; e++) {
      let vv = 0;
      let dd = 0;
      for (let j = e * n; j < (e + 1) * n; j++) {
        vv += v.data[j] ** 2;
        dd += deltas[k].data[j] ** 2;
      }
      smallest = Math.min(smallest, Math.sqrt(vv / dd));
    }
  });
  return smallest;
}

/** ∂f/∂(params[path]) by central differences: every entry perturbed by ±eps, f re-evaluated. */
export function centralDifference<P extends Record<string, Tensor>>(
  f: (p: P) => number,
  params: P,
  path: keyof P & string,
  eps = 1e-6,
): Float64Array {
  const x = params[path];
  const out = new Float64Array(x.size);
  for (let i = 0; i < x.size; i++) {
    const at = (h: number) => {
      const data = Float64Array.from(x.data);
      data[i] += h;
      return f({ ...params, [path]: tensor(data, x.shape) });
    };
    out[i] = (at(eps) - at(-eps)) / (2 * eps);
  }
  return out;
}

/** Largest |a − b| / (atol + rtol·|b|): below 1 means a matches b. */
export function mismatch(a: ArrayLike<number>, b: ArrayLike<number>, atol: number, rtol: number): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / (atol + rtol * Math.abs(b[i])));
  return worst;
}

/** The global norm of a tree, computed independently of the package (plain sum of squares). */
export function plainNorm(tree: TensorTree): number {
  let s = 0;
  const visit = (t: TensorTree): void => {
    if (t instanceof Tensor) for (const v of t.data) s += v * v;
    else if (Array.isArray(t)) t.forEach(visit);
    else Object.values(t).forEach(visit);
  };
  visit(tree);
  return Math.sqrt(s);
}
