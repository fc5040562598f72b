/**
 * @file `rnnSequence`: the whole unrolled recurrence of eq. (2), all T steps, as ONE tape op. The
 * per-step tape (rnnCell + σ, two entries a step) pays a fixed cost per entry and, in backward, a
 * fresh n×n ∂W_rec per step; here the forward is one loop over plain buffers and the backward is
 * backpropagation through time written out, with ∂W_rec, ∂W_in as single products over all T·B
 * (step, example) rows — the same work the hand-written "JS limit" of the bench does.
 *
 * The VJP has two paths with the same first-order values (to rounding):
 *  - fast: when the reverse walk is not itself being recorded (`activeTape() === null`, a
 *    top-level `valueAndGrad`), @tapegrad/autodiff's recurrence kernels (WebAssembly SIMD, or the
 *    same loops in JavaScript), returning constant tensors;
 *  - recorded: inside a nested transform (grad of grad, the exact Ω gradient, jvp) the same
 *    recursion composed from differentiable ops, so every order of derivative stays correct.
 */
import {
  ShapeError,
  Tensor,
  activeTape,
  add,
  broadcastTo,
  concat,
  index,
  matmulT,
  mul,
  record,
  reshape,
  sigmoidGrad,
  slice,
  stack,
  tanh,
  tanhGrad,
} from '@tapegrad/autodiff';
import {
  recurrenceBackward,
  recurrenceForward,
  type RecurrenceInputs,
  type RecurrenceStates,
} from '@tapegrad/autodiff/kernels';
import { applyActivation, checkActivation, type Activation } from './cell.js';

const NAMES = ['x0', 'W_rec', 'u', 'W_in', 'b', 'offsets'];

/**
 * All states x_1..x_T of eq. (2) from x_0, as one [T, B, n] tensor and one tape entry:
 *   x_t = σ(x_{t−1})·W_recᵀ + u_t·W_inᵀ + b   (rows are examples)
 * `x0` is [B, n] or [1, n] (shared by the batch), `inputs` [T, B, n_in], W_rec [n, n],
 * W_in [n, n_in], b [n]. Differentiable in every argument, to every order. `offsets` [T, B, n]
 * (zeros in value), when given, is added to every x_t, so ∂E/∂offsets = ∂E/∂x_t, the error
 * signals δ_t: how `errorSignals` reads them off the same backward pass.
 *
 * @example
 * const X = rnnSequence(zeros([1, 50]), params.W_rec, inputs, params.W_in, params.b, 'tanh');
 * X.shape; // [T, B, 50]; index(X, T − 1) is x_T
 */
export function rnnSequence(
  x0: Tensor,
  W_rec: Tensor,
  inputs: Tensor,
  W_in: Tensor,
  b: Tensor,
  activation: Activation,
  offsets?: Tensor,
): Tensor {
  const sigma = checkActivation('rnnSequence', activation);
  const [T, B, n, nIn] = checkShapes(x0, W_rec, inputs, W_in, b, offsets);
  const given: RecurrenceInputs = {
    T,
    B,
    n,
    nIn,
    activation: sigma,
    x0: x0.data,
    x0Rows: x0.shape[0],
    W: W_rec.data,
    Win: W_in.data,
    b: b.data,
    U: inputs.data,
    ...(offsets === undefined ? {} : { offsets: offsets.data }),
  };
  const states = recurrenceForward(given);
  const out = new Tensor(states.X, [T, B, n]);
  const shapes = { T, B, n, nIn, sigma };
  // δ_T = g_T, δ_t = g_t + (δ_{t+1}·W_rec) ⊙ σ'(x_t); ∂x0 = (δ_1·W_rec) ⊙ σ'(x_0),
  // ∂W_rec = Σ_t δ_tᵀ·σ(x_{t−1}), ∂u_t = δ_t·W_in, ∂W_in = Σ_t δ_tᵀ·u_t, ∂b = Σ_t δ_t (rows summed),
  // ∂offsets_t = δ_t
  const args = offsets === undefined ? [x0, W_rec, inputs, W_in, b] : [x0, W_rec, inputs, W_in, b, offsets];
  return record(out, 'rnnSequence', args, NAMES, (g, needs) =>
    activeTape() === null
      ? fastVjp(g.data, needs, given, states)
      : recordedVjp(g, needs, shapes, out, x0, W_rec, inputs, W_in),
  );
}

interface Sizes {
  T: number;
  B: number;
  n: number;
  nIn: number;
  sigma: Activation;
}

/** Backpropagation through time by the kernels; every result is a constant tensor. */
function fastVjp(
  g: Float64Array,
  needs: readonly boolean[],
  given: RecurrenceInputs,
  states: RecurrenceStates,
): (Tensor | null)[] {
  const { T, B, n, nIn } = given;
  const d = recurrenceBackward(given, states, g, {
    x0: needs[0],
    W: needs[1],
    U: needs[2],
    Win: needs[3],
    b: needs[4],
    D: needs[5],
  });
  const tensorOf = (data: Float64Array | null, shape: number[]) => (data === null ? null : new Tensor(data, shape));
  return [
    tensorOf(d.x0, [given.x0Rows, n]),
    tensorOf(d.W, [n, n]),
    tensorOf(d.U, [T, B, nIn]),
    tensorOf(d.Win, [n, nIn]),
    tensorOf(d.b, [n]),
    tensorOf(d.D, [T, B, n]),
  ];
}

