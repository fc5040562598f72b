/**
 * @file Every bad input the autodiff issue lists, each asserting the error's type and that its
 * message names the op (or function), the argument and the offending values.
 */
import { describe, expect, it } from 'vitest';
import * as t from '@tapegrad/autodiff';
import { ShapeError, Tape, TapeError, Tensor, ValueError, tensor, zeros } from '@tapegrad/autodiff';
import { thrown } from './ops-helpers.js';

type ErrorClass = new (...args: never[]) => Error;
interface BadInput {
  what: string;
  run: () => unknown;
  type: ErrorClass;
  /** Every fragment must appear in the message. */
  says: readonly string[];
}

function expectError({ run, type, says }: BadInput): void {
  const error = thrown(run);
  expect(error).toBeInstanceOf(type);
  for (const fragment of says) expect(error.message).toContain(fragment);
}

function table(title: string, cases: BadInput[]): void {
  describe(title, () => {
    for (const c of cases) it(c.what, () => expectError(c));
  });
}

table('shapes that do not broadcast', [
  {
    what: 'add [2, 3] + [3, 2]',
    run: () => t.add(zeros([2, 3]), zeros([3, 2])),
    type: ShapeError,
    says: ['add', "'a, b'", '[2, 3]', '[3, 2]', 'do not broadcast'],
  },
  { what: 'mul [4] · [3]', run: () => t.mul(zeros([4]), zeros([3])), type: ShapeError, says: ['mul', '[4]', '[3]'] },
  {
    what: 'where: condition against a',
    run: () => t.where(zeros([4]), zeros([2]), zeros([2])),
    type: ShapeError,
    says: ['where', 'condition', '[4]', '[2]'],
  },
  {
    what: 'broadcastTo a shape that does not fit',
    run: () => t.broadcastTo(zeros([2]), [3]),
    type: ShapeError,
    says: ['broadcastTo', '[2]', '[3]'],
  },
  {
    what: 'matmul batch dimensions',
    run: () => t.matmul(zeros([2, 2, 3]), zeros([3, 3, 2])),
    type: ShapeError,
    says: ['matmul', 'batch dimensions', '[2]', '[3]'],
  },
  {
    what: 'mse does not broadcast [2] against [2, 1]',
    run: () => t.mse(zeros([2]), zeros([2, 1])),
    type: ShapeError,
    says: ['mse', 'pred, target', '[2]', '[2, 1]'],
  },
]);

table('matmul inner-dimension mismatch', [
  {
    what: '[2, 3] · [2, 3]',
    run: () => t.matmul(zeros([2, 3]), zeros([2, 3])),
    type: ShapeError,
    says: ['matmul', 'inner dimensions differ', '[2, 3] · [2, 3]', '3 vs 2'],
  },
  {
    what: 'a vector where a matrix is needed',
    run: () => t.matmul(zeros([3]), zeros([3, 2])),
    type: ShapeError,
    says: ['matmul', "'a'", 'at least 2 dimensions', '[3]'],
  },
  {
    what: 'dot of vectors of different lengths',
    run: () => t.dot(zeros([3]), zeros([2])),
    type: ShapeError,
    says: ['dot', '[3]', '[2]'],
  },
]);

table('data length ≠ product of the shape', [
  {
    what: 'Float64Array of 5 for [2, 3]',
    run: () => tensor(new Float64Array(5), [2, 3]),
    type: ShapeError,
    says: ['tensor', "'shape'", 'data has 5 elements', '[2, 3] needs 6'],
  },
  {
    what: 'nested array of 4 for [3]',
    run: () =>
      tensor(
        [
          [1, 2],
          [3, 4],
        ],
        [3],
      ),
    type: ShapeError,
    says: ['tensor', 'data has 4 elements', '[3] needs 3'],
  },
  {
    what: 'reshape [4] to [3]',
    run: () => t.reshape(zeros([4]), [3]),
    type: ShapeError,
    says: ['reshape', '[4]', '[3]', '4 elements'],
  },
]);

