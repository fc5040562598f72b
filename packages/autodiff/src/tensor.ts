/**
 * @file The Tensor: row-major, contiguous Float64Array data plus a shape, and the functions that
 * make tensors. A tensor never changes after it is made; every op returns a new one.
 */
import { ShapeError, showShape } from './errors.js';
import { Rng } from './random.js';
import type { Tape } from './tape.js';

export type Shape = readonly number[];

/** A nested array of numbers, as `tensor()` accepts and `toArray()` returns. */
export type NestedArray = number | NestedArray[];

/**
 * The mark every Tensor carries, in the global symbol registry so that two copies of this package
 * loaded at once (two bundles, or two installed versions) share it: see `Tensor[Symbol.hasInstance]`.
 */
const TENSOR = Symbol.for('@tapegrad/autodiff.Tensor');

/**
 * An n-dimensional float64 array. Treat `data` as read-only: ops never write into their inputs,
 * and gradients computed from a tensor assume its values do not change.
 *
 * @example
 * const t = tensor([[1, 2], [3, 4]]);
 * t.shape; // [2, 2]
 * t.toArray(); // [[1, 2], [3, 4]]
 */
export class Tensor {
  /**
   * `x instanceof Tensor` asks for the tensor mark rather than this class's prototype, so a tensor
   * made by another copy of @tapegrad/autodiff (a second bundle, a second installed version)
   * passes this copy's argument checks. Tapes are per copy: differentiate with the copy whose ops
   * the function uses.
   *
   * @example
   * otherCopy.tensor([1, 2]) instanceof Tensor; // true
   * [1, 2] instanceof Tensor; // false
   */
  static [Symbol.hasInstance](x: unknown): x is Tensor {
    return (x as { [TENSOR]?: unknown } | null | undefined)?.[TENSOR] === true;
  }

  static {
    Object.defineProperty(Tensor.prototype, TENSOR, { value: true });
  }

  readonly data: Float64Array;
  readonly shape: Shape;
  readonly size: number;
  /** @internal The tape that recorded this tensor, or null for a constant. */
  tape: Tape | null = null;
  /** @internal This tensor's index on its tape. */
  id = -1;

  /** @internal Use `tensor()` and the other constructors; this one trusts its arguments. */
  constructor(data: Float64Array, shape: Shape) {
    this.data = data;
    this.shape = shape;
    this.size = data.length;
  }

  /** Number of dimensions. */
  get rank(): number {
    return this.shape.length;
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) {
      throw new ShapeError('item', 'this', `needs exactly one element, tensor has shape ${showShape(this.shape)}`);
    }
    return this.data[0];
  }

  /** The values as nested arrays (a plain number for a scalar). */
  toArray(): NestedArray {
    if (this.shape.length === 0) return this.data[0];
    const build = (dim: number, offset: number): NestedArray[] => {
      const n = this.shape[dim];
      const out: NestedArray[] = new Array(n);
      if (dim === this.shape.length - 1) {
        for (let i = 0; i < n; i++) out[i] = this.data[offset + i];
        return out;
      }
      const stride = strideOf(this.shape, dim);
      for (let i = 0; i < n; i++) out[i] = build(dim + 1, offset + i * stride);
      return out;
    };
    return build(0, 0);
  }

  toString(): string {
    return `Tensor(${showShape(this.shape)}) ${JSON.stringify(this.toArray())}`;
  }
}

function strideOf(shape: Shape, dim: number): number {
  let s = 1;
  for (let d = dim + 1; d < shape.length; d++) s *= shape[d];
  return s;
}

/** Checks that every dimension is a non-negative integer; returns the element count. */
export function checkShape(op: string, shape: Shape, argument = 'shape'): number {
  if (!Array.isArray(shape)) throw new ShapeError(op, argument, `must be an array of dimensions, got ${String(shape)}`);
  let size = 1;
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw new ShapeError(op, argument, `dimensions must be non-negative integers, got ${showShape(shape)}`);
    }
    size *= d;
  }
  return size;
}

/** Product of the dimensions. */
export function sizeOf(shape: Shape): number {
  let size = 1;
  for (const d of shape) size *= d;
  return size;
}

/** @internal A tensor that shares `data`; callers promise nobody writes to it afterwards. */
export function fromData(data: Float64Array, shape: Shape): Tensor {
  return new Tensor(data, shape);
}

/** A tensor of the same values that no tape tracks. */
export function detach(x: Tensor): Tensor {
  return x.tape === null ? x : new Tensor(x.data, x.shape);
}

