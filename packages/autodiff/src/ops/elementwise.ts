/**
 * @file Elementwise ops with NumPy broadcasting. Each op computes its value with a kernel and
 * records a VJP written with these same differentiable ops, so gradients can be differentiated
 * again. Broadcasting is undone by the tape, not here: a VJP may return the output's shape.
 */
import {
  binaryMap,
  broadcastShapes,
  sigmoidMap,
  sigmoidSlopeMap,
  tanhMap,
  tanhSlopeMap,
  unaryMap,
} from '../kernels/elementwise.js';
import { sigmoidScalar } from '../kernels/activation.js';
import { record, sameShape } from '../tape.js';
import { ValueError } from '../errors.js';
import { Tensor } from '../tensor.js';
import { asTensor, type Operand } from './operand.js';

const AB = ['a', 'b'];
const X = ['x'];
const XG = ['x', 'g'];

function binary(op: string, a: Operand, b: Operand, f: (x: number, y: number) => number): [Tensor, Tensor, Tensor] {
  const ta = asTensor(op, a, 'a');
  const tb = asTensor(op, b, 'b');
  const shape =
    sameShape(ta.shape, tb.shape) || tb.shape.length === 0
      ? ta.shape
      : ta.shape.length === 0
        ? tb.shape
        : broadcastShapes(op, ta.shape, tb.shape);
  return [ta, tb, new Tensor(binaryMap(ta.data, ta.shape, tb.data, tb.shape, shape, f), shape)];
}

function unary(x: Tensor, f: (v: number) => number): Tensor {
  return new Tensor(unaryMap(x.data, f), x.shape);
}

/** A constant 0/1 tensor where `test` holds: the derivative of a piecewise op, itself constant. */
function mask(a: Tensor, b: Tensor, test: (x: number, y: number) => number): Tensor {
  const shape = broadcastShapes('mask', a.shape, b.shape);
  return new Tensor(binaryMap(a.data, a.shape, b.data, b.shape, shape, test), shape);
}

/** a + b, broadcasting. */
export function add(a: Operand, b: Operand): Tensor {
  const [ta, tb, out] = binary('add', a, b, (x, y) => x + y);
  // ∂/∂a = g, ∂/∂b = g
  return record(out, 'add', [ta, tb], AB, (g) => [g, g]);
}

/** a − b, broadcasting. */
export function sub(a: Operand, b: Operand): Tensor {
  const [ta, tb, out] = binary('sub', a, b, (x, y) => x - y);
  // ∂/∂a = g, ∂/∂b = −g
  return record(out, 'sub', [ta, tb], AB, (g, needs) => [g, needs[1] ? neg(g) : null]);
}

/** a · b elementwise, broadcasting. */
export function mul(a: Operand, b: Operand): Tensor {
  const [ta, tb, out] = binary('mul', a, b, (x, y) => x * y);
  // ∂/∂a = g·b, ∂/∂b = g·a
  return record(out, 'mul', [ta, tb], AB, (g, needs) => [needs[0] ? mul(g, tb) : null, needs[1] ? mul(g, ta) : null]);
}

/** a / b elementwise, broadcasting. */
export function div(a: Operand, b: Operand): Tensor {
  const [ta, tb, out] = binary('div', a, b, (x, y) => x / y);
  // ∂/∂a = g / b, ∂/∂b = −g·a/b² = −g·out/b
  return record(out, 'div', [ta, tb], AB, (g, needs) => [
    needs[0] ? div(g, tb) : null,
    needs[1] ? neg(div(mul(g, out), tb)) : null,
  ]);
}

/** −x. */
export function neg(x: Tensor): Tensor {
  const out = unary(x, (v) => -v);
  // ∂/∂x = −g
  return record(out, 'neg', [x], X, (g) => [neg(g)]);
}

/** a to the power b, broadcasting; the gradient for b needs a > 0. */
export function pow(a: Operand, b: Operand): Tensor {
  const [ta, tb, out] = binary('pow', a, b, Math.pow);
  // ∂/∂a = g·b·a^(b−1), ∂/∂b = g·out·log(a)
  return record(out, 'pow', [ta, tb], AB, (g, needs) => [
    needs[0] ? mul(g, mul(tb, pow(ta, sub(tb, 1)))) : null,
    needs[1] ? mul(g, mul(out, log(ta))) : null,
  ]);
}

