/**
 * @file The functional transforms: grad, valueAndGrad, vjp, jvp, jacobian, hessianVectorProduct,
 * stopGradient. Each one watches its inputs on a tape, runs the function, and walks the tape back.
 * Inside another transform they share the outer tape and record their own backward pass, which is
 * what makes grad(grad(f)) work.
 */
import { TapeError, ValueError, showShape } from './errors.js';
import { Tape, activeTape } from './tape.js';
import { Tensor, detach } from './tensor.js';
import { treeLeaves, treeMap, treeUnflatten, type TensorTree } from './tree.js';
import { add, mul } from './ops/elementwise.js';
import { sum } from './ops/reduce.js';

/** Options of {@link grad} and {@link valueAndGrad}. */
export interface GradOptions {
  /** Which arguments to differentiate: an index (default 0) or a list of indices. */
  argnums?: number | readonly number[];
  /** What to do when the output does not depend on a differentiated argument (default 'ignore'). */
  onUnused?: 'ignore' | 'warn' | 'throw';
}

type Fn<A extends unknown[]> = (...args: A) => Tensor;

// Both Node and browsers have it; the library otherwise needs no platform globals.
declare const console: { warn(message: string): void };

/** The gradient of a scalar function with respect to its first argument (or `argnums`). */
export function grad<A extends unknown[]>(f: Fn<A>): (...args: A) => A[0];
export function grad<A extends unknown[], const I extends number>(
  f: Fn<A>,
  options: GradOptions & { argnums: I },
): (...args: A) => A[I];
export function grad<A extends unknown[]>(
  f: Fn<A>,
  options: GradOptions & { argnums: readonly number[] },
): (...args: A) => TensorTree[];
export function grad<A extends unknown[]>(f: Fn<A>, options?: GradOptions): (...args: A) => unknown;
/**
 * @example
 * const df = grad((x: Tensor) => sum(tanh(x)));
 * df(tensor([0, 1])); // [1, 0.41997...]
 * const d2f = grad((x: Tensor) => sum(grad((y: Tensor) => sum(tanh(y)))(x))); // second derivative
 */
export function grad<A extends unknown[]>(f: Fn<A>, options: GradOptions = {}): (...args: A) => unknown {
  const vg = valueAndGrad(f, options);
  return (...args: A) => vg(...args).grad;
}

/** What {@link valueAndGrad} returns: the function's value and its gradient. */
export interface ValueAndGrad<G> {
  value: Tensor;
  grad: G;
}

/** The value of a scalar function together with its gradient, from one forward and one backward pass. */
export function valueAndGrad<A extends unknown[]>(f: Fn<A>): (...args: A) => ValueAndGrad<A[0]>;
export function valueAndGrad<A extends unknown[], const I extends number>(
  f: Fn<A>,
  options: GradOptions & { argnums: I },
): (...args: A) => ValueAndGrad<A[I]>;
export function valueAndGrad<A extends unknown[]>(
  f: Fn<A>,
  options: GradOptions & { argnums: readonly number[] },
): (...args: A) => ValueAndGrad<TensorTree[]>;
export function valueAndGrad<A extends unknown[]>(
  f: Fn<A>,
  options?: GradOptions,
): (...args: A) => ValueAndGrad<unknown>;
/**
 * @example
 * const lossFn = (p: { w: Tensor; b: Tensor }) => sum(square(add(mul(p.w, 3), p.b)));
 * const { value, grad: g } = valueAndGrad(lossFn)({ w: tensor([1]), b: tensor([2]) });
 * // value 25, g.w [30], g.b [10]
 */
export function valueAndGrad<A extends unknown[]>(
  f: Fn<A>,
  options: GradOptions = {},
): (...args: A) => ValueAndGrad<unknown> {
  const argnums = options.argnums ?? 0;
  const list = typeof argnums === 'number' ? [argnums] : [...argnums];
  return (...args: A) => {
    for (const i of list) {
      if (!Number.isInteger(i) || i < 0 || i >= args.length) {
        throw new ValueError('valueAndGrad', 'argnums', `index ${i} is out of range for ${args.length} argument(s)`);
      }
    }
    const { value, grads, unreached } = differentiate('valueAndGrad', f as Fn<unknown[]>, args, list);
    if (unreached.length > 0 && options.onUnused !== undefined && options.onUnused !== 'ignore') {
      const message = `valueAndGrad: the output does not depend on argument(s) ${unreached.join(', ')}; their gradient is zero`;
      if (options.onUnused === 'throw') throw new ValueError('valueAndGrad', 'argnums', message);
      console.warn(message);
    }
    return { value, grad: typeof argnums === 'number' ? grads[0] : grads };
  };
}

