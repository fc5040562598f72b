/**
 * @file Numbers on the command line: one grammar for every flag that takes a number (plain
 * decimals such as 5, 0.01, .5 or 1e-3; no hex, no leading '+', no Infinity), integers as the
 * same grammar with an integral value (so `--length 1e2` is 100), and numbers printed for people.
 */

const DECIMAL = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Reads a decimal number; throws a message quoting the text for anything else.
 *
 * @example
 * parseDecimal('1e-3'); // 0.001
 * parseDecimal('0x10'); // throws: expected a decimal number such as 5, 0.01 or 1e-3, got '0x10'
 */
export function parseDecimal(raw: string): number {
  const v = Number(raw);
  if (!DECIMAL.test(raw) || !Number.isFinite(v))
    throw new Error(`expected a decimal number such as 5, 0.01 or 1e-3, got '${raw}'`);
  return v;
}

/**
 * Reads an integer in [min, max] written in the decimal grammar; the message states the range.
 *
 * @example
 * parseInteger('1e2', 1, 1000); // 100
 * parseInteger('1e99', 0, Number.MAX_SAFE_INTEGER); // throws: must be an integer in [0, 9,007,199,254,740,991], got '1e99'
 */
export function parseInteger(raw: string, min: number, max: number): number {
  const range = `must be an integer in [${formatCount(min)}, ${formatCount(max)}]`;
  let v: number;
  try {
    v = parseDecimal(raw);
  } catch {
    throw new Error(`${range}, got '${raw}'`);
  }
  if (!Number.isInteger(v) || v < min || v > max) throw new Error(`${range}, got '${raw}'`);
  return v;
}

/**
 * An integer with thousands separators, as people read counts.
 *
 * @example
 * formatCount(5_000_000); // '5,000,000'
 */
export function formatCount(n: number): string {
  return Number.isSafeInteger(n) ? n.toLocaleString('en-US') : formatNumber(n);
}

/**
 * A number for people: `digits` decimals in the usual range, scientific notation with three
 * significant digits for the very large and very small (never 2.2382074708477207e+300).
 *
 * @example
 * formatNumber(0.123456); // '0.1235'
 * formatNumber(2.2382074708477207e300); // '2.24e+300'
 * formatNumber(1.5, 1); // '1.5'
 */
export function formatNumber(x: number, digits = 4): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a >= 1e6 || a < 10 ** -digits)) return x.toExponential(2);
  return x.toFixed(digits);
}