/** x². */
export function square(x: Tensor): Tensor {
  const out = unary(x, (v) => v * v);
  // ∂/∂x = 2·x·g
  return record(out, 'square', [x], X, (g) => [mul(g, mul(x, 2))]);
}

/** √x. */
export function sqrt(x: Tensor): Tensor {
  const out = unary(x, Math.sqrt);
  // ∂/∂x = g / (2·√x)
  return record(out, 'sqrt', [x], X, (g) => [div(g, mul(out, 2))]);
}

/** eˣ. */
export function exp(x: Tensor): Tensor {
  const out = unary(x, Math.exp);
  // ∂/∂x = g·eˣ (saves its output)
  return record(out, 'exp', [x], X, (g) => [mul(g, out)]);
}

/** Natural logarithm. */
export function log(x: Tensor): Tensor {
  const out = unary(x, Math.log);
  // ∂/∂x = g / x
  return record(out, 'log', [x], X, (g) => [div(g, x)]);
}

/** |x|; its derivative at 0 is taken as 0. */
export function abs(x: Tensor): Tensor {
  const out = unary(x, Math.abs);
  // ∂/∂x = g·sign(x)
  return record(out, 'abs', [x], X, (g) => [mul(g, unary(x, Math.sign))]);
}

/** Hyperbolic tangent. */
export function tanh(x: Tensor): Tensor {
  const out = new Tensor(tanhMap(x.data), x.shape);
  // ∂/∂x = g·(1 − t)(1 + t), t = tanh(x) (saves its output)
  return record(out, 'tanh', [x], X, (g) => [tanhGrad(out, g)]);
}

/**
 * g·(1 − t)(1 + t): the VJP of tanh as an op of its own, so the backward pass makes one tensor
 * instead of four and stays differentiable. (1 − t)(1 + t) keeps precision where 1 − t² cancels.
 */
export function tanhGrad(t: Tensor, g: Tensor): Tensor {
  const out =
    t instanceof Tensor && g instanceof Tensor && sameShape(t.shape, g.shape)
      ? new Tensor(tanhSlopeMap(t.data, g.data), t.shape)
      : binary('tanhGrad', t, g, (y, h) => h * (1 - y) * (1 + y))[2];
  // ∂/∂t = −2·t·g·ḡ, ∂/∂g = ḡ·(1 − t)(1 + t)
  return record(out, 'tanhGrad', [t, g], ['t', 'g'], (gbar, needs) => [
    needs[0] ? mul(gbar, mul(g, mul(t, -2))) : null,
    needs[1] ? tanhGrad(t, gbar) : null,
  ]);
}

/** The logistic function 1 / (1 + e^(−x)), by the kernels' `sigmoidScalar`: no overflow, neither tail rounded away. */
export function sigmoid(x: Tensor): Tensor {
  const out = new Tensor(sigmoidMap(x.data), x.shape);
  // ∂/∂x = g·σ(x)·σ(−x)
  return record(out, 'sigmoid', [x], X, (g) => [sigmoidGrad(x, g)]);
}

/**
 * g·σ(x)·σ(−x): the VJP of sigmoid as an op. σ(−x) is computed directly rather than as 1 − σ(x),
 * which would round to 0 for large x.
 */
export function sigmoidGrad(x: Tensor, g: Tensor): Tensor {
  const out =
    x instanceof Tensor && g instanceof Tensor && sameShape(x.shape, g.shape)
      ? new Tensor(sigmoidSlopeMap(x.data, g.data), x.shape)
      : binary('sigmoidGrad', x, g, (v, h) => h * sigmoidScalar(v) * sigmoidScalar(-v))[2];
  // ∂/∂x = ḡ·g·σ(x)σ(−x)·(σ(−x) − σ(x)), ∂/∂g = ḡ·σ(x)σ(−x)
  return record(out, 'sigmoidGrad', [x, g], XG, (gbar, needs) => [
    needs[0] ? mul(sigmoidGrad(x, mul(gbar, g)), sub(sigmoid(neg(x)), sigmoid(x))) : null,
    needs[1] ? sigmoidGrad(x, gbar) : null,
  ]);
}