/**
 * Runs f with the arguments in `list` watched and returns its value and gradients (trees shaped
 * like those arguments). Shares the active tape when nested inside another transform.
 */
function differentiate(
  op: string,
  f: Fn<unknown[]>,
  args: readonly unknown[],
  list: readonly number[],
): { value: Tensor; grads: TensorTree[]; unreached: number[] } {
  const outer = activeTape();
  const tape = outer ?? new Tape();
  // Released even when f throws, so a failed call leaves no live entries behind.
  try {
    const watched = [...args];
    for (const i of list) watched[i] = treeMap(args[i] as TensorTree, (x) => tape.watch(checkTensor(op, x, i)));
    const out: unknown = tape.record(() => f(...watched));
    if (!(out instanceof Tensor)) throw new TapeError(op, `the function must return a Tensor, got ${typeof out}`);
    const leaves = list.map((i) => treeLeaves(watched[i] as TensorTree));
    const sources = leaves.flat();
    const unreachedLeaves: number[] = [];
    // Nested, the walk is recorded on the outer tape (higher order); at the top it is not.
    const flat = tape.gradient(out, sources, undefined, unreachedLeaves);
    const grads: TensorTree[] = [];
    const unreached = new Set<number>();
    let offset = 0;
    for (const [k, i] of list.entries()) {
      const count = leaves[k].length;
      grads.push(
        treeUnflatten(
          args[i] as TensorTree,
          flat.slice(offset, offset + count).map((g) => (outer === null ? detach(g) : g)),
        ),
      );
      for (const u of unreachedLeaves) if (u >= offset && u < offset + count) unreached.add(i);
      offset += count;
    }
    return { value: outer === null ? detach(out) : out, grads, unreached: [...unreached] };
  } finally {
    if (outer === null) tape.release();
  }
}

