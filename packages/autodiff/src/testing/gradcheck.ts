/**
 * @file gradCheck and gradGradCheck: compare the gradients the tape computes with float64 central
 * differences, the way PyTorch's gradcheck does. Small problems get their full Jacobian compared
 * entry by entry; large ones get seeded random projections vᵀJu, and a failing projection is then
 * traced back to its worst element.
 */
import { showShape } from '../errors.js';
import { Rng, Tensor, ValueError, add, detach, mul, sum, vjp } from '../index.js';

/** Options of {@link gradCheck}. */
export interface GradCheckOptions {
  /** The function's label in error messages (default: the function's own name, or 'f'). */
  name?: string;
  /** Labels for the inputs in error messages (default 'input 0', 'input 1', ...). */
  inputNames?: readonly string[];
  /** Finite-difference step (default 1e-6). */
  eps?: number;
  /** Absolute tolerance (default 1e-5). */
  atol?: number;
  /** Relative tolerance, scaled by the numeric value (default 1e-3). */
  rtol?: number;
  /**
   * Largest (total input size) × (output size) for which the full Jacobian is compared (default
   * 10,000); above it, `directions` random projections are compared instead.
   */
  maxJacobianEntries?: number;
  /** Random projections vᵀJu per input for large problems (default 6). */
  directions?: number;
  /** Seed of the random projections (default 0). */
  seed?: number;
}

/** What {@link gradCheck} returns when every comparison passed. */
export interface GradCheckReport {
  name: string;
  /** 'jacobian': every entry compared; 'directions': random projections vᵀJu compared. */
  mode: 'jacobian' | 'directions';
  /** Number of analytic/numeric pairs compared. */
  comparisons: number;
  /** Largest |analytic − numeric| seen. */
  maxError: number;
  /** Largest |analytic − numeric| / (atol + rtol·|numeric|): below 1 means within tolerance. */
  worstRatio: number;
}

/**
 * A gradient that disagrees with finite differences. The message names the function, the input,
 * the worst element, both values and the tolerance; the same facts are fields.
 */
export class GradCheckError extends RangeError {
  override readonly name = 'GradCheckError';
  constructor(
    /** The function's label. */
    readonly fn: string,
    /** Which input (its position in `inputs`). */
    readonly input: number,
    /** The input element's multi-index, or null if a projection failed but no element stood out. */
    readonly element: readonly number[] | null,
    /** The output element (multi-index) or projection the comparison was about. */
    readonly output: string,
    readonly analytic: number,
    readonly numeric: number,
    readonly tolerance: number,
    detail: string,
  ) {
    super(
      `${fn}: gradient check failed for ${detail}: analytic ${analytic} vs numeric ${numeric} ` +
        `(|difference| ${Math.abs(analytic - numeric)} > tolerance ${tolerance})`,
    );
  }
}

interface Settings {
  name: string;
  inputNames: readonly string[];
  eps: number;
  atol: number;
  rtol: number;
}

/** Worst comparison so far, by ratio of error to tolerance. */
interface Worst {
  ratio: number;
  maxError: number;
  count: number;
  fail: { input: number; flat: number; out: number; analytic: number; numeric: number; tol: number } | null;
}

/**
 * Checks the gradient of `f` with respect to every input against central differences. Throws a
 * {@link GradCheckError} naming the worst element when |analytic − numeric| > atol + rtol·|numeric|
 * anywhere; returns a report otherwise. Outputs of any shape are handled.
 *
 * @example
 * gradCheck((x) => sum(tanh(x)), [tensor([0.5, -1])], { name: 'tanh' }); // { mode: 'jacobian', ... }
 */
export function gradCheck(
  f: (...xs: Tensor[]) => Tensor,
  inputs: readonly Tensor[],
  options: GradCheckOptions = {},
): GradCheckReport {
  const s = settingsOf(f, inputs, options);
  const xs = inputs.map((x) => new Tensor(Float64Array.from(x.data), [...x.shape]));
  const { value, pullback, release } = vjp(f as (...args: never[]) => Tensor, ...xs);
  try {
    return checkAgainstDifferences(f, xs, value, pullback, s, options);
  } finally {
    release();
  }
}

function checkAgainstDifferences(
  f: (...xs: Tensor[]) => Tensor,
  xs: Tensor[],
  value: Tensor,
  pullback: (g: Tensor) => unknown[],
  s: Settings,
  options: GradCheckOptions,
): GradCheckReport {
  const totalInput = xs.reduce((n, x) => n + x.size, 0);
  const limit = options.maxJacobianEntries ?? 10_000;
  const worst: Worst = { ratio: 0, maxError: 0, count: 0, fail: null };
  const grads = (g: Tensor): Tensor[] => pullback(g) as Tensor[];
  if (totalInput * value.size <= limit) {
    checkJacobian(f, xs, value, grads, s, worst);
    if (worst.fail !== null) throw failure(s, worst, value, xs, null);
    return report(s, 'jacobian', worst);
  }
  const rng = new Rng(options.seed ?? 0);
  const directions = options.directions ?? 6;
  for (let d = 0; d < directions; d++) {
    const v = normalTensor(value.shape, rng, false);
    const gv = grads(v);
    for (let j = 0; j < xs.length; j++) {
      const u = normalTensor(xs[j].shape, rng, true);
      const analytic = dot(gv[j].data, u.data);
      const numeric =
        (project(f, v, shifted(xs, j, u, s.eps)) - project(f, v, shifted(xs, j, u, -s.eps))) / (2 * s.eps);
      if (compare(s, worst, analytic, numeric, j, -1, d)) {
        throw localize(f, xs, j, v, gv[j], s, `random projection ${d} (seed ${options.seed ?? 0})`, analytic, numeric);
      }
    }
  }
  return report(s, 'directions', worst);
}

