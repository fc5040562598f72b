/**
 * @file Two copies of @tapegrad/autodiff loaded at once (two bundles, or two installed versions):
 * each copy's `instanceof Tensor` accepts the other's tensors, so argument checks, tree walks and
 * ops work across copies. The second copy is a fresh evaluation of the same modules.
 */
import { describe, expect, it, vi } from 'vitest';
import { Tape, Tensor, add, grad, matmul, sum, tanh, tensor, treeMap } from '@tapegrad/autodiff';

vi.resetModules();
const other = await import('@tapegrad/autodiff');

describe('Tensor across two copies of the package', () => {
  it('really is a second copy: another Tensor class and another Tape class', () => {
    expect(other.Tensor).not.toBe(Tensor);
    expect(other.Tape).not.toBe(Tape);
    expect(Object.getPrototypeOf(other.tensor([1]))).not.toBe(Tensor.prototype);
  });

  it('answers instanceof for tensors of either copy, and only for tensors', () => {
    expect(other.tensor([1, 2]) instanceof Tensor).toBe(true);
    expect(tensor([1, 2]) instanceof other.Tensor).toBe(true);
    for (const x of [[1, 2], { data: new Float64Array(2), shape: [2] }, new Float64Array(2), null, undefined, 3, 'x']) {
      expect(x instanceof Tensor).toBe(false);
    }
  });

  it("runs this copy's ops on the other copy's tensors", () => {
    // [[1, 2], [3, 4]]·[[1], [1]] = [[3], [7]], plus 1 is [[4], [8]].
    const y = add(
      matmul(
        other.tensor([
          [1, 2],
          [3, 4],
        ]),
        other.tensor([[1], [1]]),
      ),
      1,
    );
    expect(y).toBeInstanceOf(Tensor);
    expect(y.toArray()).toEqual([[4], [8]]);
    expect(treeMap({ w: other.tensor([2]) }, (t) => add(t, 1)).w.toArray()).toEqual([3]);
  });

  it("differentiates at the other copy's tensors: d/dx Σ tanh(x) = 1 − tanh²(x)", () => {
    const x = other.tensor([0, 0.5, -1]);
    const g = grad((t: Tensor) => sum(tanh(t)))(x);
    expect([...g.data]).toEqual([...x.data].map((v) => 1 - Math.tanh(v) ** 2));
  });
});
