/**
 * @file Random compositions: fast-check writes small programs over a pool of values (inputs of
 * mutually broadcastable shapes, then each step's result), so values are reused (fan-out),
 * broadcast against each other and reduced; every program's first and second derivatives must
 * match finite differences, and grad must agree with the pullback gradCheck used.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Tensor,
  add,
  div,
  exp,
  grad,
  mean,
  mul,
  neg,
  sigmoid,
  square,
  sub,
  sum,
  tanh,
  tensor,
  vjp,
} from '@tapegrad/autodiff';
import { gradCheck, gradGradCheck } from '@tapegrad/autodiff/testing';
import { arbShape, arbTensor } from '@tapegrad/autodiff/testing/arbitraries';
import { runs } from '../../../test/fast-check.js';

/** Smooth ops whose results stay moderate over a few steps, so finite differences stay accurate. */
const UNARY: Record<string, (x: Tensor) => Tensor> = {
  tanh,
  sigmoid,
  neg,
  'x·tanh x': (x) => mul(x, tanh(x)),
  'exp(tanh x)': (x) => exp(tanh(x)),
  'x/2': (x) => mul(x, 0.5),
};
const BINARY: Record<string, (a: Tensor, b: Tensor) => Tensor> = {
  add,
  sub,
  mul,
  'a/(1+b²)': (a, b) => div(a, add(square(b), 1)),
};
const REDUCE = ['sum', 'mean'] as const;

interface Step {
  kind: 'unary' | 'binary' | 'reduce';
  op: string;
  /** Operands, taken modulo the pool size when the step runs: any earlier value may be reused. */
  a: number;
  b: number;
  /** Axis to reduce (modulo the operand's rank), with keepdims so shapes stay broadcastable. */
  axis: number;
}

const arbStep: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('unary' as const),
    op: fc.constantFrom(...Object.keys(UNARY)),
    a: fc.nat(),
    b: fc.nat(),
    axis: fc.nat(),
  }),
  fc.record({
    kind: fc.constant('binary' as const),
    op: fc.constantFrom(...Object.keys(BINARY)),
    a: fc.nat(),
    b: fc.nat(),
    axis: fc.nat(),
  }),
  fc.record({
    kind: fc.constant('reduce' as const),
    op: fc.constantFrom(...REDUCE),
    a: fc.nat(),
    b: fc.nat(),
    axis: fc.nat(),
  }),
);

/** A shape that broadcasts to `full`: some leading dimensions dropped, some others set to 1. */
const variantOf = (full: number[]) =>
  fc
    .tuple(
      fc.integer({ min: 0, max: full.length }),
      fc.array(fc.boolean(), { minLength: full.length, maxLength: full.length }),
    )
    .map(([drop, ones]) => full.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d)));

interface Program {
  steps: Step[];
  inputs: Tensor[];
}

const arbProgram: fc.Arbitrary<Program> = fc
  .tuple(
    arbShape({ maxRank: 3, maxDim: 3 }),
    fc.integer({ min: 1, max: 3 }),
    fc.array(arbStep, { minLength: 1, maxLength: 7 }),
  )
  .chain(([full, k, steps]) =>
    fc
      .array(
        variantOf(full).chain((s) => arbTensor(s, { min: -2, max: 2 })),
        { minLength: k, maxLength: k },
      )
      .map((inputs) => ({ steps, inputs })),
  );

/**
 * Runs the program: each step appends its result to the pool. The output weighs every value the
 * steps made (weights 1, 1/2, 1/3, ...), so each one, and each reuse of it, reaches the gradient.
 */
function run(steps: readonly Step[], inputs: readonly Tensor[]): Tensor {
  const pool = evaluate(steps, inputs);
  let total: Tensor | null = null;
  pool.slice(inputs.length).forEach((v, i) => {
    const term = mul(sum(v), 1 / (i + 1));
    total = total === null ? term : add(total, term);
  });
  return total!;
}

/** The pool after every step: the inputs, then each step's result. */
function evaluate(steps: readonly Step[], inputs: readonly Tensor[]): Tensor[] {
  const pool = [...inputs];
  for (const s of steps) {
    const x = pool[s.a % pool.length];
    if (s.kind === 'unary') pool.push(UNARY[s.op](x));
    else if (s.kind === 'binary') pool.push(BINARY[s.op](x, pool[s.b % pool.length]));
    else {
      const axis = x.rank === 0 ? undefined : s.axis % x.rank;
      pool.push(s.op === 'sum' ? sum(x, { axis, keepdims: true }) : mean(x, { axis, keepdims: true }));
    }
  }
  return pool;
}

const describeProgram = (p: Program) =>
  `inputs ${p.inputs.map((x) => `[${x.shape.join(', ')}]`).join(' ')}; ` +
  p.steps
    .map(
      (s, i) =>
        `v${p.inputs.length + i} = ${s.op}(${s.kind === 'binary' ? `#${s.a}, #${s.b}` : `#${s.a}`}${s.kind === 'reduce' ? `, axis ${s.axis}` : ''})`,
    )
    .join('; ');

describe('random compositions of ops', () => {
  it('have first derivatives that match finite differences', () => {
    fc.assert(
      fc.property(arbProgram, (p) => {
        gradCheck((...xs) => run(p.steps, xs), p.inputs, { name: describeProgram(p) });
      }),
      { numRuns: runs(40) },
    );
  });

  it('have second derivatives that match finite differences of the first', () => {
    fc.assert(
      fc.property(arbProgram, (p) => {
        gradGradCheck((...xs) => run(p.steps, xs), p.inputs, { name: describeProgram(p) });
      }),
      { numRuns: runs(40) },
    );
  });

  it('get the same gradients, bit for bit, from grad with argnums as from the vjp pullback gradCheck uses', () => {
    fc.assert(
      fc.property(arbProgram, (p) => {
        const f = (...xs: Tensor[]) => run(p.steps, xs);
        const viaGrad = grad(f, { argnums: p.inputs.map((_, i) => i) })(...p.inputs) as Tensor[];
        const viaVjp = vjp(f as (...xs: never[]) => Tensor, ...p.inputs).pullback(tensor(1)) as Tensor[];
        viaGrad.forEach((g, i) => {
          expect(g.shape).toEqual(p.inputs[i].shape);
          expect([...g.data]).toEqual([...viaVjp[i].data]);
        });
      }),
      { numRuns: runs(40) },
    );
  });

  it('include fan-out and broadcasting (the generator is not degenerate)', () => {
    let reused = 0;
    let broadcast = 0;
    fc.assert(
      fc.property(arbProgram, (p) => {
        const uses = new Map<number, number>();
        const pool = evaluate(p.steps, p.inputs);
        let broadcasts = false;
        p.steps.forEach((s, i) => {
          const n = p.inputs.length + i;
          const operands = s.kind === 'binary' ? [s.a % n, s.b % n] : [s.a % n];
          for (const o of operands) uses.set(o, (uses.get(o) ?? 0) + 1);
          if (s.kind === 'binary' && pool[operands[0]].shape.join() !== pool[operands[1]].shape.join())
            broadcasts = true;
        });
        if ([...uses.values()].some((u) => u > 1)) reused++;
        if (broadcasts) broadcast++;
      }),
      { numRuns: runs(100) },
    );
    expect(reused).toBeGreaterThan(10);
    expect(broadcast).toBeGreaterThan(10);
  });
});
