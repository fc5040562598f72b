/**
 * @file The Ω regularizer of Pascanu et al. (2013) for eq. (2), written out as loops from its
 * formula, for the tests to compare tapegrad's two implementations against (the generic one in
 * @tapegrad/optim, through a nested VJP, and rnn's closed form). No tapegrad code.
 *
 * For each step k = 0..T−1 and example b, with δ = δ_{k+1} (row b) and s = σ'(x_k) (row b):
 *   v_j = Σ_i δ_i W_rec[i][j] s_j        (v = δ·∂x_{k+1}/∂x_k, one step of backpropagation)
 *   'paper':   r = ‖v‖²/‖δ‖²,  term (r − 1)²,  Ω = mean of the terms over the pairs that count
 *   'summary': ρ = ‖v‖/‖δ‖,    term (ρ − 1)²,  Ω = sum of the terms
 * A pair counts when ‖δ‖² ≥ 1e-20. The immediate gradient holds x and δ fixed:
 *   ∂v_j/∂W_rec[i][j] = δ_i s_j, so ∂‖v‖²/∂W_rec[i][j] = 2 v_j δ_i s_j, and
 *   'paper':   ∂term = 2(r − 1)·(2 v_j δ_i s_j)/‖δ‖²
 *   'summary': ∂term = 2(ρ − 1)·(v_j δ_i s_j)/(‖δ‖‖v‖), and 0 where v = 0 (‖v‖ has no derivative).
 */
import { activation, type Mat, type Sigma } from './rnn.js';

export interface RefOmega {
  value: number;
  /** ∂Ω/∂W_rec, [n][n]. */
  grad: Mat;
  pairs: number;
}

/** Ω and its immediate gradient for states x_0..x_T and error signals δ_1..δ_T (each [B][n]). */
export function referenceOmega(
  W_rec: Mat,
  sigma: Sigma,
  states: Mat[],
  deltas: Mat[],
  form: 'paper' | 'summary',
): RefOmega {
  const n = W_rec.length;
  const grad: Mat = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  let value = 0;
  let pairs = 0;
  for (let k = 0; k < deltas.length; k++) {
    for (let e = 0; e < deltas[k].length; e++) {
      const d = deltas[k][e];
      const s = states[k][e].map((x) => activation(sigma, x)[1]);
      const d2 = d.reduce((acc, v) => acc + v * v, 0);
      if (!(d2 >= 1e-20)) continue;
      pairs++;
      const v = s.map((sj, j) => d.reduce((acc, di, i) => acc + di * W_rec[i][j], 0) * sj);
      const v2 = v.reduce((acc, x) => acc + x * x, 0);
      let coef: number; // ∂term/∂W_rec[i][j] = coef · v_j δ_i s_j
      if (form === 'paper') {
        const r = v2 / d2;
        value += (r - 1) ** 2;
        coef = (4 * (r - 1)) / d2;
      } else {
        const rho = Math.sqrt(v2) / Math.sqrt(d2);
        value += (rho - 1) ** 2;
        coef = v2 > 0 ? (2 * (rho - 1)) / (Math.sqrt(d2) * Math.sqrt(v2)) : 0;
      }
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) grad[i][j] += coef * v[j] * d[i] * s[j];
    }
  }
  if (form === 'paper' && pairs > 0) {
    value /= pairs;
    for (const row of grad) for (let j = 0; j < n; j++) row[j] /= pairs;
  }
  return { value, grad, pairs };
}
