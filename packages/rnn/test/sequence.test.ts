/**
 * @file The fused whole-sequence op `rnnSequence` and full BPTT through it: its fast (plain-loop)
 * VJP against finite differences, its recorded VJP against second-order finite differences, the
 * two paths against each other, the fused loss against the per-step tape (`fused: false`; both
 * are also held against the plain-loop reference in reference.test.ts), and relu′(0) = 0.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Rng,
  ShapeError,
  Tape,
  Tensor,
  ValueError,
  grad,
  hessianVectorProduct,
  index,
  jvp,
  randn,
  reshape,
  sum,
  tanh,
  tensor,
  valueAndGrad,
  zeros,
} from '@tapegrad/autodiff';
import { gradCheck, gradGradCheck } from '@tapegrad/autodiff/testing';
import { errorSignals, forward, rnnLoss, rnnSequence, type Activation, type RnnParams } from '@tapegrad/rnn';
import { expectAgree } from '../../../test/reference/compare.js';
import { referenceBptt } from '../../../test/reference/rnn.js';
import {
  ACTS,
  HEAD_KINDS,
  leavesOf,
  randomProblem,
  rebuild,
  refBatch,
  refParams,
  runs,
  type HeadKind,
} from './rnn-helpers.js';

/** Largest |a − b| / max(1, |b|) over two equal-length arrays. */
function relativeGap(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  return worst;
}

/** Smallest |x_t| over the run: relu's kink at 0 makes finite differences meaningless there. */
function farFromKink(params: RnnParams, inputs: Tensor, activation: Activation): boolean {
  if (activation !== 'relu') return true;
  const { states } = forward(params, inputs, { activation });
  return Math.min(...states.slice(1).flatMap((x) => Array.from(x.data, Math.abs))) > 1e-3;
}

/** rnnSequence's six differentiable arguments for a small random problem. */
function sequenceArgs(seed: number, T: number, B: number, n: number, nIn: number, sharedX0: boolean): Tensor[] {
  const rng = new Rng(seed);
  return [
    randn([sharedX0 ? 1 : B, n], rng, 0, 0.5),
    randn([n, n], rng, 0, 0.4),
    randn([T, B, nIn], rng),
    randn([n, nIn], rng, 0, 0.5),
    randn([n], rng, 0, 0.5),
    zeros([T, B, n]),
  ];
}

/** A scalar of every state, weighted so that every step's gradient differs. */
function weightedStates(activation: Activation) {
  return (x0: Tensor, W: Tensor, u: Tensor, Win: Tensor, b: Tensor, offsets: Tensor): Tensor => {
    const X = rnnSequence(x0, W, u, Win, b, activation, offsets);
    return sum(tanh(X));
  };
}