function settingsOf(f: (...xs: Tensor[]) => Tensor, inputs: readonly Tensor[], o: GradCheckOptions): Settings {
  const name = o.name ?? (f.name !== '' ? f.name : 'f');
  if (!Array.isArray(inputs) || inputs.length === 0 || !inputs.every((x) => x instanceof Tensor)) {
    throw new TypeError(`gradCheck(${name}): argument 'inputs' must be a non-empty array of Tensors`);
  }
  for (const [key, v] of [
    ['eps', o.eps],
    ['atol', o.atol],
    ['rtol', o.rtol],
  ] as const) {
    if (v !== undefined && !(v >= 0 && Number.isFinite(v)))
      throw new ValueError('gradCheck', key, `must be a finite number ≥ 0, got ${v}`);
  }
  const inputNames = inputs.map((_, j) => o.inputNames?.[j] ?? `input ${j}`);
  return { name, inputNames, eps: o.eps ?? 1e-6, atol: o.atol ?? 1e-5, rtol: o.rtol ?? 1e-3 };
}

/** Row i of the Jacobian from one pullback of the unit vector eᵢ; column k from two evaluations. */
function checkJacobian(
  f: (...xs: Tensor[]) => Tensor,
  xs: Tensor[],
  value: Tensor,
  grads: (g: Tensor) => Tensor[],
  s: Settings,
  worst: Worst,
): void {
  const m = value.size;
  const rows = xs.map((x) => new Float64Array(m * x.size));
  for (let i = 0; i < m; i++) {
    const seed = new Float64Array(m);
    seed[i] = 1;
    grads(new Tensor(seed, value.shape)).forEach((g, j) => rows[j].set(g.data, i * xs[j].size));
  }
  for (let j = 0; j < xs.length; j++) {
    const n = xs[j].size;
    for (let k = 0; k < n; k++) {
      const plus = evaluate(f, poke(xs, j, k, s.eps), m).data;
      const minus = evaluate(f, poke(xs, j, k, -s.eps), m).data;
      for (let i = 0; i < m; i++) compare(s, worst, rows[j][i * n + k], (plus[i] - minus[i]) / (2 * s.eps), j, k, i);
    }
  }
}

/** Records one comparison; true if it is outside tolerance. */
function compare(
  s: Settings,
  worst: Worst,
  analytic: number,
  numeric: number,
  input: number,
  flat: number,
  out: number,
): boolean {
  const tol = s.atol + s.rtol * Math.abs(numeric);
  const error = Math.abs(analytic - numeric);
  // NaN on either side is a failure unless both are the same non-finite value.
  const bad = !(error <= tol) && !Object.is(analytic, numeric);
  const ratio = bad && !Number.isFinite(error) ? Infinity : error / tol;
  worst.count++;
  if (error > worst.maxError || Number.isNaN(error)) worst.maxError = error;
  if (bad && (worst.fail === null || ratio > worst.ratio || Number.isNaN(error)))
    worst.fail = { input, flat, out, analytic, numeric, tol };
  if (ratio > worst.ratio || (bad && Number.isNaN(error))) worst.ratio = Number.isNaN(error) ? Infinity : ratio;
  return bad;
}

function failure(s: Settings, worst: Worst, value: Tensor, xs: Tensor[], projection: string | null): GradCheckError {
  const w = worst.fail!;
  const element = w.flat >= 0 ? unravel(w.flat, xs[w.input].shape) : null;
  const output =
    projection ?? (value.shape.length === 0 ? 'the output' : `output ${showIndex(unravel(w.out, value.shape))}`);
  const where = element === null ? '' : ` element ${showIndex(element)}`;
  return new GradCheckError(
    s.name,
    w.input,
    element,
    output,
    w.analytic,
    w.numeric,
    w.tol,
    `${output} with respect to ${s.inputNames[w.input]}${where}`,
  );
}

/**
 * A projection failed: compare the full gradient of vᵀf with respect to input j element by
 * element (2·size evaluations, paid only on failure) to name the worst element.
 */
