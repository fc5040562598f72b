/**
 * @file The recurrence kernels (the RNN's fused sequence op): the WebAssembly forward and backward
 * passes equal the JavaScript ones bit for bit over fast-check shapes (1×1, odd sizes, x_0 shared
 * or per example, offsets or not, every activation, every subset of gradients); both agree with a
 * straightforward per-step reference written from the equations (Math.tanh, plain sums) to 1e-13
 * normwise; and the backward pass gives the same bits whether the forward's hidden states were
 * still in wasm memory or had to be recomputed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '@tapegrad/autodiff';
import {
  backwardJs,
  forwardJs,
  recurrenceBackward,
  recurrenceForward,
  useKernels,
  type KernelActivation,
  type RecurrenceInputs,
  type RecurrenceNeeds,
} from '@tapegrad/autodiff/kernels';
import { runs } from '../../../test/fast-check.js';

const RUNS = runs(40);
const hasWasm = useKernels('auto') === 'wasm';

interface Problem {
  inputs: RecurrenceInputs;
  g: Float64Array;
}

const arbProblem: fc.Arbitrary<Problem> = fc
  .record({
    T: fc.integer({ min: 1, max: 6 }),
    B: fc.integer({ min: 1, max: 5 }),
    n: fc.integer({ min: 1, max: 11 }),
    nIn: fc.integer({ min: 0, max: 4 }),
    activation: fc.constantFrom<KernelActivation>('tanh', 'relu', 'identity', 'sigmoid'),
    sharedX0: fc.boolean(),
    withOffsets: fc.boolean(),
    seed: fc.integer(),
  })
  .map(({ T, B, n, nIn, activation, sharedX0, withOffsets, seed: s }) => {
    const rng = new Rng(s);
    const draw = (len: number, scale: number) =>
      Float64Array.from({ length: len }, () => (rng.uniform() * 2 - 1) * scale);
    // one-hot-ish inputs: mostly zeros, so the zero-skipping loops are exercised too
    const U = Float64Array.from({ length: T * B * nIn }, () => (rng.uniform() < 0.6 ? 0 : rng.uniform() * 2 - 1));
    const x0Rows = sharedX0 ? 1 : B;
    const inputs: RecurrenceInputs = {
      T,
      B,
      n,
      nIn,
      activation,
      x0: draw(x0Rows * n, 1),
      x0Rows,
      W: draw(n * n, 1.2 / Math.sqrt(n)),
      Win: draw(n * nIn, 1),
      b: draw(n, 0.5),
      U,
      ...(withOffsets ? { offsets: draw(T * B * n, 0.1) } : {}),
    };
    return { inputs, g: draw(T * B * n, 1) };
  });

const ALL: RecurrenceNeeds = { x0: true, W: true, U: true, Win: true, b: true, D: true };

/** Every array of a result, bit for bit (NaN equal to NaN). */
function expectSameBits(got: Record<string, Float64Array | null>, want: Record<string, Float64Array | null>): void {
  for (const key of Object.keys(want)) {
    const a = got[key];
    const b = want[key];
    expect(a === null, key).toBe(b === null);
    if (a !== null && b !== null) expect(Array.from(a), key).toEqual(Array.from(b));
  }
}

/** σ with Math's functions, σ' from x: the reference's own. */
function sigma(activation: KernelActivation, x: number): [number, number] {
  if (activation === 'tanh') return [Math.tanh(x), 1 - Math.tanh(x) ** 2];
  if (activation === 'sigmoid') return [1 / (1 + Math.exp(-x)), Math.exp(-x) / (1 + Math.exp(-x)) ** 2];
  if (activation === 'relu') return [Math.max(x, 0), x > 0 ? 1 : 0];
  return [x, 1];
}

