/**
 * @file The numbers of the story's geometry section: the key numbers of geometry.ts's results
 * (a summary the tables print and the JSON beside the report keeps, so a later document can take
 * them from there rather than from a keyboard), the JSON itself, and the tables.
 */
import { GEOMETRY, lambdaLabel, type GeometryResult } from './geometry.js';
import type { CodeVersion } from './record.js';

/** The JSON format of the geometry numbers beside the story's report. */
export const GEOMETRY_FORMAT = 'tapegrad-story-geometry';
export const GEOMETRY_VERSION = 1;

/** The network's horizons the report's table shows (the figure and the JSON have them all). */
const TABLE_HORIZONS = [20, 40, 60];

/**
 * The largest of a list (−Infinity for none): a loop, as lists may be long.
 *
 * @example
 * maxOf([1, 3, 2]); // 3
 */
export const maxOf = (xs: readonly number[]) => xs.reduce((a, b) => Math.max(a, b), -Infinity);
const minOf = (xs: readonly number[]) => xs.reduce((a, b) => Math.min(a, b), Infinity);
/**
 * [least, largest] of a list, or null for an empty one.
 *
 * @example
 * range([3, 1, 2]); // [1, 3]
 */
export const range = (xs: readonly number[]): [number, number] | null =>
  xs.length === 0 ? null : [minOf(xs), maxOf(xs)];

/**
 * The key numbers of the geometry figures, as the tables show them.
 *
 * @example
 * const s = geometrySummary(geometryExperiment());
 * s.growth[0].alpha; // α of eq. 14 at λ1 = 8
 */
export function geometrySummary(r: GeometryResult) {
  const units = r.units.map((u) => {
    const T = u.d.t.length;
    const [dx, d2x] = [u.d.dx[T - 1], u.d.d2x[T - 1]];
    const cf = u.closedForm;
    const relative = (tape: Float64Array, exact: Float64Array) =>
      [...exact.keys()].filter((i) => exact[i] !== 0).map((i) => Math.abs(tape[i] / exact[i] - 1));
    return {
      label: u.label,
      t: T,
      dx,
      d2x,
      ratio: d2x / dx,
      closedRatio: cf === null ? null : (T - 1) / u.options.w,
      maxRelativeError: cf === null ? null : maxOf([...relative(u.d.dx, cf.dx), ...relative(u.d.d2x, cf.d2x)]),
      secondChangesSign: u.d.d2x.some((v, i) => i > 0 && Math.sign(v) * Math.sign(u.d.d2x[i - 1]) < 0),
    };
  });
  const growth = r.networks.map(({ lambda1, growth: g }) => {
    const T = g.t.length;
    const at = [Math.round(T / 2), Math.round((3 * T) / 4), T - 1];
    // The norm where the fit starts, not at t = 1: with x_0 = 0, ∂E_1/∂W_rec is zero.
    return {
      lambda1,
      ...g.fit,
      T,
      atFrom: g.norms[g.fit.from - 1],
      last: g.norms[T - 1],
      cosines: at.map((t) => ({ t, cosine: g.cosines[t - 1] })),
    };
  });
  const w = r.wall;
  const on = [...w.b.keys()].filter((j) => w.gradNorm[j] >= GEOMETRY.wallGradNorm);
  const onConverged = on.filter((j) => w.converged[j]);
  const wall = {
    points: w.b.length,
    onWall: on.length,
    unconverged: w.converged.filter((c) => !c).length,
    leastCosineOnWall: onConverged.length === 0 ? null : minOf(onConverged.map((j) => w.cosine[j])),
    curvatureOverGradientOnWall: range(onConverged.map((j) => Math.abs(w.eigenvalue[j]) / w.gradNorm[j])),
    newtonOnWall: range(onConverged.map((j) => w.newtonStep[j])),
    clippedOverNewtonOnWall: range(onConverged.map((j) => w.clippedStep[j] / w.newtonStep[j])),
    largestClipped: maxOf([...w.clippedStep]),
    largestPlain: maxOf([...w.gradientStep]),
  };
  const network = r.networks.flatMap(({ lambda1, alignments }) =>
    alignments.map(({ horizon, a }) => ({
      lambda1,
      t: horizon,
      loss: a.loss,
      gradNorm: a.gradNorm,
      eigenvalue: a.eigenpair.value,
      converged: a.eigenpair.converged,
      iterations: a.eigenpair.iterations,
      residual: a.eigenpair.residual,
      cosine: a.cosine,
      steps: { newton: a.steps.newton.length, clipped: a.steps.clipped.length, plain: a.steps.gradient.length },
      lossAfter: { newton: a.steps.newton.loss, clipped: a.steps.clipped.loss, plain: a.steps.gradient.loss },
    })),
  );
  return { units, growth, wall, network };
}

/** What {@link geometrySummary} returns. */
export type GeometrySummary = ReturnType<typeof geometrySummary>;

/**
 * The JSON written beside the report (`geometry.json`): the settings, the summary, and every
 * series the figures draw (non-finite numbers become null, as JSON has no NaN).
 *
 * @example
 * geometryJson(result, codeVersion()).summary.growth[0].alpha; // α of eq. 14 at λ1 = 8
 */
