/**
 * @file The ops at the edges of what they accept: boundary arguments that are valid (an empty
 * slice, a size-0 scatter, clamp to one point), windows that share their data, the gradient of
 * `maximum`/`minimum` at ties for the second argument, −0 and +0 operands, batched products with two
 * batch dimensions against a plain triple loop, and arguments refused with their exact message.
 */
import { describe, expect, it } from 'vitest';
import * as t from '@tapegrad/autodiff';
import { ShapeError, ValueError, arange, defineOp, grad, sum, tensor, zeros, type Tensor } from '@tapegrad/autodiff';
import { expectClose, thrown } from './ops-helpers.js';

describe('valid boundary arguments', () => {
  it('slice with end 0 is empty, scatterAdd into size 0 is empty, clamp to one point is allowed', () => {
    expect(t.slice(arange(3), [0], [0]).shape).toEqual([0]);
    expect(t.scatterAdd(zeros([0]), [], 0, 0).shape).toEqual([0]);
    expectClose(t.clamp(tensor([-1, 2]), 1, 1), [1, 1]);
    expect(t.reshape(arange(6), [-1, 1]).shape).toEqual([6, 1]);
  });

  it('a gather index of −n is the first position, one below −n is refused', () => {
    expectClose(t.gather(tensor([1, 2, 3]), [-3]), [1]);
    expect(thrown(() => t.gather(tensor([1, 2, 3]), [-4])).message).toBe(
      "gather: argument 'indices[0]': index -4 is out of range for a dimension of size 3 (valid: integers -3 to 2)",
    );
  });
});

describe('windows that share their data', () => {
  // slice promises to share x's data when the window is one contiguous run of it
  const x = arange(9);
  const m = t.reshape(x, [3, 3]);
  const shares = (w: Tensor) => w.data.buffer === x.data.buffer;
  it('shares the leading rows, the whole tensor, and a run inside one row', () => {
    const first = t.slice(m, [0], [1]);
    expect(shares(first)).toBe(true);
    expect(first.data.byteOffset).toBe(0);
    expect(shares(t.slice(m, [0, 0], [3, 3]))).toBe(true);
    expect(shares(t.slice(m, [0], [2]))).toBe(true);
    const run = t.slice(m, [1, 0], [2, 2]);
    expect(shares(run)).toBe(true);
    expectClose(run, [[3, 4]]);
  });

  it('copies a window that is not contiguous', () => {
    const cols = t.slice(m, [0, 1], [2, 3]);
    expect(shares(cols)).toBe(false);
    expectClose(cols, [
      [1, 2],
      [4, 5],
    ]);
  });
});

describe('gradients at ties, for the second argument', () => {
  it('maximum and minimum give half the gradient to b where a = b', () => {
    // a = [1, 2, 3] against b = [2, 2, 2]: b wins, ties, loses for maximum (and the reverse for minimum)
    const a = tensor([1, 2, 3]);
    const b = tensor([2, 2, 2]);
    expectClose(grad((y: Tensor) => sum(t.maximum(a, y)))(b), [1, 0.5, 0]);
    expectClose(grad((y: Tensor) => sum(t.minimum(a, y)))(b), [0, 0.5, 1]);
  });
});

describe('numbers as operands', () => {
  it('keeps −0 and +0 apart, in either order', () => {
    // 1/−0 = −∞ and 1/+0 = +∞: a shared constant for one must not stand in for the other
    expect(t.div(1, -0).item()).toBe(-Infinity);
    expect(t.div(1, 0).item()).toBe(Infinity);
    expect(t.div(1, -0).item()).toBe(-Infinity);
    expect(t.mul(tensor([1]), -0).data[0]).toBe(-0);
  });
});

