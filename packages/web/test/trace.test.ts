/**
 * @file The tape section's logic in Node: the expression language (values, precedence, errors
 * that name the column or line), every example's trace (the walk reaches every entry, and its
 * gradients equal the library's own `valueAndGrad` or `hessianVectorProduct` on the same function
 * written directly with the ops), and a VJP formula for every op any of them records.
 */
import { describe, expect, it } from 'vitest';
import {
  hessianVectorProduct,
  ones,
  sum,
  tanh,
  mul,
  exp,
  add,
  matmul,
  valueAndGrad,
  tensor,
  type Tensor,
} from '@tapegrad/autodiff';
import { rnnLoss, type RnnParams } from '@tapegrad/rnn';
import { ExpressionError, FUNCTIONS, formatInputs, parseExpression, parseInputs } from '../src/tape/expression.js';
import { EXAMPLES, exampleFunction } from '../src/tape/examples.js';
import { FORMULAS } from '../src/tape/formulas.js';
import { traceFunction } from '../src/tape/trace.js';

const values = (t: Tensor) => Array.from(t.data);
const example = (id: string) => EXAMPLES.find((e) => e.id === id)!;

describe('the expression language', () => {
  it('evaluates with the usual precedence: ^ before unary minus before * / before + −', () => {
    const x = tensor(3);
    const at = (source: string) => parseExpression(source).evaluate({ x }).item();
    expect(at('1 + 2 * x ^ 2')).toBe(19);
    expect(at('-x^2')).toBe(-9);
    expect(at('(1 + 2) * x')).toBe(9);
    expect(at('x / 2 - 1')).toBe(0.5);
    expect(at('2·x')).toBe(6);
    expect(at('sum(tanh(x))')).toBe(Math.tanh(3));
    expect(parseExpression('sum(x * y) + tanh(z)').names).toEqual(['x', 'y', 'z']);
  });

  it('names the column of the first mistake', () => {
    const error = (source: string) => {
      try {
        parseExpression(source).evaluate({ x: tensor(1) });
      } catch (e) {
        expect(e).toBeInstanceOf(ExpressionError);
        return (e as Error).message;
      }
      throw new Error(`'${source}' did not fail`);
    };
    expect(error('sum(x')).toBe("expected ')' at column 6, found the end");
    expect(error('x $ 2')).toBe("unexpected '$' at column 3");
    expect(error('foo(x)')).toMatch(/^unknown function 'foo' at column 1; the functions are tanh, sigmoid/);
    expect(error('tanh(x, x)')).toBe('tanh at column 1 takes 1 argument, got 2');
    expect(error('x + y')).toBe("'y' at column 5 is not an input; give it a value below, as y = [1, 2]");
    expect(error('x x')).toBe("unexpected 'x' at column 3");
  });

  it('reads inputs one per line and writes them back exactly', () => {
    const inputs = parseInputs('x = [0.1, -2]\n// a comment\n\nW = [[1, 2], [3, 4]]\nc = 3');
    expect(Object.keys(inputs)).toEqual(['x', 'W', 'c']);
    expect(inputs.W.shape).toEqual([2, 2]);
    expect(parseInputs(formatInputs(inputs))).toEqual(inputs);
    expect(() => parseInputs('x [1]')).toThrow('inputs, line 1: expected name = value');
    expect(() => parseInputs('x = 1\ny = [1, "a"]')).toThrow('inputs, line 2: the value of y must be a number');
    expect(() => parseInputs('x = [1,')).toThrow('inputs, line 1: the value of x is not a number');
  });
});

