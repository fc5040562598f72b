/**
 * @file The closed-form Ω kernel: the WebAssembly kernel equals the JavaScript one bit for bit,
 * and both agree with Ω written out per row from its definition (Math.tanh, plain sums) to 1e-13;
 * rows under the threshold (a non-default one too) and NaN rows are left out.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '@tapegrad/autodiff';
import {
  dot2,
  omegaRows,
  omegaRowsJs,
  recurrenceBackward,
  recurrenceForward,
  useKernels,
  type KernelActivation,
  type OmegaRowsInput,
  type RecurrenceInputs,
} from '@tapegrad/autodiff/kernels';
import { activeWasm } from '../src/kernels/backend.js';
import { residueFor } from '../src/kernels/recurrence.js';
import { runs } from '../../../test/fast-check.js';

const RUNS = runs(40);
const hasWasm = useKernels('auto') === 'wasm';

const arbInput: fc.Arbitrary<OmegaRowsInput> = fc
  .record({
    n: fc.integer({ min: 1, max: 13 }),
    blocks: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 5 }),
    activation: fc.constantFrom<KernelActivation>('tanh', 'relu', 'identity', 'sigmoid'),
    form: fc.constantFrom<'paper' | 'summary'>('paper', 'summary'),
    gradient: fc.boolean(),
    minDeltaSquared: fc.constantFrom(1e-20, 0.05),
    seed: fc.integer(),
  })
  .map(({ n, blocks, activation, form, gradient, minDeltaSquared, seed: s }) => {
    const rng = new Rng(s);
    const row = (scale: number) => Array.from({ length: n }, () => (rng.uniform() * 2 - 1) * scale);
    // some rows tiny (below either threshold), some zero, the rest of order 1
    const deltaRow = () => {
      const u = rng.uniform();
      return u < 0.15 ? row(1e-12) : u < 0.25 ? row(0) : row(1);
    };
    return {
      n,
      activation,
      form,
      gradient,
      minDeltaSquared,
      W: Float64Array.from(row(1).concat(...Array.from({ length: n - 1 }, () => row(1)))),
      deltas: blocks.map((rows) => Float64Array.from(Array.from({ length: rows }, deltaRow).flat())),
      states: blocks.map((rows) => Float64Array.from(Array.from({ length: rows }, () => row(2)).flat())),
    };
  });

/** Ω's terms and gradient straight from the definitions, one row at a time. */
function reference(p: OmegaRowsInput): { total: number; pairs: number; G: Float64Array } {
  const { n } = p;
  const slope = (x: number) =>
    p.activation === 'tanh'
      ? 1 - Math.tanh(x) ** 2
      : p.activation === 'sigmoid'
        ? Math.exp(-x) / (1 + Math.exp(-x)) ** 2
        : p.activation === 'relu'
          ? x > 0
            ? 1
            : 0
          : 1;
  let total = 0;
  let pairs = 0;
  const G = new Float64Array(n * n);
  p.deltas.forEach((d, block) => {
    const x = p.states[block];
    for (let r = 0; r < d.length / n; r++) {
      const delta = Array.from(d.subarray(r * n, (r + 1) * n));
      const d2 = delta.reduce((s, v) => s + v * v, 0);
      if (!(d2 >= p.minDeltaSquared)) continue;
      pairs++;
      const s = Array.from(x.subarray(r * n, (r + 1) * n), slope);
      // v_j = Σ_i δ_i W_ij σ'(x_j)
      const v = s.map((sj, j) => delta.reduce((acc, di, i) => acc + di * p.W[i * n + j], 0) * sj);
      const v2 = v.reduce((acc, vj) => acc + vj * vj, 0);
      let coef: number;
      if (p.form === 'paper') {
        total += (v2 / d2 - 1) ** 2;
        coef = (4 * (v2 / d2 - 1)) / d2;
      } else {
        const rho = Math.sqrt(v2 / d2);
        total += (rho - 1) ** 2;
        coef = v2 > 0 ? (2 * (rho - 1)) / Math.sqrt(d2 * v2) : 0;
      }
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) G[i * n + j] += coef * delta[i] * v[j] * s[j];
    }
  });
  return { total, pairs, G };
}

