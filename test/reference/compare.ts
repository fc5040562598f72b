/**
 * @file How tests hold tapegrad's numbers against the references of this folder: both sides
 * flattened to plain numbers (tensors, typed arrays, nested arrays, records of them), then the
 * largest difference relative to the largest reference entry, which must stay near float64
 * rounding. A norm-wise measure, because entries that cancel to almost 0 carry the rounding of the
 * large terms they came from and would fail an element-wise relative test for no fault.
 */
import { expect } from 'vitest';

/** Every number in x, in order: a number, an array, a typed array, { data }, or a record of those. */
export function flatten(x: unknown): number[] {
  if (typeof x === 'number') return [x];
  if (ArrayBuffer.isView(x)) return Array.from(x as unknown as ArrayLike<number>);
  if (Array.isArray(x)) return x.flatMap(flatten);
  if (typeof x === 'object' && x !== null) {
    if ('data' in x && ArrayBuffer.isView((x as { data: unknown }).data)) return flatten((x as { data: unknown }).data);
    return Object.keys(x)
      .sort()
      .flatMap((k) => flatten((x as Record<string, unknown>)[k]));
  }
  throw new TypeError(`flatten: cannot read numbers from ${String(x)}`);
}

/** max |a − e| / max |e| (the absolute difference when e is all zeros); Infinity on a length mismatch. */
export function relativeError(actual: unknown, expected: unknown): number {
  const a = flatten(actual);
  const e = flatten(expected);
  if (a.length !== e.length) return Infinity;
  let diff = 0;
  let size = 0;
  for (let i = 0; i < e.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - e[i]));
    size = Math.max(size, Math.abs(e[i]));
  }
  if (Number.isNaN(diff)) return Infinity;
  return size > 0 ? diff / size : diff;
}

/**
 * Expects `actual` to agree with the reference `expected` to `rtol` (default 1e-12: float64
 * rounding, amplified a little by sums over steps and examples).
 *
 * @example
 * expectAgree(grad.W_rec, reference.grads.W_rec, 'W_rec');
 */
export function expectAgree(actual: unknown, expected: unknown, what: string, rtol = 1e-12): void {
  expect(flatten(actual).length, `${what}: number of entries`).toBe(flatten(expected).length);
  expect(relativeError(actual, expected), `${what}: relative difference to the reference`).toBeLessThanOrEqual(rtol);
}
