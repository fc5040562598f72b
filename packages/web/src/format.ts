/**
 * @file How the page writes numbers, shapes and tensors: four significant digits for people, and
 * the exact float64 values (shortest round-trip form) in data attributes for tools and tests.
 */
import type { Tensor } from '@tapegrad/autodiff';

/**
 * A number with four significant digits, in exponent form when very small or large.
 *
 * @example
 * formatNumber(0.123456); // '0.1235'
 * formatNumber(3.2e-12); // '3.200e-12'
 */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e5) return String(Number(v.toPrecision(4)));
  return v.toExponential(3);
}

/**
 * A shape as the library's error messages write it: `[2, 3]`, or `[]` for a scalar.
 *
 * @example
 * formatShape([2, 3]); // '[2, 3]'
 */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/**
 * A tensor's values as nested brackets, at most `limit` numbers per row (then '…').
 *
 * @example
 * formatTensor(tensor([[1, 2], [3, 4]])); // '[[1, 2], [3, 4]]'
 */
export function formatTensor(t: Tensor, limit = 6): string {
  if (t.shape.length === 0) return formatNumber(t.data[0]);
  const inner = t.shape[t.shape.length - 1];
  const rows = t.size / Math.max(inner, 1);
  const row = (r: number): string => {
    const shown = Array.from(t.data.subarray(r * inner, r * inner + Math.min(inner, limit)), formatNumber);
    return `[${shown.join(', ')}${inner > limit ? ', …' : ''}]`;
  };
  if (t.shape.length === 1) return row(0);
  const shownRows = Array.from({ length: Math.min(rows, limit) }, (_, r) => row(r));
  return `[${shownRows.join(', ')}${rows > limit ? ', …' : ''}]`;
}

/**
 * The exact values of a tensor as JSON (each float64 in its shortest round-trip form), for a
 * `data-values` attribute that a test can compare bit for bit.
 *
 * @example
 * exactValues(tensor([0.1, 2])); // '[0.1,2]'
 */
export function exactValues(t: Tensor): string {
  return JSON.stringify(Array.from(t.data));
}
