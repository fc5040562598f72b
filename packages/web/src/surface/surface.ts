/**
 * @file The numbers of the single-unit section: the error surface of the paper's one-unit system
 * over a (w, b) grid (@tapegrad/rnn's singleUnitSurface), and gradient descent on it from a chosen
 * start, plain and with norm clipping: gradients from the tape (valueAndGrad of singleUnitLoss),
 * clipping by @tapegrad/optim's clipGradNorm, steps by its SGD, as a user of the libraries writes it.
 */
import { scalar, valueAndGrad, type Tensor } from '@tapegrad/autodiff';
import { SGD, clipGradNorm } from '@tapegrad/optim';
import { singleUnitLoss, singleUnitSurface, type SingleUnitSurface } from '@tapegrad/rnn';

/** The plotted region and grid; the start sits just below the wall at w = 4.5, as in the command line's report. */
export const SURFACE_REGION = { w: [2, 8], b: [-4.5, 2.5], points: 121 } as const;

/** How the two descents run. */
export interface DescentSettings {
  readonly start: readonly [number, number];
  readonly learningRate: number;
  readonly threshold: number;
  readonly steps: number;
}

/** The defaults: one unclipped step from here lands on the wall (the command line's surface report uses the same). */
export const DESCENT_DEFAULTS: DescentSettings = {
  start: [4.5, -2.353],
  learningRate: 0.5,
  threshold: 1,
  steps: 40,
};

/** One point of a descent: where it was, the loss there, and the gradient norm before clipping. */
export interface PathPoint {
  readonly step: number;
  readonly w: number;
  readonly b: number;
  readonly loss: number;
  readonly gradNorm: number;
  readonly clipped: boolean;
}

/**
 * The loss over the plotted grid.
 *
 * @example
 * surfaceGrid().loss.length; // 121 × 121
 */
export function surfaceGrid(): SingleUnitSurface {
  const { w, b, points } = SURFACE_REGION;
  return singleUnitSurface({ w, b, points: [points, points] });
}

type Point = { w: Tensor; b: Tensor };
const lossAndGrad = valueAndGrad((p: Point) => singleUnitLoss(p.w, p.b));

/**
 * Gradient descent from `settings.start`, with norm clipping at `settings.threshold` when `clip`.
 * Stops early if the loss or gradient stops being finite (the unclipped run can fly off).
 *
 * @example
 * descend(DESCENT_DEFAULTS, false).at(-1); // far from the start: the wall threw it
 */
export function descend(settings: DescentSettings, clip: boolean): PathPoint[] {
  const optimizer = new SGD({ learningRate: settings.learningRate });
  let params: Point = { w: scalar(settings.start[0]), b: scalar(settings.start[1]) };
  const path: PathPoint[] = [];
  for (let step = 0; ; step++) {
    const { value, grad } = lossAndGrad(params);
    const w = params.w.item();
    const b = params.b.item();
    const r = clip ? clipGradNorm(grad, settings.threshold) : null;
    const gradNorm = r?.norm ?? Math.hypot(grad.w.item(), grad.b.item());
    path.push({ step, w, b, loss: value.item(), gradNorm, clipped: r?.clipped ?? false });
    if (step === settings.steps || !Number.isFinite(gradNorm) || !Number.isFinite(value.item())) break;
    params = optimizer.step(params, r?.grads ?? grad);
  }
  return path;
}