describe('products over two batch dimensions', () => {
  it('matmul broadcasts [2, 2, 2, 3] · [3, 2] like a plain loop over each batch', () => {
    const a = t.reshape(t.mul(arange(24), 0.5), [2, 2, 2, 3]);
    const b = tensor([
      [1, -1],
      [2, 0.5],
      [-3, 4],
    ]);
    const out = t.matmul(a, b);
    expect(out.shape).toEqual([2, 2, 2, 2]);
    for (let batch = 0; batch < 4; batch++)
      for (let i = 0; i < 2; i++)
        for (let j = 0; j < 2; j++) {
          let s = 0;
          for (let k = 0; k < 3; k++) s += a.data[batch * 6 + i * 3 + k] * b.data[k * 2 + j];
          expect(out.data[batch * 4 + i * 2 + j]).toBe(s);
        }
    // one batch: [1, 2, 3] · [3, 2]
    // one batch of one: [1, 2, 3] · [3, 2], rows [0, 0.5, 1] and [1.5, 2, 2.5]
    expectClose(t.matmul(t.reshape(t.slice(a, [0, 0], [1, 1]), [1, 2, 3]), b), [
      [
        [-2, 4.25],
        [-2, 9.5],
      ],
    ]);
  });
});

describe('norm', () => {
  it('has gradient x/‖x‖ on the rows that are not zero when another row is', () => {
    const x = tensor([
      [3, 4],
      [0, 0],
    ]);
    expectClose(grad((y: Tensor) => sum(t.norm(y, { axis: 1 })))(x), [
      [0.6, 0.8],
      [0, 0],
    ]);
  });
});

describe('softmaxCrossEntropy', () => {
  it('class indices have gradient (softmax(z) − onehot)/B', () => {
    const z = tensor([
      [0, Math.log(3)],
      [Math.log(2), 0],
    ]);
    // softmax rows [1/4, 3/4] and [2/3, 1/3]; targets 1 and 0
    expectClose(grad((y: Tensor) => t.softmaxCrossEntropy(y, [1, 0]))(z), [
      [0.125, -0.125],
      [-1 / 6, 1 / 6],
    ]);
  });

  it('a zero target contributes nothing where log p is −∞', () => {
    expect(t.softmaxCrossEntropy(tensor([[0, -Infinity]]), tensor([[1, 0]])).item()).toBe(0);
  });
});

/** Refused arguments and the whole message. */
const refused: [string, () => unknown][] = [
  ["pad: argument 'before, after': list 2 and 0 entries for shape [2]", () => t.pad(zeros([2]), [1, 1], [])],
  ["pad: argument 'before, after': list 0 and 2 entries for shape [2]", () => t.pad(zeros([2]), [], [1, 1])],
  [
    "pad: argument 'before, after': padding of dimension 0 must be non-negative integers, got 0 and 0.5",
    () => t.pad(zeros([2]), [0], [0.5]),
  ],
  [
    "pad: argument 'before, after': padding of dimension 0 must be non-negative integers, got 0 and -1",
    () => t.pad(zeros([2]), [0], [-1]),
  ],
  ["scatterAdd: argument 'size': must be a non-negative integer, got -1", () => t.scatterAdd(zeros([1]), [0], 0, -1)],
  ["scatterAdd: argument 'size': must be a non-negative integer, got 1.5", () => t.scatterAdd(zeros([1]), [0], 0, 1.5)],
  ["gather: argument 'indices' must be an array of integers, got string", () => t.gather(zeros([2]), '01' as never)],
  ["concat: argument 'xs[1]' must be a Tensor, got number", () => t.concat([zeros([2]), 3 as never])],
  ["stack: argument 'xs': needs a non-empty array of tensors, got []", () => t.stack([])],
  [
    "stack: argument 'xs[1]': has shape [2], but every tensor must have xs[0]'s shape [2, 3]",
    () => t.stack([zeros([2, 3]), zeros([2])]),
  ],
  [
    "split: argument 'sizesOrCount': cannot cut axis 0 of length 6 (shape [6]) into -2 equal parts",
    () => t.split(arange(6), -2),
  ],
  [
    "split: argument 'sizesOrCount': cannot cut axis 0 of length 6 (shape [6]) into 1.5 equal parts",
    () => t.split(arange(6), 1.5),
  ],
  [
    "matmul: argument 'a, b': inner dimensions differ: [2, 3]ᵀ · [2, 3]ᵀ has 2 vs 3",
    () => t.matmulT(zeros([2, 3]), zeros([2, 3]), true, true),
  ],
  [
    "softmaxCrossEntropy: argument 'targets': a target tensor must have the logits' shape [2, 3], got [3, 3]",
    () => t.softmaxCrossEntropy(zeros([2, 3]), zeros([3, 3])),
  ],
  [
    "softmaxCrossEntropy: argument 'targets': a target tensor must have the logits' shape [2, 3], got [2, 3, 1]",
    () => t.softmaxCrossEntropy(zeros([2, 3]), zeros([2, 3, 1])),
  ],
  [
    "softmaxCrossEntropy: argument 'targets' must be class indices (number[] or Int32Array) or a Tensor, got string",
    () => t.softmaxCrossEntropy(zeros([2, 3]), 'ab' as never),
  ],
  ["mse: argument 'pred, target': shapes differ: [2, 3] vs [3, 2]", () => t.mse(zeros([2, 3]), zeros([3, 2]))],
  ["sumTo: argument 'shape': [3] cannot be summed to [1, 3]", () => t.sumTo(zeros([3]), [1, 3])],
  ["sumTo: argument 'shape': [2, 3] cannot be summed to [2, 2]", () => t.sumTo(zeros([2, 3]), [2, 2])],
  ["reshape: argument 'shape': cannot reshape [6] (6 elements) to [4, -1]", () => t.reshape(arange(6), [4, -1])],
  ["reshape: argument 'shape': cannot reshape [0] (0 elements) to [0, -1]", () => t.reshape(zeros([0]), [0, -1])],
  ["reshape: argument 'shape': only one dimension may be −1, got [-1, -1]", () => t.reshape(arange(6), [-1, -1])],
  [
    "reshape: argument 'shape': dimensions must be non-negative integers, got [2, -2]",
    () => t.reshape(arange(6), [2, -2]),
  ],
  ["broadcastTo: argument 'shape': [3] does not broadcast to [1]", () => t.broadcastTo(zeros([3]), [1])],
  [
    "sum: argument 'axis': axis 0 is repeated in [0,1,0] for shape [2, 2]",
    () => t.sum(zeros([2, 2]), { axis: [0, 1, 0] }),
  ],
];

