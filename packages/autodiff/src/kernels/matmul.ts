/**
 * @file Matrix multiplication on Float64Array, C = op(A)·op(B) where op transposes or not, so the
 * backward pass never materialises a transpose.
 */

/**
 * Writes op(A)·op(B) into `c` (m × n, overwritten). A is stored m × k (or k × m when transA),
 * B is stored k × n (or n × k when transB). Offsets select one matrix of a batch.
 */
export function gemm(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  a: Float64Array,
  aOffset: number,
  b: Float64Array,
  bOffset: number,
  c: Float64Array,
  cOffset: number,
): void {
  // strides of op(A)[i][p] and op(B)[p][j]
  const ai = transA ? 1 : k;
  const ap = transA ? m : 1;
  const bp = transB ? 1 : n;
  const bj = transB ? k : 1;
  for (let i = 0; i < m; i++) {
    const ci = cOffset + i * n;
    for (let j = 0; j < n; j++) c[ci + j] = 0;
    for (let p = 0; p < k; p++) {
      const aip = a[aOffset + i * ai + p * ap];
      if (aip === 0) continue;
      const bRow = bOffset + p * bp;
      for (let j = 0; j < n; j++) c[ci + j] += aip * b[bRow + j * bj];
    }
  }
}
