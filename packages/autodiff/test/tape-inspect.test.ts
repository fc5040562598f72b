/**
 * @file What `Tape.entries` and `Tape.backwardSteps` show: the recorded ops with their inputs'
 * tape indices, and the reverse walk step by step, checked against hand-derived gradients, against
 * `Tape.gradient` on the same tape, and on fan-out, broadcasting and a recorded second-order walk.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Tape, add, exp, mul, sum, tanh, tensor, type Tensor } from '@tapegrad/autodiff';
import { arbShape, arbTensor } from '@tapegrad/autodiff/testing/arbitraries';
import { runs } from '../../../test/fast-check.js';

const RUNS = runs(30);
const values = (t: Tensor | null) => (t === null ? null : Array.from(t.data));

describe('Tape.entries', () => {
  it('lists every op in execution order with its output and its inputs’ tape indices', () => {
    const tape = new Tape();
    const x = tape.watch(tensor([0.5, -1]));
    const c = tensor([2, 3]);
    const y = tape.record(() => sum(mul(tanh(x), c)));
    const e = tape.entries();
    expect(e.map((v) => v.op)).toEqual(['watch', 'tanh', 'mul', 'sum']);
    expect(e.map((v) => v.index)).toEqual([0, 1, 2, 3]);
    expect(e[0].inputs).toEqual([]); // a watched leaf with no recorded source
    expect(e[1].inputs.map((i) => [i.name, i.index])).toEqual([['x', 0]]);
    expect(e[2].inputs.map((i) => [i.name, i.index])).toEqual([
      ['a', 1],
      ['b', -1],
    ]); // c is a constant
    expect(e[2].inputs[1].value).toBe(c);
    expect(e[3].output).toBe(y);
    expect(values(e[1].output)).toEqual([Math.tanh(0.5), Math.tanh(-1)]);
    tape.release();
    expect(tape.entries()).toEqual([]);
  });
});

describe('Tape.backwardSteps', () => {
  it('walks from the output down, each step with the gradient at its output and what it passes on', () => {
    // y = Σ tanh(x)·c: ∂y/∂(mul) = 1, ∂y/∂tanh = c, ∂y/∂x = c·(1 − tanh² x)
    const tape = new Tape();
    const x = tape.watch(tensor([0.5, -1]));
    const y = tape.record(() => sum(mul(tanh(x), tensor([2, 3]))));
    const steps = tape.backwardSteps(y);
    expect(steps.map((s) => [s.index, s.op])).toEqual([
      [3, 'sum'],
      [2, 'mul'],
      [1, 'tanh'],
      [0, 'watch'],
    ]);
    expect(values(steps[0].grad)).toEqual([1]);
    expect(steps[0].inputGrads.map(values)).toEqual([[1, 1]]);
    expect(values(steps[1].grad)).toEqual([1, 1]);
    expect(steps[1].inputGrads.map(values)).toEqual([[2, 3], null]); // the constant needs no gradient
    const dx = [0.5, -1].map((v, i) => [2, 3][i] * (1 - Math.tanh(v) ** 2));
    expect(values(steps[2].inputGrads[0])).toEqual(dx.map((v) => expect.closeTo(v, 15)));
    expect(values(steps[3].grad)).toEqual(values(steps[2].inputGrads[0]));
    expect(steps[3].inputGrads).toEqual([]);
    expect(tape.consumed).toBe(true); // like gradient, it consumes a non-persistent tape
  });

  it('accumulates fan-out: b = a + a, c = b + b gives 4 at a, reached once', () => {
    const tape = new Tape();
    const a = tape.watch(tensor(3));
    const c = tape.record(() => {
      const b = add(a, a);
      return add(b, b);
    });
    const steps = tape.backwardSteps(c);
    expect(steps.map((s) => [s.op, values(s.grad)?.[0]])).toEqual([
      ['add', 1],
      ['add', 2],
      ['watch', 4],
    ]);
    expect(steps[1].inputGrads.map(values)).toEqual([[2], [2]]);
  });

  it('passes gradients summed down to each input’s shape (broadcasting undone)', () => {
    const tape = new Tape();
    const m = tape.watch(
      tensor([
        [1, 2, 3],
        [4, 5, 6],
      ]),
    );
    const b = tape.watch(tensor([10, 20, 30]));
    const y = tape.record(() => sum(add(m, b)));
    const [, addStep] = tape.backwardSteps(y);
    expect(addStep.inputGrads[0]!.shape).toEqual([2, 3]);
    expect(addStep.inputGrads[1]!.shape).toEqual([3]);
    expect(values(addStep.inputGrads[1])).toEqual([2, 2, 2]);
  });

  it('shows a recorded backward pass: the second walk goes through the first walk’s entries', () => {
    // z = Σ ∂/∂x Σ tanh(x) = Σ (1 − t²); ∂z/∂x = −2·t·(1 − t²), t = tanh x
    const tape = new Tape(true);
    const x = tape.watch(tensor([0.3, -0.8]));
    let forward = 0;
    const z = tape.record(() => {
      const y = sum(tanh(x));
      forward = tape.length;
      return sum(tape.gradient(y, [x])[0]);
    });
    const backwardOps = tape
      .entries()
      .slice(forward)
      .map((e) => e.op);
    expect(backwardOps).toContain('tanhGrad');
    const steps = tape.backwardSteps(z);
    expect(steps.some((s) => s.index >= forward && s.op === 'tanhGrad')).toBe(true);
    const leaf = steps[steps.length - 1];
    expect(leaf.op).toBe('watch');
    const expected = [0.3, -0.8].map((v) => -2 * Math.tanh(v) * (1 - Math.tanh(v) ** 2));
    expect(values(leaf.grad)).toEqual(expected.map((v) => expect.closeTo(v, 14)));
    tape.release();
  });

  it('ends at each watched leaf with the bits Tape.gradient returns (property)', () => {
    fc.assert(
      fc.property(arbTensor(arbShape({ maxRank: 2, maxDim: 3 })), (x0) => {
        const tape = new Tape(true);
        const x = tape.watch(x0);
        const y = tape.record(() => sum(mul(exp(mul(x, 0.5)), add(tanh(x), x))));
        const [dx] = tape.gradient(y, [x]);
        const steps = tape.backwardSteps(y);
        const leaf = steps.find((s) => s.index === x.id)!;
        expect(new Uint8Array(leaf.grad.data.buffer)).toEqual(new Uint8Array(dx.data.buffer));
        expect(steps.map((s) => s.index)).toEqual([...steps.map((s) => s.index)].sort((p, q) => q - p));
        tape.release();
      }),
      { numRuns: RUNS },
    );
  });
});
