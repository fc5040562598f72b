/**
 * @file The single-unit system of the paper's geometric section (Fig. 6): one unit, no input,
 *   x_t = w·σ(x_{t−1}) + b,  σ = sigmoid,  x_0 = 0.5,  T = 50,  E = (σ(x_50) − 0.7)².
 * Its error surface over (w, b) has steep walls where x_0 sits next to the boundary between two
 * attractors (for w > 4 the map is bistable): a tiny change of w or b sends x_50 to the other fixed
 * point. `singleUnitLoss` runs it through the tape; `singleUnitSurface` evaluates loss and exact
 * gradient over a grid with plain loops (forward-mode derivatives), fast enough for plots. Both use
 * autodiff's one sigmoid (the op computes its values with the kernels' `sigmoidScalar`), so their
 * losses are the same bits; the gradients differ only in how forward and reverse mode sum the chain rule.
 */
import { Tensor, ValueError, add, mul, sigmoid, square, sub, valueAndGrad } from '@tapegrad/autodiff';
import { sigmoidScalar } from '@tapegrad/autodiff/kernels';

/** The system's constants, as the paper fixes them. */
export const SINGLE_UNIT = { x0: 0.5, steps: 50, target: 0.7 } as const;

/**
 * E(w, b) as a differentiable scalar: w and b are one-element tensors.
 *
 * @example
 * const { value, grad } = valueAndGrad(singleUnitLoss, { argnums: [0, 1] })(tensor(5), tensor(-2.5));
 */
export function singleUnitLoss(w: Tensor, b: Tensor, steps: number = SINGLE_UNIT.steps): Tensor {
  checkSteps('singleUnitLoss', steps);
  let x: Tensor = new Tensor(new Float64Array([SINGLE_UNIT.x0]), []);
  for (let t = 0; t < steps; t++) x = add(mul(w, sigmoid(x)), b);
  return square(sub(sigmoid(x), SINGLE_UNIT.target));
}

/**
 * Loss and gradient (∂E/∂w, ∂E/∂b) at one point, through the tape.
 *
 * @example
 * singleUnitPoint(5, -2.5); // { loss, dw, db }
 */
export function singleUnitPoint(
  w: number,
  b: number,
  steps: number = SINGLE_UNIT.steps,
): { loss: number; dw: number; db: number } {
  const { value, grad } = valueAndGrad((wt: Tensor, bt: Tensor) => singleUnitLoss(wt, bt, steps), { argnums: [0, 1] })(
    new Tensor(new Float64Array([w]), []),
    new Tensor(new Float64Array([b]), []),
  );
  const [dw, db] = grad as Tensor[];
  return { loss: value.item(), dw: dw.item(), db: db.item() };
}

/** A grid of (w, b): `w` and `b` are the axis values; loss[i·b.length + j] is at (w[i], b[j]). */
export interface SingleUnitSurface {
  w: Float64Array;
  b: Float64Array;
  loss: Float64Array;
  dw: Float64Array;
  db: Float64Array;
}

/**
 * Loss and exact gradient over an evenly spaced (w, b) grid (inclusive ends), by plain loops that
 * carry ∂x_t/∂w and ∂x_t/∂b forward alongside x_t.
 *
 * @example
 * const s = singleUnitSurface({ w: [0, 10], b: [-8, 2], points: [101, 101] });
 * // the largest |s.dw| marks a wall
 */
export function singleUnitSurface(options: {
  w: readonly [number, number];
  b: readonly [number, number];
  points: readonly [number, number];
  steps?: number;
}): SingleUnitSurface {
  const op = 'singleUnitSurface';
  const steps = options.steps ?? SINGLE_UNIT.steps;
  checkSteps(op, steps);
  const [nw, nb] = options.points;
  for (const [name, v] of [
    ['points[0]', nw],
    ['points[1]', nb],
  ] as const) {
    if (!Number.isInteger(v) || v < 1)
      throw new ValueError(op, `options.${name}`, `must be a positive integer, got ${v}`);
  }
  const axis = (range: readonly [number, number], count: number): Float64Array =>
    Float64Array.from({ length: count }, (_, i) =>
      count === 1 ? range[0] : range[0] + ((range[1] - range[0]) * i) / (count - 1),
    );
  const w = axis(options.w, nw);
  const b = axis(options.b, nb);
  const loss = new Float64Array(nw * nb);
  const dw = new Float64Array(nw * nb);
  const db = new Float64Array(nw * nb);
  for (let i = 0; i < nw; i++) {
    for (let j = 0; j < nb; j++) {
      const [e, gw, gb] = singleUnitExact(w[i], b[j], steps);
      loss[i * nb + j] = e;
      dw[i * nb + j] = gw;
      db[i * nb + j] = gb;
    }
  }
  return { w, b, loss, dw, db };
}

/** [E, ∂E/∂w, ∂E/∂b] in forward mode: x_t = w·s + b with s = σ(x_{t−1}), so ∂x_t = s·∂w + w·σ'·∂x_{t−1} + ∂b. */
function singleUnitExact(w: number, b: number, steps: number): [number, number, number] {
  let x = SINGLE_UNIT.x0;
  let xw = 0;
  let xb = 0;
  for (let t = 0; t < steps; t++) {
    const s = sigmoidScalar(x);
    const ds = s * sigmoidScalar(-x);
    xw = s + w * ds * xw;
    xb = 1 + w * ds * xb;
    x = w * s + b;
  }
  const s = sigmoidScalar(x);
  const r = s - SINGLE_UNIT.target;
  const dE = 2 * r * s * sigmoidScalar(-x);
  return [r * r, dE * xw, dE * xb];
}

function checkSteps(op: string, steps: number): void {
  if (!Number.isInteger(steps) || steps < 1)
    throw new ValueError(op, 'steps', `sequence length must be an integer ≥ 1, got ${steps}`);
}
