/**
 * @file @tapegrad/rnn given parameters and batches made by a second copy of @tapegrad/autodiff
 * (another bundle or another installed version): its argument checks accept them and the loss and
 * gradient equal those computed from this copy's tensors, bit for bit.
 */
import { describe, expect, it, vi } from 'vitest';
import { Rng, Tensor, treeMap, valueAndGrad } from '@tapegrad/autodiff';
import { initRnn, makeTask, rnnLoss, type RnnParams } from '@tapegrad/rnn';

vi.resetModules();
const other = await import('@tapegrad/autodiff');

describe('rnn with tensors from another copy of autodiff', () => {
  it('computes the same loss and gradient from the other copy’s parameters and inputs', () => {
    const batch = makeTask('temporal-order', { minLength: 10 }).sample(new Rng(3), 4);
    const { params, activation } = initRnn({ nIn: 6, nHidden: 5, nOut: 4, init: 'sigmoid', seed: 3 });
    const config = { activation, head: 'softmax-last' as const };
    const copied = treeMap(params, (t) => other.tensor(t.data, t.shape)) as RnnParams;
    const otherBatch = { ...batch, inputs: other.tensor(batch.inputs.data, batch.inputs.shape) };
    expect(Object.getPrototypeOf(copied.W_rec)).not.toBe(Tensor.prototype);

    const f = (b: typeof batch) => valueAndGrad((p: RnnParams) => rnnLoss(p, b, config));
    const mine = f(batch)(params);
    const theirs = f(otherBatch)(copied);
    expect(theirs.value.item()).toBe(mine.value.item());
    for (const k of Object.keys(mine.grad) as (keyof RnnParams)[]) {
      expect([...theirs.grad[k]!.data]).toEqual([...mine.grad[k]!.data]);
    }
  });
});
