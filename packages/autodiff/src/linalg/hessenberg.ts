/**
 * @file The two similarity transforms that prepare a matrix for the QR algorithm: balancing
 * (diagonal scaling by powers of two) and Householder reduction to upper Hessenberg form. Both
 * keep the eigenvalues; both work in place on a row-major n × n Float64Array.
 */

/**
 * Balances `a` in place: a similarity D⁻¹AD with D diagonal, chosen so that each row and its
 * column have about the same norm. Eigenvalue errors scale with ‖A‖, and balancing can shrink ‖A‖
 * by orders of magnitude (companion matrices, badly scaled weights) without changing the spectrum.
 * D holds powers of two, so the scaling itself rounds nothing.
 */
export function balance(a: Float64Array, n: number): void {
  const radix = 2;
  let changed = true;
  while (changed) {
    changed = false;
    for (let i = 0; i < n; i++) {
      let c = 0;
      let r = 0;
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        c += Math.abs(a[j * n + i]);
        r += Math.abs(a[i * n + j]);
      }
      if (c === 0 || r === 0) continue;
      const total = c + r;
      // Find f = 2ᵏ bringing c·f and r/f as close as possible.
      let f = 1;
      while (c < r / radix) {
        c *= radix * radix;
        f *= radix;
      }
      while (c >= r * radix) {
        c /= radix * radix;
        f /= radix;
      }
      // Only scale when it reduces the row+column norm noticeably; this also ends the loop.
      if ((c + r) / f < 0.95 * total) {
        changed = true;
        for (let j = 0; j < n; j++) a[i * n + j] /= f;
        for (let j = 0; j < n; j++) a[j * n + i] *= f;
      }
    }
  }
}

/**
 * Reduces `a` in place to upper Hessenberg form (zero below the first subdiagonal) by n − 2
 * Householder similarities Pₖ A Pₖ, each zeroing column k below row k + 1.
 */
export function reduceToHessenberg(a: Float64Array, n: number): void {
  const v = new Float64Array(n);
  for (let k = 0; k < n - 2; k++) {
    // x = a[k+1.., k]; scaled by its largest entry so the norm cannot overflow.
    let scale = 0;
    for (let i = k + 1; i < n; i++) scale = Math.max(scale, Math.abs(a[i * n + k]));
    if (scale === 0) continue;
    let norm2 = 0;
    for (let i = k + 1; i < n; i++) {
      v[i] = a[i * n + k] / scale;
      norm2 += v[i] * v[i];
    }
    // P = I − 2vvᵀ/vᵀv with v = x − αe₁ maps x to αe₁; α takes the sign opposite to x₁ so that
    // forming x₁ − α never cancels. Then vᵀv = 2(‖x‖² − αx₁), so 2/vᵀv = 1/(‖x‖² − αx₁).
    const x1 = v[k + 1];
    const alpha = (x1 >= 0 ? -1 : 1) * Math.sqrt(norm2);
    v[k + 1] = x1 - alpha;
    const tau = 1 / (norm2 - alpha * x1);
    // Left: rows k+1.. of A ← P A (columns before k are already zero there).
    for (let j = k; j < n; j++) {
      let s = 0;
      for (let i = k + 1; i < n; i++) s += v[i] * a[i * n + j];
      s *= tau;
      for (let i = k + 1; i < n; i++) a[i * n + j] -= s * v[i];
    }
    // Right: columns k+1.. of A ← A P.
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = k + 1; j < n; j++) s += a[i * n + j] * v[j];
      s *= tau;
      for (let j = k + 1; j < n; j++) a[i * n + j] -= s * v[j];
    }
    // What P was built to zero is zero exactly, not rounding residue.
    a[(k + 1) * n + k] = alpha * scale;
    for (let i = k + 2; i < n; i++) a[i * n + k] = 0;
  }
}
