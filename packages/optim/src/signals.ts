/**
 * @file The error signals Ω needs, computed by autodiff, and the comparison of Ω's immediate and
 * exact gradients. δ_t = ∂E/∂x_t is the total derivative through all later steps; adding a zero
 * perturbation ε_t to every state, x_t = F(x_{t−1}, u_t, θ) + ε_t, makes it ∂E/∂ε_t, one
 * gradient call for all t. Inside an outer transform that call is recorded, so δ stays a
 * differentiable function of θ, which the exact Ω gradient needs.
 */
import { ShapeError, add, treeEntries, valueAndGrad, zeros, type Tensor, type TensorTree } from '@tapegrad/autodiff';
import { omega, type OmegaForm, type OmegaResult, type Trajectory, type Transition } from './omega.js';

/** Options of {@link trajectorySignals}. */
export interface TrajectorySignalsOptions<P extends TensorTree> {
  transition: Transition<P>;
  params: P;
  /** The initial state x_0, [B, n]. */
  x0: Tensor;
  /** u_1..u_T. */
  inputs: readonly Tensor[];
  /** E as a function of the states x_0..x_T (e.g. a loss on x_T only). */
  loss: (states: readonly Tensor[]) => Tensor;
}

/**
 * Unrolls the transition from x_0 over the inputs and returns the states x_0..x_T, the error
 * signals δ_1..δ_T (δ_t = ∂E/∂x_t, total, by BPTT) and the loss E.
 *
 * @example
 * const { states, deltas, loss } = trajectorySignals({ transition: F, params, x0, inputs,
 *   loss: (xs) => sum(square(xs[xs.length - 1])) });
 */
export function trajectorySignals<P extends TensorTree>(
  options: TrajectorySignalsOptions<P>,
): Trajectory & { loss: Tensor } {
  const { transition, params, x0, inputs, loss } = options;
  let states: Tensor[] = [];
  const perturbations = inputs.map(() => zeros(x0.shape));
  const { value, grad: deltas } = valueAndGrad((eps: Tensor[]) => {
    states = [x0];
    for (let t = 0; t < inputs.length; t++) {
      const next = transition(states[t], inputs[t], params);
      if (next.rank !== x0.rank || next.shape.some((n, i) => n !== x0.shape[i])) {
        throw new ShapeError(
          'trajectorySignals',
          'transition',
          `step ${t + 1} returned shape [${next.shape.join(', ')}], but x0 has shape [${x0.shape.join(', ')}]`,
        );
      }
      states.push(add(next, eps[t]));
    }
    return loss(states);
  })(perturbations);
  return { states, deltas, loss: value };
}

/** How one parameter's immediate and exact Ω gradients compare. */
export interface OmegaGradientComparison {
  path: string;
  immediateNorm: number;
  exactNorm: number;
  /** ‖exact − immediate‖ / max(‖exact‖, tiny): how much the paper's approximation leaves out. */
  relativeDifference: number;
  /** cos of the angle between the two (NaN when one is zero). */
  cosine: number;
}

/**
 * Ω's immediate gradient (x and δ held fixed, the paper's) next to its exact gradient (through
 * δ(θ) and x(θ)), with per-parameter norms, cosine and relative difference.
 *
 * @example
 * const cmp = compareOmegaGradients({ transition: F, params, inputs, wrt: ['W_rec'],
 *   trajectory: (p) => trajectorySignals({ transition: F, params: p, x0, inputs, loss }) });
 * cmp.parameters[0].cosine; // close to 1 when the immediate gradient points the right way
 */
export function compareOmegaGradients<P extends TensorTree>(options: {
  transition: Transition<P>;
  params: P;
  inputs: readonly Tensor[];
  trajectory: (params: P) => Trajectory;
  form?: OmegaForm;
  wrt?: readonly string[];
}): { immediate: OmegaResult<P>; exact: OmegaResult<P>; parameters: OmegaGradientComparison[] } {
  const { trajectory, ...common } = options;
  const { states, deltas } = trajectory(options.params);
  const immediate = omega({ ...common, states, deltas, gradient: 'immediate' });
  const exact = omega({ ...common, trajectory, gradient: 'exact' });
  const exactLeaves = treeEntries(exact.grad as TensorTree);
  const wrt = options.wrt === undefined ? null : new Set(options.wrt);
  const parameters = treeEntries(immediate.grad as TensorTree)
    .map(([path, a], i): [string, Tensor, Tensor] => [path, a, exactLeaves[i][1]])
    .filter(([path]) => wrt === null || wrt.has(path))
    .map(([path, a, b]) => {
      let aa = 0;
      let bb = 0;
      let ab = 0;
      let diff = 0;
      for (let i = 0; i < a.size; i++) {
        aa += a.data[i] * a.data[i];
        bb += b.data[i] * b.data[i];
        ab += a.data[i] * b.data[i];
        diff += (b.data[i] - a.data[i]) ** 2;
      }
      const exactNorm = Math.sqrt(bb);
      return {
        path,
        immediateNorm: Math.sqrt(aa),
        exactNorm,
        relativeDifference: Math.sqrt(diff) / Math.max(exactNorm, Number.MIN_VALUE),
        cosine: cosineFromSums(aa, bb, ab),
      };
    });
  return { immediate, exact, parameters };
}

/**
 * @internal cos of the angle between a and b from Σa², Σb² and Σab (NaN when either is zero). The
 * square roots are taken apart: Σa²·Σb² would underflow to 0 for norms whose product is below
 * about 1e-162 and overflow above about 1e154, where each sum alone is still finite.
 */
export function cosineFromSums(aa: number, bb: number, ab: number): number {
  return aa > 0 && bb > 0 ? ab / (Math.sqrt(aa) * Math.sqrt(bb)) : NaN;
}
