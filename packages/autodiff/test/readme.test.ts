/**
 * @file The examples of packages/autodiff/README.md and of the repository's root README.md, run as
 * written, with the values their comments state; and the claims of the API tables (transforms,
 * errors, memory, the testing kit) that are not in a code block. A last test checks that every
 * line of every ```ts block of both READMEs appears in this file, comment included, so an example
 * or a value its comment states, changed in a
 * README fails here until it is checked again.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  AnomalyError,
  Rng,
  ShapeError,
  Tape,
  TapeError,
  ValueError,
  add,
  defineOp,
  eigenvalues,
  grad,
  hessianVectorProduct,
  jacobian,
  jvp,
  largestSingularValue,
  liveTapeEntries,
  log,
  matmul,
  matrixNorm,
  mul,
  noGrad,
  randn,
  singularValues,
  softmaxCrossEntropy,
  spectralRadius,
  square,
  stopGradient,
  sum,
  tanh,
  tensor,
  valueAndGrad,
  vectorNorm,
  vjp,
  withAnomalyMode,
  type Tensor,
} from '@tapegrad/autodiff';
import * as autodiff from '@tapegrad/autodiff';
import * as testing from '@tapegrad/autodiff/testing';
import * as arbitraries from '@tapegrad/autodiff/testing/arbitraries';
import { GradCheckError, gradCheck, gradGradCheck } from '@tapegrad/autodiff/testing';
import { gemm, kernelBackend, useKernels } from '@tapegrad/autodiff/kernels';
import { startThreads, stopThreads } from '@tapegrad/autodiff/threads';

const values = (t: Tensor) => Array.from(t.data);
/** Rounds for comparison with the README's printed decimals. */
const round = (xs: number[], digits: number) => xs.map((x) => +x.toFixed(digits));

describe('root README: Ten lines', () => {
  it('first and second derivatives of Σ tanh, and the gradient of ½ΣW·W', () => {
    const f = (x: Tensor) => sum(tanh(x));
    const x = tensor([0, 0.5, 1]);
    const d1 = grad(f)(x).toArray(); // tanh'(x) = 1 − tanh²(x): [1, 0.7864…, 0.4199…]
    expect(d1).toEqual(
      [0, 0.5, 1].map((v) => 1 - Math.tanh(v) ** 2).map((v, i) => (i === 0 ? 1 : expect.closeTo(v, 14))),
    );
    expect(round(d1 as number[], 4)).toEqual([1, 0.7864, 0.42]);
    const d2 = grad((y: Tensor) => sum(grad(f)(y)))(x).toArray(); // second derivative, through the tape
    const expected = [0, 0.5, 1].map((v) => -2 * Math.tanh(v) * (1 - Math.tanh(v) ** 2));
    (d2 as number[]).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 14));

    const W = tensor([
      [1, 2],
      [3, 4],
    ]);
    const { value, grad: dW } = valueAndGrad((W: Tensor) => sum(mul(matmul(W, W), 0.5)))(W);
    const v = value.item(); // 27; dW = ½(G·Wᵀ + Wᵀ·G) with G all ones: [[3.5, 5.5], [4.5, 6.5]]
    expect(v).toBe(27);
    expect(dW.toArray()).toEqual([
      [3.5, 5.5],
      [4.5, 6.5],
    ]);
  });
});