describe('traces of the examples', () => {
  const traceOf = (id: string) => {
    const e = example(id);
    return traceFunction(exampleFunction(e), parseInputs(e.inputs), { secondOrder: e.secondOrder });
  };

  it('walks through every entry of each first-order example, from the output down', () => {
    for (const e of EXAMPLES.filter((x) => !x.secondOrder)) {
      const t = traceOf(e.id);
      expect(
        t.steps.map((s) => s.index),
        e.id,
      ).toEqual(t.entries.map((x) => x.index).reverse());
    }
  });

  it('ends with the gradients valueAndGrad gives for the same functions written with the ops', () => {
    const few = parseInputs(example('few-ops').inputs);
    const fewGrads = valueAndGrad((x: Tensor, y: Tensor) => sum(mul(tanh(x), y)), { argnums: [0, 1] })(few.x, few.y)
      .grad as Tensor[];
    const t1 = traceOf('few-ops');
    expect(values(t1.grads.x)).toEqual(values(fewGrads[0]));
    expect(values(t1.grads.y)).toEqual(values(fewGrads[1]));

    const fan = parseInputs(example('fan-out').inputs);
    // d/dx Σ (x² + eˣ) = 2x + eˣ, by hand
    expect(values(traceOf('fan-out').grads.x)).toEqual(
      values(fan.x).map((v) => expect.closeTo(2 * v + Math.exp(v), 14)),
    );

    const layer = parseInputs(example('matmul').inputs);
    const layerGrad = valueAndGrad((W: Tensor) => sum(tanh(add(matmul(W, layer.x), layer.b))))(layer.W).grad;
    expect(values(traceOf('matmul').grads.W)).toEqual(values(layerGrad));

    const params = parseInputs(example('rnn').inputs) as unknown as RnnParams;
    const u = tensor([[[1, 0]], [[0, 1]], [[1, 0]]]);
    const rnnGrad = valueAndGrad((p: RnnParams) =>
      rnnLoss(p, { inputs: u, targets: [1] }, { activation: 'tanh', head: 'softmax-last' }),
    )(params).grad;
    const t4 = traceOf('rnn');
    for (const name of ['W_rec', 'W_in', 'b', 'W_out', 'b_out'] as const) {
      // the page unrolls per step (fused: false); rnnLoss by default runs the fused sequence op: equal to rounding
      expect(values(t4.grads[name]), name).toEqual(values(rnnGrad[name]).map((v) => expect.closeTo(v, 14)));
    }
  });

  it('records the backward pass in the second-order example and walks back through it to H·1', () => {
    const t = traceOf('second-order');
    const x = parseInputs(example('second-order').inputs).x;
    expect(t.entries.filter((e) => e.phase === 'backward').map((e) => e.op)).toContain('tanhGrad');
    expect(t.steps.some((s) => t.entries[s.index].phase === 'backward')).toBe(true);
    const hv = hessianVectorProduct((v: Tensor) => sum(tanh(v)), x, ones(x.shape));
    expect(values(t.grads.x)).toEqual(values(hv).map((v) => expect.closeTo(v, 14)));
    // by hand: d²/dx² tanh x = −2·t·(1 − t²)
    expect(values(t.grads.x)).toEqual(
      values(x).map((v) => expect.closeTo(-2 * Math.tanh(v) * (1 - Math.tanh(v) ** 2), 14)),
    );
  });

  it('gives zeros for an input the output does not depend on', () => {
    const t = traceFunction((v) => sum(exp(v.x)), { x: tensor([0]), unused: tensor([1, 2]) });
    expect(values(t.grads.unused)).toEqual([0, 0]);
  });
});

describe('formulas', () => {
  it('has the VJP of every op recorded by any function of the language or any example, at first and second order', () => {
    const seen = new Set<string>();
    const record = (f: (v: Readonly<Record<string, Tensor>>) => Tensor, inputs: Record<string, Tensor>) => {
      for (const secondOrder of [false, true])
        traceFunction(f, inputs, { secondOrder }).entries.forEach((e) => seen.add(e.op));
    };
    for (const [name, fn] of Object.entries(FUNCTIONS)) {
      const inputs =
        name === 'matmul'
          ? {
              a: tensor([
                [0.3, 0.7],
                [0.2, 0.4],
              ]),
              b: tensor([
                [0.5, 0.1],
                [0.9, 0.6],
              ]),
            }
          : { a: tensor([0.3, 0.7]), b: tensor([0.6, 0.2]) };
      record((v) => sum(fn.arity === 1 ? fn.apply(v.a) : fn.apply(v.a, v.b)), inputs);
    }
    for (const op of ['+', '-', '*', '/', '^'])
      record((v) => sum(parseExpression(`a ${op} b`).evaluate(v)), {
        a: tensor([0.3, 0.7]),
        b: tensor([0.6, 0.2]),
      });
    for (const e of EXAMPLES) record(exampleFunction(e), parseInputs(e.inputs));
    expect([...seen].filter((op) => !(op in FORMULAS))).toEqual([]);
  });
});
