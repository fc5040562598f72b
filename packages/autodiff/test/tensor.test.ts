/**
 * @file The Tensor and its constructors: shapes inferred from nested arrays, copies not views of
 * user data, toArray/item, and the constructors' values.
 */
import { describe, expect, it } from 'vitest';
import {
  ShapeError,
  Tensor,
  add,
  arange,
  detach,
  eye,
  full,
  ones,
  randn,
  scalar,
  tensor,
  uniform,
  zeros,
  Tape,
  mul,
} from '@tapegrad/autodiff';

describe('tensor()', () => {
  it('infers the shape of nested arrays, row-major', () => {
    const t = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.size).toBe(6);
    expect(t.rank).toBe(2);
    expect([...t.data]).toEqual([1, 2, 3, 4, 5, 6]);
    expect(t.data).toBeInstanceOf(Float64Array);
  });

  it('makes a rank-0 tensor from a number and handles empty dimensions', () => {
    expect(tensor(3).shape).toEqual([]);
    expect(tensor(3).item()).toBe(3);
    expect(tensor([]).shape).toEqual([0]);
    expect(tensor([[], []]).shape).toEqual([2, 0]);
    expect(tensor([[], []]).size).toBe(0);
  });

  it('takes a Float64Array with a shape, or reshapes nested data to a given shape', () => {
    expect(tensor(new Float64Array([1, 2, 3, 4]), [2, 2]).toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(tensor(new Float64Array([1, 2])).shape).toEqual([2]);
    expect(tensor([1, 2, 3, 4, 5, 6], [3, 2]).toArray()).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
  });

  it('copies its argument: later changes to the array do not reach the tensor', () => {
    const raw = new Float64Array([1, 2]);
    const shape = [2];
    const t = tensor(raw, shape);
    raw[0] = 99;
    shape[0] = 5;
    expect(t.toArray()).toEqual([1, 2]);
    expect(t.shape).toEqual([2]);
    const nested = [[1, 2]];
    const u = tensor(nested);
    nested[0][0] = 99;
    expect(u.toArray()).toEqual([[1, 2]]);
  });

  it('keeps float64 precision', () => {
    expect(tensor([0.1 + 0.2]).item()).toBe(0.1 + 0.2);
    expect(tensor([1e-300, 1e300]).toArray()).toEqual([1e-300, 1e300]);
  });
});

describe('toArray, item and toString', () => {
  it('round-trips nested arrays of rank 0 to 3', () => {
    for (const v of [
      7,
      [1, 2],
      [[1], [2]],
      [
        [
          [1, 2],
          [3, 4],
        ],
        [
          [5, 6],
          [7, 8],
        ],
      ],
    ])
      expect(tensor(v).toArray()).toEqual(v);
  });

  it('item() reads a one-element tensor of any rank and refuses others', () => {
    expect(tensor([[5]]).item()).toBe(5);
    expect(() => tensor([1, 2]).item()).toThrow(ShapeError);
    expect(() => tensor([1, 2]).item()).toThrow(/item: .*needs exactly one element, tensor has shape \[2\]/);
    expect(() => zeros([0]).item()).toThrow(ShapeError);
  });

  it('prints its shape and values', () => {
    expect(String(tensor([[1, 2]]))).toBe('Tensor([1, 2]) [[1,2]]');
  });
});

describe('constructors', () => {
  it('zeros, ones, full, scalar', () => {
    expect(zeros([2, 2]).toArray()).toEqual([
      [0, 0],
      [0, 0],
    ]);
    expect(ones([3]).toArray()).toEqual([1, 1, 1]);
    expect(full([2], -1.5).toArray()).toEqual([-1.5, -1.5]);
    expect(full([], 4).toArray()).toBe(4);
    expect(scalar(2.5).shape).toEqual([]);
    expect(zeros([2, 0, 3]).size).toBe(0);
  });

  it('eye, square and rectangular', () => {
    expect(eye(2).toArray()).toEqual([
      [1, 0],
      [0, 1],
    ]);
    expect(eye(2, 3).toArray()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
    ]);
    expect(eye(3, 1).toArray()).toEqual([[1], [0], [0]]);
  });

  it('arange with one, two and three arguments, including a negative step', () => {
    expect(arange(3).toArray()).toEqual([0, 1, 2]);
    expect(arange(2, 5).toArray()).toEqual([2, 3, 4]);
    expect(arange(0, 1, 0.25).toArray()).toEqual([0, 0.25, 0.5, 0.75]);
    expect(arange(3, 0, -1).toArray()).toEqual([3, 2, 1]);
    expect(arange(5, 2).toArray()).toEqual([]);
    expect(() => arange(0, 1, 0)).toThrow(ShapeError);
  });

  it('randn and uniform have the requested shape and are reproducible', () => {
    expect(randn([2, 3], 1).shape).toEqual([2, 3]);
    expect([...randn([2, 3], 1).data]).toEqual([...randn([2, 3], 1).data]);
    expect([...uniform([4], 1).data]).not.toEqual([...uniform([4], 2).data]);
  });
});

describe('immutability and tracking', () => {
  it('ops never write into their inputs', () => {
    const a = tensor([1, 2]);
    const b = tensor([3, 4]);
    add(a, b);
    mul(a, a);
    expect([a.toArray(), b.toArray()]).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it('a fresh tensor is a constant; detach gives an untracked tensor with the same values', () => {
    const tape = new Tape();
    const x = tape.watch(tensor([1, 2]));
    const y = tape.record(() => mul(x, 2));
    const d = detach(y);
    expect(d).not.toBe(y);
    expect(d.toArray()).toEqual([2, 4]);
    const c = tensor([1]);
    expect(detach(c)).toBe(c);
    tape.release();
  });

  it('Tensor is the class of every constructor result', () => {
    for (const t of [tensor(1), zeros([1]), eye(1), arange(1), randn([1], 0)]) expect(t).toBeInstanceOf(Tensor);
  });
});
