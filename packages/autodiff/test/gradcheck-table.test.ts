/**
 * @file One table, one row per differentiable op exported from the package root: fast-check draws
 * shapes, values and options, and every row must pass gradCheck (first order) and gradGradCheck
 * (second order, through the tape's higher-order path). A last test compares the table with the
 * root's exports, so an op added without a row fails here.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as root from '@tapegrad/autodiff';
import { Tensor, tensor } from '@tapegrad/autodiff';
import { gradCheck, gradGradCheck, type GradCheckOptions } from '@tapegrad/autodiff/testing';
import {
  arbBroadcastablePair,
  arbBroadcastableShapes,
  arbDistinct,
  arbMatmulPair,
  arbShape,
  arbTensor,
} from '@tapegrad/autodiff/testing/arbitraries';
import type { ValueOptions } from '@tapegrad/autodiff/testing/arbitraries';
import { runs } from '../../../test/fast-check.js';

const { add, sub, mul, div, neg, pow, square, sqrt, exp, log, abs, tanh, tanhGrad, sigmoid, sigmoidGrad, relu } = root;
const { maximum, minimum, where, clamp, sum, mean, sumTo, max, min, logsumexp, norm, reshape, broadcastTo } = root;
const { permute, transpose, slice, pad, gather, scatterAdd, index, concat, stack, split, matmul, matmulT, outer, dot } =
  root;
const { softmax, logSoftmax, softmaxCrossEntropy, mse, defineOp } = root;

type Fn = (...xs: Tensor[]) => Tensor;
interface Case {
  inputs: Tensor[];
  f: Fn;
}
interface Row {
  name: string;
  cases: fc.Arbitrary<Case>;
  options?: GradCheckOptions;
}

const shape = arbShape({ maxRank: 3, maxDim: 3 });
const nonScalar = arbShape({ minRank: 1, maxRank: 3, maxDim: 3 });

/** A row whose function is fixed and whose inputs are drawn. */
function fixed(name: string, inputs: fc.Arbitrary<Tensor[]>, f: Fn, options?: GradCheckOptions): Row {
  return { name, cases: inputs.map((xs) => ({ inputs: xs, f })), options };
}
const one = (values: ValueOptions = {}, shapes = shape) => arbTensor(shapes, values).map((x) => [x]);
const pair = fc.constant(null).chain(() => arbBroadcastablePair({ maxRank: 3, maxDim: 3 }));
/** Broadcastable a and b with their own value ranges. */
function pairWith(a: ValueOptions, b: ValueOptions): fc.Arbitrary<Tensor[]> {
  return arbBroadcastableShapes({ maxRank: 3, maxDim: 3 }).chain(([sa, sb]) =>
    fc.tuple(arbTensor(sa, a), arbTensor(sb, b)),
  );
}
function broadcastShape(a: readonly number[], b: readonly number[]): number[] {
  const r = Math.max(a.length, b.length);
  return Array.from({ length: r }, (_, i) => Math.max(a[a.length - r + i] ?? 1, b[b.length - r + i] ?? 1));
}
/** An `axis` option for rank r: all axes, one (maybe negative), or a list. */
function axisOption(r: number): fc.Arbitrary<number | number[] | undefined> {
  if (r === 0) return fc.constantFrom(undefined, []);
  const axes = Array.from({ length: r }, (_, i) => i);
  return fc.oneof(fc.constant(undefined), fc.integer({ min: -r, max: r - 1 }), fc.subarray(axes));
}
/** A tensor with a drawn reduction option: the function gets x, axis and keepdims. */
function reduction(
  name: string,
  x: fc.Arbitrary<Tensor>,
  f: (x: Tensor, o: { axis?: number | number[]; keepdims: boolean }) => Tensor,
): Row {
  return {
    name,
    cases: x
      .chain((t) => fc.tuple(fc.constant(t), axisOption(t.rank), fc.boolean()))
      .map(([t, axis, keepdims]) => ({ inputs: [t], f: (y: Tensor) => f(y, { axis, keepdims }) })),
  };
}
/** x with a drawn axis in [−rank, rank). */
const withAxis = (values: ValueOptions = {}) =>
  arbTensor(nonScalar, values).chain((x) => fc.tuple(fc.constant(x), fc.integer({ min: -x.rank, max: x.rank - 1 })));
const norm0 = (a: number, r: number) => (a < 0 ? a + r : a);
const permutation = (r: number) =>
  fc.shuffledSubarray(
    Array.from({ length: r }, (_, i) => i),
    { minLength: r, maxLength: r },
  );

