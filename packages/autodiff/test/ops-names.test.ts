/**
 * @file The names every op gives itself and its inputs: on the tape (what `Tape.entries`, anomaly
 * reports and gradient-shape errors print) and at the start of its error messages. One table row per
 * op; a mistyped or missing name in any op fails its row.
 */
import { describe, expect, it } from 'vitest';
import * as t from '@tapegrad/autodiff';
import { Tape, tensor, zeros, type Tensor } from '@tapegrad/autodiff';
import { thrown } from './ops-helpers.js';

const v = () => tensor([0.5, -1.5]);
const m = () =>
  tensor([
    [1, 2],
    [3, 4],
  ]);

/** An op run on watched inputs, and the one entry it must record: its name and its inputs' names. */
const recorded: [string, string[], () => Tensor[], (...xs: Tensor[]) => Tensor][] = [
  ['sub', ['a', 'b'], () => [v(), v()], (a, b) => t.sub(a, b)],
  ['div', ['a', 'b'], () => [v(), v()], (a, b) => t.div(a, b)],
  ['neg', ['x'], () => [v()], (x) => t.neg(x)],
  ['pow', ['a', 'b'], () => [tensor([2, 3]), v()], (a, b) => t.pow(a, b)],
  ['square', ['x'], () => [v()], (x) => t.square(x)],
  ['exp', ['x'], () => [v()], (x) => t.exp(x)],
  ['abs', ['x'], () => [v()], (x) => t.abs(x)],
  ['tanhGrad', ['t', 'g'], () => [v(), v()], (a, b) => t.tanhGrad(a, b)],
  ['sigmoid', ['x'], () => [v()], (x) => t.sigmoid(x)],
  ['sigmoidGrad', ['x', 'g'], () => [v(), v()], (a, b) => t.sigmoidGrad(a, b)],
  ['relu', ['x'], () => [v()], (x) => t.relu(x)],
  ['maximum', ['a', 'b'], () => [v(), v()], (a, b) => t.maximum(a, b)],
  ['minimum', ['a', 'b'], () => [v(), v()], (a, b) => t.minimum(a, b)],
  ['where', ['a', 'b'], () => [v(), v()], (a, b) => t.where(tensor([1, 0]), a, b)],
  ['clamp', ['x'], () => [v()], (x) => t.clamp(x, -1, 1)],
  ['slice', ['x'], () => [v()], (x) => t.slice(x, [1], [2])],
  ['pad', ['x'], () => [v()], (x) => t.pad(x, [1], [0])],
  ['gather', ['x'], () => [v()], (x) => t.gather(x, [1, 1])],
  ['scatterAdd', ['x'], () => [v()], (x) => t.scatterAdd(x, [0, 0], 0, 1)],
  ['index', ['x'], () => [m()], (x) => t.index(x, 1)],
  ['concat', ['xs[0]', 'xs[1]'], () => [v(), v()], (a, b) => t.concat([a, b])],
  ['stack', ['xs[0]', 'xs[1]'], () => [v(), v()], (a, b) => t.stack([a, b])],
  ['matmul', ['a', 'b'], () => [m(), m()], (a, b) => t.matmul(a, b)],
  ['outer', ['a', 'b'], () => [v(), v()], (a, b) => t.outer(a, b)],
  ['dot', ['a', 'b'], () => [v(), v()], (a, b) => t.dot(a, b)],
  ['softmax', ['x'], () => [v()], (x) => t.softmax(x)],
  ['logSoftmax', ['x'], () => [v()], (x) => t.logSoftmax(x)],
  ['sumTo', ['x'], () => [m()], (x) => t.sumTo(x, [1, 2])],
  ['logsumexp', ['x'], () => [v()], (x) => t.logsumexp(x)],
  ['norm', ['x'], () => [v()], (x) => t.norm(x)],
  ['reshape', ['x'], () => [v()], (x) => t.reshape(x, [2, 1])],
  ['broadcastTo', ['x'], () => [v()], (x) => t.broadcastTo(x, [3, 2])],
  ['permute', ['x'], () => [m()], (x) => t.permute(x, [1, 0])],
];

describe('the tape entry of each op', () => {
  for (const [op, names, inputs, run] of recorded) {
    it(`${op} records itself as '${op}' with inputs [${names.join(', ')}]`, () => {
      const tape = new Tape();
      const xs = inputs().map((x) => tape.watch(x));
      tape.record(() => run(...xs));
      const entries = tape.entries().filter((e) => e.op !== 'watch');
      expect(entries.map((e) => [e.op, e.inputs.map((i) => i.name)])).toEqual([[op, names]]);
      tape.release();
    });
  }
});

/** Calls with a bad argument, and how the message must begin: the op's name, then the argument. */
const refused: [string, () => unknown][] = [
  ["sub: argument 'a, b'", () => t.sub(zeros([2]), zeros([3]))],
  ["div: argument 'a, b'", () => t.div(zeros([2]), zeros([3]))],
  ["pow: argument 'a, b'", () => t.pow(zeros([2]), zeros([3]))],
  ["maximum: argument 'a, b'", () => t.maximum(zeros([2]), zeros([3]))],
  ["minimum: argument 'a, b'", () => t.minimum(zeros([2]), zeros([3]))],
  ["tanhGrad: argument 'a, b'", () => t.tanhGrad(zeros([2]), zeros([3]))],
  ["sigmoidGrad: argument 'a, b'", () => t.sigmoidGrad(zeros([2]), zeros([3]))],
  ["where: argument 'condition, b'", () => t.where(zeros([2]), zeros([2]), zeros([3]))],
  ["add: argument 'b' must be a Tensor or a number, got string", () => t.add(zeros([2]), 'x' as never)],
  ["where: argument 'a' must be a Tensor or a number, got null", () => t.where(zeros([2]), null as never, 1)],
  ["where: argument 'b' must be a Tensor or a number, got an array", () => t.where(zeros([2]), 1, [1] as never)],
  ['norm: argument', () => t.norm(zeros([2]), { axis: 1 })],
  ['split: argument', () => t.split(zeros([2]), 1, 1)],
  ["outer: argument 'b'", () => t.outer(zeros([2]), zeros([2, 2]))],
  ["dot: argument 'b'", () => t.dot(zeros([2]), zeros([2, 2]))],
  ["matmul: argument 'b': needs at least 2 dimensions, got shape [2]", () => t.matmul(zeros([2, 2]), zeros([2]))],
  ["broadcastTo: argument 'shape'", () => t.broadcastTo(zeros([2]), [-2])],
  ["broadcastTo: argument 'x, shape'", () => t.broadcastTo(zeros([2]), [3])],
  ["scatterAdd: argument 'axis'", () => t.scatterAdd(zeros([2]), [0, 0], 1, 1)],
  ["index: argument 'axis'", () => t.index(zeros([2]), 0, 1)],
  ["stack: argument 'axis'", () => t.stack([zeros([2])], 2)],
];

describe('the start of each error message', () => {
  for (const [start, run] of refused) {
    it(`says "${start}"`, () => {
      const { message } = thrown(run);
      expect(message.startsWith(start), message).toBe(true);
    });
  }
});
