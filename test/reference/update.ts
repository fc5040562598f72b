/**
 * @file The paper's update written out as loops for the tests to compare tapegrad against:
 * g ← ∇E + α·∇Ω, Algorithm 1's global-norm clipping, and SGD with (Nesterov) momentum. Parameter
 * records are plain objects of flat row-major number arrays. No tapegrad code.
 */

/** A parameter (or gradient) record: name → values in row-major order. */
export type Flat = Record<string, number[]>;

/** √(Σ g²) over every entry of every parameter. */
export function referenceNorm(grads: Flat): number {
  let s = 0;
  for (const g of Object.values(grads)) for (const v of g) s += v * v;
  return Math.sqrt(s);
}

/** Algorithm 1: if ‖g‖ ≥ threshold (or > with compare '>'), g ← (threshold/‖g‖)·g. */
export function referenceClip(
  grads: Flat,
  threshold: number,
  compare: '>=' | '>' = '>=',
): { grads: Flat; norm: number; clipped: boolean } {
  const norm = referenceNorm(grads);
  const clipped = compare === '>=' ? norm >= threshold : norm > threshold;
  if (!clipped) return { grads, norm, clipped };
  const out: Flat = {};
  for (const [k, g] of Object.entries(grads)) out[k] = g.map((v) => v * (threshold / norm));
  return { grads: out, norm, clipped };
}

/**
 * One SGD step, PyTorch's convention: v ← μv + g; p ← p − lr·v (heavy ball) or
 * p ← p − lr·(g + μv) (Nesterov). `buffers` (v, zeros when absent) is not changed: the new
 * buffers are returned.
 */
export function referenceSgd(
  params: Flat,
  grads: Flat,
  o: { lr: number; momentum?: number; nesterov?: boolean },
  buffers: Flat = {},
): { params: Flat; buffers: Flat } {
  const mu = o.momentum ?? 0;
  const next: Flat = {};
  const nextBuffers: Flat = {};
  for (const [k, p] of Object.entries(params)) {
    const g = grads[k];
    const v = p.map((_, i) => mu * (buffers[k]?.[i] ?? 0) + g[i]);
    if (mu !== 0) nextBuffers[k] = v;
    next[k] = p.map((x, i) => x - o.lr * (mu === 0 ? g[i] : o.nesterov ? g[i] + mu * v[i] : v[i]));
  }
  return { params: next, buffers: nextBuffers };
}

/** ∇E + α·∇Ω leaf by leaf (∇Ω absent on a leaf counts as zero). */
export function referenceCombine(lossGrads: Flat, omegaGrads: Flat, alpha: number): Flat {
  const out: Flat = {};
  for (const [k, g] of Object.entries(lossGrads)) out[k] = g.map((v, i) => v + alpha * (omegaGrads[k]?.[i] ?? 0));
  return out;
}