/** The recurrence and BPTT written from the equations, one example and one step at a time. */
function reference(
  p: RecurrenceInputs,
  g: Float64Array,
): {
  X: Float64Array;
  D: Float64Array;
  W: Float64Array;
  Win: Float64Array;
  b: Float64Array;
  U: Float64Array;
  x0: Float64Array;
} {
  const { T, B, n, nIn, activation } = p;
  const x = (t: number, r: number, i: number): number =>
    t === 0 ? p.x0[(p.x0Rows === 1 ? 0 : r) * n + i] : X[((t - 1) * B + r) * n + i];
  const X = new Float64Array(T * B * n);
  for (let t = 1; t <= T; t++) {
    for (let r = 0; r < B; r++) {
      for (let i = 0; i < n; i++) {
        let s = p.b[i];
        for (let j = 0; j < n; j++) s += p.W[i * n + j] * sigma(activation, x(t - 1, r, j))[0];
        for (let j = 0; j < nIn; j++) s += p.Win[i * nIn + j] * p.U[((t - 1) * B + r) * nIn + j];
        X[((t - 1) * B + r) * n + i] = s + (p.offsets?.[((t - 1) * B + r) * n + i] ?? 0);
      }
    }
  }
  const D = new Float64Array(T * B * n);
  const out = {
    X,
    D,
    W: new Float64Array(n * n),
    Win: new Float64Array(n * nIn),
    b: new Float64Array(n),
    U: new Float64Array(T * B * nIn),
    x0: new Float64Array(p.x0Rows * n),
  };
  for (let t = T; t >= 0; t--) {
    for (let r = 0; r < B; r++) {
      for (let j = 0; j < n; j++) {
        // ∂E/∂x_t[j] = g_t[j] + Σ_i δ_{t+1}[i]·W[i][j]·σ'(x_t[j])
        let back = 0;
        if (t < T) for (let i = 0; i < n; i++) back += D[(t * B + r) * n + i] * p.W[i * n + j];
        const d = (t > 0 ? g[((t - 1) * B + r) * n + j] : 0) + back * sigma(activation, x(t, r, j))[1];
        if (t > 0) D[((t - 1) * B + r) * n + j] = d;
        else out.x0[(p.x0Rows === 1 ? 0 : r) * n + j] += d;
      }
    }
  }
  for (let t = 1; t <= T; t++) {
    for (let r = 0; r < B; r++) {
      for (let i = 0; i < n; i++) {
        const d = D[((t - 1) * B + r) * n + i];
        out.b[i] += d;
        for (let j = 0; j < n; j++) out.W[i * n + j] += d * sigma(activation, x(t - 1, r, j))[0];
        for (let j = 0; j < nIn; j++) {
          out.Win[i * nIn + j] += d * p.U[((t - 1) * B + r) * nIn + j];
          out.U[((t - 1) * B + r) * nIn + j] += d * p.Win[i * nIn + j];
        }
      }
    }
  }
  return out;
}

/** max|got − want| ≤ 1e-13·max(1, max|want|). */
function expectClose(got: Float64Array, want: Float64Array, what: string): void {
  let scale = 1;
  for (const v of want) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < want.length; i++)
    expect(Math.abs(got[i] - want[i]), `${what}[${i}]`).toBeLessThanOrEqual(1e-13 * scale);
}

describe('recurrence kernels', () => {
  it('agree with the equations written out step by step, to 1e-13 normwise', () => {
    fc.assert(
      fc.property(arbProblem, ({ inputs, g }) => {
        const states = recurrenceForward(inputs);
        const grads = recurrenceBackward(inputs, states, g, ALL);
        const want = reference(inputs, g);
        expectClose(states.X, want.X, 'X');
        for (const key of ['D', 'W', 'Win', 'b', 'U', 'x0'] as const) expectClose(grads[key]!, want[key], key);
      }),
      { numRuns: RUNS },
    );
  });

  it.runIf(hasWasm)('give the same bits from WebAssembly as from JavaScript, for every subset of gradients', () => {
    fc.assert(
      fc.property(
        arbProblem,
        fc.record({
          x0: fc.boolean(),
          W: fc.boolean(),
          U: fc.boolean(),
          Win: fc.boolean(),
          b: fc.boolean(),
          D: fc.boolean(),
        }),
        ({ inputs, g }, needs) => {
          useKernels('wasm');
          const states = recurrenceForward(inputs);
          const want = forwardJs(inputs);
          expect(Array.from(states.X)).toEqual(Array.from(want.X));
          expectSameBits(
            { ...recurrenceBackward(inputs, states, g, needs) },
            { ...backwardJs(inputs, want, g, needs) },
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  it.runIf(hasWasm)('give the same bits when the hidden states left in wasm memory were taken back in between', () => {
    const problems = fc.sample(arbProblem, { numRuns: 10 });
    for (const { inputs, g } of problems) {
      useKernels('wasm');
      const first = recurrenceForward(inputs);
      const kept = recurrenceBackward(inputs, first, g, ALL);
      const again = recurrenceForward(inputs);
      recurrenceForward(problems[0].inputs); // takes the kept space
      const recomputed = recurrenceBackward(inputs, again, g, ALL);
      expectSameBits({ ...recomputed }, { ...kept });
      // and the JavaScript backward pass on the WebAssembly forward's states
      expectSameBits({ ...backwardJs(inputs, again, g, ALL) }, { ...kept });
    }
  });
});
