/**
 * @file The tape on tiny graphs: fan-out accumulation, reuse errors, a deep chain, zero seeds,
 * repeated walks of a persistent tape, the explicit Tape API as documented, and anomaly mode.
 */
import { describe, expect, it } from 'vitest';
import {
  AnomalyError,
  Tape,
  TapeError,
  Tensor,
  add,
  exp,
  grad,
  liveTapeEntries,
  log,
  matmul,
  mul,
  neg,
  randn,
  sqrt,
  sum,
  tanh,
  tensor,
  vjp,
  withAnomalyMode,
  zeros,
} from '@tapegrad/autodiff';
import { thrown } from './ops-helpers.js';

describe('accumulation', () => {
  it('b = a + a; c = b + b gives dc/da = 4 (micrograd gives 8 on a second walk)', () => {
    // dc/db = 2 (b used twice), db/da = 2 (a used twice): 2·2 = 4
    const f = (a: Tensor) => {
      const b = add(a, a);
      return add(b, b);
    };
    expect(grad(f)(tensor(3)).item()).toBe(4);
    const tape = new Tape(true);
    const a = tape.watch(tensor(3));
    const c = tape.record(() => f(a));
    expect(tape.gradient(c, [a])[0].item()).toBe(4);
    expect(tape.gradient(c, [a])[0].item()).toBe(4); // a second walk does not accumulate into the first
  });

  it('adds the gradients of every use of a value (fan-out)', () => {
    // f = x·x + exp(x) + tanh(x): f' = 2x + eˣ + (1 − tanh² x)
    const x = tensor([-0.5, 0.25, 2]);
    const [dx] = (() => {
      const tape = new Tape();
      const w = tape.watch(x);
      const y = tape.record(() => sum(add(add(mul(w, w), exp(w)), tanh(w))));
      return tape.gradient(y, [w]);
    })();
    const expected = [...x.data].map((v) => 2 * v + Math.exp(v) + (1 - Math.tanh(v) ** 2));
    [...dx.data].forEach((d, i) => expect(d).toBeCloseTo(expected[i], 14));
  });

  it('gives zero gradients for a zero seed', () => {
    const x = randn([3, 2], 1);
    const tape = new Tape();
    const w = tape.watch(x);
    const y = tape.record(() =>
      tanh(
        matmul(
          w,
          tensor([
            [1, 2],
            [3, 4],
          ]),
        ),
      ),
    );
    const [dx] = tape.gradient(y, [w], zeros(y.shape));
    expect([...dx.data]).toEqual([0, 0, 0, 0, 0, 0]);
    const { pullback } = vjp((t: Tensor) => exp(t), x);
    expect([...(pullback(zeros([3, 2]))[0] as Tensor).data]).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('walks a persistent tape twice with bit-identical results', () => {
    const tape = new Tape(true);
    const a = tape.watch(randn([4, 5], 2));
    const b = tape.watch(randn([5, 3], 3));
    const y = tape.record(() => sum(mul(tanh(matmul(a, b)), exp(matmul(a, b)))));
    const first = tape.gradient(y, [a, b]);
    const second = tape.gradient(y, [a, b]);
    for (let i = 0; i < 2; i++)
      expect(new Uint8Array(second[i].data.buffer)).toEqual(new Uint8Array(first[i].data.buffer));
    tape.release();
    expect(tape.consumed).toBe(true);
  });

  it('runs a 1,000,000-op chain backward without overflowing the stack', () => {
    // a million negations: d/dx = (−1)^1,000,000 = 1; a recursive walk would overflow long before
    const f = (x: Tensor) => {
      let y = x;
      for (let i = 0; i < 1_000_000; i++) y = neg(y);
      return sum(y);
    };
    const before = liveTapeEntries();
    expect(grad(f)(tensor([2])).item()).toBe(1);
    expect(liveTapeEntries()).toBe(before);
  }, 180_000);
});

describe('the explicit Tape, as documented', () => {
  it('watch, record, gradient: d/dx Σx² = 2x, then the tape is consumed', () => {
    const tape = new Tape();
    const x = tape.watch(tensor([1, 2, 3]));
    const y = tape.record(() => sum(mul(x, x)));
    expect(tape.length).toBeGreaterThanOrEqual(3); // the watched leaf, mul, sum
    const [dx] = tape.gradient(y, [x]);
    expect(dx.toArray()).toEqual([2, 4, 6]);
    expect(tape.consumed).toBe(true);
    expect(tape.length).toBe(0);
  });

  it('computes a second derivative when gradient is called inside the same record', () => {
    // y = Σx³, dy/dx = 3x², d/dx Σ 3x² = 6x
    const tape = new Tape();
    const x = tape.watch(tensor([1, -2]));
    const second = tape.record(() => {
      const y = sum(mul(x, mul(x, x)));
      const [g] = tape.gradient(y, [x]);
      expect(g.toArray()).toEqual([3, 12]);
      expect(tape.consumed).toBe(false); // a nested walk is recorded, not consumed
      return sum(g);
    });
    expect(tape.gradient(second, [x])[0].toArray()).toEqual([6, -12]);
  });

  it('records nothing for ops on tensors it does not watch', () => {
    const tape = new Tape();
    const before = tape.length;
    tape.record(() => tanh(tensor([1, 2])));
    expect(tape.length).toBe(before);
  });
});

describe('a consumed tape refuses reuse', () => {
  const consumed = () => {
    const tape = new Tape();
    const x = tape.watch(tensor([1]));
    const y = tape.record(() => sum(mul(x, x)));
    tape.gradient(y, [x]);
    return { tape, x, y };
  };
  const message = /already consumed by a gradient call/;

  it('in record', () => {
    const { tape } = consumed();
    expect(() => tape.record(() => 0)).toThrow(TapeError);
    expect(() => tape.record(() => 0)).toThrow(/^Tape\.record: this tape was already consumed/);
  });
  it('in gradient', () => {
    const { tape, x, y } = consumed();
    expect(() => tape.gradient(y, [x])).toThrow(TapeError);
    expect(() => tape.gradient(y, [x])).toThrow(message);
  });
  it('in watch', () => {
    const { tape } = consumed();
    expect(() => tape.watch(tensor([1]))).toThrow(TapeError);
    expect(() => tape.watch(tensor([1]))).toThrow(/Tape\.watch: .*new Tape\(true\)/);
  });
});

describe('anomaly mode', () => {
  it('names the op, its tape index and the output for the first NaN in a forward pass', () => {
    const f = (x: Tensor) => sum(log(mul(x, 2)));
    const error = thrown(() => withAnomalyMode(() => grad(f)(tensor([1, -1]))));
    expect(error).toBeInstanceOf(AnomalyError);
    const e = error as AnomalyError;
    // tape: 0 watch x, 1 mul, 2 log
    expect(e.op).toBe('log');
    expect(e.tapeIndex).toBe(2);
    expect(e.where).toBe('forward');
    expect(e.message).toContain("anomaly in forward of 'log' (tape index 2)");
    expect(e.message).toContain('output has NaN at flat index 1');
  });

  it('is off by default: log(−1) is just NaN', () => {
    expect(Number.isNaN(log(tensor([-1])).item())).toBe(true);
  });

  it('names the op whose gradient went bad for the first Infinity in a backward pass (sqrt at 0)', () => {
    // sqrt(0) = 0 is fine; its VJP g / (2·√x) is Infinity at x = 0.
    const error = thrown(() => withAnomalyMode(() => grad((x: Tensor) => sum(sqrt(x)))(tensor([1, 0]))));
    expect(error).toBeInstanceOf(AnomalyError);
    const e = error as AnomalyError;
    expect(e.op).toBe('sqrt');
    expect(e.tapeIndex).toBe(1);
    expect(e.where).toBe('backward');
    expect(e.message).toContain("'x'");
    expect(e.message).toContain('Infinity');
  });

  it('leaves no live tape entries behind when it throws', () => {
    const before = liveTapeEntries();
    expect(() => withAnomalyMode(() => grad((x: Tensor) => sum(log(x)))(tensor([-1])))).toThrow(AnomalyError);
    expect(liveTapeEntries()).toBe(before);
  });
});
