/**
 * @file SGD and the schedules on hand-derived examples, checkpoint round trips through JSON, and
 * the checks on bad input.
 */
import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError, tensor } from '@tapegrad/autodiff';
import { SGD, constant, inverseTime, stepDecay, valueAt } from '@tapegrad/optim';

const values = (t: { data: Float64Array }) => Array.from(t.data);

describe('schedules', () => {
  it('constant, 1/t decay and step decay follow their formulas', () => {
    expect(constant(0.01)(12345)).toBe(0.01);
    // initial / (1 + t/τ): τ = 10 gives 1, 1/2, 1/3 at t = 0, 10, 20.
    const inv = inverseTime(1, 10);
    expect([inv(0), inv(10), inv(20)]).toEqual([1, 0.5, 1 / 3]);
    // initial · factor^⌊t/every⌋: every 3 updates ×0.5.
    const step = stepDecay(0.8, { every: 3, factor: 0.5 });
    expect([0, 2, 3, 5, 6].map(step)).toEqual([0.8, 0.8, 0.4, 0.4, 0.2]);
  });

  it('valueAt names the argument and the update when a schedule goes negative or NaN', () => {
    expect(() => valueAt('SGD', 'learningRate', (t) => 1 - t, 2)).toThrow(ValueError);
    expect(() => valueAt('SGD', 'learningRate', (t) => 1 - t, 2)).toThrow(
      /'learningRate'.*got -1 from its schedule at update 2/,
    );
    expect(() => valueAt('paperStep', 'alpha', () => NaN, 0)).toThrow(/'alpha'.*got NaN/);
  });

  it('accepts the boundary values 0 and every = 1, and names a constant without a schedule', () => {
    expect(constant(0)(5)).toBe(0);
    expect(stepDecay(1, { every: 1, factor: 0.5 })(3)).toBe(0.125);
    expect(() => valueAt('SGD', 'learningRate', -1, 0)).toThrow(
      /^SGD: argument 'learningRate': must be a finite number ≥ 0, got -1$/,
    );
  });

  it('rejects bad schedule parameters', () => {
    expect(() => inverseTime(-1, 1)).toThrow("inverseTime: argument 'initial': must be a finite number ≥ 0, got -1");
    expect(() => stepDecay(-1, { every: 1, factor: 1 })).toThrow(
      "stepDecay: argument 'initial': must be a finite number ≥ 0, got -1",
    );
    expect(() => stepDecay(1, { every: 0, factor: 1 })).toThrow(
      "stepDecay: argument 'every': must be an integer ≥ 1, got 0",
    );
    expect(() => stepDecay(1, { every: 2, factor: -0.5 })).toThrow(
      "stepDecay: argument 'factor': must be a finite number ≥ 0, got -0.5",
    );
    expect(() => constant(-1)).toThrow(/constant: argument 'value'.*got -1/);
    expect(() => inverseTime(1, 0)).toThrow(/inverseTime: argument 'tau'.*> 0, got 0/);
    expect(() => stepDecay(1, { every: 0.5, factor: 0.1 })).toThrow(/stepDecay: argument 'every'.*got 0.5/);
  });

  it('rejects NaN and ±Infinity where a number ≥ 0 is wanted (neither is below 0)', () => {
    for (const v of [NaN, Infinity, -Infinity]) {
      expect(() => constant(v)).toThrow(`constant: argument 'value': must be a finite number ≥ 0, got ${v}`);
      expect(() => inverseTime(v, 1)).toThrow(`inverseTime: argument 'initial': must be a finite number ≥ 0, got ${v}`);
      expect(() => stepDecay(1, { every: 1, factor: v })).toThrow(
        `stepDecay: argument 'factor': must be a finite number ≥ 0, got ${v}`,
      );
    }
  });
});

