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
  /** ∂E/∂h_t of the step being walked back, B × n. */
  private readonly dh: Float64Array;
  /** ∂E/∂x_t for t = 1..T, each B × n. */
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
    this.dx = new Float64Array(data.T * data.B * n);
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
    // forward: x_t[r] = W_rec·h_{t−1}[r] + W_in[:, symbol] + b, dot products for four units at a
    // time (four independent sums hide the add latency and share each load of h)
    for (let t = 1; t <= T; t++) {
      const prev = (t - 1) * B * n;
      const cur = t * B * n;
      for (let r = 0; r < B; r++) {
        const s = this.symbols[(t - 1) * B + r];
        const hr = prev + r * n;
        const out = cur + r * n;
        let i = 0;
        for (; i + 4 <= n; i += 4) {
          const w = i * n;
          let x0 = b[i] + W_in[i * nIn + s];
          let x1 = b[i + 1] + W_in[(i + 1) * nIn + s];
          let x2 = b[i + 2] + W_in[(i + 2) * nIn + s];
          let x3 = b[i + 3] + W_in[(i + 3) * nIn + s];
          for (let j = 0; j < n; j++) {
            const hj = h[hr + j];
            x0 += W_rec[w + j] * hj;
            x1 += W_rec[w + n + j] * hj;
            x2 += W_rec[w + 2 * n + j] * hj;
            x3 += W_rec[w + 3 * n + j] * hj;
          }
          h[out + i] = Math.tanh(x0);
          h[out + i + 1] = Math.tanh(x1);
          h[out + i + 2] = Math.tanh(x2);
          h[out + i + 3] = Math.tanh(x3);
        }
        for (; i < n; i++) {
          let x = b[i] + W_in[i * nIn + s];
          for (let j = 0; j < n; j++) x += W_rec[i * n + j] * h[hr + j];
          h[out + i] = Math.tanh(x);
        }
      }
    }
    const loss = this.outputLayer();
    this.dW_in.fill(0);
    this.db.fill(0);
    // backward through time, from ∂E/∂h_T that outputLayer left in dh; ∂E/∂x_t is kept for
    // every t so that ∂W_rec = Σ_t dx_tᵀ·h_{t−1} becomes one product over all T·B rows at the end
    const { dh, dx, dW_in, db } = this;
    for (let t = T; t >= 1; t--) {
      const cur = t * B * n;
      const dxt = (t - 1) * B * n;
      for (let k = 0; k < B * n; k++) {
        const y = h[cur + k];
        dx[dxt + k] = dh[k] * (1 - y) * (1 + y);
      }
      for (let r = 0; r < B; r++) {
        const s = this.symbols[(t - 1) * B + r];
        for (let i = 0; i < n; i++) {
          const g = dx[dxt + r * n + i];
          db[i] += g;
          dW_in[i * nIn + s] += g;
        }
      }
      if (t === 1) break; // h_0 is a constant
      // dh_{t−1}[r] = dx_t[r]·W_rec: rows of W_rec scaled and summed, four at a time
      dh.fill(0);
      for (let r = 0; r < B; r++) {
        const dr = r * n;
        const gr = dxt + r * n;
        let i = 0;
        for (; i + 4 <= n; i += 4) {
          const g0 = dx[gr + i];
          const g1 = dx[gr + i + 1];
          const g2 = dx[gr + i + 2];
          const g3 = dx[gr + i + 3];
          const w = i * n;
          for (let j = 0; j < n; j++) dh[dr + j] += g0 * W_rec[w + j] + g1 * W_rec[w + n + j] + g2 * W_rec[w + 2 * n + j] + g3 * W_rec[w + 3 * n + j];
        }
        for (; i < n; i++) {
          const g = dx[gr + i];
          for (let j = 0; j < n; j++) dh[dr + j] += g * W_rec[i * n + j];
        }
      }
    }
    // h[0 .. T·B·n) holds h_0 … h_{T−1}: exactly the h_{t−1} that pair with dx_1 … dx_T
    transposedProduct(T * B, dx, h, this.dW_rec);
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

/**
 * out = aᵀ·b for a, b with `rows` rows of n: out[i][j] = Σ_p a[p][i]·b[p][j]. A 4×4 block of out
 * lives in 16 locals for the whole sum over p; the last n mod 4 rows and columns go one by one.
 * It mirrors @tapegrad/rnn's kernels.ts on purpose: the JS limit is the independent reference the
 * library is checked and timed against, so it must not call library code.
 */
function transposedProduct(rows: number, a: Float64Array, b: Float64Array, out: Float64Array): void {
  const n4 = n - (n % 4);
  for (let i = 0; i < n4; i += 4) {
    for (let j = 0; j < n4; j += 4) {
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      for (let p = 0; p < rows * n; p += n) {
        const a0 = a[p + i], a1 = a[p + i + 1], a2 = a[p + i + 2], a3 = a[p + i + 3];
        const b0 = b[p + j], b1 = b[p + j + 1], b2 = b[p + j + 2], b3 = b[p + j + 3];
        c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
        c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
        c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
        c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
      }
      const o = i * n + j;
      out[o] = c00; out[o + 1] = c01; out[o + 2] = c02; out[o + 3] = c03;
      out[o + n] = c10; out[o + n + 1] = c11; out[o + n + 2] = c12; out[o + n + 3] = c13;
      out[o + 2 * n] = c20; out[o + 2 * n + 1] = c21; out[o + 2 * n + 2] = c22; out[o + 2 * n + 3] = c23;
      out[o + 3 * n] = c30; out[o + 3 * n + 1] = c31; out[o + 3 * n + 2] = c32; out[o + 3 * n + 3] = c33;
    }
  }
  for (let i = 0; i < n; i++) {
    for (let j = i < n4 ? n4 : 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < rows * n; p += n) s += a[p + i] * b[p + j];
      out[i * n + j] = s;
    }
  }
}

function sumSquares(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return s;
}
