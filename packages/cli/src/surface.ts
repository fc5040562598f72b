/**
 * @file The single-unit experiment of the paper's geometric section (Fig. 6): the error surface
 * of x_t = w·σ(x_{t−1}) + b over a (w, b) grid, and plain gradient descent on it started just
 * below a wall, once without clipping and once with gradient-norm clipping. Without clipping the
 * step that lands on the wall is multiplied by the wall's huge gradient and throws the parameters
 * far away; with clipping the same step is bounded and descent goes on into the valley.
 */
import { singleUnitPoint, singleUnitSurface } from '@tapegrad/rnn';
import type { SurfaceCell, TrajectoryPoint } from './plots.js';

/** Options of {@link surfaceExperiment}; defaults start 0.05 below the wall at w = 4.5. */
export interface SurfaceOptions {
  readonly wRange: readonly [number, number];
  readonly bRange: readonly [number, number];
  readonly points: number;
  readonly start: readonly [number, number];
  readonly lr: number;
  readonly clip: number;
  readonly steps: number;
}

/** The defaults: a start where one unclipped step hits the wall (found by scanning the wall's steepness). */
export const SURFACE_DEFAULTS: SurfaceOptions = {
  wRange: [2, 8],
  bRange: [-4.5, 2.5],
  points: 121,
  start: [4.5, -2.353],
  lr: 0.5,
  clip: 1,
  steps: 40,
};

/** One trajectory's summary: where it ended and its largest step and gradient norm. */
export interface TrajectorySummary {
  readonly method: string;
  readonly end: readonly [number, number];
  readonly endLoss: number;
  readonly largestStep: number;
  readonly largestGradNorm: number;
}

/** What {@link surfaceExperiment} returns. */
export interface SurfaceResult {
  readonly cells: SurfaceCell[];
  readonly dw: number;
  readonly db: number;
  readonly paths: TrajectoryPoint[];
  readonly summaries: TrajectorySummary[];
  readonly startLoss: number;
}

/**
 * Computes the surface over the grid (widened to contain both trajectories) and the two runs.
 *
 * @example
 * const r = surfaceExperiment(SURFACE_DEFAULTS);
 * r.summaries[0].largestStep; // unclipped: several units in one step
 */
export function surfaceExperiment(o: SurfaceOptions): SurfaceResult {
  const runs = [descend(o, 'sgd (no clipping)', 0), descend(o, `sgd-c (clip at ${o.clip})`, o.clip)];
  const paths = runs.flatMap((r) => r.path);
  const wRange = widen(
    o.wRange,
    paths.map((p) => p.w),
  );
  const bRange = widen(
    o.bRange,
    paths.map((p) => p.b),
  );
  const s = singleUnitSurface({ w: wRange, b: bRange, points: [o.points, o.points] });
  const cells: SurfaceCell[] = [];
  for (let i = 0; i < s.w.length; i++)
    for (let j = 0; j < s.b.length; j++) cells.push({ w: s.w[i], b: s.b[j], loss: s.loss[i * s.b.length + j] });
  const step = (r: readonly [number, number]) => (o.points > 1 ? (r[1] - r[0]) / (o.points - 1) : 1);
  return {
    cells,
    dw: step(wRange),
    db: step(bRange),
    paths,
    summaries: runs.map((r) => r.summary),
    startLoss: singleUnitPoint(o.start[0], o.start[1]).loss,
  };
}

function descend(
  o: SurfaceOptions,
  method: string,
  clip: number,
): { path: TrajectoryPoint[]; summary: TrajectorySummary } {
  let [w, b] = o.start;
  const path: TrajectoryPoint[] = [{ method, step: 0, w, b }];
  let largestStep = 0;
  let largestGradNorm = 0;
  for (let step = 1; step <= o.steps; step++) {
    const g = singleUnitPoint(w, b);
    const norm = Math.hypot(g.dw, g.db);
    const scale = clip > 0 && norm > clip ? clip / norm : 1;
    largestGradNorm = Math.max(largestGradNorm, norm);
    largestStep = Math.max(largestStep, o.lr * scale * norm);
    w -= o.lr * scale * g.dw;
    b -= o.lr * scale * g.db;
    path.push({ method, step, w, b });
  }
  return { path, summary: { method, end: [w, b], endLoss: singleUnitPoint(w, b).loss, largestStep, largestGradNorm } };
}

function widen(range: readonly [number, number], values: readonly number[]): [number, number] {
  // A loop, not Math.min(...values): spreading a long trajectory overflows the call stack.
  let [lo, hi] = range;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return [Math.floor(lo), Math.ceil(hi)];
}
