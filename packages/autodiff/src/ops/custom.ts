/**
 * @file User-defined ops: `defineOp` turns a forward function and a VJP into an op that records on
 * the tape like the built-ins do, so it works under grad, vjp, anomaly mode and the testing kit.
 */
import { TapeError, ValueError } from '../errors.js';
import { noGrad, record } from '../tape.js';
import { Tensor, fromData } from '../tensor.js';

/** What {@link defineOp} needs to know about an op. */
export interface OpDefinition {
  /** The op's name, as errors and anomaly reports print it. */
  name: string;
  /** One name per input, in order; the op takes exactly this many tensors. */
  inputs: readonly string[];
  /** Computes the value. It runs without recording, so it may use any ops or raw loops. */
  forward: (...xs: Tensor[]) => Tensor;
  /**
   * The gradients with respect to each input given the gradient `g` of the output: one entry per
   * input, null where `needs[i]` is false (or the input gets no gradient). A gradient may have the
   * output's broadcast shape; the tape sums it down. Written with tapegrad ops, the VJP is itself
   * recorded under a nested transform, so the op supports gradients of gradients; written with
   * raw loops, it supports first order only.
   */
  vjp: (g: Tensor, inputs: readonly Tensor[], out: Tensor, needs: readonly boolean[]) => readonly (Tensor | null)[];
}

/**
 * Defines an op from a forward function and its VJP. The returned function checks its arity and
 * argument types, runs `forward` without recording, and records one tape entry with `vjp`.
 *
 * @example
 * const cube = defineOp({
 *   name: 'cube',
 *   inputs: ['x'],
 *   forward: (x) => mul(x, mul(x, x)),
 *   vjp: (g, [x]) => [mul(g, mul(square(x), 3))], // ∂/∂x = 3x²·g
 * });
 * grad((x: Tensor) => sum(cube(x)))(tensor([2])); // [12]
 * grad((x: Tensor) => sum(grad((y: Tensor) => sum(cube(y)))(x)))(tensor([2])); // [12] = 6x
 */
export function defineOp(definition: OpDefinition): (...xs: Tensor[]) => Tensor {
  const { name, inputs, forward, vjp } = definition;
  if (typeof name !== 'string' || name === '')
    throw new ValueError('defineOp', 'name', `must be a non-empty string, got ${JSON.stringify(name)}`);
  if (!Array.isArray(inputs) || inputs.some((n) => typeof n !== 'string')) {
    throw new ValueError(
      'defineOp',
      'inputs',
      `op '${name}' needs an array of input names, got ${JSON.stringify(inputs)}`,
    );
  }
  if (typeof forward !== 'function')
    throw new TypeError(`defineOp: argument 'forward' of op '${name}' must be a function`);
  if (typeof vjp !== 'function') throw new TypeError(`defineOp: argument 'vjp' of op '${name}' must be a function`);
  const names = [...inputs];
  const arity = names.length;
  return (...xs: Tensor[]): Tensor => {
    if (xs.length !== arity) {
      throw new ValueError(name, 'inputs', `takes ${arity} tensor(s) (${names.join(', ')}), got ${xs.length}`);
    }
    xs.forEach((x, i) => {
      if (!(x instanceof Tensor))
        throw new TypeError(`${name}: argument '${names[i]}' must be a Tensor, got ${typeof x}`);
    });
    const value = noGrad(() => forward(...xs));
    if (!(value instanceof Tensor)) throw new TypeError(`${name}: forward must return a Tensor, got ${typeof value}`);
    // The tape marks the tensor it records; an input (or any tracked tensor) returned as-is must not be re-marked.
    const out = value.tape === null && !xs.includes(value) ? value : fromData(value.data, value.shape);
    return record(out, name, xs, names, (g, needs) => {
      const grads = vjp(g, xs, out, needs);
      if (!Array.isArray(grads) || grads.length !== arity) {
        throw new TapeError(
          name,
          `vjp must return an array of ${arity} gradient(s) (Tensor or null), got ${Array.isArray(grads) ? `${grads.length}` : typeof grads}`,
        );
      }
      grads.forEach((gi, i) => {
        if (gi !== null && !(gi instanceof Tensor)) {
          throw new TapeError(name, `vjp returned ${typeof gi} for input '${names[i]}'; expected a Tensor or null`);
        }
      });
      return grads;
    });
  };
}