/** max(x, 0); its derivative at 0 is taken as 0. */
export function relu(x: Tensor): Tensor {
  const out = unary(x, (v) => (v > 0 ? v : 0));
  // ∂/∂x = g·[x > 0]
  return record(out, 'relu', [x], X, (g) => [
    mul(
      g,
      unary(x, (v) => (v > 0 ? 1 : 0)),
    ),
  ]);
}

/** Elementwise maximum, broadcasting; at ties the gradient is split evenly. */
export function maximum(a: Operand, b: Operand): Tensor {
  const [ta, tb, out] = binary('maximum', a, b, Math.max);
  // ∂/∂a = g·[a > b] + ½g·[a = b], ∂/∂b = g·[a < b] + ½g·[a = b]
  return record(out, 'maximum', [ta, tb], AB, (g, needs) => [
    needs[0]
      ? mul(
          g,
          mask(ta, tb, (x, y) => (x > y ? 1 : x === y ? 0.5 : 0)),
        )
      : null,
    needs[1]
      ? mul(
          g,
          mask(ta, tb, (x, y) => (x < y ? 1 : x === y ? 0.5 : 0)),
        )
      : null,
  ]);
}

/** Elementwise minimum, broadcasting; at ties the gradient is split evenly. */
export function minimum(a: Operand, b: Operand): Tensor {
  const [ta, tb, out] = binary('minimum', a, b, Math.min);
  // ∂/∂a = g·[a < b] + ½g·[a = b], ∂/∂b = g·[a > b] + ½g·[a = b]
  return record(out, 'minimum', [ta, tb], AB, (g, needs) => [
    needs[0]
      ? mul(
          g,
          mask(ta, tb, (x, y) => (x < y ? 1 : x === y ? 0.5 : 0)),
        )
      : null,
    needs[1]
      ? mul(
          g,
          mask(ta, tb, (x, y) => (x > y ? 1 : x === y ? 0.5 : 0)),
        )
      : null,
  ]);
}

/**
 * Picks `a` where `condition` is non-zero and `b` elsewhere, broadcasting all three.
 * The condition is a constant mask: no gradient flows into it.
 */
export function where(condition: Tensor, a: Operand, b: Operand): Tensor {
  const ta = asTensor('where', a, 'a');
  const tb = asTensor('where', b, 'b');
  const shape = broadcastShapes(
    'where',
    broadcastShapes('where', condition.shape, ta.shape, 'condition, a'),
    tb.shape,
    'condition, b',
  );
  const c = new Tensor(
    binaryMap(condition.data, condition.shape, new Float64Array(1), [], shape, (m) => (m !== 0 ? 1 : 0)),
    shape,
  );
  const picked = binaryMap(ta.data, ta.shape, c.data, c.shape, shape, (x, m) => (m ? x : 0));
  const rest = binaryMap(tb.data, tb.shape, c.data, c.shape, shape, (y, m) => (m ? 0 : y));
  const out = new Tensor(
    binaryMap(picked, shape, rest, shape, shape, (x, y) => x + y),
    shape,
  );
  // ∂/∂a = g·c, ∂/∂b = g·(1 − c)
  return record(out, 'where', [ta, tb], AB, (g, needs) => [
    needs[0] ? mul(g, c) : null,
    needs[1]
      ? mul(
          g,
          unary(c, (m) => 1 - m),
        )
      : null,
  ]);
}

/** Limits x to [low, high]; the gradient passes where low ≤ x ≤ high. */
export function clamp(x: Tensor, low: number, high: number): Tensor {
  if (!(low <= high)) throw new ValueError('clamp', 'low, high', `need low ≤ high, got ${low}, ${high}`);
  const out = unary(x, (v) => (v < low ? low : v > high ? high : v));
  // ∂/∂x = g·[low ≤ x ≤ high]
  return record(out, 'clamp', [x], X, (g) => [
    mul(
      g,
      unary(x, (v) => (v >= low && v <= high ? 1 : 0)),
    ),
  ]);
}
