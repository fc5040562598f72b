/**
 * @file The "JS limit" of W1: the same training step written by hand in plain TypeScript, with
 * the forward pass, backpropagation through time, clipping and SGD as loops over buffers
 * allocated once. No tape, no tensors, no allocation per step: what JavaScript can do at all,
 * and so the yardstick for the engine's overhead. Rows are examples, as in @tapegrad/rnn:
 *   x_t = tanh(x_{t−1})·W_recᵀ + u_t·W_inᵀ + b,  y = tanh(x_T)·W_outᵀ + b_out,
 *   E = mean_r (logsumexp(y_r) − y_r[target_r]).
 */
import { CLIP_THRESHOLD, LEARNING_RATE, N_HIDDEN as n, N_IN as nIn, N_OUT as nOut, type W1Data } from './data.js';
import type { W1Gradients } from './tapegrad.js';

/** A hand-written W1 on its own copy of the data's parameters. */
export class LimitW1 {
  private readonly T: number;
  private readonly B: number;
  private readonly symbols: Int32Array;
  private readonly targets: Int32Array;
  // parameters, updated in place by step()
  private readonly W_rec: Float64Array;
  private readonly W_in: Float64Array;
  private readonly b: Float64Array;
  private readonly W_out: Float64Array;
  private readonly b_out: Float64Array;
  // their gradients
  private readonly dW_rec = new Float64Array(n * n);
  private readonly dW_in = new Float64Array(n * nIn);
  private readonly db = new Float64Array(n);
  private readonly dW_out = new Float64Array(nOut * n);
  private readonly db_out = new Float64Array(nOut);
  /** h_t = tanh(x_t) for t = 0..T, each B × n (h_0 = tanh(0) = 0). */
  private readonly h: Float64Array;
  /** ∂E/∂h_t and ∂E/∂x_t of the step being walked back, B × n each. */
  private readonly dh: Float64Array;
  private readonly dx: Float64Array;
  /** Softmax probabilities, B × n_out. */
  private readonly p: Float64Array;

  constructor(data: W1Data) {
    this.T = data.T;
    this.B = data.B;
    this.symbols = data.symbols;
    this.targets = data.targets;
    this.W_rec = Float64Array.from(data.params.W_rec.data);
    this.W_in = Float64Array.from(data.params.W_in.data);
    this.b = Float64Array.from(data.params.b.data);
    this.W_out = Float64Array.from(data.params.W_out.data);
    this.b_out = Float64Array.from(data.params.b_out.data);
    this.h = new Float64Array((data.T + 1) * data.B * n);
    this.dh = new Float64Array(data.B * n);
    this.dx = new Float64Array(data.B * n);
    this.p = new Float64Array(data.B * nOut);
  }

  /** One training step: loss and gradients, clip at the global norm, SGD. Returns the loss. */
  step(): number {
    const loss = this.lossAndGradients();
    const norm = this.gradientNorm();
    // Algorithm 1 of the paper, as clipGradNorm: rescale when ‖g‖ ≥ threshold
    const scale = norm >= CLIP_THRESHOLD ? CLIP_THRESHOLD / norm : 1;
    const rate = LEARNING_RATE * scale;
    sgd(this.W_rec, this.dW_rec, rate);
    sgd(this.W_in, this.dW_in, rate);
    sgd(this.b, this.db, rate);
    sgd(this.W_out, this.dW_out, rate);
    sgd(this.b_out, this.db_out, rate);
    return loss;
  }

  /** The loss and unclipped gradients at the current parameters (copies, for the check). */
  gradients(): W1Gradients {
    const loss = this.lossAndGradients();
    return {
      loss,
      grads: {
        W_rec: this.dW_rec.slice(),
        W_in: this.dW_in.slice(),
        b: this.db.slice(),
        W_out: this.dW_out.slice(),
        b_out: this.db_out.slice(),
      },
    };
  }

  private gradientNorm(): number {
    return Math.sqrt(sumSquares(this.dW_rec) + sumSquares(this.dW_in) + sumSquares(this.db) + sumSquares(this.dW_out) + sumSquares(this.db_out));
  }

