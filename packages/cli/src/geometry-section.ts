/**
 * @file The story's geometry section in the report: text, the tables of geometry-report.ts, the
 * four figures, and their captions, which say what each figure shows and what it does not, with
 * their numbers and verdicts read from the computed summary.
 */
import { ACTIVATION_GAMMA } from '@tapegrad/rnn';
import { networkAlignmentSpec, wallSpec } from './alignment-plots.js';
import { GEOMETRY, lambdaLabel, type GeometryResult } from './geometry.js';
import { derivativesSpec, growthSpec } from './geometry-plots.js';
import {
  fixed,
  geometrySummary,
  geometryTables,
  maxOf,
  range,
  sci,
  span,
  type GeometrySummary,
} from './geometry-report.js';
import type { Report } from './report.js';

const whole = (x: number) => x.toFixed(0);

function unitsCaption(s: GeometrySummary): string {
  const worst = maxOf(s.units.flatMap((u) => (u.maxRelativeError === null ? [] : [u.maxRelativeError])));
  const bent = s.units.filter((u) => u.closedRatio === null && u.secondChangesSign).map((u) => u.label);
  return [
    "One unit's ∂x_t/∂w and ∂²x_t/∂w² against t (log scale), taken by the tape (a gradient of a gradient);",
    `rings: eq. 13's closed forms, which the tape matches to ${sci(worst)} (relative).`,
    'The second derivative grows with the first, their ratio (t − 1)/w only linear in t:',
    'where the gradient explodes (w > 1), the curvature explodes with it; for w < 1 both fade after a rise.',
    ...(bent.length > 0
      ? [`The unit ${bent.join(', ')} has no closed form; |·| hides its second derivative's change of sign (the dip).`]
      : []),
    'Not shown: a loss or a network (eq. 14, next, carries the claim to one).',
  ].join(' ');
}

function growthCaption(s: GeometrySummary): string {
  const threshold = 1 / ACTIVATION_GAMMA.tanh;
  const above = s.growth.every((g) => g.lambda1 > threshold) ? `, all above 1/γ = ${threshold}` : '';
  const verdicts = s.growth.map(
    (g) =>
      `${lambdaLabel(g.lambda1)}: α = ${g.alpha.toFixed(3)}${g.alpha > 1 ? ', it explodes' : ' < 1, nothing explodes'}`,
  );
  return [
    `Left: ‖∂E_t/∂W_rec‖ against t (log) for one tanh network with W_rec rescaled to ${s.growth.length} values of λ1${above};`,
    "dashed: eq. 14's bound C·α^t, α fitted over the second half and C the largest constant under every norm there.",
    'Right: |cos| between ∂E_t/∂W_rec and v, the direction at t = T (1 there by construction).',
    `${verdicts.join('; ')}. λ1 > 1/γ is necessary for exploding gradients, not sufficient.`,
    'Not shown: other inputs, seeds or readouts (the tests of @tapegrad/rnn check the claim over random W_rec).',
  ].join(' ');
}

function wallCaption(s: GeometrySummary): string {
  const w = s.wall;
  return [
    `A cut in b across the single unit's wall at w = ${GEOMETRY.wall.w} (${w.points} points; θ = (w, b)),`,
    'with the Hessian found by power iteration on Hessian-vector products.',
    `On the wall (${w.onWall} points with ‖∇E‖ ≥ ${GEOMETRY.wallGradNorm}) the curvature |λ| is`,
    `${span(w.curvatureOverGradientOnWall, whole)} times ‖∇E‖ and along the gradient (cos ≥ ${fixed(w.leastCosineOnWall, 3)}):`,
    "the gradient points across the wall, so its direction is sound and only the step's length is wrong.",
    `Clipping bounds the step (largest ${sci(w.largestClipped)} where the plain step reaches ${sci(w.largestPlain)}),`,
    `yet on the wall the clipped step is still ${span(w.clippedOverNewtonOnWall, whole)} times Newton's:`,
    'it stops the jump, it does not take the step the curvature allows.',
    'Not shown: other w, or a descent (the surface above shows one).',
  ].join(' ');
}

function networkCaption(s: GeometrySummary): string {
  const steps = GEOMETRY.networkSteps;
  const perLambda = GEOMETRY.lambda1.map((lambda1) => {
    const rows = s.network.filter((r) => r.lambda1 === lambda1);
    const converged = rows.filter((r) => r.converged);
    const found = `${lambdaLabel(lambda1)}: power iteration converged at ${converged.length} of ${rows.length} horizons`;
    if (converged.length === 0) return found;
    const cosines = span(range(converged.map((r) => r.cosine)), (x) => x.toFixed(2));
    const ratio = span(range(converged.map((r) => r.steps.clipped / r.steps.newton)), sci);
    return `${found}, there cos(∇E, v) ${cosines} and the clipped step ${ratio} times Newton's`;
  });
  return [
    "The network's E_t in W_rec at each horizon t (rows: λ1), in the panels of the wall figure;",
    `steps with lr ${steps.learningRate} and clipping threshold ${steps.threshold}.`,
    `${perLambda.join('; ')}.`,
    'Where power iteration did not converge (crosses), no single curvature dominates and cos means nothing: no wall;',
    'where the gradient stays below the threshold, clipping does nothing (the clipped and plain steps coincide).',
    'Not shown: other networks or inputs.',
  ].join(' ');
}

/**
 * Adds the geometry section (text, tables and four figures) under `heading` to `report` and
 * returns its summary.
 *
 * @example
 * const summary = await writeGeometrySection(report, geometryExperiment(), '3. The geometry');
 */
export async function writeGeometrySection(
  report: Report,
  r: GeometryResult,
  heading: string,
): Promise<GeometrySummary> {
  const s = geometrySummary(r);
  const t = geometryTables(s);
  report.heading(heading);
  report.paragraph(
    "The paper's geometric claims (its section 3; eqs. 11–14 of the summary), computed with @tapegrad/rnn " +
      '(`unitDerivatives`, `gradientGrowth`, `rnnHessianAlignment`, `singleUnitWallProfile`; the numbers are also ' +
      'in `geometry.json` beside this report). Eqs. 12–13: for one unit the curvature grows with the gradient.',
  );
  report.table(t.units.header, t.units.rows);
  await report.plot('geometry-derivatives', derivativesSpec(r.units), unitsCaption(s));
  report.paragraph('Eq. 14: when gradients explode, they do so along one direction.');
  report.table(t.growth.header, t.growth.rows);
  await report.plot('geometry-growth', growthSpec(r.networks), growthCaption(s));
  report.paragraph("The wall: where the gradient explodes, the Hessian's leading eigenvector lies along it.");
  report.table(t.wall.header, t.wall.rows);
  const wall = GEOMETRY.wall;
  await report.plot('geometry-wall', wallSpec(r.wall, wall.learningRate, wall.threshold), wallCaption(s));
  report.table(t.network.header, t.network.rows);
  const steps = GEOMETRY.networkSteps;
  await report.plot(
    'geometry-network',
    networkAlignmentSpec(r.networks, steps.learningRate, steps.threshold),
    networkCaption(s),
  );
  return s;
}