/** The same recursion from differentiable ops, recorded on the active tape (higher order). */
function recordedVjp(
  g: Tensor,
  needs: readonly boolean[],
  s: Sizes,
  out: Tensor,
  x0: Tensor,
  W_rec: Tensor,
  inputs: Tensor,
  W_in: Tensor,
): (Tensor | null)[] {
  const { T, B, n, nIn, sigma } = s;
  const deltas: Tensor[] = new Array(T);
  let delta = index(g, T - 1);
  deltas[T - 1] = delta;
  for (let t = T - 2; t >= 0; t--) {
    delta = add(index(g, t), activationVjp(sigma, index(out, t), matmulT(delta, W_rec, false, false)));
    deltas[t] = delta;
  }
  const stacked = stack(deltas);
  const D = reshape(stacked, [T * B, n]);
  let dW_rec: Tensor | null = null;
  if (needs[1]) {
    const h0 = applyActivation(sigma, x0);
    const parts = [reshape(x0.shape[0] === B ? h0 : broadcastTo(h0, [B, n]), [1, B, n])];
    if (T > 1) parts.push(applyActivation(sigma, slice(out, [0], [T - 1])));
    dW_rec = matmulT(D, reshape(concat(parts, 0), [T * B, n]), true, false);
  }
  return [
    needs[0] ? activationVjp(sigma, x0, matmulT(deltas[0], W_rec, false, false)) : null, // [B, n]; the tape sums a [1, n] x0's rows
    dW_rec,
    needs[2] ? reshape(matmulT(D, W_in, false, false), [T, B, nIn]) : null,
    needs[3] ? matmulT(D, reshape(inputs, [T * B, nIn]), true, false) : null,
    needs[4] ? D : null, // [T·B, n]; the tape sums it to b's [n]
    needs[5] ? stacked : null,
  ];
}

/** v ⊙ σ'(x) as differentiable ops (relu's 0/1 mask is a constant: its derivative is 0 a.e.). */
function activationVjp(sigma: Activation, x: Tensor, v: Tensor): Tensor {
  switch (sigma) {
    case 'tanh':
      return tanhGrad(tanh(x), v);
    case 'sigmoid':
      return sigmoidGrad(x, v);
    case 'relu': {
      const mask = new Float64Array(x.size);
      for (let k = 0; k < mask.length; k++) mask[k] = x.data[k] > 0 ? 1 : 0;
      return mul(v, new Tensor(mask, x.shape));
    }
    case 'identity':
      return v;
  }
}

const shapeText = (t: unknown): string => (t instanceof Tensor ? `[${t.shape.join(', ')}]` : typeof t);

/** Checks the arguments fit eq. (2) and returns [T, B, n, n_in]. */
function checkShapes(
  x0: Tensor,
  W_rec: Tensor,
  inputs: Tensor,
  W_in: Tensor,
  b: Tensor,
  offsets: Tensor | undefined,
): [number, number, number, number] {
  const op = 'rnnSequence';
  if (!(W_rec instanceof Tensor) || W_rec.rank !== 2 || W_rec.shape[0] !== W_rec.shape[1] || W_rec.shape[0] < 1) {
    throw new ShapeError(op, 'W_rec', `must be a square [n, n] tensor with n ≥ 1, got ${shapeText(W_rec)}`);
  }
  const n = W_rec.shape[0];
  if (!(inputs instanceof Tensor) || inputs.rank !== 3 || inputs.shape[0] < 1 || inputs.shape[1] < 1) {
    throw new ShapeError(op, 'inputs', `must have shape [T ≥ 1, B ≥ 1, n_in], got ${shapeText(inputs)}`);
  }
  const [T, B, nIn] = inputs.shape;
  if (!(W_in instanceof Tensor) || W_in.rank !== 2 || W_in.shape[0] !== n || W_in.shape[1] !== nIn) {
    throw new ShapeError(
      op,
      'W_in',
      `must have shape [${n}, ${nIn}] (n of W_rec, n_in of inputs), got ${shapeText(W_in)}`,
    );
  }
  if (!(b instanceof Tensor) || b.rank !== 1 || b.shape[0] !== n)
    throw new ShapeError(op, 'b', `must have shape [${n}], got ${shapeText(b)}`);
  if (!(x0 instanceof Tensor) || x0.rank !== 2 || (x0.shape[0] !== 1 && x0.shape[0] !== B) || x0.shape[1] !== n) {
    throw new ShapeError(op, 'x0', `must have shape [${B}, ${n}] or [1, ${n}], got ${shapeText(x0)}`);
  }
  if (
    offsets !== undefined &&
    (!(offsets instanceof Tensor) ||
      offsets.rank !== 3 ||
      offsets.shape[0] !== T ||
      offsets.shape[1] !== B ||
      offsets.shape[2] !== n)
  ) {
    throw new ShapeError(
      op,
      'offsets',
      `must have shape [${T}, ${B}, ${n}] (T, B of inputs, n of W_rec), got ${shapeText(offsets)}`,
    );
  }
  return [T, B, n, nIn];
}