describe('rnnSequence: the fused op', () => {
  it('computes the states of the per-step forward pass', () => {
    const { params, batch } = randomProblem({
      seed: 3,
      n: 5,
      nIn: 3,
      nOut: 2,
      T: 12,
      B: 3,
      activation: 'tanh',
      head: 'softmax-last',
      learnX0: true,
    });
    for (const activation of ACTS) {
      const X = rnnSequence(
        reshape(params.x0!, [1, 5]),
        params.W_rec,
        batch.inputs as Tensor,
        params.W_in,
        params.b,
        activation,
      );
      expect(X.shape).toEqual([12, 3, 5]);
      const { states } = forward(params, batch.inputs as Tensor, { activation });
      for (let t = 1; t <= 12; t++) expect(relativeGap(index(X, t - 1).data, states[t].data)).toBeLessThan(1e-14);
    }
  });

  for (const activation of ACTS) {
    it(`fast VJP equals central finite differences in every argument: ${activation}`, () => {
      const arb = fc.record({
        seed: fc.integer({ min: 0, max: 1e6 }),
        T: fc.integer({ min: 1, max: 8 }),
        B: fc.integer({ min: 1, max: 5 }),
        n: fc.integer({ min: 1, max: 6 }),
        nIn: fc.integer({ min: 1, max: 3 }),
        shared: fc.boolean(),
      });
      fc.assert(
        fc.property(arb, ({ seed, T, B, n, nIn, shared }) => {
          const args = sequenceArgs(seed, T, B, n, nIn, shared);
          if (activation === 'relu') {
            const X = rnnSequence(args[0], args[1], args[2], args[3], args[4], 'relu');
            fc.pre(Math.min(...Array.from(X.data, Math.abs), ...Array.from(args[0].data, Math.abs)) > 1e-3);
          }
          gradCheck(weightedStates(activation), args, { name: `rnnSequence ${activation}` });
        }),
        { numRuns: runs(8) },
      );
    });

    it(`recorded VJP: second derivatives equal finite differences (gradGradCheck): ${activation}`, () => {
      // relu's second derivative is 0 a.e.; the kink is kept away from by the seed choice below
      for (const [seed, T, B, shared] of [
        [1, 3, 2, true],
        [2, 4, 1, false],
      ] as const) {
        const args = sequenceArgs(seed, T, B, 3, 2, shared);
        if (
          !farFromKink(
            {
              W_rec: args[1],
              W_in: args[3],
              b: args[4],
              W_out: zeros([1, 3]),
              b_out: zeros([1]),
              x0: index(args[0], 0),
            },
            args[2],
            activation,
          )
        )
          continue;
        gradGradCheck(weightedStates(activation), args, { name: `rnnSequence ${activation}` });
      }
    });
  }

  it('full BPTT loss: second derivatives through rnnLoss (recorded path) equal finite differences', () => {
    for (const head of ['softmax-last', 'softmax-every', 'linear-last'] as const) {
      const { params, batch, config } = randomProblem({
        seed: 5,
        n: 3,
        nIn: 2,
        nOut: 2,
        T: 4,
        B: 2,
        activation: 'tanh',
        head,
        learnX0: true,
      });
      gradGradCheck((...leaves) => rnnLoss(rebuild(params, leaves), batch, config), leavesOf(params), {
        name: `rnnLoss ${head}`,
      });
    }
  });

  it('the fast and the recorded VJP give the same first-order gradient (to 1e-14 relative)', () => {
    for (const activation of ACTS) {
      const args = sequenceArgs(7, 9, 3, 6, 3, false);
      const f = weightedStates(activation);
      const fast = valueAndGrad(f, { argnums: [0, 1, 2, 3, 4, 5] })(
        ...(args as [Tensor, Tensor, Tensor, Tensor, Tensor, Tensor]),
      ).grad as Tensor[];
      // a gradient taken inside the tape's own record is recorded: the VJP's second path runs
      const tape = new Tape();
      const recorded = tape.record(() => {
        const watched = args.map((a) => tape.watch(a));
        return tape.gradient(f(...(watched as [Tensor, Tensor, Tensor, Tensor, Tensor, Tensor])), watched);
      });
      recorded.forEach((g, i) => {
        expect(g.tape, 'the recorded path returns tensors on the tape').toBe(tape);
        expect(fast[i].tape).toBe(null);
        expect(relativeGap(g.data, fast[i].data)).toBeLessThan(1e-14);
      });
    }
  });

  it('relu′(0) = 0: a unit whose pre-activation is exactly 0 passes no gradient back (x_0 = 0 included)', () => {
    // Unit 0 has no incoming weights, no input weights and no bias, so x_t[0] = 0 at every step,
    // and the learned x_0 is 0 everywhere; its outgoing column of W_rec is not 0, so a slope of 1
    // at 0 would send δ into unit 0 (∂b_0, ∂W_rec row 0, ∂W_in row 0) and into ∂x_0.
    // The other units stay strictly positive (positive bias and inputs, non-negative weights).
    const params: RnnParams = {
      W_rec: tensor([
        [0, 0, 0],
        [0.7, 0.2, 0.1],
        [-0.5, 0.3, 0.4],
      ]),
      W_in: tensor([
        [0, 0],
        [0.5, 0.2],
        [0.1, 0.6],
      ]),
      b: tensor([0, 0.3, 0.2]),
      W_out: tensor([
        [1, -0.4, 0.6],
        [0.5, 0.8, -0.3],
      ]),
      b_out: tensor([0.1, -0.2]),
      x0: zeros([3]),
    };
    const T = 5;
    const B = 2;
    const batch = {
      inputs: tensor(
        Array.from({ length: T }, (_, t) => [
          [1 + t / 4, 0.5],
          [0.25, 1 + t / 8],
        ]),
      ),
      targets: Int32Array.from({ length: T * B }, (_, i) => i % 2),
    };
    const config = { activation: 'relu' as const, head: 'softmax-every' as const };
    const states = forward(params, batch.inputs, { activation: 'relu' }).states;
    expect(states.every((x) => x.data[0] === 0 && x.data[3] === 0)).toBe(true);
    expect(states.slice(1).every((x) => [1, 2, 4, 5].every((i) => x.data[i] > 0))).toBe(true);
    const lossGrad = (p: RnnParams) => grad((q: RnnParams) => rnnLoss(q, batch, config))(p);
    // the fast VJP (a top-level gradient) and the recorded one (the same gradient taken inside an
    // outer transform, as for second derivatives)
    let recorded: RnnParams | null = null;
    grad((W: Tensor) => sum((recorded = lossGrad({ ...params, W_rec: W })).b))(params.W_rec);
    const fast = lossGrad(params);
    for (const g of [fast, recorded!]) {
      expect(Array.from(g.x0!.data)).toEqual([0, 0, 0]);
      expect(g.b.data[0]).toBe(0);
      expect(Array.from(g.W_rec.data.subarray(0, 3))).toEqual([0, 0, 0]);
      expect(Array.from(g.W_in.data.subarray(0, 2))).toEqual([0, 0]);
      expect(g.b.data[1]).not.toBe(0);
    }
    expectAgree(recorded!, fast, 'recorded against fast VJP');
    // the rest against the per-step tape (autodiff's relu) and the plain-loop reference
    const perStep = valueAndGrad((p: RnnParams) => rnnLoss(p, batch, { ...config, fused: false }))(params).grad;
    const reference = referenceBptt(
      refParams(params),
      refBatch(batch, 'softmax-every').inputs,
      'relu',
      refBatch(batch, 'softmax-every').head,
    );
    for (const [name, g] of Object.entries(fast)) {
      expectAgree(g, perStep[name as keyof RnnParams], `∂${name} against the per-step tape`);
      expectAgree(g, reference.grads[name as keyof RnnParams], `∂${name} against the reference`);
    }
  });

  it('sigmoid saturates without overflow at pre-activations of ±1000, forward and backward', () => {
    // x_1 = ±1000 (inputs ±1 times W_in = 1000): σ = 1 or 0 exactly and σ′ = 0, no NaN from e^1000
    const params: RnnParams = {
      W_rec: tensor([
        [0.5, -0.25],
        [0.1, 0.3],
      ]),
      W_in: tensor([[1000], [-1000]]),
      b: tensor([0.1, -0.2]),
      W_out: tensor([[1, -1]]),
      b_out: tensor([0]),
    };
    const batch = {
      inputs: tensor([
        [[1], [-1]],
        [[0.5], [0.25]],
        [[0], [0]],
      ]),
      targets: tensor([[0.5], [-0.5]]),
    };
    const config = { activation: 'sigmoid' as const, head: 'linear-last' as const };
    const { value, grad: g } = valueAndGrad((p: RnnParams) => rnnLoss(p, batch, config))(params);
    const { inputs, head } = refBatch(batch, 'linear-last');
    const reference = referenceBptt(refParams(params), inputs, 'sigmoid', head);
    expect(Number.isFinite(value.item())).toBe(true);
    expectAgree(value, reference.loss, 'loss');
    for (const [name, d] of Object.entries(g)) expectAgree(d, reference.grads[name as keyof RnnParams], `∂${name}`);
  });

  it('rejects each malformed argument with a ShapeError naming it, the shape it needs and the shape it got', () => {
    const [x0, W, u, Win, b, offsets] = sequenceArgs(1, 3, 2, 4, 2, true); // T = 3, B = 2, n = 4, n_in = 2
    const bad = (i: number, value: unknown) => {
      const args: unknown[] = [x0, W, u, Win, b, 'tanh', offsets];
      args[i] = value;
      return () => (rnnSequence as (...a: unknown[]) => Tensor)(...args);
    };
    const cases: [number, unknown, string][] = [
      [1, zeros([4, 3]), "'W_rec': must be a square [n, n] tensor with n ≥ 1, got [4, 3]"],
      [1, zeros([4]), "'W_rec': must be a square [n, n] tensor with n ≥ 1, got [4]"],
      [1, zeros([0, 0]), "'W_rec': must be a square [n, n] tensor with n ≥ 1, got [0, 0]"],
      [1, [[1]], "'W_rec': must be a square [n, n] tensor with n ≥ 1, got object"],
      [1, zeros([4, 4, 1]), "'W_rec': must be a square [n, n] tensor with n ≥ 1, got [4, 4, 1]"],
      [2, zeros([3, 2]), "'inputs': must have shape [T ≥ 1, B ≥ 1, n_in], got [3, 2]"],
      [2, zeros([0, 2, 2]), "'inputs': must have shape [T ≥ 1, B ≥ 1, n_in], got [0, 2, 2]"],
      [2, zeros([3, 0, 2]), "'inputs': must have shape [T ≥ 1, B ≥ 1, n_in], got [3, 0, 2]"],
      [2, 'u', "'inputs': must have shape [T ≥ 1, B ≥ 1, n_in], got string"],
      [3, zeros([4, 3]), "'W_in': must have shape [4, 2] (n of W_rec, n_in of inputs), got [4, 3]"],
      [3, zeros([3, 2]), "'W_in': must have shape [4, 2] (n of W_rec, n_in of inputs), got [3, 2]"],
      [3, zeros([4, 2, 1]), "'W_in': must have shape [4, 2] (n of W_rec, n_in of inputs), got [4, 2, 1]"],
      [3, null, "'W_in': must have shape [4, 2] (n of W_rec, n_in of inputs), got object"],
      [4, zeros([3]), "'b': must have shape [4], got [3]"],
      [4, zeros([1, 4]), "'b': must have shape [4], got [1, 4]"],
      [4, 0, "'b': must have shape [4], got number"],
      [4, zeros([4, 1]), "'b': must have shape [4], got [4, 1]"],
      [0, zeros([3, 4]), "'x0': must have shape [2, 4] or [1, 4], got [3, 4]"],
      [0, zeros([2, 3]), "'x0': must have shape [2, 4] or [1, 4], got [2, 3]"],
      [0, zeros([4]), "'x0': must have shape [2, 4] or [1, 4], got [4]"],
      [0, undefined, "'x0': must have shape [2, 4] or [1, 4], got undefined"],
      [0, zeros([1, 4, 1]), "'x0': must have shape [2, 4] or [1, 4], got [1, 4, 1]"],
      [6, zeros([2, 2, 4]), "'offsets': must have shape [3, 2, 4] (T, B of inputs, n of W_rec), got [2, 2, 4]"],
      [6, zeros([3, 1, 4]), "'offsets': must have shape [3, 2, 4] (T, B of inputs, n of W_rec), got [3, 1, 4]"],
      [6, zeros([3, 2, 3]), "'offsets': must have shape [3, 2, 4] (T, B of inputs, n of W_rec), got [3, 2, 3]"],
      [6, zeros([3, 8]), "'offsets': must have shape [3, 2, 4] (T, B of inputs, n of W_rec), got [3, 8]"],
      [6, 'none', "'offsets': must have shape [3, 2, 4] (T, B of inputs, n of W_rec), got string"],
      [6, zeros([3, 2, 4, 1]), "'offsets': must have shape [3, 2, 4] (T, B of inputs, n of W_rec), got [3, 2, 4, 1]"],
    ];
    for (const [i, value, message] of cases) {
      expect(bad(i, value)).toThrow(ShapeError);
      expect(bad(i, value)).toThrow(`rnnSequence: argument ${message}`);
    }
    // x0 may be one row per example [B, n] as well as one shared row [1, n]
    expect(rnnSequence(zeros([2, 4]), W, u, Win, b, 'tanh').shape).toEqual([3, 2, 4]);
    expect(() => rnnSequence(x0, W, u, Win, b, 'softplus' as Activation, offsets)).toThrow(ValueError);
    expect(() => rnnSequence(x0, W, u, Win, b, 'softplus' as Activation, offsets)).toThrow(
      /rnnSequence: argument 'activation': unknown activation "softplus"/,
    );
  });
});