describe('SGD', () => {
  it('plain SGD: p ← p − lr·g, returning new tensors and leaving the old ones alone', () => {
    const opt = new SGD({ learningRate: 0.5 });
    const params = { W: tensor([[1, 2]]), b: tensor([3]) };
    const next = opt.step(params, { W: tensor([[2, -4]]), b: tensor([1]) });
    expect(values(next.W)).toEqual([0, 4]);
    expect(values(next.b)).toEqual([2.5]);
    expect(values(params.W)).toEqual([1, 2]);
    expect(opt.updates).toBe(1);
  });

  it('momentum: v ← μv + g, p ← p − lr·v', () => {
    // μ = 0.5, lr = 1, g = 1 three times, p0 = 0:
    //   v1 = 1,    p1 = −1
    //   v2 = 1.5,  p2 = −2.5
    //   v3 = 1.75, p3 = −4.25
    const opt = new SGD({ learningRate: 1, momentum: 0.5 });
    let p = { w: tensor([0]) };
    const seen: number[] = [];
    for (let i = 0; i < 3; i++) {
      p = opt.step(p, { w: tensor([1]) });
      seen.push(p.w.data[0]);
    }
    expect(seen).toEqual([-1, -2.5, -4.25]);
  });

  it('Nesterov: v ← μv + g, p ← p − lr·(g + μv)', () => {
    // μ = 0.5, lr = 1, g = 1 twice, p0 = 0:
    //   v1 = 1,   p1 = 0 − (1 + 0.5)    = −1.5
    //   v2 = 1.5, p2 = −1.5 − (1 + 0.75) = −3.25
    const opt = new SGD({ learningRate: 1, momentum: 0.5, nesterov: true });
    const p1 = opt.step({ w: tensor([0]) }, { w: tensor([1]) });
    const p2 = opt.step(p1, { w: tensor([1]) });
    expect([p1.w.data[0], p2.w.data[0]]).toEqual([-1.5, -3.25]);
  });

  it('uses the schedule at the current update count (t = 0 first)', () => {
    // lr_t = 1/(1 + t): steps of 1, 1/2, 1/3 with g = 1 from p = 0.
    const opt = new SGD({ learningRate: inverseTime(1, 1) });
    let p = { w: tensor([0]) };
    for (let i = 0; i < 3; i++) {
      expect(opt.learningRate()).toBe(1 / (1 + i));
      p = opt.step(p, { w: tensor([1]) });
    }
    expect(p.w.data[0]).toBe(-1 - 1 / 2 - 1 / 3);
  });

  it('resumes bit for bit from a state saved through JSON', () => {
    const grads = (i: number) => ({
      W: tensor([[Math.sin(i) * 1e-3, Math.cos(i) / 3]]),
      nested: [tensor([1 / (i + 7)])],
    });
    const straight = new SGD({ learningRate: inverseTime(0.1, 5), momentum: 0.9, nesterov: true });
    let a = { W: tensor([[0.1, 0.2]]), nested: [tensor([0.3])] };
    for (let i = 0; i < 10; i++) a = straight.step(a, grads(i));

    const first = new SGD({ learningRate: inverseTime(0.1, 5), momentum: 0.9, nesterov: true });
    let b = { W: tensor([[0.1, 0.2]]), nested: [tensor([0.3])] };
    for (let i = 0; i < 4; i++) b = first.step(b, grads(i));
    const saved = JSON.stringify({ state: first.state(), W: Array.from(b.W.data), n: Array.from(b.nested[0].data) });
    const loaded = JSON.parse(saved);
    const resumed = new SGD({ learningRate: inverseTime(0.1, 5), momentum: 0.9, nesterov: true });
    resumed.loadState(loaded.state);
    expect(resumed.updates).toBe(4);
    b = { W: tensor([loaded.W]), nested: [tensor(loaded.n)] };
    for (let i = 4; i < 10; i++) b = resumed.step(b, grads(i));
    expect(values(b.W)).toEqual(values(a.W));
    expect(values(b.nested[0])).toEqual(values(a.nested[0]));
    expect(Object.keys(first.state().buffers)).toEqual(['W', 'nested[0]']);
  });

  it('rejects a negative or NaN learning rate and momentum outside [0, 1)', () => {
    expect(() => new SGD({ learningRate: -0.1 })).toThrow(ValueError);
    expect(() => new SGD({ learningRate: -0.1 })).toThrow(/SGD: argument 'learningRate'.*got -0.1/);
    expect(() => new SGD({ learningRate: NaN })).toThrow(/'learningRate'.*got NaN/);
    expect(() => new SGD({ learningRate: 0.1, momentum: 1 })).toThrow(
      /SGD: argument 'momentum': must be in \[0, 1\), got 1/,
    );
    expect(() => new SGD({ learningRate: 0.1, momentum: -0.5 })).toThrow(/got -0.5/);
  });

  it('rejects grads whose structure or shapes differ from the params, and changes nothing', () => {
    const opt = new SGD({ learningRate: 0.1, momentum: 0.9 });
    const params = { W: tensor([[1, 2]]), b: tensor([3]) };
    expect(() => opt.step(params, { W: tensor([[1, 2]]) })).toThrow(ShapeError);
    expect(() => opt.step(params, { W: tensor([[1, 2]]) })).toThrow(/keys differ at the root: missing \[b\]/);
    expect(() => opt.step(params, { W: tensor([1, 2]), b: tensor([0]) })).toThrow(
      /shapes differ at 'W': \[1, 2\] vs \[2\]/,
    );
    expect(opt.updates).toBe(0);
    expect(opt.state().buffers).toEqual({});
  });

  it('a step that throws leaves the momentum buffers as they were, so the next step is the right one', () => {
    // After one step v = (1, 1) for W and (1) for b. The failing step matches W and then finds b's
    // shape wrong; had W's buffer been updated in place it would now be 0.5·1 + 3 = 3.5.
    for (const nesterov of [false, true]) {
      const opt = new SGD({ learningRate: 1, momentum: 0.5, nesterov });
      const p1 = opt.step({ W: tensor([0, 0]), b: tensor([0]) }, { W: tensor([1, 1]), b: tensor([1]) });
      const before = JSON.stringify(opt.state());
      expect(() => opt.step(p1, { W: tensor([3, 3]), b: tensor([1, 2]) })).toThrow(ShapeError);
      expect(JSON.stringify(opt.state())).toBe(before);
      expect(opt.updates).toBe(1);
      // v = 0.5·1 + 2 = 2.5 on every entry; heavy ball p ← p − v = −1 − 2.5,
      // Nesterov p ← p − (g + 0.5·v) = −1.5 − 3.25
      const p2 = opt.step(p1, { W: tensor([2, 2]), b: tensor([2]) });
      const expected = nesterov ? -4.75 : -3.5;
      expect(values(p2.W)).toEqual([expected, expected]);
      expect(values(p2.b)).toEqual([expected]);
      expect(opt.state().buffers).toEqual({ W: [2.5, 2.5], b: [2.5] });
    }
  });

  it('rejects a malformed state', () => {
    const opt = new SGD({ learningRate: 0.1 });
    expect(() => opt.loadState({ updates: -1, buffers: {} })).toThrow(/'state.updates'.*got -1/);
    expect(() => opt.loadState({ updates: 1, buffers: { W: ['x'] as unknown as number[] } })).toThrow(
      /state.buffers\['W'\]/,
    );
    expect(() => opt.loadState(null as never)).toThrow(
      "SGD.loadState: argument 'state.updates': must be an integer ≥ 0, got undefined",
    );
    expect(() => opt.loadState('3' as never)).toThrow(
      "SGD.loadState: argument 'state.updates': must be an integer ≥ 0, got undefined",
    );
    expect(() => opt.loadState({ updates: 1.5, buffers: {} })).toThrow(
      "SGD.loadState: argument 'state.updates': must be an integer ≥ 0, got 1.5",
    );
    expect(() => opt.loadState({ updates: 1, buffers: { W: [1, 'x'] as unknown as number[] } })).toThrow(
      "SGD.loadState: argument 'state.buffers['W']': must be an array of numbers",
    );
    expect(opt.updates).toBe(0);
  });

  it('loads the state of an optimizer that has not stepped yet (0 updates)', () => {
    const opt = new SGD({ learningRate: inverseTime(1, 1) });
    opt.step({ w: tensor([1]) }, { w: tensor([1]) });
    opt.loadState(new SGD({ learningRate: 1 }).state());
    expect(opt.updates).toBe(0);
    // back at t = 0 the schedule gives its initial value again: w ← 1 − 1·1
    expect(values(opt.step({ w: tensor([1]) }, { w: tensor([1]) }).w)).toEqual([0]);
  });

  it('rejects a saved momentum buffer whose size does not fit the parameter, naming both sizes', () => {
    const opt = new SGD({ learningRate: 0.1, momentum: 0.9 });
    opt.loadState({ updates: 1, buffers: { w: [1, 2] } });
    expect(() => opt.step({ w: tensor([1]) }, { w: tensor([1]) })).toThrow(
      "SGD.step: argument 'params.w': has 1 elements but its momentum buffer has 2",
    );
    expect(() => opt.step({ w: tensor([1]) }, { v: tensor([1]) })).toThrow(/^SGD\.step: /);
  });

  it('names itself and the update when a learning-rate schedule goes bad, and rejects a momentum that is no number', () => {
    const opt = new SGD({ learningRate: (t) => (t === 0 ? 0.1 : -1) });
    opt.step({ w: tensor([1]) }, { w: tensor([1]) });
    expect(() => opt.step({ w: tensor([1]) }, { w: tensor([1]) })).toThrow(
      "SGD: argument 'learningRate': must be a finite number ≥ 0, got -1 from its schedule at update 1",
    );
    expect(() => new SGD({ learningRate: 0.1, momentum: '0.5' as never })).toThrow(
      "SGD: argument 'momentum': must be in [0, 1), got 0.5",
    );
    expect(() => new SGD({ learningRate: 'fast' as never })).toThrow(
      "SGD: argument 'learningRate': must be a number or a function of the update count, got string",
    );
  });
});
