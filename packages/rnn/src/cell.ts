/**
 * @file The recurrent cell of eq. (2) as one fused tape op, and the four activations σ with their
 * derivative bound γ. Fusing h·W_recᵀ + u·W_inᵀ + b into one op keeps the unrolled forward at two
 * ops per step (cell, activation), which is most of what makes BPTT fast on small batches.
 */
import { ValueError, Tensor, broadcastTo, matmulT, record, relu, sigmoid, tanh } from '@tapegrad/autodiff';
import { sigmoidScalar } from '@tapegrad/autodiff/kernels';

/** The activations σ of eq. (2). */
export type Activation = 'tanh' | 'sigmoid' | 'identity' | 'relu';

/** Every valid activation name, in the order error messages list them. */
export const ACTIVATIONS: readonly Activation[] = ['tanh', 'sigmoid', 'identity', 'relu'];

/**
 * γ, the bound on |σ'| that the paper's conditions use: λ1 < 1/γ makes long-term components
 * vanish. relu's derivative is 0 or 1, so γ = 1.
 *
 * @example
 * ACTIVATION_GAMMA.sigmoid; // 0.25
 */
export const ACTIVATION_GAMMA: Readonly<Record<Activation, number>> = { tanh: 1, sigmoid: 0.25, identity: 1, relu: 1 };

/**
 * Checks an activation name and returns it; an unknown name throws a ValueError listing the valid ones.
 *
 * @example
 * checkActivation('rnn', 'tanh'); // 'tanh'
 */
export function checkActivation(op: string, name: unknown): Activation {
  if (typeof name === 'string' && (ACTIVATIONS as readonly string[]).includes(name)) return name as Activation;
  throw new ValueError(
    op,
    'activation',
    `unknown activation ${JSON.stringify(name)}; valid values: ${ACTIVATIONS.join(', ')}`,
  );
}

/**
 * σ applied elementwise as a differentiable op (identity returns its argument unchanged).
 *
 * @example
 * applyActivation('tanh', tensor([0])).item(); // 0
 */
export function applyActivation(activation: Activation, x: Tensor): Tensor {
  switch (activation) {
    case 'tanh':
      return tanh(x);
    case 'sigmoid':
      return sigmoid(x);
    case 'relu':
      return relu(x);
    case 'identity':
      return x;
  }
}

/**
 * σ(v) and σ'(v) for a single number, for the explicit Jacobians and the plain-loop analyses.
 *
 * @example
 * activationScalar('sigmoid')(0); // [0.5, 0.25]
 */
export function activationScalar(activation: Activation): (v: number) => [number, number] {
  switch (activation) {
    case 'tanh':
      return (v) => {
        const t = Math.tanh(v);
        return [t, (1 - t) * (1 + t)];
      };
    case 'sigmoid':
      return (v) => {
        const s = sigmoidScalar(v);
        return [s, s * sigmoidScalar(-v)];
      };
    case 'relu':
      return (v) => (v > 0 ? [v, 1] : [0, 0]);
    case 'identity':
      return (v) => [v, 1];
  }
}

const CELL_NAMES = ['h', 'W_rec', 'u', 'W_in', 'b'];

/**
 * One step of eq. (2) with examples as rows: x = h·W_recᵀ + u·W_inᵀ + b, where h = σ(x_{t−1}) is
 * [B, n] (or [1, n], broadcast over the batch), u is [B, n_in], W_rec [n, n], W_in [n, n_in], b [n].
 * Returns x, [B, n]. Shapes are trusted: callers validate once per sequence, not per step.
 *
 * @example
 * rnnCell(zeros([1, 2]), eye(2), tensor([[1]]), tensor([[2], [3]]), zeros([2])).toArray(); // [[2, 3]]
 */
export function rnnCell(h: Tensor, W_rec: Tensor, u: Tensor, W_in: Tensor, b: Tensor): Tensor {
  const batch = u.shape[0];
  const n = W_rec.shape[0];
  const nIn = W_in.shape[1];
  const hRows = h.shape[0];
  const out = new Float64Array(batch * n);
  const hd = h.data;
  const wr = W_rec.data;
  const ud = u.data;
  const wi = W_in.data;
  const bd = b.data;
  for (let r = 0; r < batch; r++) {
    const hOff = (hRows === 1 ? 0 : r) * n;
    const uOff = r * nIn;
    const oOff = r * n;
    for (let i = 0; i < n; i++) {
      let s = bd[i];
      const wOff = i * n;
      for (let j = 0; j < n; j++) s += hd[hOff + j] * wr[wOff + j];
      out[oOff + i] = s;
    }
    // one-hot inputs are mostly zeros: skip them rather than multiply
    for (let j = 0; j < nIn; j++) {
      const uj = ud[uOff + j];
      if (uj === 0) continue;
      for (let i = 0; i < n; i++) out[oOff + i] += uj * wi[i * nIn + j];
    }
  }
  const x = new Tensor(out, [batch, n]);
  // ∂h = g·W_rec, ∂W_rec = gᵀ·h, ∂u = g·W_in, ∂W_in = gᵀ·u, ∂b = g (summed over rows by the tape)
  return record(x, 'rnnCell', [h, W_rec, u, W_in, b], CELL_NAMES, (g, needs) => [
    needs[0] ? matmulT(g, W_rec, false, false) : null,
    needs[1] ? matmulT(g, hRows === batch ? h : broadcastTo(h, [batch, n]), true, false) : null,
    needs[2] ? matmulT(g, W_in, false, false) : null,
    needs[3] ? matmulT(g, u, true, false) : null,
    needs[4] ? g : null,
  ]);
}