describe('rnnLoss: fused (default) against the per-step tape (fused: false)', () => {
  const compare = (
    seed: number,
    n: number,
    nIn: number,
    nOut: number,
    T: number,
    B: number,
    activation: Activation,
    head: HeadKind,
    learnX0: boolean,
  ): void => {
    const { params, batch, config } = randomProblem({ seed, n, nIn, nOut, T, B, activation, head, learnX0 });
    const fused = valueAndGrad((p: RnnParams) => rnnLoss(p, batch, config))(params);
    const perStep = valueAndGrad((p: RnnParams) => rnnLoss(p, batch, { ...config, fused: false }))(params);
    expect(relativeGap([fused.value.item()], [perStep.value.item()])).toBeLessThan(1e-13);
    leavesOf(fused.grad).forEach((g, i) =>
      expect(relativeGap(g.data, leavesOf(perStep.grad)[i].data)).toBeLessThan(1e-13),
    );
  };

  it('same loss and gradients for every activation × head, over sizes, lengths, batches, seeds', () => {
    const arb = fc.record({
      seed: fc.integer({ min: 0, max: 1e6 }),
      n: fc.integer({ min: 1, max: 9 }),
      nIn: fc.integer({ min: 1, max: 4 }),
      nOut: fc.integer({ min: 1, max: 3 }),
      T: fc.integer({ min: 1, max: 30 }),
      B: fc.integer({ min: 1, max: 6 }),
      activation: fc.constantFrom(...ACTS),
      head: fc.constantFrom(...HEAD_KINDS),
      learnX0: fc.boolean(),
    });
    fc.assert(
      fc.property(arb, (d) => compare(d.seed, d.n, d.nIn, d.nOut, d.T, d.B, d.activation, d.head, d.learnX0)),
      { numRuns: runs(40) },
    );
  });

  it('the paper sizes with one-hot inputs (zeros skipped in forward and ∂W_in): n = 50, T = 50, B = 20', () => {
    const { params, batch, config } = randomProblem({
      seed: 9,
      n: 50,
      nIn: 6,
      nOut: 4,
      T: 50,
      B: 20,
      activation: 'tanh',
      head: 'softmax-last',
    });
    const rng = new Rng(10);
    const oneHot = new Float64Array(50 * 20 * 6);
    for (let row = 0; row < 50 * 20; row++) oneHot[row * 6 + rng.int(6)] = 1;
    const hot = { ...batch, inputs: new Tensor(oneHot, [50, 20, 6]) };
    const fused = valueAndGrad((p: RnnParams) => rnnLoss(p, hot, config))(params);
    const perStep = valueAndGrad((p: RnnParams) => rnnLoss(p, hot, { ...config, fused: false }))(params);
    expect(relativeGap([fused.value.item()], [perStep.value.item()])).toBeLessThan(1e-13);
    leavesOf(fused.grad).forEach((g, i) =>
      expect(relativeGap(g.data, leavesOf(perStep.grad)[i].data)).toBeLessThan(1e-13),
    );
  });

  it('inputs given as a list of step tensors: gradients reach them, as on the per-step tape', () => {
    const { params, batch, config } = randomProblem({
      seed: 4,
      n: 4,
      nIn: 2,
      nOut: 2,
      T: 6,
      B: 3,
      activation: 'sigmoid',
      head: 'softmax-every',
    });
    const steps = Array.from({ length: 6 }, (_, t) => index(batch.inputs as Tensor, t));
    const byList = (fused: boolean) =>
      valueAndGrad((...u: Tensor[]) => rnnLoss(params, { inputs: u, targets: batch.targets }, { ...config, fused }), {
        argnums: [0, 1, 2, 3, 4, 5],
      })(...steps).grad as Tensor[];
    const [a, b] = [byList(true), byList(false)];
    a.forEach((g, t) => expect(relativeGap(g.data, b[t].data)).toBeLessThan(1e-13));
    expect(a[0].data.some((v) => v !== 0)).toBe(true);
  });

  it('errorSignals reads the same deltas off the fused op as off the per-step tape', () => {
    const { params, batch, config } = randomProblem({
      seed: 8,
      n: 5,
      nIn: 3,
      nOut: 3,
      T: 11,
      B: 2,
      activation: 'tanh',
      head: 'per-step',
      learnX0: true,
    });
    const fused = errorSignals(params, batch, config);
    const perStep = errorSignals(params, batch, { ...config, fused: false });
    expect(fused.deltas).toHaveLength(11);
    expect(fused.states).toHaveLength(12);
    fused.deltas.forEach((d, k) => expect(relativeGap(d.data, perStep.deltas[k].data)).toBeLessThan(1e-13));
    fused.states.forEach((x, k) => expect(relativeGap(x.data, perStep.states[k].data)).toBeLessThan(1e-14));
    expect(fused.states.every((x) => x.tape === null)).toBe(true);
  });

  it('Hessian-vector products and jvp (recorded walks) agree with the per-step tape', () => {
    const { params, batch, config } = randomProblem({
      seed: 12,
      n: 4,
      nIn: 2,
      nOut: 3,
      T: 7,
      B: 3,
      activation: 'sigmoid',
      head: 'softmax-every',
      learnX0: true,
    });
    const v = randn([4, 4], new Rng(13));
    const at = (fused: boolean) => (W: Tensor) => rnnLoss({ ...params, W_rec: W }, batch, { ...config, fused });
    expect(
      relativeGap(
        hessianVectorProduct(at(true), params.W_rec, v).data,
        hessianVectorProduct(at(false), params.W_rec, v).data,
      ),
    ).toBeLessThan(1e-13);
    expect(
      relativeGap(
        [jvp(at(true), [params.W_rec], [v]).tangent.item()],
        [jvp(at(false), [params.W_rec], [v]).tangent.item()],
      ),
    ).toBeLessThan(1e-13);
  });

  it('rejects a config.fused that is not a boolean', () => {
    const { params, batch, config } = randomProblem({
      seed: 1,
      n: 2,
      nIn: 1,
      nOut: 2,
      T: 2,
      B: 1,
      activation: 'tanh',
      head: 'softmax-last',
    });
    expect(() => rnnLoss(params, batch, { ...config, fused: 'yes' as unknown as boolean })).toThrow(
      /rnnLoss.*config\.fused.*true or false, got yes/,
    );
  });
});
