/**
 * @file What every plot of the report shares: the vega-lite schema, the order in which methods
 * and initialisations appear, and one fixed colour and line dash per method, so that sgd-cr is
 * the same red in every figure whichever methods a figure shows.
 */

/** The vega-lite schema every spec names. */
export const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Methods and initialisations in the paper's order (Figure 7's bars and panels). */
export const METHOD_ORDER = ['sgd', 'sgd-c', 'sgd-cr'];
export const INIT_ORDER = ['sigmoid', 'basic-tanh', 'smart-tanh'];

/** Colours in method order (vega's first three), then for any other method. */
const PALETTE = ['#4c78a8', '#f58518', '#e45756', '#72b7b2', '#54a24b', '#eeca3b', '#b279a2', '#ff9da6'];
/** Line dashes in method order: solid, dashed, dotted, then dash-dot. */
const DASHES = [
  [1, 0],
  [7, 4],
  [2, 3],
  [8, 3, 2, 3],
];

/**
 * `values` without repeats: the names in `order` first, in that order, then the others sorted.
 *
 * @example
 * ordered(['smart-tanh', 'x', 'sigmoid', 'x'], INIT_ORDER); // ['sigmoid', 'smart-tanh', 'x']
 */
export function ordered(values: Iterable<string>, order: readonly string[]): string[] {
  const present = new Set(values);
  return [...order.filter((v) => present.has(v)), ...[...present].filter((v) => !order.includes(v)).sort()];
}

/** A method's place in the palettes: its rank in METHOD_ORDER, other methods after. */
function slot(method: string, all: readonly string[]): number {
  return METHOD_ORDER.includes(method) ? METHOD_ORDER.indexOf(method) : METHOD_ORDER.length + all.indexOf(method);
}

/**
 * Colour and dash scales that give each method its fixed colour and dash; `label` names a
 * method's legend entry (the scales' domain).
 *
 * @example
 * methodScales(['sgd-cr']).colour; // { domain: ['sgd-cr'], range: ['#e45756'] }
 */
export function methodScales(methods: readonly string[], label = (m: string) => m) {
  const all = ordered(methods, METHOD_ORDER);
  const domain = all.map(label);
  return {
    colour: { domain, range: all.map((m) => PALETTE[slot(m, all) % PALETTE.length]) },
    dash: { domain, range: all.map((m) => DASHES[slot(m, all) % DASHES.length]) },
  };
}
