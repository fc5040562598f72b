/**
 * @file Ω of the recurrence in closed form and its immediate gradient with respect to W, the twin
 * of src/kernels/omega.ts (which derives the formulas). One call: the valid (step, example) rows,
 * σ', Z = D·W, the per-row ratios and coefficients, and G = Σ_p coef_p·δ_p·z_pᵀ.
 */
import { activate, slope2 } from './activation';
import { gemmSlivers, packB, sliverCount } from './gemm';

/**
 * Σ_i x[i]·y[i] for i < n in two interleaved partial sums (even and odd i, each in order, the odd
 * count's last term on the even sum), then even + odd: the order both paths use for row norms.
 */
export function dot2(x: usize, y: usize, n: i32): f64 {
  let acc = f64x2.splat(0);
  let i = 0;
  for (; i + 1 < n; i += 2) acc = f64x2.add(acc, f64x2.mul(v128.load(x + (<usize>i << 3)), v128.load(y + (<usize>i << 3))));
  let even: f64 = f64x2.extract_lane(acc, 0);
  if (i < n) even += load<f64>(x + (<usize>i << 3)) * load<f64>(y + (<usize>i << 3));
  return even + f64x2.extract_lane(acc, 1);
}

/**
 * Ω over `rows` rows of δ (D) and x_k (X), each [rows][n]; returns the sum of the terms over the
 * valid rows (‖δ‖² ≥ minD2) and stores their count at `pairsOut` (an i32). With `gradient`, G [n][n] gets
 * Σ_p coef_p·δ_pᵀ·z_p (not yet divided by the count). D, X are overwritten (compacted, scaled);
 * S, Z take rows·n doubles, norms `rows`, packed ⌈n/8⌉·max(n, rows)·8.
 * H ≠ 0: the rows h = σ(x_k) are there (left by the recurrence), so σ is not computed again; X = 0
 * then when the slope needs h alone (tanh, identity), else X holds the x rows as without H.
 * DW ≠ 0: the rows δ·W are there, and Z is not multiplied out.
 */
export function omegaRows(
  rows: i32, n: i32, act: i32, summary: bool, gradient: bool, minD2: f64,
  w: usize, D: usize, X: usize, H: usize, DW: usize, S: usize, Z: usize, norms: usize, G: usize, packed: usize, tile: usize, pairsOut: usize,
): f64 {
  const row = <usize>n << 3;
  let pairs = 0;
  for (let p = 0; p < rows; p++) {
    const d = D + <usize>p * row;
    const d2 = dot2(d, d, n);
    // a NaN norm fails the test too, as in the generic Ω's mask
    if (!(d2 >= minD2)) continue;
    const at = <usize>pairs * row;
    if (pairs != p) memory.copy(D + at, d, row);
    // h rows go straight to S (σ' is computed there in place), x rows stay in X
    if (H != 0) memory.copy(S + at, H + <usize>p * row, row);
    if (X != 0 && pairs != p) memory.copy(X + at, X + <usize>p * row, row);
    if (DW != 0) memory.copy(Z + at, DW + <usize>p * row, row);
    store<f64>(norms + (<usize>pairs << 3), d2);
    pairs++;
  }
  store<i32>(pairsOut, pairs);
  // S = σ'(x_k) from x and h = σ(x); without x rows the slope needs h only, so X is h too
  if (H == 0) activate(act, X, S, pairs * n);
  if (X == 0) X = S;
  let i = 0;
  for (; i + 1 < pairs * n; i += 2) {
    const o = <usize>i << 3;
    v128.store(S + o, slope2(act, v128.load(X + o), v128.load(S + o)));
  }
  if (i < pairs * n) {
    const o = <usize>i << 3;
    store<f64>(S + o, f64x2.extract_lane(slope2(act, f64x2.splat(load<f64>(X + o)), f64x2.splat(load<f64>(S + o))), 0));
  }
  const slivers = sliverCount(n);
  if (DW == 0) {
    packB(w, false, n, n, 0, slivers, packed);
    gemmSlivers(pairs, n, n, D, row, 8, packed, 0, slivers, Z, n, tile);
  }
  let total = 0.0;
  for (let p = 0; p < pairs; p++) {
    const z = Z + <usize>p * row;
    const s = S + <usize>p * row;
    // v = z ⊙ s in place, then ‖v‖², then z = v ⊙ s (what the gradient needs)
    let j = 0;
    for (; j + 1 < n; j += 2) v128.store(z + (<usize>j << 3), f64x2.mul(v128.load(z + (<usize>j << 3)), v128.load(s + (<usize>j << 3))));
    if (j < n) store<f64>(z + (<usize>j << 3), load<f64>(z + (<usize>j << 3)) * load<f64>(s + (<usize>j << 3)));
    const v2 = dot2(z, z, n);
    j = 0;
    for (; j + 1 < n; j += 2) v128.store(z + (<usize>j << 3), f64x2.mul(v128.load(z + (<usize>j << 3)), v128.load(s + (<usize>j << 3))));
    if (j < n) store<f64>(z + (<usize>j << 3), load<f64>(z + (<usize>j << 3)) * load<f64>(s + (<usize>j << 3)));
    const d2 = load<f64>(norms + (<usize>p << 3));
    let coef: f64;
    if (!summary) {
      const r = v2 / d2;
      total += (r - 1) * (r - 1);
      coef = (4 * (r - 1)) / d2;
    } else {
      const normV = Math.sqrt(v2);
      const normD = Math.sqrt(d2);
      const rho = normV / normD;
      total += (rho - 1) * (rho - 1);
      coef = v2 > 0 ? (2 * (rho - 1)) / (normD * normV) : 0;
    }
    const d = D + <usize>p * row;
    const cv = f64x2.splat(coef);
    j = 0;
    for (; j + 1 < n; j += 2) v128.store(d + (<usize>j << 3), f64x2.mul(v128.load(d + (<usize>j << 3)), cv));
    if (j < n) store<f64>(d + (<usize>j << 3), load<f64>(d + (<usize>j << 3)) * coef);
  }
  if (gradient) {
    // G = Dᵀ·Z: op(A)[i][p] = D[p][i], op(B) = Z
    packB(Z, false, pairs, n, 0, slivers, packed);
    gemmSlivers(n, n, pairs, D, 8, row, packed, 0, slivers, G, n, tile);
  }
  return total;
}
