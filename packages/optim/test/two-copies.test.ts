/**
 * @file @tapegrad/optim given tensors from a second copy of @tapegrad/autodiff (another bundle or
 * another installed version than the one optim imports): clipping and SGD accept them. Before the
 * tensor mark, clipGradNorm rejected them with "must be a Tensor".
 */
import { describe, expect, it, vi } from 'vitest';
import { Tensor } from '@tapegrad/autodiff';
import { SGD, clipGradNorm, globalNorm } from '@tapegrad/optim';

vi.resetModules();
const other = await import('@tapegrad/autodiff');

describe('optim with tensors from another copy of autodiff', () => {
  it('clips a gradient record made by the other copy (Algorithm 1: g · threshold/‖g‖)', () => {
    expect(other.Tensor).not.toBe(Tensor);
    const grads = { W: other.tensor([3]), b: other.tensor([4]) }; // ‖g‖ = 5
    expect(globalNorm(grads)).toBe(5);
    const r = clipGradNorm(grads, 2);
    expect(r.clipped).toBe(true);
    expect(r.grads.W.toArray()).toEqual([3 * (2 / 5)]);
    expect(r.grads.b.toArray()).toEqual([4 * (2 / 5)]);
  });

  it('takes an SGD step on parameters and gradients of the other copy: p − lr·g', () => {
    const opt = new SGD({ learningRate: 0.5 });
    const next = opt.step({ w: other.tensor([1, 2]) }, { w: other.tensor([2, -2]) });
    expect(next.w.toArray()).toEqual([1 - 0.5 * 2, 2 + 0.5 * 2]);
  });
});