describe('autodiff README: examples', () => {
  it('the opening example', () => {
    const f = (x: Tensor) => sum(tanh(x));
    const g = grad(f)(tensor([0, 1])).toArray(); // [1, 0.41997…]
    expect(g).toEqual([1, expect.closeTo(0.41997, 5)]);
  });

  it('tensors and seeded randomness', () => {
    const shape = tensor([
      [1, 2],
      [3, 4],
    ]).shape; // [2, 2]
    expect(shape).toEqual([2, 2]);
    const a = randn([2, 3], 42).data; // the same numbers for seed 42 on every machine
    expect(Array.from(a)).toEqual(Array.from(randn([2, 3], 42).data));
    expect(a.length).toBe(6);
    const rng = new Rng(7); // one generator shared by several draws
    const saved = rng.state(); // ... and restored bit for bit with Rng.fromState(saved)
    const first = [rng.uniform(), rng.normal(), rng.int(10)];
    const restored = Rng.fromState(saved);
    expect([restored.uniform(), restored.normal(), restored.int(10)]).toEqual(first);
    // randn with a shared generator: two draws from one Rng differ, and replay from its state.
    const shared = new Rng(3);
    const s0 = shared.state();
    const d1 = values(randn([3], shared));
    const d2 = values(randn([3], shared));
    expect(d1).not.toEqual(d2);
    expect(values(randn([3], Rng.fromState(s0)))).toEqual(d1);
  });

  it('ops: matmul and softmaxCrossEntropy', () => {
    const logits = matmul(
      tensor([
        [1, 0],
        [0, 1],
      ]),
      tensor([
        [2, -1],
        [0.5, 3],
      ]),
    );
    const ce = softmaxCrossEntropy(logits, [0, 1]).item(); // mean cross-entropy of two rows against classes 0 and 1
    // −log softmax: row 0 class 0 is log(1 + e^(−3)), row 1 class 1 is log(1 + e^(−2.5)).
    expect(ce).toBeCloseTo((Math.log1p(Math.exp(-3)) + Math.log1p(Math.exp(-2.5))) / 2, 14);
  });

  it('transforms: parameter records', () => {
    const loss = (p: { w: Tensor; b: Tensor }) => sum(square(add(mul(p.w, 3), p.b)));
    const { value, grad } = valueAndGrad(loss)({ w: tensor([1]), b: tensor([2]) });
    // value 25; grad.w [30]; grad.b [10]
    expect(value.item()).toBe(25);
    expect(values(grad.w)).toEqual([30]);
    expect(values(grad.b)).toEqual([10]);
  });

  it('higher order is nesting', () => {
    const d1 = grad((x: Tensor) => sum(tanh(x)));
    const d2 = grad((x: Tensor) => sum(d1(x)));
    const v = d2(tensor([1])).toArray(); // −2·tanh(1)·(1 − tanh²(1)) = [−0.6397…]
    const t = Math.tanh(1);
    expect(v).toEqual([expect.closeTo(-2 * t * (1 - t * t), 14)]);
    expect(+(v as number[])[0].toFixed(4)).toBe(-0.6397);
  });

  it('the explicit tape', () => {
    const tape = new Tape();
    const x = tape.watch(tensor([1, 2, 3])); // x is now recorded when used
    const y = tape.record(() => sum(mul(x, x))); // ops inside record() land on the tape
    const [dx] = tape.gradient(y, [x]); // [2, 4, 6]; the tape is now consumed
    expect(values(dx)).toEqual([2, 4, 6]);
    expect(tape.consumed).toBe(true);
    // tape.gradient(y, [x]) again throws a TapeError: make a new Tape, or new Tape(true) to keep it
    expect(() => tape.gradient(y, [x])).toThrow(TapeError);
    expect(() => tape.gradient(y, [x])).toThrow(/new Tape\(true\)/);
    const kept = new Tape(true);
    const xk = kept.watch(tensor([1, 2, 3]));
    const yk = kept.record(() => sum(mul(xk, xk)));
    expect(values(kept.gradient(yk, [xk])[0])).toEqual([2, 4, 6]);
    expect(values(kept.gradient(yk, [xk])[0])).toEqual([2, 4, 6]);
    kept.release();
  });

  it('entries and backwardSteps show the tape and its walk', () => {
    const shown = new Tape(true);
    const w = shown.watch(tensor([0.5, -1]));
    const z = shown.record(() => sum(mul(tanh(w), 3)));
    expect(shown.entries().map((e) => e.op)).toEqual(['watch', 'tanh', 'mul', 'sum']);
    shown.entries().map((e) => e.op); // ['watch', 'tanh', 'mul', 'sum']
    const steps = shown.backwardSteps(z); // sum, mul, tanh, watch: from z down
    expect(steps.map((s) => s.op)).toEqual(['sum', 'mul', 'tanh', 'watch']);
    steps[2].inputGrads[0]; // what tanh passes to w: 3·(1 − tanh²(w)) = [2.3593…, 1.2599…]
    const expected = [0.5, -1].map((v) => 3 * (1 - Math.tanh(v) ** 2));
    expect(values(steps[2].inputGrads[0]!)).toEqual(expected.map((v) => expect.closeTo(v, 14)));
    expect(round(values(steps[2].inputGrads[0]!), 4)).toEqual([2.3593, 1.2599]);
    shown.release();
  });

  it("gradient called inside the tape's own record is recorded (grad of grad)", () => {
    const tape = new Tape();
    const x = tape.watch(tensor([0.5]));
    const second = tape.record(() => {
      const [dx] = tape.gradient(sum(tanh(x)), [x]);
      expect(dx.tape).toBe(tape);
      return sum(dx);
    });
    const [d2] = tape.gradient(second, [x]);
    const t = Math.tanh(0.5);
    expect(d2.data[0]).toBeCloseTo(-2 * t * (1 - t * t), 14);
  });

  it('the testing kit example passes, and a wrong VJP fails with a GradCheckError', () => {
    const report = gradCheck((x: Tensor, y: Tensor) => sum(mul(tanh(x), y)), [tensor([0.1, 0.7]), tensor([2, -1])]);
    expect(report.mode).toBe('jacobian');
    expect(report.worstRatio).toBeLessThan(1);
    expect(gradGradCheck((x: Tensor) => sum(tanh(x)), [tensor([0.1, 0.7])]).length).toBeGreaterThan(0);
    // Large inputs are checked along seeded random directions vᵀJu instead of the full Jacobian.
    expect(gradCheck((x: Tensor) => sum(tanh(x)), [randn([20, 20], 1)], { maxJacobianEntries: 100 }).mode).toBe(
      'directions',
    );
    const wrongTanh = defineOp({ name: 'wrongTanh', inputs: ['x'], forward: (x) => tanh(x), vjp: (g) => [mul(g, 2)] });
    expect(() => gradCheck((x: Tensor) => sum(wrongTanh(x)), [tensor([0.1, 0.7])])).toThrow(GradCheckError);
  });
});

