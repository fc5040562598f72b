/**
 * @file What the page's charts share, drawn with Observable Plot: the colours of the three training
 * methods and of the surface paths, the chart height for a given width, and a log-scale domain that
 * keeps a line's own values in view when a bound beside it runs off by decades.
 */

/** One colour per method, the same in every chart (colour-blind-safe Okabe–Ito hues). */
export const METHOD_COLOURS: Readonly<Record<string, string>> = {
  sgd: '#d55e00',
  'sgd-c': '#0072b2',
  'sgd-cr': '#009e73',
};

/** The methods' names as the paper writes them. */
export const METHOD_LABELS: Readonly<Record<string, string>> = {
  sgd: 'SGD',
  'sgd-c': 'SGD-C',
  'sgd-cr': 'SGD-CR',
};

/**
 * A chart height that suits its width: flatter on wide screens, never below 220 px.
 *
 * @example
 * chartHeight(360); // 220, the floor; chartHeight(1100) is 360
 */
export function chartHeight(width: number): number {
  return Math.round(Math.max(220, Math.min(360, width * 0.55, 240 + (width - 360) * 0.2)));
}

/**
 * A log-scale domain around the positive `values`, one decade of margin below and above.
 *
 * @example
 * logDomain([1e-3, 2]); // [1e-4, 20]
 */
export function logDomain(values: Iterable<number>): [number, number] {
  let lo = Infinity;
  let hi = 0;
  for (const v of values) {
    if (!(v > 0) || !Number.isFinite(v)) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return hi === 0 ? [1e-3, 1] : [lo / 10, hi * 10];
}

/**
 * Powers of ten inside a log-scale domain, at a round spacing (every 1, 2, 5, 10, 20, 50 … decades)
 * that leaves at most `count`: readable ticks when a signal spans a hundred decades.
 *
 * @example
 * decadeTicks([1e-108, 1e-2], 6); // [1e-100, 1e-80, 1e-60, 1e-40, 1e-20]
 */
export function decadeTicks(domain: readonly [number, number], count = 6): number[] {
  const lo = Math.ceil(Math.log10(domain[0]));
  const hi = Math.floor(Math.log10(domain[1]));
  const every =
    [1, 2, 5, 10, 20, 50, 100].find((step) => Math.floor(hi / step) - Math.ceil(lo / step) + 1 <= count) ?? 200;
  const ticks: number[] = [];
  // from the literal, not 10 ** e, which is off by an ulp for negative e
  for (let e = Math.ceil(lo / every) * every; e <= hi; e += every) ticks.push(Number(`1e${e}`));
  return ticks;
}
