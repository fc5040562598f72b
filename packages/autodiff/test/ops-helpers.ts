/**
 * @file Assertions shared by the op-family tests (ops-*.test.ts): nested values compared with a
 * relative-and-absolute tolerance, and the shape checked first; the error a call throws.
 */
import { expect } from 'vitest';
import { Tensor, type NestedArray } from '@tapegrad/autodiff';

function flatten(v: NestedArray, out: number[] = []): number[] {
  if (typeof v === 'number') out.push(v);
  else for (const w of v) flatten(w, out);
  return out;
}

function shapeOf(v: NestedArray): number[] {
  return typeof v === 'number' ? [] : [v.length, ...(v.length > 0 ? shapeOf(v[0]) : [])];
}

/**
 * Asserts `actual` has `expected`'s shape and values within tol·(1 + |expected|) elementwise
 * (default 1e-12: the float64 round-off of a few operations on values of order 1).
 */
export function expectClose(actual: Tensor, expected: NestedArray, tol = 1e-12): void {
  const shape = typeof expected === 'number' ? [] : shapeOf(expected);
  expect(actual.shape).toEqual(shape);
  const a = Array.from(actual.data);
  const e = flatten(expected);
  a.forEach((v, i) => {
    if (!(Math.abs(v - e[i]) <= tol * (1 + Math.abs(e[i])))) {
      throw new Error(
        `element ${i}: got ${v}, expected ${e[i]} (tolerance ${tol}); actual ${JSON.stringify(actual.toArray())}`,
      );
    }
  });
}

/** The error `f` throws; the test fails when `f` returns normally or throws something not an Error. */
export function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    expect(e, 'the thrown value').toBeInstanceOf(Error);
    return e as Error;
  }
  throw new Error('expected a throw, but the call returned normally');
}
