/**
 * @file Linear algebra ops: matmul (2-D and batched, broadcasting the batch dimensions) and its
 * transposed variants, which the VJPs use so that no transpose is ever copied.
 */
import { ShapeError, showShape } from '../errors.js';
import { broadcastShapes, broadcastStrides } from '../kernels/elementwise.js';
import { gemm } from '../kernels/matmul.js';
import { record } from '../tape.js';
import { Tensor } from '../tensor.js';

const AB = ['a', 'b'];

/**
 * Matrix product of the last two dimensions; leading (batch) dimensions broadcast.
 *
 * @example
 * matmul(tensor([[1, 2]]), tensor([[3], [4]])).item(); // 11
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  return matmulT(a, b, false, false);
}

/**
 * op(a)·op(b) where op transposes the last two dimensions when its flag is set.
 * The VJP of each variant is another variant:
 *   C = AB:   ∂A = G·Bᵀ, ∂B = Aᵀ·G;   C = AᵀB: ∂A = B·Gᵀ;   C = ABᵀ: ∂B = Gᵀ·A.
 */
export function matmulT(a: Tensor, b: Tensor, transA: boolean, transB: boolean): Tensor {
  const op = 'matmul';
  if (a.rank < 2) throw new ShapeError(op, 'a', `needs at least 2 dimensions, got shape ${showShape(a.shape)} (use dot or outer for vectors)`);
  if (b.rank < 2) throw new ShapeError(op, 'b', `needs at least 2 dimensions, got shape ${showShape(b.shape)} (use dot or outer for vectors)`);
  const [ar, ac] = a.shape.slice(-2);
  const [br, bc] = b.shape.slice(-2);
  const m = transA ? ac : ar;
  const k = transA ? ar : ac;
  const kb = transB ? bc : br;
  const n = transB ? br : bc;
  if (k !== kb) {
    throw new ShapeError(
      op,
      'a, b',
      `inner dimensions differ: ${showShape(a.shape)}${transA ? 'ᵀ' : ''} · ${showShape(b.shape)}${transB ? 'ᵀ' : ''} has ${k} vs ${kb}`,
    );
  }
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  const batch = broadcastShapes(op, batchA, batchB, 'a, b (batch dimensions)');
  const count = batch.reduce((p, d) => p * d, 1);
  const out = new Float64Array(count * m * n);
  if (count === 1) {
    gemm(transA, transB, m, n, k, a.data, 0, b.data, 0, out, 0);
  } else {
    const sa = broadcastStrides(batchA, batch);
    const sb = broadcastStrides(batchB, batch);
    const index = new Array<number>(batch.length).fill(0);
    for (let t = 0; t < count; t++) {
      let ia = 0;
      let ib = 0;
      for (let d = 0; d < batch.length; d++) {
        ia += index[d] * sa[d];
        ib += index[d] * sb[d];
      }
      gemm(transA, transB, m, n, k, a.data, ia * ar * ac, b.data, ib * br * bc, out, t * m * n);
      for (let d = batch.length - 1; d >= 0 && ++index[d] === batch[d]; d--) index[d] = 0;
    }
  }
  const result = new Tensor(out, [...batch, m, n]);
  return record(result, op, [a, b], AB, (g, needs) => [
    needs[0] ? (transA ? matmulT(b, g, transB, true) : matmulT(g, b, false, !transB)) : null,
    needs[1] ? (transB ? matmulT(g, a, true, transA) : matmulT(a, g, !transA, false)) : null,
  ]);
}
