/**
 * @file A second, deliberately plain implementation of the paper's RNN for the tests to compare
 * tapegrad against: the forward pass of eq. (2), the output heads, backpropagation through time
 * (full and truncated) with its error signals δ_t = ∂E/∂x_t, written as loops over numbers from the
 * formulas, in float64, with no tapegrad code at all. It is slow and simple on purpose: agreement
 * with it to ~1e-12 catches errors far below what finite differences can see (about 1e-4 relative).
 *
 * Notation (column vectors per example b, as in the paper):
 *   x_t = W_rec·σ(x_{t−1}) + W_in·u_t + b,   y_t = W_out·σ(x_t) + b_out
 *   g_t = ∂E/∂x_t through y_t only;  δ_T = g_T,  δ_t = g_t + diag(σ'(x_t))·W_recᵀ·δ_{t+1}
 *   ∂W_rec = Σ_t δ_t σ(x_{t−1})ᵀ,  ∂W_in = Σ_t δ_t u_tᵀ,  ∂b = Σ_t δ_t,  ∂x_0 = diag(σ'(x_0))·W_recᵀ·δ_1
 */

export type Vec = number[];
export type Mat = number[][];

export type Sigma = 'tanh' | 'sigmoid' | 'identity' | 'relu';

/**
 * σ(v) and σ'(v); relu'(0) = 0, the convention of tapegrad's relu (and of most libraries). The
 * slopes are written as (1 − t)(1 + t) and σ(v)·σ(−v), not 1 − t² and σ(1 − σ): where σ saturates,
 * the latter lose digits to cancellation (1e-12 relative at |v| ≈ 5), which would be the
 * reference's own error, not the code's.
 */
export function activation(sigma: Sigma, v: number): [number, number] {
  switch (sigma) {
    case 'tanh': {
      const t = Math.tanh(v);
      return [t, (1 - t) * (1 + t)];
    }
    case 'sigmoid':
      return [1 / (1 + Math.exp(-v)), 1 / (1 + Math.exp(-v)) / (1 + Math.exp(v))];
    case 'relu':
      return v > 0 ? [v, 1] : [0, 0];
    case 'identity':
      return [v, 1];
  }
}

/** The parameters as nested arrays; x0 (a learned initial state) is optional. */
export interface RefParams {
  W_rec: Mat;
  W_in: Mat;
  b: Vec;
  W_out: Mat;
  b_out: Vec;
  x0?: Vec;
}

/**
 * The loss heads: softmax cross-entropy at the last step ('softmax-last', `classes[b]`), squared
 * error without ½ at the last step ('linear-last', `target[b][j]`), softmax cross-entropy at every
 * step ('softmax-every', `classes[t·B + b]` for t = 0..T−1), each averaged over the batch (and over
 * the steps for 'softmax-every').
 */
export type RefHead =
  | { kind: 'softmax-last'; classes: ArrayLike<number> }
  | { kind: 'linear-last'; target: Mat }
  | { kind: 'softmax-every'; classes: ArrayLike<number> };

export interface RefForward {
  /** x_0..x_T, each [B][n]. */
  states: Mat[];
  /** σ(x_0)..σ(x_T). */
  hidden: Mat[];
  /** σ'(x_0)..σ'(x_T). */
  slopes: Mat[];
}

/**
 * Unrolls eq. (2) over inputs [T][B][n_in] from x_0: `x0Rows` ([B][n], constants) when given,
 * else params.x0 for every example, else zeros.
 */
export function referenceForward(p: RefParams, inputs: Mat[], sigma: Sigma, x0Rows?: Mat): RefForward {
  const n = p.b.length;
  const B = inputs[0].length;
  const x0 =
    x0Rows ?? Array.from({ length: B }, () => Array.from({ length: n }, (_, i) => (p.x0 === undefined ? 0 : p.x0[i])));
  const states: Mat[] = [x0];
  for (let t = 1; t <= inputs.length; t++) {
    const prev = states[t - 1];
    const u = inputs[t - 1];
    const x: Mat = [];
    for (let e = 0; e < B; e++) {
      const row: Vec = [];
      for (let i = 0; i < n; i++) {
        let s = p.b[i];
        for (let j = 0; j < n; j++) s += p.W_rec[i][j] * activation(sigma, prev[e][j])[0];
        for (let k = 0; k < u[e].length; k++) s += p.W_in[i][k] * u[e][k];
        row.push(s);
      }
      x.push(row);
    }
    states.push(x);
  }
  const hidden = states.map((x) => x.map((row) => row.map((v) => activation(sigma, v)[0])));
  const slopes = states.map((x) => x.map((row) => row.map((v) => activation(sigma, v)[1])));
  return { states, hidden, slopes };
}

/** The head's loss at step t (1-based) and ∂E/∂y_t, or null where the head has no loss. */
function headAt(head: RefHead, y: Mat, t: number, T: number): { loss: number; dy: Mat } | null {
  const B = y.length;
  if (head.kind === 'linear-last') {
    if (t !== T) return null;
    let loss = 0;
    const dy = y.map((row, e) =>
      row.map((v, j) => {
        const r = v - head.target[e][j];
        loss += (r * r) / B;
        return (2 * r) / B;
      }),
    );
    return { loss, dy };
  }
  if (head.kind === 'softmax-last' && t !== T) return null;
  const weight = head.kind === 'softmax-every' ? 1 / (B * T) : 1 / B;
  const offset = head.kind === 'softmax-every' ? (t - 1) * B : 0;
  let loss = 0;
  const dy = y.map((row, e) => {
    const m = Math.max(...row);
    const z = row.reduce((s, v) => s + Math.exp(v - m), 0);
    const c = head.classes[offset + e];
    loss += weight * (m + Math.log(z) - row[c]);
    return row.map((v, j) => weight * (Math.exp(v - m) / z - (j === c ? 1 : 0)));
  });
  return { loss, dy };
}