/** The documented custom-op example: the table checks user-defined ops the same way. */
const cube = defineOp({
  name: 'cube',
  inputs: ['x'],
  forward: (x) => mul(x, mul(x, x)),
  vjp: (g, [x]) => [mul(g, mul(square(x), 3))],
});

const rows: Row[] = [
  // Elementwise. Values stay 0.1 from kinks (relu, abs, clamp's ends) and 0.5 from domain edges.
  fixed('add', pair, add),
  fixed('sub', pair, sub),
  fixed('mul', pair, mul),
  fixed('div', pairWith({}, { awayFrom: [0], margin: 0.5 }), div),
  fixed('neg', one(), neg),
  fixed('pow', pairWith({ min: 0.5, max: 2 }, { min: -2, max: 2 }), pow),
  fixed('square', one(), square),
  fixed('sqrt', one({ min: 0.5, max: 3 }), sqrt),
  fixed('exp', one(), exp),
  fixed('log', one({ min: 0.5, max: 3 }), log),
  fixed('abs', one({ awayFrom: [0] }), abs),
  fixed('tanh', one(), tanh),
  fixed('tanhGrad', pair, tanhGrad),
  fixed('sigmoid', one(), sigmoid),
  fixed('sigmoidGrad', pair, sigmoidGrad),
  fixed('relu', one({ awayFrom: [0] }), relu),
  fixed('maximum', arbBroadcastablePair({ maxRank: 3, maxDim: 3, distinct: true }), maximum),
  fixed('minimum', arbBroadcastablePair({ maxRank: 3, maxDim: 3, distinct: true }), minimum),
  {
    name: 'where',
    cases: pair.chain(([a, b]) =>
      fc.array(fc.boolean(), { minLength: a.size, maxLength: a.size }).map((bits) => {
        const condition = tensor(Float64Array.from(bits, Number), a.shape);
        return { inputs: [a, b], f: (x: Tensor, y: Tensor) => where(condition, x, y) };
      }),
    ),
  },
  fixed('clamp', one({ min: -2, max: 2, awayFrom: [-1, 1] }), (x) => clamp(x, -1, 1)),
  // Reductions; max and min get tie-free values, norm values away from 0 so ‖x‖ ≥ 0.3.
  reduction('sum', arbTensor(shape), sum),
  reduction('mean', arbTensor(shape), mean),
  {
    name: 'sumTo',
    cases: arbBroadcastableShapes({ maxRank: 3, maxDim: 3 }).chain(([sa, sb]) =>
      arbTensor(broadcastShape(sa, sb)).map((x) => ({ inputs: [x], f: (y: Tensor) => sumTo(y, sa) })),
    ),
  },
  reduction('max', arbDistinct(shape), max),
  reduction('min', arbDistinct(shape), min),
  reduction('logsumexp', arbTensor(shape), logsumexp),
  reduction('norm', arbTensor(shape, { awayFrom: [0], margin: 0.3 }), norm),
  // Shape and indexing.
  {
    name: 'reshape',
    cases: arbTensor(shape).chain((x) =>
      fc
        .constantFrom([-1], [...x.shape].reverse(), [1, ...x.shape, 1], [x.size])
        .map((s) => ({ inputs: [x], f: (y: Tensor) => reshape(y, s) })),
    ),
  },
  {
    name: 'broadcastTo',
    cases: arbBroadcastableShapes({ maxRank: 3, maxDim: 3 }).chain(([sa, sb]) =>
      arbTensor(sa).map((x) => ({ inputs: [x], f: (y: Tensor) => broadcastTo(y, broadcastShape(sa, sb)) })),
    ),
  },
  {
    name: 'permute',
    cases: arbTensor(shape).chain((x) =>
      permutation(x.rank).map((p) => ({ inputs: [x], f: (y: Tensor) => permute(y, p) })),
    ),
  },
  {
    name: 'transpose',
    cases: arbTensor(shape).chain((x) =>
      fc
        .oneof(fc.constant(undefined), permutation(x.rank))
        .map((p) => ({ inputs: [x], f: (y: Tensor) => transpose(y, p) })),
    ),
  },
  {
    name: 'slice',
    cases: arbTensor(nonScalar).chain((x) =>
      fc
        .tuple(
          ...x.shape.map((n) =>
            fc
              .integer({ min: 0, max: n - 1 })
              .chain((b) => fc.tuple(fc.constant(b), fc.integer({ min: b + 1, max: n }))),
          ),
        )
        .map((windows) => ({
          inputs: [x],
          // begin counted from the end where that is the other way to say the same position
          f: (y: Tensor) =>
            slice(
              y,
              windows.map(([b], d) => (d % 2 === 1 ? b - x.shape[d] : b)),
              windows.map(([, e]) => e),
            ),
        })),
    ),
  },
  {
    name: 'pad',
    cases: arbTensor(nonScalar).chain((x) => {
      const widths = fc.array(fc.integer({ min: 0, max: 2 }), { minLength: x.rank, maxLength: x.rank });
      return fc
        .tuple(widths, widths)
        .map(([before, after]) => ({ inputs: [x], f: (y: Tensor) => pad(y, before, after) }));
    }),
  },
  {
    name: 'gather',
    cases: withAxis().chain(([x, axis]) => {
      const n = x.shape[norm0(axis, x.rank)];
      return fc
        .array(fc.integer({ min: -n, max: n - 1 }), { minLength: 1, maxLength: 4 })
        .map((ids) => ({ inputs: [x], f: (y: Tensor) => gather(y, ids, axis) }));
    }),
  },
  {
    name: 'scatterAdd',
    cases: fc.tuple(nonScalar, fc.integer({ min: 1, max: 3 })).chain(([s, size]) =>
      fc
        .tuple(
          fc.integer({ min: 0, max: s.length - 1 }),
          fc.array(fc.integer({ min: 0, max: size - 1 }), { minLength: s[0], maxLength: s[0] }),
        )
        .chain(([axis, ids]) => {
          const xs = [...s];
          xs[axis] = ids.length;
          return arbTensor(xs).map((x) => ({ inputs: [x], f: (y: Tensor) => scatterAdd(y, ids, axis, size) }));
        }),
    ),
  },
  {
    name: 'index',
    cases: withAxis().chain(([x, axis]) => {
      const n = x.shape[norm0(axis, x.rank)];
      return fc.integer({ min: -n, max: n - 1 }).map((i) => ({ inputs: [x], f: (y: Tensor) => index(y, i, axis) }));
    }),
  },
  {
    name: 'concat',
    cases: fc
      .tuple(nonScalar, fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 }))
      .chain(([s, lengths]) =>
        fc
          .integer({ min: -s.length, max: s.length - 1 })
          .chain((axis) =>
            fc
              .tuple(...lengths.map((n) => arbTensor(s.map((d, i) => (i === norm0(axis, s.length) ? n : d)))))
              .map((xs) => ({ inputs: xs, f: (...ys: Tensor[]) => concat(ys, axis) })),
          ),
      ),
  },
  {
    name: 'stack',
    cases: fc.tuple(shape, fc.integer({ min: 1, max: 3 })).chain(([s, k]) =>
      fc
        .tuple(
          fc.integer({ min: -(s.length + 1), max: s.length }),
          fc.array(arbTensor(s), { minLength: k, maxLength: k }),
        )
        .map(([axis, xs]) => ({
          inputs: xs,
          f: (...ys: Tensor[]) => stack(ys, axis),
        })),
    ),
  },
  {
    name: 'split',
    cases: withAxis().chain(([x, axis]) => {
      const n = x.shape[norm0(axis, x.rank)];
      const sizes = fc
        .integer({ min: 0, max: n })
        .map((cut): number | number[] => (cut === 0 ? 1 : cut === n ? n : [cut, n - cut]));
      return sizes.chain((parts) => {
        const count = typeof parts === 'number' ? parts : parts.length;
        return fc
          .integer({ min: 0, max: count - 1 })
          .map((k) => ({ inputs: [x], f: (y: Tensor) => split(y, parts, axis)[k] }));
      });
    }),
  },
  // Linear algebra.
  fixed('matmul', arbMatmulPair({ maxDim: 3 }), matmul),
  {
    name: 'matmulT',
    cases: fc
      .tuple(arbMatmulPair({ maxDim: 3, maxBatchRank: 1 }), fc.boolean(), fc.boolean())
      .map(([[a, b], ta, tb]) => {
        const lastTwo = (t: Tensor) =>
          transpose(
            t,
            [...t.shape.keys()].map((d) => (d < t.rank - 2 ? d : 2 * t.rank - 3 - d)),
          );
        return {
          inputs: [ta ? lastTwo(a) : a, tb ? lastTwo(b) : b],
          f: (x: Tensor, y: Tensor) => matmulT(x, y, ta, tb),
        };
      }),
  },
  fixed(
    'outer',
    fc.tuple(arbTensor(arbShape({ minRank: 1, maxRank: 1 })), arbTensor(arbShape({ minRank: 1, maxRank: 1 }))),
    outer,
  ),
  fixed(
    'dot',
    fc.integer({ min: 1, max: 5 }).chain((n) => fc.tuple(arbTensor([n]), arbTensor([n]))),
    dot,
  ),
  // Losses.
  { name: 'softmax', cases: withAxis().map(([x, axis]) => ({ inputs: [x], f: (y: Tensor) => softmax(y, axis) })) },
  {
    name: 'logSoftmax',
    cases: withAxis().map(([x, axis]) => ({ inputs: [x], f: (y: Tensor) => logSoftmax(y, axis) })),
  },
  {
    name: 'softmaxCrossEntropy',
    cases: fc
      .tuple(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 2, max: 4 }),
        fc.constantFrom('mean' as const, 'sum' as const, 'none' as const),
      )
      .chain(([rows, classes, reduction]) =>
        fc.oneof(
          fc
            .tuple(
              arbTensor([rows, classes]),
              fc.array(fc.integer({ min: 0, max: classes - 1 }), { minLength: rows, maxLength: rows }),
            )
            .map(([z, t]) => ({
              inputs: [z],
              f: (y: Tensor) => softmaxCrossEntropy(y, t, { reduction }),
            })),
          // probability targets are an input too: the loss is differentiable in them
          fc.tuple(arbTensor([rows, classes]), arbTensor([rows, classes], { min: 0.1, max: 1 })).map(([z, t]) => ({
            inputs: [z, t],
            f: (y: Tensor, p: Tensor) => softmaxCrossEntropy(y, p, { reduction }),
          })),
        ),
      ),
  },
  {
    name: 'mse',
    cases: fc
      .tuple(shape, fc.constantFrom('mean' as const, 'sum' as const, 'none' as const))
      .chain(([s, reduction]) =>
        fc
          .tuple(arbTensor(s), arbTensor(s))
          .map((xs) => ({ inputs: xs, f: (p: Tensor, t: Tensor) => mse(p, t, { reduction }) })),
      ),
  },
  fixed('defineOp', one(), cube),
];