table('negative, fractional or NaN dimensions', [
  {
    what: 'zeros([2, −1])',
    run: () => zeros([2, -1]),
    type: ShapeError,
    says: ['zeros', "'shape'", 'non-negative integers', '[2, -1]'],
  },
  { what: 'ones([1.5])', run: () => t.ones([1.5]), type: ShapeError, says: ['full', '[1.5]'] },
  { what: 'full([NaN])', run: () => t.full([NaN], 1), type: ShapeError, says: ['full', '[NaN]'] },
  {
    what: 'tensor(data, [NaN])',
    run: () => tensor(new Float64Array(0), [NaN]),
    type: ShapeError,
    says: ['tensor', '[NaN]'],
  },
  { what: 'randn([2, −3])', run: () => t.randn([2, -3], 1), type: ShapeError, says: ['randn', '[2, -3]'] },
  {
    what: 'reshape to [2.5, 2]',
    run: () => t.reshape(zeros([4]), [2.5, 2]),
    type: ShapeError,
    says: ['reshape', '[2.5, 2]'],
  },
  { what: 'eye(−1)', run: () => t.eye(-1), type: ShapeError, says: ['eye', '-1'] },
]);

table('axis out of range', [
  {
    what: 'sum over axis 2 of a matrix',
    run: () => t.sum(zeros([2, 3]), { axis: 2 }),
    type: ShapeError,
    says: ['sum', "'axis'", 'axis 2', 'rank 2', '-2 to 1'],
  },
  {
    what: 'mean over axis −3 of a matrix',
    run: () => t.mean(zeros([2, 3]), { axis: -3 }),
    type: ShapeError,
    says: ['mean', 'axis -3'],
  },
  { what: 'a fractional axis', run: () => t.sum(zeros([2, 3]), { axis: 0.5 }), type: ShapeError, says: ['sum', '0.5'] },
  {
    what: 'a repeated axis',
    run: () => t.sum(zeros([2, 3]), { axis: [1, -1] }),
    type: ShapeError,
    says: ['sum', 'repeated', '[2, 3]'],
  },
  {
    what: 'softmax over axis 2',
    run: () => t.softmax(zeros([2, 3]), 2),
    type: ShapeError,
    says: ['softmax', 'axis 2'],
  },
  {
    what: 'concat along axis 5',
    run: () => t.concat([zeros([2, 3])], 5),
    type: ShapeError,
    says: ['concat', 'axis 5'],
  },
  {
    what: 'gather along axis 2',
    run: () => t.gather(zeros([2, 3]), [0], 2),
    type: ShapeError,
    says: ['gather', 'axis 2'],
  },
  {
    what: 'gather index out of range',
    run: () => t.gather(zeros([2, 3]), [2], 0),
    type: ShapeError,
    says: ['gather', 'indices[0]', 'index 2'],
  },
  {
    what: 'permute with a repeated axis',
    run: () => t.permute(zeros([2, 3]), [0, 0]),
    type: ShapeError,
    says: ['permute', "'axes'", 'not a permutation'],
  },
]);