/** Gradients shaped like the parameters (x0 only when the parameters have one). */
export type RefGrads = RefParams;

export interface RefBptt {
  loss: number;
  grads: RefGrads;
  /** δ_1..δ_T of the full objective, each [B][n] (empty for truncated BPTT). */
  deltas: Mat[];
  forward: RefForward;
}

const zerosMat = (rows: number, cols: number): Mat =>
  Array.from({ length: rows }, () => new Array<number>(cols).fill(0));

/**
 * Loss and gradient by backpropagation through time. Without `truncation` this is full BPTT;
 * with { k1, k2 } it is truncated BPTT(k1, k2) as Williams & Peng define it: every k1 steps
 * (chunk ends e = k1, 2k1, …, and T) the losses of steps e − k1 + 1..e are backpropagated to step
 * max(0, e − k2) + 1 and no further (x_0 and its gradient only when the chunk reaches step 1).
 * `x0Rows` as in {@link referenceForward}.
 */
export function referenceBptt(
  p: RefParams,
  inputs: Mat[],
  sigma: Sigma,
  head: RefHead,
  truncation?: { k1: number; k2: number },
  x0Rows?: Mat,
): RefBptt {
  const T = inputs.length;
  const B = inputs[0].length;
  const n = p.b.length;
  const nIn = inputs[0][0].length;
  const nOut = p.b_out.length;
  const fwd = referenceForward(p, inputs, sigma, x0Rows);
  const grads: RefGrads = {
    W_rec: zerosMat(n, n),
    W_in: zerosMat(n, nIn),
    b: new Array(n).fill(0),
    W_out: zerosMat(nOut, n),
    b_out: new Array(nOut).fill(0),
  };
  if (p.x0 !== undefined) grads.x0 = new Array(n).fill(0);

  // Loss and g_t = ∂E_t/∂x_t through the output layer, per step (null where no loss).
  let loss = 0;
  const direct: (Mat | null)[] = [null];
  for (let t = 1; t <= T; t++) {
    const h = fwd.hidden[t];
    const y = h.map((row) => p.b_out.map((bo, o) => bo + row.reduce((s, v, j) => s + p.W_out[o][j] * v, 0)));
    const r = headAt(head, y, t, T);
    if (r === null) {
      direct.push(null);
      continue;
    }
    loss += r.loss;
    for (let e = 0; e < B; e++) {
      for (let o = 0; o < nOut; o++) {
        grads.b_out[o] += r.dy[e][o];
        for (let j = 0; j < n; j++) grads.W_out[o][j] += r.dy[e][o] * h[e][j];
      }
    }
    direct.push(
      r.dy.map((dyRow, e) =>
        Array.from({ length: n }, (_, j) => dyRow.reduce((s, d, o) => s + d * p.W_out[o][j], 0) * fwd.slopes[t][e][j]),
      ),
    );
  }

  const chunks: { from: number; to: number; lossFrom: number }[] = [];
  if (truncation === undefined) chunks.push({ from: 0, to: T, lossFrom: 1 });
  else
    for (let e = Math.min(truncation.k1, T), last = 0; last < T; last = e, e = Math.min(e + truncation.k1, T))
      chunks.push({ from: Math.max(0, e - truncation.k2), to: e, lossFrom: last + 1 });

  const deltas: Mat[] = [];
  for (const { from, to, lossFrom } of chunks) {
    let delta: Mat = zerosMat(B, n);
    for (let t = to; t > from; t--) {
      // δ_t = g_t (for the chunk's own losses) + diag(σ'(x_t))·W_recᵀ·δ_{t+1}
      const next = delta;
      delta = zerosMat(B, n);
      for (let e = 0; e < B; e++) {
        for (let j = 0; j < n; j++) {
          let back = 0;
          if (t < to) for (let i = 0; i < n; i++) back += p.W_rec[i][j] * next[e][i];
          const g = t >= lossFrom && direct[t] !== null ? direct[t]![e][j] : 0;
          delta[e][j] = g + back * fwd.slopes[t][e][j];
        }
      }
      if (truncation === undefined) deltas[t - 1] = delta;
      for (let e = 0; e < B; e++) {
        for (let i = 0; i < n; i++) {
          grads.b[i] += delta[e][i];
          for (let j = 0; j < n; j++) grads.W_rec[i][j] += delta[e][i] * fwd.hidden[t - 1][e][j];
          for (let k = 0; k < nIn; k++) grads.W_in[i][k] += delta[e][i] * inputs[t - 1][e][k];
        }
      }
    }
    if (from === 0 && grads.x0 !== undefined) {
      for (let e = 0; e < B; e++) {
        for (let j = 0; j < n; j++) {
          let back = 0;
          for (let i = 0; i < n; i++) back += p.W_rec[i][j] * delta[e][i];
          grads.x0[j] += back * fwd.slopes[0][e][j];
        }
      }
    }
  }
  return { loss, grads, deltas, forward: fwd };
}
