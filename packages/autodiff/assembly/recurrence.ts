/**
 * @file The recurrence x_t = W·σ(x_{t−1}) + W_in·u_t + b (+ offset_t) over all T steps in one call,
 * and backpropagation through time in another: the fused sequence op of @tapegrad/rnn with its data
 * resident in wasm memory. Rows are examples: X_t = H_{t−1}·Wᵀ + U_t·W_inᵀ + b. The twin of
 * src/kernels/recurrence.ts (same operations per element, in the same order).
 */
import { activate, slope2 } from './activation';
import { gemmSlivers, packB, sliverCount } from './gemm';

/** X[0..len) += Y[0..len). */
export function addInto(x: usize, y: usize, len: i32): void {
  let i = 0;
  for (; i + 1 < len; i += 2) v128.store(x + (<usize>i << 3), f64x2.add(v128.load(x + (<usize>i << 3)), v128.load(y + (<usize>i << 3))));
  if (i < len) store<f64>(x + (<usize>i << 3), load<f64>(x + (<usize>i << 3)) + load<f64>(y + (<usize>i << 3)));
}

/** x[0..len) += s·y[0..len) (s·y and y·s are the same float64 product). */
export function axpy(x: usize, s: f64, y: usize, len: i32): void {
  const sv = f64x2.splat(s);
  let i = 0;
  for (; i + 1 < len; i += 2) {
    const o = <usize>i << 3;
    v128.store(x + o, f64x2.add(v128.load(x + o), f64x2.mul(sv, v128.load(y + o))));
  }
  if (i < len) store<f64>(x + (<usize>i << 3), load<f64>(x + (<usize>i << 3)) + s * load<f64>(y + (<usize>i << 3)));
}

/** dst [cols × rows] = srcᵀ for src [rows × cols], in 8 × 8 blocks so both sides stay in cache. */
export function transpose(src: usize, rows: i32, cols: i32, dst: usize): void {
  for (let r0 = 0; r0 < rows; r0 += 8) {
    const r1 = min(r0 + 8, rows);
    for (let c0 = 0; c0 < cols; c0 += 8) {
      const c1 = min(c0 + 8, cols);
      for (let r = r0; r < r1; r++) {
        for (let c = c0; c < c1; c++) store<f64>(dst + ((<usize>c * rows + r) << 3), load<f64>(src + ((<usize>r * cols + c) << 3)));
      }
    }
  }
}

/**
 * X_t = H_{t−1}·Wᵀ + b + Σ_j u_tj·W_in[:, j] (zero inputs skipped) + offset_t, H_t = σ(X_t), for
 * t = 1..T. H_0 = σ(x_0), x_0 one row shared by all B (rows0 = 1) or B rows. X holds x_1..x_T and
 * H h_0..h_T, each step B × n. `winT` is W_in transposed ([nIn][n]); `packed` takes ⌈n/8⌉·n·8
 * doubles; offsets = 0 for none.
 */
export function recurrenceForward(
  T: i32, B: i32, n: i32, nIn: i32, act: i32,
  x0: usize, rows0: i32, w: usize, u: usize, winT: usize, bias: usize, offsets: usize,
  X: usize, H: usize, packed: usize, tile: usize,
): void {
  const slivers = sliverCount(n);
  packB(w, true, n, n, 0, slivers, packed); // op(B) = Wᵀ
  const row = <usize>n << 3;
  const step = <usize>B * row;
  for (let r = 0; r < B; r++) activate(act, x0 + (rows0 == 1 ? 0 : <usize>r * row), H + <usize>r * row, n);
  for (let t = 0; t < T; t++) {
    const xt = X + <usize>t * step;
    gemmSlivers(B, n, n, H + <usize>t * step, row, 8, packed, 0, slivers, xt, n, tile);
    for (let r = 0; r < B; r++) {
      const xr = xt + <usize>r * row;
      addInto(xr, bias, n);
      const ur = u + ((<usize>(t * B + r) * nIn) << 3);
      for (let j = 0; j < nIn; j++) {
        const uj = load<f64>(ur + (<usize>j << 3));
        if (uj != 0) axpy(xr, uj, winT + <usize>j * row, n);
      }
    }
    if (offsets != 0) addInto(xt, offsets + <usize>t * step, B * n);
    activate(act, xt, H + <usize>(t + 1) * step, B * n);
  }
}