/**
 * Makes a tensor from nested arrays, a number, or a Float64Array with an explicit shape.
 * The data is copied, so later changes to the argument do not reach the tensor.
 *
 * @example
 * tensor([[1, 2, 3], [4, 5, 6]]).shape; // [2, 3]
 * tensor(new Float64Array([1, 2, 3, 4]), [2, 2]).shape; // [2, 2]
 */
export function tensor(values: NestedArray | Float64Array | readonly number[], shape?: Shape): Tensor {
  if (values instanceof Float64Array) {
    const s = shape ?? [values.length];
    const size = checkShape('tensor', s);
    if (size !== values.length) {
      throw new ShapeError(
        'tensor',
        'shape',
        `data has ${values.length} elements but shape ${showShape(s)} needs ${size}`,
      );
    }
    return new Tensor(Float64Array.from(values), [...s]);
  }
  const inferred = inferShape(values);
  const flat = new Float64Array(sizeOf(inferred));
  let k = 0;
  const fill = (v: NestedArray): void => {
    if (typeof v === 'number') flat[k++] = v;
    else for (const w of v) fill(w);
  };
  fill(values as NestedArray);
  if (shape === undefined) return new Tensor(flat, inferred);
  const size = checkShape('tensor', shape);
  if (size !== flat.length) {
    throw new ShapeError(
      'tensor',
      'shape',
      `data has ${flat.length} elements but shape ${showShape(shape)} needs ${size}`,
    );
  }
  return new Tensor(flat, [...shape]);
}

function inferShape(values: unknown, path = 'values'): number[] {
  if (typeof values === 'number') return [];
  if (!Array.isArray(values)) {
    throw new TypeError(`tensor: argument '${path}' must be a number or an array, got ${typeof values}`);
  }
  if (values.length === 0) return [0];
  const inner = inferShape(values[0], `${path}[0]`);
  for (let i = 1; i < values.length; i++) {
    const s = inferShape(values[i], `${path}[${i}]`);
    if (s.length !== inner.length || s.some((d, j) => d !== inner[j])) {
      throw new ShapeError(
        'tensor',
        `${path}[${i}]`,
        `ragged nested array: element has shape ${showShape(s)} but ${path}[0] has ${showShape(inner)}`,
      );
    }
  }
  return [values.length, ...inner];
}

/** A tensor of the given shape filled with `value`. */
export function full(shape: Shape, value: number): Tensor {
  const size = checkShape('full', shape);
  return new Tensor(new Float64Array(size).fill(value), [...shape]);
}

/** A tensor of zeros. */
export function zeros(shape: Shape): Tensor {
  return new Tensor(new Float64Array(checkShape('zeros', shape)), [...shape]);
}

/** A tensor of ones. */
export function ones(shape: Shape): Tensor {
  return full(shape, 1);
}

/** A scalar (rank-0) tensor. */
export function scalar(value: number): Tensor {
  return new Tensor(new Float64Array([value]), []);
}

/** The n × m identity (m defaults to n). */
export function eye(n: number, m = n): Tensor {
  checkShape('eye', [n, m], 'n, m');
  const data = new Float64Array(n * m);
  for (let i = 0; i < Math.min(n, m); i++) data[i * m + i] = 1;
  return new Tensor(data, [n, m]);
}

/** Evenly spaced values in [start, stop): `arange(3)` is [0, 1, 2]. */
export function arange(start: number, stop?: number, step = 1): Tensor {
  if (stop === undefined) [start, stop] = [0, start];
  if (!Number.isFinite(start) || !Number.isFinite(stop) || !Number.isFinite(step) || step === 0) {
    throw new ShapeError('arange', 'start, stop, step', `must be finite with step ≠ 0, got ${start}, ${stop}, ${step}`);
  }
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return new Tensor(data, [n]);
}

/** Where random constructors take their randomness: a seed or a generator to draw from. */
export type RandomSource = number | Rng;

function rngOf(source: RandomSource): Rng {
  return typeof source === 'number' ? new Rng(source) : source;
}

/**
 * Normal samples with the given mean and standard deviation.
 *
 * @example
 * randn([2, 3], 42); // same numbers for seed 42, everywhere
 */
export function randn(shape: Shape, source: RandomSource, mean = 0, std = 1): Tensor {
  const rng = rngOf(source);
  const data = new Float64Array(checkShape('randn', shape));
  for (let i = 0; i < data.length; i++) data[i] = mean + std * rng.normal();
  return new Tensor(data, [...shape]);
}

/** Uniform samples on [low, high). */
export function uniform(shape: Shape, source: RandomSource, low = 0, high = 1): Tensor {
  const rng = rngOf(source);
  const data = new Float64Array(checkShape('uniform', shape));
  for (let i = 0; i < data.length; i++) data[i] = low + (high - low) * rng.uniform();
  return new Tensor(data, [...shape]);
}
