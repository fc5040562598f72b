/**
 * @file The paper's theory in numbers. Eq. (7): the Jacobian products
 *   ∂x_t/∂x_k = Π_{t ≥ i > k} W_rec·diag(σ'(x_{i−1}))
 * computed explicitly for one example, with their spectral norms as a function of t − k; and the
 * conditions on W_rec: with λ1 its largest singular value and γ the bound on |σ'|, λ1 < 1/γ makes
 * long-term components vanish at least like η^{t−k}, η = λ1·γ (eq. 10), and λ1 > 1/γ is necessary
 * for exploding.
 */
import { Tensor, ValueError, largestSingularValue, spectralRadius } from '@tapegrad/autodiff';
import { ACTIVATION_GAMMA, activationScalar, checkActivation, type Activation } from './cell.js';
import type { RnnParams } from './batch.js';

/** What {@link jacobianProducts} returns. */
export interface JacobianProducts {
  /** The k of ∂x_t/∂x_k. */
  from: number;
  /** products[t − k] = ∂x_t/∂x_k, [n, n], for t = k..T (products[0] is the identity). */
  products: Tensor[];
  /** norms[t − k] = ‖∂x_t/∂x_k‖₂, the largest singular value. */
  norms: Float64Array;
}

/**
 * ∂x_t/∂x_k of eq. (7) for t = k..T, from W_rec and σ'(x) of one example of the given states
 * x_0..x_T (each [B, n], e.g. `forward(...).states`).
 *
 * @example
 * const { states } = forward(params, inputs, { activation: 'tanh' });
 * jacobianProducts(params, 'tanh', states).norms; // ‖∂x_t/∂x_0‖ for t = 0..T
 */
export function jacobianProducts(
  params: RnnParams,
  activation: Activation,
  states: readonly Tensor[],
  options: { example?: number; from?: number } = {},
): JacobianProducts {
  const op = 'jacobianProducts';
  const sigma = checkActivation(op, activation);
  const n = params.W_rec.shape[0];
  const T = states.length - 1;
  const k = options.from ?? 0;
  const example = options.example ?? 0;
  if (T < 0) throw new ValueError(op, 'states', 'needs at least x_0');
  if (!Number.isInteger(k) || k < 0 || k > T)
    throw new ValueError(op, 'options.from', `must be an integer in [0, ${T}], got ${k}`);
  const B = states[0].shape[0];
  if (!Number.isInteger(example) || example < 0 || example >= B) {
    throw new ValueError(op, 'options.example', `must be an integer in [0, ${B - 1}], got ${example}`);
  }
  const W = params.W_rec.data;
  const derivative = activationScalar(sigma);
  let P = new Float64Array(n * n);
  for (let i = 0; i < n; i++) P[i * n + i] = 1;
  const products = [new Tensor(P, [n, n])];
  const scaled = new Float64Array(n * n);
  for (let t = k + 1; t <= T; t++) {
    // ∂x_t/∂x_k = W_rec·diag(σ'(x_{t−1}))·∂x_{t−1}/∂x_k: scale row j of P by σ'(x_{t−1}[j]), then W_rec·(that)
    const x = states[t - 1].data;
    for (let j = 0; j < n; j++) {
      const s = derivative(x[example * n + j])[1];
      for (let c = 0; c < n; c++) scaled[j * n + c] = s * P[j * n + c];
    }
    const next = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const w = W[i * n + j];
        if (w === 0) continue;
        for (let c = 0; c < n; c++) next[i * n + c] += w * scaled[j * n + c];
      }
    }
    P = next;
    products.push(new Tensor(P, [n, n]));
  }
  const norms = Float64Array.from(products, (p) => largestSingularValue(p));
  return { from: k, products, norms };
}

/** What {@link recurrentConditions} returns. */
export interface RecurrentConditions {
  /** λ1: the largest singular value of W_rec. */
  lambda1: number;
  /** ρ(W_rec): the largest eigenvalue modulus (what smart tanh sets to 0.95). */
  spectralRadius: number;
  /** γ: the bound on |σ'|. */
  gamma: number;
  /** η = λ1·γ: a bound on every one-step ‖∂x_{k+1}/∂x_k‖. */
  eta: number;
  /** 'vanish' when λ1 < 1/γ, 'may-explode' when λ1 > 1/γ, 'boundary' when equal. */
  verdict: 'vanish' | 'may-explode' | 'boundary';
  /** The verdict in the paper's words, with the numbers. */
  message: string;
}

/**
 * The paper's conditions for W_rec and σ: λ1 < 1/γ is sufficient for long-term components to vanish
 * (at least like η^{t−k}); λ1 > 1/γ is necessary (not sufficient) for them to explode.
 *
 * @example
 * recurrentConditions(params.W_rec, 'tanh').message;
 * // 'λ1 = 0.9733 < 1/γ = 1: long-term components must vanish (bound η^{t−k} with η = λ1·γ = 0.9733)'
 */
export function recurrentConditions(W_rec: Tensor, activation: Activation): RecurrentConditions {
  const sigma = checkActivation('recurrentConditions', activation);
  const gamma = ACTIVATION_GAMMA[sigma];
  const lambda1 = largestSingularValue(W_rec);
  const rho = spectralRadius(W_rec);
  const eta = lambda1 * gamma;
  const show = (v: number): string => v.toPrecision(4);
  const head = `λ1 = ${show(lambda1)}`;
  const bound = `1/γ = ${show(1 / gamma)}`;
  if (eta < 1) {
    const message = `${head} < ${bound}: long-term components must vanish (bound η^{t−k} with η = λ1·γ = ${show(eta)})`;
    return { lambda1, spectralRadius: rho, gamma, eta, verdict: 'vanish', message };
  }
  if (eta > 1) {
    const message = `${head} > ${bound}: exploding is possible (the necessary condition holds; whether gradients explode depends on the states)`;
    return { lambda1, spectralRadius: rho, gamma, eta, verdict: 'may-explode', message };
  }
  return {
    lambda1,
    spectralRadius: rho,
    gamma,
    eta,
    verdict: 'boundary',
    message: `${head} = ${bound}: on the boundary, neither condition applies`,
  };
}
