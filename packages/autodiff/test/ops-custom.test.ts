/**
 * @file defineOp: user-defined ops record one tape entry, differentiate to any order when their VJP
 * uses tapegrad ops, join anomaly mode and the testing kit, and reject bad definitions and calls.
 */
import { describe, expect, it } from 'vitest';
import {
  AnomalyError,
  Tape,
  TapeError,
  ValueError,
  add,
  defineOp,
  grad,
  log,
  mul,
  square,
  sum,
  tensor,
  withAnomalyMode,
  type Tensor,
} from '@tapegrad/autodiff';
import { GradCheckError, gradCheck, gradGradCheck } from '@tapegrad/autodiff/testing';
import { expectClose } from './ops-helpers.js';

const cube = defineOp({
  name: 'cube',
  inputs: ['x'],
  forward: (x) => mul(x, mul(x, x)),
  // ∂/∂x = 3x²·g
  vjp: (g, [x]) => [mul(g, mul(square(x), 3))],
});

describe('defineOp', () => {
  it('computes the forward value and records a single tape entry', () => {
    expectClose(cube(tensor([2, -1])), [8, -1]);
    const tape = new Tape();
    const x = tape.watch(tensor([2]));
    const before = tape.length;
    tape.record(() => cube(x));
    // forward's two muls ran without recording: only the op itself was added
    expect(tape.length - before).toBe(1);
  });

  it('differentiates to first and second order when the VJP uses tapegrad ops', () => {
    // d/dx x³ = 3x² = 12 at 2; d²/dx² = 6x = 12 at 2, −6 at −1
    expectClose(grad((x: Tensor) => sum(cube(x)))(tensor([2, -1])), [12, 3]);
    expectClose(grad((x: Tensor) => sum(grad((y: Tensor) => sum(cube(y)))(x)))(tensor([2, -1])), [12, -6]);
    gradCheck(cube, [tensor([0.5, -1.5, 2])]);
    gradGradCheck(cube, [tensor([0.5, -1.5, 2])]);
  });

  it('lets a VJP return the broadcast shape; the tape sums it down', () => {
    const addBias = defineOp({
      name: 'addBias',
      inputs: ['x', 'bias'],
      forward: (x, bias) => add(x, bias),
      vjp: (g, _inputs, _out, needs) => [needs[0] ? g : null, needs[1] ? g : null],
    });
    const [, gb] = grad((x: Tensor, bias: Tensor) => sum(addBias(x, bias)), { argnums: [0, 1] })(
      tensor([
        [1, 2],
        [3, 4],
      ]),
      tensor([0, 0]),
    ) as Tensor[];
    expectClose(gb, [2, 2]);
  });

  it('does not disturb an input that forward returns unchanged', () => {
    const identity = defineOp({ name: 'identity', inputs: ['x'], forward: (x) => x, vjp: (g) => [g] });
    // f = Σ identity(x)·x = Σ x², so ∂f/∂x = 2x
    expectClose(grad((x: Tensor) => sum(mul(identity(x), x)))(tensor([1, 3])), [2, 6]);
  });

  it('does not take over a tracked tensor that forward returns from outside its inputs', () => {
    // forward returns w's values, a constant as far as the op is concerned: f = Σ leak(x)·w with
    // leak's VJP passing g to x gives ∂f/∂x = w and ∂f/∂w = w (through the second factor only)
    let w: Tensor = tensor([0]);
    const leak = defineOp({ name: 'leak', inputs: ['x'], forward: () => w, vjp: (g) => [g] });
    const [gx, gw] = grad(
      (x: Tensor, v: Tensor) => {
        w = v;
        return sum(mul(leak(x), v));
      },
      { argnums: [0, 1] },
    )(tensor([1, 1]), tensor([2, 3])) as Tensor[];
    expectClose(gx, [2, 3]);
    expectClose(gw, [2, 3]);
  });

  it('does not take over an untracked input that forward returns unchanged', () => {
    // pass(c, y) returns c; its VJP gives g to y. f = Σ pass(c, y)·y + Σ c·y, so ∂f/∂y = c + y + c:
    // the second c is a constant, not the op's output
    const pass = defineOp({ name: 'pass', inputs: ['c', 'y'], forward: (c) => c, vjp: (g) => [null, g] });
    const c = tensor([1, 2]);
    const f = (y: Tensor) => add(sum(mul(pass(c, y), y)), sum(mul(c, y)));
    expectClose(grad(f)(tensor([10, 20])), [12, 24]);
  });

  it('passes the saved output to the VJP, and a wrong VJP fails the gradient check', () => {
    const expOp = defineOp({
      name: 'myExp',
      inputs: ['x'],
      forward: (x) => tensor(Float64Array.from(x.data, Math.exp), x.shape),
      vjp: (g, _x, out) => [mul(g, out)],
    });
    gradGradCheck(expOp, [tensor([0.3, -0.7])]);
    const wrong = defineOp({
      name: 'wrongSquare',
      inputs: ['x'],
      forward: (x) => square(x),
      vjp: (g, [x]) => [mul(g, x)],
    });
    expect(() => gradCheck(wrong, [tensor([0.5, 2])])).toThrow(GradCheckError);
  });

  it('joins anomaly mode in forward and backward', () => {
    // a forward built from tapegrad ops is checked op by op, so the report names the inner op
    const logOp = defineOp({ name: 'myLog', inputs: ['x'], forward: (x) => log(x), vjp: (g, [x]) => [mul(g, log(x))] });
    expect(() => withAnomalyMode(() => logOp(tensor([-1])))).toThrow(AnomalyError);
    expect(() => withAnomalyMode(() => logOp(tensor([-1])))).toThrow(/anomaly in forward of 'log'/);
    // a forward of raw loops is checked as the custom op's output
    const rawLog = defineOp({
      name: 'rawLog',
      inputs: ['x'],
      forward: (x) => tensor(x.data.map(Math.log), x.shape),
      vjp: (g) => [g],
    });
    expect(() => withAnomalyMode(() => rawLog(tensor([-1])))).toThrow(/anomaly in forward of 'rawLog'/);
    // a VJP of raw loops that returns ∞ is caught as the gradient of the custom op's input
    const badVjp = defineOp({
      name: 'badVjp',
      inputs: ['x'],
      forward: (x) => mul(x, 2),
      vjp: (g) => [
        tensor(
          g.data.map(() => Infinity),
          g.shape,
        ),
      ],
    });
    expect(() => withAnomalyMode(() => grad((x: Tensor) => sum(badVjp(x)))(tensor([1])))).toThrow(
      /anomaly in backward of 'badVjp' .*gradient of input 'x' has Infinity/,
    );
  });

  it('rejects wrong arity, non-tensor arguments and malformed VJP results', () => {
    expect(() => cube(tensor([1]), tensor([2]))).toThrow(ValueError);
    expect(() => cube(tensor([1]), tensor([2]))).toThrow(/cube: argument 'inputs': takes 1 tensor\(s\) \(x\), got 2/);
    expect(() => cube([1] as unknown as Tensor)).toThrow(/cube: argument 'x' must be a Tensor, got object/);
    const short = defineOp({ name: 'short', inputs: ['a', 'b'], forward: (a) => a, vjp: (g) => [g] });
    expect(() => grad((x: Tensor) => sum(short(x, x)))(tensor([1]))).toThrow(TapeError);
    expect(() => grad((x: Tensor) => sum(short(x, x)))(tensor([1]))).toThrow(
      /short: vjp must return an array of 2 gradient\(s\) \(Tensor or null\), got 1/,
    );
    const notTensor = defineOp({
      name: 'notTensor',
      inputs: ['x'],
      forward: () => 3 as unknown as Tensor,
      vjp: (g) => [g],
    });
    expect(() => notTensor(tensor([1]))).toThrow(/notTensor: forward must return a Tensor, got number/);
  });

  it('rejects malformed definitions', () => {
    const vjp = (g: Tensor) => [g];
    expect(() => defineOp({ name: '', inputs: ['x'], forward: (x) => x, vjp })).toThrow(
      /defineOp: argument 'name': must be a non-empty string/,
    );
    expect(() => defineOp({ name: 'f', inputs: 'x' as unknown as string[], forward: (x) => x, vjp })).toThrow(
      /defineOp: argument 'inputs': op 'f' needs an array of input names/,
    );
    expect(() => defineOp({ name: 'f', inputs: ['x'], forward: undefined as unknown as () => Tensor, vjp })).toThrow(
      TypeError,
    );
  });
});