describe('refused arguments, with their whole message', () => {
  for (const [message, run] of refused) {
    it(message, () => {
      const error = thrown(run);
      expect(error.message).toBe(message);
      expect(error).toBeInstanceOf(Error);
    });
  }

  it('the errors are typed', () => {
    expect(thrown(() => t.pad(zeros([2]), [1, 1], []))).toBeInstanceOf(ShapeError);
    expect(thrown(() => t.split(arange(6), 1.5))).toBeInstanceOf(ValueError);
    expect(thrown(() => t.gather(zeros([2]), '01' as never))).toBeInstanceOf(TypeError);
  });
});

describe('defineOp: malformed definitions and VJP results', () => {
  const forward = (x: Tensor) => t.mul(x, 2);
  it('refuses a name that is no string, input names that are not strings, and forward/vjp that are no functions', () => {
    expect(thrown(() => defineOp({ name: 5 as never, inputs: ['x'], forward, vjp: (g) => [g] })).message).toBe(
      "defineOp: argument 'name': must be a non-empty string, got 5",
    );
    expect(thrown(() => defineOp({ name: 'f', inputs: ['x', 1 as never], forward, vjp: (g) => [g] })).message).toBe(
      "defineOp: argument 'inputs': op 'f' needs an array of input names, got [\"x\",1]",
    );
    expect(thrown(() => defineOp({ name: 'f', inputs: ['x'], forward: 1 as never, vjp: (g) => [g] })).message).toBe(
      "defineOp: argument 'forward' of op 'f' must be a function",
    );
    expect(thrown(() => defineOp({ name: 'f', inputs: ['x'], forward, vjp: 1 as never })).message).toBe(
      "defineOp: argument 'vjp' of op 'f' must be a function",
    );
  });

  it('names every input in an arity error, and the input whose VJP result is no tensor', () => {
    const f = defineOp({ name: 'f', inputs: ['x', 'y'], forward: (x) => t.mul(x, 2), vjp: () => [null, 3 as never] });
    expect(thrown(() => f(zeros([1]))).message).toBe("f: argument 'inputs': takes 2 tensor(s) (x, y), got 1");
    const error = thrown(() => grad((x: Tensor) => sum(f(x, x)))(tensor([1])));
    expect(error.message).toContain("vjp returned number for input 'y'; expected a Tensor or null");
  });
});