export function geometryJson(r: GeometryResult, code: CodeVersion) {
  const list = (xs: ArrayLike<number>) => Array.from(xs);
  const w = r.wall;
  return {
    format: GEOMETRY_FORMAT,
    version: GEOMETRY_VERSION,
    code,
    settings: GEOMETRY,
    summary: geometrySummary(r),
    series: {
      units: r.units.map((u) => ({
        label: u.label,
        options: u.options,
        t: list(u.d.t),
        dx: list(u.d.dx),
        d2x: list(u.d.d2x),
        closedForm: u.closedForm && { dx: list(u.closedForm.dx), d2x: list(u.closedForm.d2x) },
      })),
      growth: r.networks.map(({ lambda1, growth: g }) => ({
        lambda1,
        t: list(g.t),
        norms: list(g.norms),
        cosines: list(g.cosines),
        projections: list(g.projections),
      })),
      wall: {
        w: w.w,
        ...Object.fromEntries(
          (['b', 'loss', 'gradNorm', 'eigenvalue', 'cosine', 'gradientStep', 'clippedStep', 'newtonStep'] as const).map(
            (k) => [k, list(w[k])],
          ),
        ),
        converged: w.converged,
      },
    },
  };
}

/** A JSON scalar inside an array: a number, null or a boolean. */
const SCALAR = String.raw`(?:-?\d[\d.e+-]*|null|true|false)`;
const SCALAR_LIST = new RegExp(String.raw`\[\n\s*(${SCALAR}(?:,\n\s*${SCALAR})*)\n\s*\]`, 'g');

/**
 * `geometry.json`'s text: pretty JSON with each list of numbers on one line, so the file stays
 * small and diffs well.
 *
 * @example
 * writeTextAtomic('out/report/geometry.json', geometryText(geometryJson(result, codeVersion())));
 */
export function geometryText(json: ReturnType<typeof geometryJson>): string {
  const text = JSON.stringify(json, null, 2).replace(
    SCALAR_LIST,
    (_, body: string) => `[${body.split(/,\n\s*/).join(', ')}]`,
  );
  return `${text}\n`;
}

/**
 * Numbers as the geometry tables and captions print them: `sci` with three significant digits,
 * `fixed` with `digits` decimals (– for none), `span` a range as `a to b`.
 *
 * @example
 * sci(3.35e6); // '3.35e+6'
 * fixed(0.99843, 3); // '0.998'
 * span([105, 2094], (x) => x.toFixed(0)); // '105 to 2094'
 */
export const sci = (x: number) => (Number.isFinite(x) ? x.toExponential(2) : String(x));
export const fixed = (x: number | null, digits: number) =>
  x === null || !Number.isFinite(x) ? '–' : x.toFixed(digits);
export const span = (r: readonly [number, number] | null, show: (x: number) => string) =>
  r === null ? '–' : `${show(r[0])} to ${show(r[1])}`;

/**
 * Tables of the geometry section, header and rows each: the unit's derivatives, the growth of
 * ∂E_t/∂W_rec, the wall's key numbers, and the network's alignment at a few horizons.
 *
 * @example
 * const { growth } = geometryTables(geometrySummary(result));
 * textTable(growth.header, growth.rows);
 */
export function geometryTables(s: GeometrySummary) {
  const units = {
    header: ['unit', 't', '|∂x_t/∂w|', '|∂²x_t/∂w²|', 'ratio', '(t − 1)/w', 'tape vs eq. 13 (largest rel. diff.)'],
    rows: s.units.map((u) => [
      u.label,
      `${u.t}`,
      sci(Math.abs(u.dx)),
      sci(Math.abs(u.d2x)),
      fixed(u.ratio, 3),
      fixed(u.closedRatio, 3),
      u.maxRelativeError === null ? '–' : sci(u.maxRelativeError),
    ]),
  };
  const g0 = s.growth[0];
  const growth = {
    header: [
      'W_rec',
      'α (fit)',
      'fit over t',
      'C',
      `‖∂E_t/∂W_rec‖, t = ${g0?.from}`,
      `t = ${g0?.T}`,
      `|cos(∂E_t/∂W_rec, v)|, t = ${g0?.cosines.map((c) => c.t).join(', ')}`,
    ],
    rows: s.growth.map((g) => [
      lambdaLabel(g.lambda1),
      fixed(g.alpha, 3),
      `${g.from}–${g.to}`,
      sci(g.C),
      sci(g.atFrom),
      sci(g.last),
      g.cosines.map((c) => fixed(c.cosine, 3)).join(', '),
    ]),
  };
  const w = s.wall;
  const wall = {
    header: ['single unit across its wall', 'value'],
    rows: [
      [`points on the wall (‖∇E‖ ≥ ${GEOMETRY.wallGradNorm})`, `${w.onWall} of ${w.points}`],
      ['power iteration not converged', `${w.unconverged}`],
      ['cos(∇E, v) on the wall, least', fixed(w.leastCosineOnWall, 4)],
      ['|λ| / ‖∇E‖ on the wall', span(w.curvatureOverGradientOnWall, (x) => x.toFixed(0))],
      ["Newton's step on the wall", span(w.newtonOnWall, sci)],
      ["clipped step / Newton's step on the wall", span(w.clippedOverNewtonOnWall, (x) => x.toFixed(0))],
      ['largest clipped step', sci(w.largestClipped)],
      ['largest plain step', sci(w.largestPlain)],
    ],
  };
  const network = {
    header: ['W_rec', 't', 'E_t', '‖∇E_t‖', 'λ', 'converged', 'cos(∇E, v)', 'Newton', 'clipped', 'plain'],
    rows: s.network
      .filter((n) => TABLE_HORIZONS.includes(n.t))
      .map((n) => [
        lambdaLabel(n.lambda1),
        `${n.t}`,
        fixed(n.loss, 3),
        sci(n.gradNorm),
        sci(n.eigenvalue),
        n.converged ? `yes (${n.iterations})` : `no (${n.iterations})`,
        fixed(n.cosine, 4),
        sci(n.steps.newton),
        sci(n.steps.clipped),
        sci(n.steps.plain),
      ]),
  };
  return { units, growth, wall, network };
}