describe('autodiff README: claims of the tables and prose', () => {
  it('grad with argnums (a list) and onUnused', () => {
    const f = (a: Tensor, b: Tensor) => sum(mul(a, b));
    const [ga, gb] = grad(f, { argnums: [0, 1] })(tensor([1, 2]), tensor([3, 4]));
    expect(values(ga as Tensor)).toEqual([3, 4]);
    expect(values(gb as Tensor)).toEqual([1, 2]);
    expect(values(grad(f, { argnums: 1 })(tensor([1, 2]), tensor([3, 4])))).toEqual([1, 2]);
    const ignoresB = (a: Tensor, _b: Tensor) => sum(a);
    expect(() => grad(ignoresB, { argnums: [0, 1], onUnused: 'throw' })(tensor([1]), tensor([2]))).toThrow(ValueError);
  });

  it('vjp pulls back as often as you like; jvp, jacobian, hessianVectorProduct, noGrad, stopGradient', () => {
    const { value, pullback } = vjp((x: Tensor) => mul(x, x), tensor([1, 2]));
    expect(values(value)).toEqual([1, 4]);
    expect(values(pullback(tensor([1, 1]))[0] as Tensor)).toEqual([2, 4]);
    expect(values(pullback(tensor([1, 0]))[0] as Tensor)).toEqual([2, 0]);
    const { tangent } = jvp((x: Tensor) => mul(x, x), [tensor([3])], [tensor([1])]);
    expect(values(tangent)).toEqual([6]);
    const J = jacobian((x: Tensor) => mul(x, tensor([[1], [2], [3]])))(tensor([1, 2]));
    expect(J.shape).toEqual([3, 2, 2]); // [...f(x).shape, ...x.shape]
    expect(values(hessianVectorProduct((x: Tensor) => sum(mul(x, mul(x, x))), tensor([1, 2]), tensor([1, 0])))).toEqual(
      [6, 0],
    );
    let inside: Tensor | null = null;
    grad((x: Tensor) => {
      inside = noGrad(() => mul(x, x));
      return sum(x);
    })(tensor([1]));
    expect(inside!.tape).toBeNull();
    expect(values(grad((x: Tensor) => sum(mul(x, stopGradient(x))))(tensor([3])))).toEqual([3]);
  });

  it('parameter records: tree helpers and their paths', () => {
    const record = { W_rec: tensor([1]), layers: [{ b: tensor([2]) }] };
    expect(autodiff.treeEntries(record).map(([path]) => path)).toEqual(['W_rec', 'layers[0].b']);
    expect(autodiff.treeLeaves(record)).toHaveLength(2);
  });

  it('custom ops have higher-order gradients when the VJP is written with ops', () => {
    const cube = defineOp({
      name: 'cube',
      inputs: ['x'],
      forward: (x) => mul(x, mul(x, x)),
      vjp: (g, [x]) => [mul(g, mul(square(x), 3))],
    });
    expect(values(grad((x: Tensor) => sum(cube(x)))(tensor([2])))).toEqual([12]);
    expect(values(grad((x: Tensor) => sum(grad((y: Tensor) => sum(cube(y)))(x)))(tensor([2])))).toEqual([12]);
  });

  it('anomaly mode names the op and its tape index; errors are typed; tapes are released', () => {
    const bad = () => withAnomalyMode(() => grad((x: Tensor) => sum(log(x)))(tensor([1, -1])));
    expect(bad).toThrow(AnomalyError);
    try {
      bad();
    } catch (e) {
      expect((e as AnomalyError).op).toBe('log');
      expect((e as AnomalyError).tapeIndex).toBeGreaterThanOrEqual(0);
      expect((e as Error).message).toMatch(/'log' \(tape index \d+\).*NaN/);
    }
    expect(ShapeError.prototype).toBeInstanceOf(RangeError);
    expect(ValueError.prototype).toBeInstanceOf(RangeError);
    expect(TapeError.prototype).toBeInstanceOf(TypeError);
    expect(() => add(tensor([1, 2]), tensor([1, 2, 3]))).toThrow(ShapeError);
    expect(() => add(tensor([1, 2]), tensor([1, 2, 3]))).toThrow(/add.*\[2\].*\[3\]/);
    // Earlier tests' vjp pullbacks (gradCheck uses vjp) keep their tapes, so compare, not expect 0.
    const before = liveTapeEntries();
    grad((x: Tensor) => sum(tanh(x)))(tensor([1, 2]));
    valueAndGrad((x: Tensor) => sum(tanh(x)))(tensor([1, 2]));
    jvp((x: Tensor) => tanh(x), [tensor([1])], [tensor([1])]);
    jacobian((x: Tensor) => tanh(x))(tensor([1]));
    expect(liveTapeEntries()).toBe(before);
    vjp((x: Tensor) => tanh(x), tensor([1]));
    expect(liveTapeEntries()).toBeGreaterThan(before);
  });

  it('numerics: norms, singular values, eigenvalues of a non-symmetric matrix, spectral radius', () => {
    expect(vectorNorm(tensor([3, 4]))).toBe(5);
    expect(
      matrixNorm(
        tensor([
          [3, 0],
          [0, 4],
        ]),
      ),
    ).toBe(5);
    expect(
      Array.from(
        singularValues(
          tensor([
            [3, 0],
            [0, -4],
          ]),
        ),
      ),
    ).toEqual([4, 3]);
    expect(
      largestSingularValue(
        tensor([
          [0, 2],
          [0, 0],
        ]),
      ),
    ).toBeCloseTo(2, 14);
    const { re, im } = eigenvalues(
      tensor([
        [0, -1],
        [1, 0],
      ]),
    );
    expect([...re, ...im].map((v) => +v.toFixed(12))).toEqual([0, 0, 1, -1]);
    expect(
      spectralRadius(
        tensor([
          [0, -2],
          [2, 0],
        ]),
      ),
    ).toBeCloseTo(2, 12);
  });
});