table('gradients of the wrong kind', [
  {
    what: 'a non-scalar output passed to grad without a seed',
    run: () => t.grad((x: Tensor) => t.mul(x, 2))(tensor([1, 2])),
    type: TapeError,
    says: ['gradient', 'output has shape [2]', 'one-element output', 'vjp'],
  },
  {
    what: 'a cotangent of the wrong shape in a vjp pullback',
    run: () => t.vjp((x: Tensor) => t.mul(x, 2), tensor([1, 2])).pullback(tensor([1, 2, 3])),
    type: ShapeError,
    says: ["'seed'", 'shape [3]', "output's shape [2]"],
  },
  {
    what: 'a seed of the wrong shape in Tape.gradient',
    run: () => {
      const tape = new Tape();
      const x = tape.watch(tensor([1, 2]));
      const y = tape.record(() => t.mul(x, x));
      return tape.gradient(y, [x], zeros([2, 1]));
    },
    type: ShapeError,
    says: ['gradient', "'seed'", '[2, 1]', '[2]'],
  },
  {
    what: 'a custom VJP that returns a gradient of the wrong shape',
    run: () => {
      const bad = t.defineOp({ name: 'bad', inputs: ['x'], forward: (x) => x, vjp: () => [tensor([1, 2, 3])] });
      return t.grad((x: Tensor) => t.sum(bad(x)))(tensor([1, 2]));
    },
    type: ShapeError,
    says: ['bad', "gradient of input 'x' has shape [3]", "input's shape [2]"],
  },
  {
    what: 'a jvp tangent of the wrong shape',
    run: () => t.jvp((x: Tensor) => x, [tensor([1])], [tensor([1, 2])]),
    type: ValueError,
    says: ['jvp', 'tangents[0]', '[1]', '[2]'],
  },
  {
    what: 'a Hessian-vector product with v of the wrong shape',
    run: () => t.hessianVectorProduct((x: Tensor) => t.sum(x), tensor([1]), tensor([1, 2])),
    type: ValueError,
    says: ['hessianVectorProduct', "'v'", '[1]', '[2]'],
  },
  {
    what: 'argnums out of range',
    run: () => t.grad((x: Tensor) => t.sum(x), { argnums: 2 })(tensor([1])),
    type: ValueError,
    says: ['argnums', 'index 2', '1 argument'],
  },
  {
    what: 'a function that returns a number',
    run: () => t.grad((_x: Tensor) => 3 as unknown as Tensor)(tensor([1])),
    type: TapeError,
    says: ['must return a Tensor', 'number'],
  },
]);

table('reusing a consumed tape', [
  {
    what: 'gradient after gradient',
    run: () => {
      const tape = new Tape();
      const x = tape.watch(tensor([1]));
      const y = tape.record(() => t.sum(t.mul(x, x)));
      tape.gradient(y, [x]);
      return tape.gradient(y, [x]);
    },
    type: TapeError,
    says: ['Tape.gradient', 'already consumed', 'new Tape(true)'],
  },
]);

table('a function that does not depend on its input, when asked to be told', [
  {
    what: "onUnused: 'throw'",
    run: () => t.grad((_x: Tensor, y: Tensor) => t.sum(y), { onUnused: 'throw' })(tensor([1]), tensor([2])),
    type: ValueError,
    says: ['valueAndGrad', 'does not depend on argument(s) 0'],
  },
]);

table('ragged or non-numeric nested arrays', [
  {
    what: '[[1, 2], [3]]',
    run: () => tensor([[1, 2], [3]]),
    type: ShapeError,
    says: ['tensor', "'values[1]'", 'ragged', 'shape [1]', 'values[0] has [2]'],
  },
  {
    what: 'a ragged array two levels down',
    run: () =>
      tensor([
        [1, 2],
        [3, [4]],
      ] as never),
    type: ShapeError,
    says: ['values[1][1]', 'ragged'],
  },
  { what: "['a']", run: () => tensor(['a'] as never), type: TypeError, says: ['tensor', 'values[0]', 'string'] },
  {
    what: 'an array where an operand is expected',
    run: () => t.add([1, 2] as never, tensor([1])),
    type: TypeError,
    says: ['add', "'a'", 'wrap it with tensor()'],
  },
]);

describe('the error classes', () => {
  it('are RangeError/TypeError subclasses that keep the op and argument as fields', () => {
    const e = new ShapeError('add', 'a, b', 'detail');
    expect(e).toBeInstanceOf(RangeError);
    expect([e.name, e.op, e.argument, e.message]).toEqual([
      'ShapeError',
      'add',
      'a, b',
      "add: argument 'a, b': detail",
    ]);
    expect(new ValueError('f', 'x', 'bad')).toBeInstanceOf(RangeError);
    expect(new TapeError('f', 'bad')).toBeInstanceOf(TypeError);
  });
});
