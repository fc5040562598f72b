/**
 * @file Linear algebra ops: matmul (2-D and batched, broadcasting the batch dimensions) and its
 * transposed variants, which the VJPs use so that no transpose is ever copied; and the vector
 * products outer and dot. (transpose/permute live with the shape ops in shape.ts.)
 */
import { ShapeError, showShape } from '../errors.js';
import { broadcastShapes, broadcastStrides } from '../kernels/elementwise.js';
import { gemm } from '../kernels/matmul.js';
import { record } from '../tape.js';
import { Tensor } from '../tensor.js';
import { mul } from './elementwise.js';
import { reshape } from './shape.js';

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
  if (a.rank < 2)
    throw new ShapeError(
      op,
      'a',
      `needs at least 2 dimensions, got shape ${showShape(a.shape)} (use dot or outer for vectors)`,
    );
  if (b.rank < 2)
    throw new ShapeError(
      op,
      'b',
      `needs at least 2 dimensions, got shape ${showShape(b.shape)} (use dot or outer for vectors)`,
    );
  const ar = a.shape[a.rank - 2];
  const ac = a.shape[a.rank - 1];
  const br = b.shape[b.rank - 2];
  const bc = b.shape[b.rank - 1];
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
  if (a.rank === 2 && b.rank === 2) {
    const out = new Float64Array(m * n);
    gemm({ m, n, k, a: a.data, b: b.data, c: out, transA, transB });
    return recordMatmul(new Tensor(out, [m, n]), a, b, transA, transB);
  }
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  const batch = broadcastShapes(op, batchA, batchB, 'a, b (batch dimensions)');
  const count = batch.reduce((p, d) => p * d, 1);
  const out = new Float64Array(count * m * n);
  if (count === 1) {
    gemm({ m, n, k, a: a.data, b: b.data, c: out, transA, transB });
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
      gemm({
        m,
        n,
        k,
        a: a.data,
        b: b.data,
        c: out,
        transA,
        transB,
        aOffset: ia * ar * ac,
        bOffset: ib * br * bc,
        cOffset: t * m * n,
      });
      for (let d = batch.length - 1; d >= 0 && ++index[d] === batch[d]; d--) index[d] = 0;
    }
  }
  return recordMatmul(new Tensor(out, [...batch, m, n]), a, b, transA, transB);
}

function recordMatmul(out: Tensor, a: Tensor, b: Tensor, transA: boolean, transB: boolean): Tensor {
  return record(out, 'matmul', [a, b], AB, (g, needs) => [
    needs[0] ? (transA ? matmulT(b, g, transB, true) : matmulT(g, b, false, !transB)) : null,
    needs[1] ? (transB ? matmulT(g, a, true, transA) : matmulT(a, g, !transA, false)) : null,
  ]);
}

function checkVector(op: string, x: Tensor, argument: string): void {
  if (x.rank !== 1) throw new ShapeError(op, argument, `needs a vector (1 dimension), got shape ${showShape(x.shape)}`);
}

/**
 * Outer product of two vectors: out[i][j] = a[i]·b[j].
 *
 * @example
 * outer(tensor([1, 2]), tensor([3, 4, 5])).toArray(); // [[3, 4, 5], [6, 8, 10]]
 */
export function outer(a: Tensor, b: Tensor): Tensor {
  checkVector('outer', a, 'a');
  checkVector('outer', b, 'b');
  const m = a.size;
  const n = b.size;
  const data = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    const ai = a.data[i];
    for (let j = 0; j < n; j++) data[i * n + j] = ai * b.data[j];
  }
  const out = new Tensor(data, [m, n]);
  // ∂/∂a = G·b, ∂/∂b = Gᵀ·a
  return record(out, 'outer', [a, b], AB, (g, needs) => [
    needs[0] ? reshape(matmul(g, reshape(b, [n, 1])), [m]) : null,
    needs[1] ? reshape(matmulT(g, reshape(a, [m, 1]), true, false), [n]) : null,
  ]);
}

/**
 * Inner product of two vectors of the same length: Σ a[i]·b[i], a scalar.
 *
 * @example
 * dot(tensor([1, 2, 3]), tensor([4, 5, 6])).item(); // 32
 */
export function dot(a: Tensor, b: Tensor): Tensor {
  checkVector('dot', a, 'a');
  checkVector('dot', b, 'b');
  if (a.size !== b.size)
    throw new ShapeError('dot', 'a, b', `vectors differ in length: ${showShape(a.shape)} · ${showShape(b.shape)}`);
  let s = 0;
  for (let i = 0; i < a.size; i++) s += a.data[i] * b.data[i];
  const out = new Tensor(new Float64Array([s]), []);
  // ∂/∂a = g·b, ∂/∂b = g·a (g is a scalar)
  return record(out, 'dot', [a, b], AB, (g, needs) => [needs[0] ? mul(g, b) : null, needs[1] ? mul(g, a) : null]);
}