/**
 * Root exports that are not differentiable ops, each with the reason. A new export must land in
 * the table or here.
 */
const NOT_OPS: Record<string, string> = {
  ...Object.fromEntries(
    ['Tensor', 'tensor', 'zeros', 'ones', 'full', 'scalar', 'eye', 'arange', 'randn', 'uniform'].map((k) => [
      k,
      'makes tensors',
    ]),
  ),
  detach: 'constant by definition',
  stopGradient: 'zero gradient by definition (tested in transforms.test.ts)',
  Rng: 'random numbers',
  ...Object.fromEntries(
    ['ShapeError', 'ValueError', 'TapeError', 'AnomalyError', 'ConvergenceError'].map((k) => [k, 'an error class']),
  ),
  ...Object.fromEntries(
    ['Tape', 'record', 'activeTape', 'noGrad', 'withAnomalyMode', 'liveTapeEntries'].map((k) => [
      k,
      'the tape (tape.test.ts)',
    ]),
  ),
  ...Object.fromEntries(
    ['grad', 'valueAndGrad', 'vjp', 'jvp', 'jacobian', 'hessianVectorProduct'].map((k) => [
      k,
      'a transform (transforms.test.ts)',
    ]),
  ),
  ...Object.fromEntries(
    ['treeLeaves', 'treeEntries', 'treeMap', 'treeZip', 'treeUnflatten'].map((k) => [k, 'parameter records']),
  ),
  ...Object.fromEntries(
    ['vectorNorm', 'matrixNorm', 'singularValues', 'largestSingularValue', 'eigenvalues', 'spectralRadius'].map((k) => [
      k,
      'non-differentiable numerics',
    ]),
  ),
};
/** Other names for an op that has a row. */
const ALIASES: Record<string, string> = { expand: 'broadcastTo' };

describe('gradient check table: every op, first and second order, fast-check shapes and values', () => {
  for (const row of rows) {
    it(row.name, () => {
      fc.assert(
        fc.property(row.cases, ({ inputs, f }) => {
          gradCheck(f, inputs, { name: row.name, ...row.options });
          gradGradCheck(f, inputs, { name: row.name, ...row.options });
        }),
        { numRuns: runs(15) },
      );
    });
  }

  it('has a row for every op the package root exports', () => {
    const exported = Object.entries(root)
      .filter(([, v]) => typeof v === 'function')
      .map(([k]) => k);
    const covered = new Set(rows.map((r) => r.name));
    const missing = exported.filter((k) => !covered.has(k) && !(k in NOT_OPS) && !(k in ALIASES));
    expect(missing, 'ops exported from @tapegrad/autodiff without a row in this table').toEqual([]);
    const stale = [...covered, ...Object.keys(NOT_OPS)].filter((k) => !exported.includes(k));
    expect(stale, 'rows or exclusions for names the root no longer exports').toEqual([]);
    for (const [alias, target] of Object.entries(ALIASES))
      expect((root as Record<string, unknown>)[alias]).toBe((root as Record<string, unknown>)[target]);
  });
});