/** D[0..len) = (g ? g : 0) + dh·σ'(x) with x at xs and h = σ(x) at hs. */
function throughActivation(act: i32, xs: usize, hs: usize, dh: usize, g: usize, D: usize, len: i32): void {
  let i = 0;
  for (; i + 1 < len; i += 2) {
    const o = <usize>i << 3;
    const base = g == 0 ? f64x2.splat(0) : v128.load(g + o);
    v128.store(D + o, f64x2.add(base, f64x2.mul(v128.load(dh + o), slope2(act, v128.load(xs + o), v128.load(hs + o)))));
  }
  if (i < len) {
    const o = <usize>i << 3;
    const s = f64x2.extract_lane(slope2(act, f64x2.splat(load<f64>(xs + o)), f64x2.splat(load<f64>(hs + o))), 0);
    store<f64>(D + o, (g == 0 ? 0 : load<f64>(g + o)) + load<f64>(dh + o) * s);
  }
}

/**
 * δ_T = g_T, δ_t = g_t + (δ_{t+1}·W) ⊙ σ'(x_t) into D (T steps of B × n), and dh = δ_1·W at the end
 * when needX0 (the gradient of σ(x_0)). g, X as forward's X, H as forward's H. With DW ≠ 0 every
 * δ_{t+1}·W is kept there, step t at DW + t·B·n (what Ω's closed form multiplies out again), and
 * the last one, δ_1·W, is dh.
 */
export function recurrenceBackward(
  T: i32, B: i32, n: i32, act: i32,
  g: usize, X: usize, H: usize, w: usize, D: usize, dh: usize, needX0: bool, DW: usize, packed: usize, tile: usize,
): void {
  const slivers = sliverCount(n);
  packB(w, false, n, n, 0, slivers, packed); // op(B) = W
  const row = <usize>n << 3;
  const step = <usize>B * row;
  memory.copy(D + <usize>(T - 1) * step, g + <usize>(T - 1) * step, step);
  let previous = dh; // δ_{t+2}·W, from the step before
  for (let t = T - 1; t >= 0; t--) {
    const o = <usize>t * step;
    if (t < T - 1) throughActivation(act, X + o, H + o + step, previous, g + o, D + o, B * n);
    const out = DW != 0 ? DW + o : dh;
    if (t > 0 || needX0 || DW != 0) gemmSlivers(B, n, n, D + o, row, 8, packed, 0, slivers, out, n, tile);
    previous = out;
  }
}

/** D[0..len) = 0 + dh·σ'(x) for x at xs, h at hs: the step back from σ(x_0) to x_0. */
export function initialStateGradient(act: i32, xs: usize, hs: usize, dh: usize, D: usize, len: i32): void {
  throughActivation(act, xs, hs, dh, 0, D, len);
}

/** out[0..n) = Σ_p a[p][0..n) over rows p in order (column sums, from 0). */
export function sumRows(a: usize, rows: i32, n: i32, out: usize): void {
  memory.fill(out, 0, <usize>n << 3);
  for (let p = 0; p < rows; p++) addInto(out, a + ((<usize>p * n) << 3), n);
}

/**
 * outT [nIn][n]: outT[j][i] = Σ_p D[p][i]·U[p][j] over rows p in order, zero inputs skipped (a
 * one-hot row costs n, not n·nIn): ∂W_in, transposed.
 */
export function inputWeightGradient(D: usize, U: usize, rows: i32, n: i32, nIn: i32, outT: usize): void {
  memory.fill(outT, 0, (<usize>n * nIn) << 3);
  for (let p = 0; p < rows; p++) {
    for (let j = 0; j < nIn; j++) {
      const uj = load<f64>(U + ((<usize>p * nIn + j) << 3));
      if (uj != 0) axpy(outT + ((<usize>j * n) << 3), uj, D + ((<usize>p * n) << 3), n);
    }
  }
}