function checkTensor(op: string, x: Tensor, argument: number): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: argument ${argument} must contain only Tensors`);
  return x;
}

/** What {@link vjp} returns: the value, and a pullback from an output gradient to input gradients. */
export interface VjpResult {
  value: Tensor;
  /** Gradients with respect to each primal (trees shaped like them) for the output gradient `g`. */
  pullback: (g: Tensor) => TensorTree[];
  /** Frees the recorded entries once the pullback is no longer needed (a no-op when nested). */
  release: () => void;
}

/**
 * The vector-Jacobian product: runs f once and returns a pullback that maps a gradient of the
 * output (the cotangent) to gradients of the inputs. The pullback may be called many times.
 *
 * @example
 * const { value, pullback } = vjp((x: Tensor) => mul(x, x), tensor([1, 2]));
 * pullback(tensor([1, 1])); // [[2, 4]]
 */
export function vjp(f: (...args: never[]) => Tensor, ...primals: TensorTree[]): VjpResult {
  const outer = activeTape();
  const tape = outer ?? new Tape(true);
  let watched: TensorTree[];
  let out: Tensor;
  try {
    watched = primals.map((p, i) => treeMap(p, (x) => tape.watch(checkTensor('vjp', x, i))));
    const value: unknown = tape.record(() => (f as (...a: unknown[]) => unknown)(...watched));
    if (!(value instanceof Tensor))
      throw new TapeError('vjp', `the function must return a Tensor, got ${typeof value}`);
    out = value;
  } catch (error) {
    if (outer === null) tape.release(); // no pullback will ever use this tape
    throw error;
  }
  const sources = watched.flatMap((w) => treeLeaves(w));
  const pullback = (g: Tensor): TensorTree[] => {
    if (!(g instanceof Tensor)) throw new TypeError(`vjp pullback: argument 'g' must be a Tensor, got ${typeof g}`);
    const flat = tape.gradient(out, sources, g);
    let offset = 0;
    return primals.map((p) => {
      const count = treeLeaves(p).length;
      const part = flat.slice(offset, offset + count).map((x) => (outer === null ? detach(x) : x));
      offset += count;
      return treeUnflatten(p, part);
    });
  };
  const release = (): void => {
    if (outer === null && !tape.consumed) tape.release();
  };
  return { value: outer === null ? detach(out) : out, pullback, release };
}

/**
 * The Jacobian-vector product (forward-mode derivative) of f at `primals` along `tangents`,
 * computed as the VJP of the VJP: u ↦ Jᵀu is linear, and its own VJP applied to v is Jv.
 *
 * @example
 * jvp((x: Tensor) => mul(x, x), [tensor([3])], [tensor([1])]).tangent; // [6]
 */
export function jvp(
  f: (...args: Tensor[]) => Tensor,
  primals: readonly Tensor[],
  tangents: readonly Tensor[],
): { value: Tensor; tangent: Tensor } {
  if (primals.length !== tangents.length) {
    throw new ValueError(
      'jvp',
      'tangents',
      `expected one tangent per primal (${primals.length}), got ${tangents.length}`,
    );
  }
  primals.forEach((p, i) => {
    const t = tangents[i];
    if (!(t instanceof Tensor) || t.shape.length !== p.shape.length || t.shape.some((d, j) => d !== p.shape[j])) {
      throw new ValueError(
        'jvp',
        `tangents[${i}]`,
        `must have the primal's shape ${showShape(p.shape)}, got ${t instanceof Tensor ? showShape(t.shape) : typeof t}`,
      );
    }
  });
  const outer = activeTape();
  const tape = outer ?? new Tape();
  try {
    // Both walks run inside record, so the first is recorded and the second can differentiate it.
    const result = tape.record(() => {
      const xs = primals.map((p) => tape.watch(p));
      const out = f(...xs);
      const u = tape.watch(new Tensor(new Float64Array(out.size), out.shape));
      const gs = tape.gradient(out, xs, u);
      let total: Tensor | null = null;
      gs.forEach((g, i) => {
        const term = sum(mul(g, tangents[i]));
        total = total === null ? term : add(total, term);
      });
      const [tangent] = tape.gradient(total!, [u]);
      return { value: out, tangent };
    });
    return outer === null ? { value: detach(result.value), tangent: detach(result.tangent) } : result;
  } finally {
    if (outer === null) tape.release();
  }
}

/**
 * The full Jacobian of f at x, of shape [...f(x).shape, ...x.shape], one reverse walk per output
 * element. The result is a constant (not differentiable again).
 *
 * @example
 * jacobian((x: Tensor) => mul(x, 2))(tensor([1, 2])).toArray(); // [[2, 0], [0, 2]]
 */
export function jacobian(f: (x: Tensor) => Tensor): (x: Tensor) => Tensor {
  return (x: Tensor) => {
    const tape = new Tape(true);
    const xw = tape.watch(x);
    const out = tape.record(() => f(xw));
    const data = new Float64Array(out.size * x.size);
    for (let i = 0; i < out.size; i++) {
      const seed = new Float64Array(out.size);
      seed[i] = 1;
      const [row] = tape.gradient(out, [xw], new Tensor(seed, out.shape));
      data.set(row.data, i * x.size);
    }
    tape.release();
    return new Tensor(data, [...out.shape, ...x.shape]);
  };
}

/**
 * The Hessian of a scalar f at x times v, without forming the Hessian: the gradient of ⟨∇f(x), v⟩.
 *
 * @example
 * hessianVectorProduct((x: Tensor) => sum(mul(x, mul(x, x))), tensor([1, 2]), tensor([1, 0])); // [6, 0]
 */
export function hessianVectorProduct(f: (x: Tensor) => Tensor, x: Tensor, v: Tensor): Tensor {
  if (v.shape.length !== x.shape.length || v.shape.some((d, i) => d !== x.shape[i])) {
    throw new ValueError(
      'hessianVectorProduct',
      'v',
      `must have x's shape ${showShape(x.shape)}, got ${showShape(v.shape)}`,
    );
  }
  const df = grad(f);
  return grad((y: Tensor) => sum(mul(df(y), v)))(x);
}

/**
 * The same values as x, treated as a constant by every tape: no gradient flows through it.
 *
 * @example
 * grad((x: Tensor) => sum(mul(x, stopGradient(x))))(tensor([3])); // [3], not [6]
 */
export function stopGradient<T extends TensorTree>(x: T): T {
  return treeMap(x, detach);
}