describe('omegaRows', () => {
  it('agrees with Ω written out row by row, to 1e-13 relative', () => {
    fc.assert(
      fc.property(arbInput, (p) => {
        const got = omegaRows(p);
        const want = reference(p);
        expect(got.pairs).toBe(want.pairs);
        expect(Math.abs(got.total - want.total)).toBeLessThanOrEqual(1e-13 * Math.max(1, want.total));
        if (!p.gradient) {
          expect(got.G).toBeNull();
          return;
        }
        const scale = want.G.reduce((m, v) => Math.max(m, Math.abs(v)), 1);
        for (let i = 0; i < want.G.length; i++)
          expect(Math.abs(got.G![i] - want.G[i])).toBeLessThanOrEqual(1e-13 * scale);
      }),
      { numRuns: RUNS },
    );
  });

  it.runIf(hasWasm)('gives the same bits from WebAssembly as from JavaScript', () => {
    useKernels('wasm');
    fc.assert(
      fc.property(arbInput, (p) => {
        const got = omegaRows(p);
        const want = omegaRowsJs(p);
        expect(got.pairs).toBe(want.pairs);
        expect(Object.is(got.total, want.total)).toBe(true);
        expect(got.G === null ? null : Array.from(got.G)).toEqual(want.G === null ? null : Array.from(want.G));
      }),
      { numRuns: RUNS },
    );
  });

  it.runIf(hasWasm)(
    'gives the same bits when it reuses what the recurrence left in wasm memory (h and δ·W), x copied in where σ′ needs it',
    () => {
      useKernels('wasm');
      const rng = new Rng(9);
      const draw = (len: number, scale: number) =>
        Float64Array.from({ length: len }, () => (rng.uniform() * 2 - 1) * scale);
      for (const activation of ['tanh', 'identity', 'sigmoid', 'relu'] as const) {
        for (const [T, B, n] of [
          [7, 3, 9],
          [12, 4, 16],
          [1, 1, 1],
        ]) {
          const p: RecurrenceInputs = {
            T,
            B,
            n,
            nIn: 2,
            activation,
            x0: new Float64Array(n),
            x0Rows: 1,
            W: draw(n * n, 1 / Math.sqrt(n)),
            Win: draw(2 * n, 1),
            b: draw(n, 0.3),
            U: draw(T * B * 2, 1),
          };
          const states = recurrenceForward(p);
          const grads = recurrenceBackward(p, states, draw(T * B * n, 1), {
            x0: false,
            W: true,
            U: false,
            Win: true,
            b: true,
            D: true,
          });
          const step = B * n;
          const input: OmegaRowsInput = {
            n,
            W: p.W,
            activation,
            form: 'paper',
            gradient: true,
            minDeltaSquared: 1e-20,
            deltas: Array.from({ length: T }, (_, t) => grads.D!.subarray(t * step, (t + 1) * step)),
            states: [
              new Float64Array(step),
              ...Array.from({ length: T - 1 }, (_, t) => states.X.subarray(t * step, (t + 1) * step)),
            ],
          };
          expect(residueFor(activeWasm()!, p.W, activation, input.deltas, input.states)).not.toBeNull();
          const reused = omegaRows(input);
          const want = omegaRowsJs(input);
          expect(Object.is(reused.total, want.total)).toBe(true);
          expect(Array.from(reused.G!)).toEqual(Array.from(want.G!));
          // not the rows the residue belongs to (states out of order): computed afresh
          if (T > 1)
            expect(
              residueFor(activeWasm()!, p.W, activation, input.deltas, [...input.states.slice(1), input.states[0]]),
            ).toBeNull();
        }
      }
    },
  );

  it('leaves out rows whose ‖δ‖² is NaN', () => {
    const p: OmegaRowsInput = {
      n: 2,
      W: Float64Array.of(1, 0, 0, 1),
      activation: 'identity',
      form: 'paper',
      gradient: true,
      minDeltaSquared: 1e-20,
      deltas: [Float64Array.of(NaN, 1, 1, 0)],
      states: [Float64Array.of(0, 0, 0, 0)],
    };
    // the one valid row has W = I and σ' = 1: v = δ, r = 1, a zero term and a zero gradient
    expect(omegaRows(p)).toEqual({ total: 0, pairs: 1, G: new Float64Array(4) });
  });
});

describe('dot2', () => {
  it('sums even and odd terms apart, then adds them', () => {
    // (1e16 + 1) rounds to 1e16 on the even sum; the odd sum keeps its 1: 1e16 + 1 ≠ 1e16 + 2
    expect(dot2(Float64Array.of(1e16, 1, 1), 0, Float64Array.of(1, 1, 1), 0, 3)).toBe(1e16 + 1);
  });
});