/** The lines of a README's ```ts blocks, comments included, white space folded, imports left out. */
function readmeLines(path: string): string[] {
  const text = readFileSync(new URL(path, import.meta.url), 'utf8');
  const out: string[] = [];
  for (const block of text.matchAll(/```ts\n([\s\S]*?)```/g)) {
    for (const line of block[1].split('\n')) {
      const code = fold(line);
      if (code !== '' && !code.startsWith('import ') && !code.startsWith('} from ')) out.push(code);
    }
  }
  return out;
}

/**
 * One line of code as text to compare: whitespace runs become one space, and the spaces just inside
 * brackets and a trailing comma before a closing bracket go, so the formatter's line breaks (a
 * matrix literal spread over rows, arguments over lines) are not differences.
 */
function fold(s: string): string {
  return s
    .replace(/\s+/g, ' ')
    .replace(/,\s*([)\]}])/g, '$1')
    .replace(/([([{])\s+/g, '$1')
    .replace(/\s+([)\]}])/g, '$1')
    .trim();
}

describe('autodiff README: Kernels', () => {
  it('the switch, gemm and the thread pool, as written', async () => {
    useKernels('auto');
    expect(kernelBackend()).toBe('wasm');
    kernelBackend(); // 'wasm' on Node 20 and current browsers; 'js' where WebAssembly SIMD is missing
    const c = new Float64Array(4);
    gemm({ m: 2, n: 2, k: 1, a: Float64Array.of(1, 2), b: Float64Array.of(3, 4), c }); // c = [3, 4, 6, 8]
    expect(Array.from(c)).toEqual([3, 4, 6, 8]);
    useKernels('js'); // the plain-JavaScript loops from here on: the same bits, slower
    expect(kernelBackend()).toBe('js');
    useKernels('auto');
    await startThreads(1); // Node: products of at least THREAD_MIN_WORK multiply-adds on two threads
    await stopThreads();
  });
});

describe('the READMEs and this file', () => {
  it('every export of the three entry points is named in the autodiff README', () => {
    const text = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const names = new Set(text.match(/[A-Za-z_][A-Za-z0-9_]*/g));
    const unnamed = [...Object.keys(autodiff), ...Object.keys(testing), ...Object.keys(arbitraries)].filter(
      (k) => !names.has(k),
    );
    expect(unnamed).toEqual([]);
  });

  it('every line of every ts example, with its comment, appears in this test', () => {
    const self = fold(readFileSync(new URL(import.meta.url), 'utf8'));
    const missing = [...readmeLines('../../../README.md'), ...readmeLines('../README.md')].filter(
      (s) => !self.includes(s),
    );
    expect(missing).toEqual([]);
  });
});