function localize(
  f: (...xs: Tensor[]) => Tensor,
  xs: Tensor[],
  j: number,
  v: Tensor,
  gv: Tensor,
  s: Settings,
  projection: string,
  analytic: number,
  numeric: number,
): GradCheckError {
  const worst: Worst = { ratio: 0, maxError: 0, count: 0, fail: null };
  for (let k = 0; k < xs[j].size; k++) {
    const d = (project(f, v, poke(xs, j, k, s.eps)) - project(f, v, poke(xs, j, k, -s.eps))) / (2 * s.eps);
    compare(s, worst, gv.data[k], d, j, k, 0);
  }
  if (worst.fail !== null) return failure(s, worst, v, xs, projection);
  const tol = s.atol + s.rtol * Math.abs(numeric);
  return new GradCheckError(
    s.name,
    j,
    null,
    projection,
    analytic,
    numeric,
    tol,
    `${projection} with respect to ${s.inputNames[j]} (no single element stands out)`,
  );
}

function report(s: Settings, mode: 'jacobian' | 'directions', worst: Worst): GradCheckReport {
  return { name: s.name, mode, comparisons: worst.count, maxError: worst.maxError, worstRatio: worst.ratio };
}

/**
 * f at constant `xs` (nothing to record), checking the output keeps its size. Not inside noGrad:
 * that would also silence the transforms f may call (gradGradCheck's h runs vjp).
 */
function evaluate(f: (...xs: Tensor[]) => Tensor, xs: Tensor[], size: number): Tensor {
  const out = f(...xs);
  if (!(out instanceof Tensor) || out.size !== size) {
    throw new TypeError(
      `gradCheck: f returned ${out instanceof Tensor ? `shape ${showShape(out.shape)}` : typeof out} at a perturbed input; it must keep its output shape`,
    );
  }
  return out;
}

function project(f: (...xs: Tensor[]) => Tensor, v: Tensor, xs: Tensor[]): number {
  return dot(evaluate(f, xs, v.size).data, v.data);
}

/** A copy of `xs` with element k of input j moved by `delta`. */
function poke(xs: Tensor[], j: number, k: number, delta: number): Tensor[] {
  const data = Float64Array.from(xs[j].data);
  data[k] += delta;
  return xs.map((x, i) => (i === j ? new Tensor(data, x.shape) : x));
}

/** A copy of `xs` with input j moved by `delta`·u. */
function shifted(xs: Tensor[], j: number, u: Tensor, delta: number): Tensor[] {
  const data = Float64Array.from(xs[j].data);
  for (let k = 0; k < data.length; k++) data[k] += delta * u.data[k];
  return xs.map((x, i) => (i === j ? new Tensor(data, x.shape) : x));
}

/** Standard normal entries; scaled to unit length when `unit` (a step of eps along it moves eps). */
function normalTensor(shape: readonly number[], rng: Rng, unit: boolean): Tensor {
  const n = shape.reduce((p, d) => p * d, 1);
  const data = new Float64Array(n);
  for (let k = 0; k < n; k++) data[k] = rng.normal();
  if (unit && n > 0) {
    const norm = Math.sqrt(dot(data, data));
    for (let k = 0; k < n; k++) data[k] /= norm;
  }
  return new Tensor(data, [...shape]);
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k] * b[k];
  return s;
}

function unravel(flat: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    index[d] = flat % shape[d];
    flat = Math.floor(flat / shape[d]);
  }
  return index;
}

function showIndex(index: readonly number[]): string {
  return `[${index.join(', ')}]`;
}

/** Options of {@link gradGradCheck}: those of {@link gradCheck}, plus how many projections to check. */
export interface GradGradCheckOptions extends GradCheckOptions {
  /** Random projections (v, w) of the first gradient to differentiate (default 1). */
  projections?: number;
}

/**
 * Checks second derivatives. For random v (shaped like f's output) and w (shaped like each input),
 * h(x, v) = Σⱼ ⟨wⱼ, (∂f/∂xⱼ)ᵀv⟩ is computed with `vjp` inside the check, so its gradient goes
 * through the tape's higher-order path (the backward pass recorded on the outer tape); that
 * gradient, with respect to every input and to v itself, is compared with finite differences of h.
 *
 * @example
 * gradGradCheck((x) => sum(exp(x)), [tensor([0.5, -1])], { name: 'exp' });
 */
export function gradGradCheck(
  f: (...xs: Tensor[]) => Tensor,
  inputs: readonly Tensor[],
  options: GradGradCheckOptions = {},
): GradCheckReport[] {
  const s = settingsOf(f, inputs, options);
  const rng = new Rng((options.seed ?? 0) + 1);
  const out = f(...inputs.map(detach));
  const reports: GradCheckReport[] = [];
  const n = inputs.length;
  for (let p = 0; p < (options.projections ?? 1); p++) {
    const v = normalTensor(out.shape, rng, false);
    const ws = inputs.map((x) => normalTensor(x.shape, rng, false));
    const h = (...args: Tensor[]): Tensor => {
      const { pullback } = vjp(f as (...a: never[]) => Tensor, ...args.slice(0, n));
      const gs = pullback(args[n]) as Tensor[];
      return gs.map((g, j) => sum(mul(g, ws[j]))).reduce((a, b) => add(a, b));
    };
    const names = [...s.inputNames, 'the output gradient v'];
    reports.push(
      gradCheck(h, [...inputs, v], {
        ...options,
        name: `${s.name} (second order, projection ${p})`,
        inputNames: names,
      }),
    );
  }
  return reports;
}