  /** Forward over T steps, the loss, and backpropagation through time into the d* buffers. */
  private lossAndGradients(): number {
    const { T, B, h, W_rec, W_in, b } = this;
    // forward: h_t[r] = tanh(W_rec·h_{t−1}[r] + W_in[:, symbol] + b), a dot product per unit
    for (let t = 1; t <= T; t++) {
      const prev = (t - 1) * B * n;
      const cur = t * B * n;
      for (let r = 0; r < B; r++) {
        const s = this.symbols[(t - 1) * B + r];
        const hr = prev + r * n;
        for (let i = 0; i < n; i++) {
          let x = b[i] + W_in[i * nIn + s];
          const wi = i * n;
          for (let j = 0; j < n; j++) x += W_rec[wi + j] * h[hr + j];
          h[cur + r * n + i] = Math.tanh(x);
        }
      }
    }
    const loss = this.outputLayer();
    this.dW_rec.fill(0);
    this.dW_in.fill(0);
    this.db.fill(0);
    // backward through time, from ∂E/∂h_T that outputLayer left in dh
    const { dh, dx, dW_rec, dW_in, db } = this;
    for (let t = T; t >= 1; t--) {
      const cur = t * B * n;
      const prev = (t - 1) * B * n;
      for (let k = 0; k < B * n; k++) {
        const y = h[cur + k];
        dx[k] = dh[k] * (1 - y) * (1 + y);
      }
      for (let r = 0; r < B; r++) {
        const s = this.symbols[(t - 1) * B + r];
        const hr = prev + r * n;
        for (let i = 0; i < n; i++) {
          const g = dx[r * n + i];
          db[i] += g;
          dW_in[i * nIn + s] += g;
          const wi = i * n;
          for (let j = 0; j < n; j++) dW_rec[wi + j] += g * h[hr + j];
        }
      }
      if (t === 1) break; // h_0 is a constant
      dh.fill(0);
      for (let r = 0; r < B; r++) {
        for (let i = 0; i < n; i++) {
          const g = dx[r * n + i];
          const wi = i * n;
          const dr = r * n;
          for (let j = 0; j < n; j++) dh[dr + j] += g * W_rec[wi + j];
        }
      }
    }
    return loss;
  }

  /** y = W_out·h_T + b_out, softmax, mean cross-entropy; fills dW_out, db_out and dh = ∂E/∂h_T. */
  private outputLayer(): number {
    const { T, B, h, p, W_out, b_out, dW_out, db_out, dh } = this;
    const last = T * B * n;
    let loss = 0;
    for (let r = 0; r < B; r++) {
      let max = -Infinity;
      for (let o = 0; o < nOut; o++) {
        let y = b_out[o];
        for (let j = 0; j < n; j++) y += W_out[o * n + j] * h[last + r * n + j];
        p[r * nOut + o] = y;
        if (y > max) max = y;
      }
      let z = 0;
      for (let o = 0; o < nOut; o++) z += Math.exp(p[r * nOut + o] - max);
      loss += Math.log(z) + max - p[r * nOut + this.targets[r]];
      for (let o = 0; o < nOut; o++) p[r * nOut + o] = Math.exp(p[r * nOut + o] - max) / z;
    }
    // ∂E/∂y = (softmax(y) − onehot(target)) / B
    dW_out.fill(0);
    db_out.fill(0);
    dh.fill(0);
    for (let r = 0; r < B; r++) {
      for (let o = 0; o < nOut; o++) {
        const g = (p[r * nOut + o] - (o === this.targets[r] ? 1 : 0)) / B;
        db_out[o] += g;
        for (let j = 0; j < n; j++) {
          dW_out[o * n + j] += g * h[last + r * n + j];
          dh[r * n + j] += g * W_out[o * n + j];
        }
      }
    }
    return loss / B;
  }
}

function sgd(w: Float64Array, g: Float64Array, rate: number): void {
  for (let i = 0; i < w.length; i++) w[i] -= rate * g[i];
}

function sumSquares(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return s;
}
