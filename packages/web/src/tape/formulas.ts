/**
 * @file The vector-Jacobian product of every op the library records, as the page shows it while
 * stepping the reverse walk. g is the gradient arriving at the op's output, the input names are the
 * ones the op records (`a`, `b`, `x`, ...), and each formula is the one written beside the op's VJP
 * in the library's source (the file is named, so a reader can open it).
 */

/** A VJP formula and the library file where the op and its VJP sit side by side. */
export interface Formula {
  readonly vjp: string;
  readonly file: string;
}

const ELEMENTWISE = 'autodiff/src/ops/elementwise.ts';
const REDUCE = 'autodiff/src/ops/reduce.ts';
const LINALG = 'autodiff/src/ops/linalg.ts';
const SHAPE = 'autodiff/src/ops/shape.ts';
const INDEXING = 'autodiff/src/ops/indexing.ts';
const JOIN = 'autodiff/src/ops/join.ts';
const LOSSES = 'autodiff/src/ops/losses.ts';

/** Every op name the libraries record, with its VJP. */
export const FORMULAS: Readonly<Record<string, Formula>> = {
  watch: {
    vjp: 'a watched input: the walk ends here, and g is the gradient with respect to it',
    file: 'autodiff/src/tape.ts',
  },
  add: { vjp: '∂/∂a = g,  ∂/∂b = g', file: ELEMENTWISE },
  sub: { vjp: '∂/∂a = g,  ∂/∂b = −g', file: ELEMENTWISE },
  mul: { vjp: '∂/∂a = g·b,  ∂/∂b = g·a', file: ELEMENTWISE },
  div: { vjp: '∂/∂a = g / b,  ∂/∂b = −g·a/b²', file: ELEMENTWISE },
  neg: { vjp: '∂/∂x = −g', file: ELEMENTWISE },
  pow: { vjp: '∂/∂a = g·b·a^(b−1),  ∂/∂b = g·aᵇ·log(a)', file: ELEMENTWISE },
  square: { vjp: '∂/∂x = 2·x·g', file: ELEMENTWISE },
  sqrt: { vjp: '∂/∂x = g / (2·√x)', file: ELEMENTWISE },
  exp: { vjp: '∂/∂x = g·eˣ (the saved output)', file: ELEMENTWISE },
  log: { vjp: '∂/∂x = g / x', file: ELEMENTWISE },
  abs: { vjp: '∂/∂x = g·sign(x)', file: ELEMENTWISE },
  tanh: { vjp: '∂/∂x = tanhGrad(t, g) = g·(1 − t)(1 + t), t = tanh(x) saved', file: ELEMENTWISE },
  tanhGrad: { vjp: 'out = g·(1 − t)(1 + t);  ∂/∂t = −2·t·g·ḡ,  ∂/∂g = ḡ·(1 − t)(1 + t)', file: ELEMENTWISE },
  sigmoid: { vjp: '∂/∂x = sigmoidGrad(x, g) = g·σ(x)·σ(−x)', file: ELEMENTWISE },
  sigmoidGrad: {
    vjp: 'out = g·σ(x)σ(−x);  ∂/∂x = ḡ·g·σ(x)σ(−x)·(σ(−x) − σ(x)),  ∂/∂g = ḡ·σ(x)σ(−x)',
    file: ELEMENTWISE,
  },
  relu: { vjp: '∂/∂x = g·[x > 0]', file: ELEMENTWISE },
  maximum: { vjp: '∂/∂a = g·[a > b] + ½g·[a = b],  ∂/∂b = g·[a < b] + ½g·[a = b]', file: ELEMENTWISE },
  minimum: { vjp: '∂/∂a = g·[a < b] + ½g·[a = b],  ∂/∂b = g·[a > b] + ½g·[a = b]', file: ELEMENTWISE },
  where: { vjp: '∂/∂a = g·c,  ∂/∂b = g·(1 − c), c the condition', file: ELEMENTWISE },
  clamp: { vjp: '∂/∂x = g·[low ≤ x ≤ high]', file: ELEMENTWISE },
  sum: { vjp: '∂/∂x = g broadcast back over the summed axes', file: REDUCE },
  sumTo: { vjp: '∂/∂x = g broadcast back to x’s shape', file: REDUCE },
  max: { vjp: '∂/∂x = g·[x = out] / #ties', file: REDUCE },
  min: { vjp: '∂/∂x = g·[x = out] / #ties', file: REDUCE },
  logsumexp: { vjp: '∂/∂x = g·exp(x − out) = g·softmax(x)', file: REDUCE },
  norm: { vjp: '∂/∂x = g·x/‖x‖ (0 where ‖x‖ = 0)', file: REDUCE },
  matmul: {
    vjp: 'C = AB:  ∂A = G·Bᵀ,  ∂B = Aᵀ·G  (transposed, as in an output layer: C = ABᵀ gives ∂B = Gᵀ·A; C = AᵀB, ∂A = B·Gᵀ)',
    file: LINALG,
  },
  outer: { vjp: '∂/∂a = G·b,  ∂/∂b = Gᵀ·a', file: LINALG },
  dot: { vjp: '∂/∂a = g·b,  ∂/∂b = g·a (g is a scalar)', file: LINALG },
  reshape: { vjp: '∂/∂x = g reshaped to x’s shape', file: SHAPE },
  broadcastTo: { vjp: '∂/∂x = g summed over the broadcast dimensions', file: SHAPE },
  permute: { vjp: '∂/∂x = g permuted back (the inverse permutation)', file: SHAPE },
  slice: { vjp: '∂/∂x = g placed back at `begin` in zeros of x’s shape', file: INDEXING },
  pad: { vjp: '∂/∂x = the window of g where x was placed', file: INDEXING },
  gather: { vjp: '∂/∂x = g scattered (added) back to the gathered positions', file: INDEXING },
  scatterAdd: { vjp: '∂/∂x = g gathered from the scattered positions', file: INDEXING },
  index: { vjp: '∂/∂x = g placed at position i along the axis, zeros elsewhere', file: INDEXING },
  concat: { vjp: '∂/∂xs[t] = the part of g along the axis that xs[t] filled', file: JOIN },
  stack: { vjp: '∂/∂xs[t] = g at position t along the new axis', file: JOIN },
  softmax: { vjp: '∂/∂x = y ⊙ (g − Σ g ⊙ y), y = softmax(x), the sum along the axis', file: LOSSES },
  logSoftmax: { vjp: '∂/∂x = g − exp(out) ⊙ Σ g, the sum along the axis', file: LOSSES },
  softmaxCrossEntropy: {
    vjp: '∂/∂logits = g_b·(softmax(logits) − t), t the one-hot targets, g_b = g / rows for the mean',
    file: LOSSES,
  },
  rnnCell: {
    vjp: 'x = h·W_recᵀ + u·W_inᵀ + b;  ∂h = g·W_rec,  ∂W_rec = gᵀ·h,  ∂u = g·W_in,  ∂W_in = gᵀ·u,  ∂b = Σ_rows g',
    file: 'rnn/src/cell.ts',
  },
  rnnSequence: {
    vjp: 'all T steps as one op: δ_t = g_t + (δ_{t+1}·W_rec) ⊙ σ′(x_t),  ∂W_rec = Σ_t δ_tᵀ·σ(x_{t−1})',
    file: 'rnn/src/sequence.ts',
  },
};

/**
 * The formula of `op`, or a plain note for an op this table does not know (a user's `defineOp`).
 *
 * @example
 * formulaOf('tanh').vjp; // '∂/∂x = tanhGrad(t, g) = g·(1 − t)(1 + t), t = tanh(x) saved'
 */
export function formulaOf(op: string): Formula {
  return FORMULAS[op] ?? { vjp: 'a custom op: its VJP is whatever its defineOp said', file: 'your code' };
}
