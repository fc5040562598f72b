/**
 * @file The README's section on eqs. 11–14 ("Gradient and curvature explode together"), run as
 * written: its ts examples (readme.test.ts checks that every line of them appears here), its
 * derivation's numbers, and its printed output, recomputed by `printed()` below and compared with
 * the README's block number by number.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { grad, largestSingularValue, mul, randn, scalar, type Tensor } from '@tapegrad/autodiff';
import {
  gradientGrowth,
  initRnn,
  rnnHessianAlignment,
  singleUnitWallProfile,
  unitDerivatives,
  type WallProfile,
} from '@tapegrad/rnn';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** The README example's network with W_rec rescaled to largest singular value λ1, and its analyses. */
function example(lambda1: number) {
  const { params } = initRnn({ nIn: 2, nHidden: 16, nOut: 1, init: 'basic-tanh', seed: 1 });
  const p = { ...params, W_rec: mul(params.W_rec, lambda1 / largestSingularValue(params.W_rec)) };
  const inputs = randn([60, 1, 2], 1);
  const g = gradientGrowth(p, inputs, { activation: 'tanh' });
  return { g, a: rnnHessianAlignment(p, inputs, { activation: 'tanh', maxIterations: 100 }) };
}

/** Everything the output block shows, computed once for the tests below. */
let cache: { nets: Map<number, ReturnType<typeof example>>; wall: WallProfile } | null = null;
function computed() {
  cache ??= {
    nets: new Map([8, 2].map((l) => [l, example(l)])),
    wall: singleUnitWallProfile({ w: 4.5, b: [-2.31, -2.295], points: 31, learningRate: 0.5 }),
  };
  return cache;
}

describe('gradient and curvature explode together (README)', () => {
  it('the derivation, checked by a gradient of a gradient', () => {
    const x50 = (w: Tensor) => {
      let x = scalar(1);
      for (let t = 0; t < 50; t++) x = mul(w, x);
      return x;
    }; // x_50 = w^50 (x_0 = 1)
    const dx = grad(x50); // ∂x_50/∂w
    const d2x = grad((w: Tensor) => dx(w)); // ∂²x_50/∂w²: the tape differentiates its own backward pass
    dx(scalar(1.2)).item(); // 3.7918e5 = 50·1.2^49
    d2x(scalar(1.2)).item(); // 1.5483e7 = 50·49·1.2^48 = (49/1.2)·∂x_50/∂w
    const d = unitDerivatives({ w: 1.2, x0: 1, steps: 50 }); // x_t, ∂x_t/∂w, ∂²x_t/∂w² for t = 1..50
    expect(dx(scalar(1.2)).item() / (50 * 1.2 ** 49) - 1).toBeCloseTo(0, 13);
    expect(d2x(scalar(1.2)).item() / (50 * 49 * 1.2 ** 48) - 1).toBeCloseTo(0, 13);
    expect(dx(scalar(1.2)).item().toPrecision(5)).toBe('3.7918e+5');
    expect(d2x(scalar(1.2)).item().toPrecision(5)).toBe('1.5483e+7');
    expect(d.d2x[49]).toBe(d2x(scalar(1.2)).item());
  });

  it('the network and wall examples run as written', () => {
    const { params } = initRnn({ nIn: 2, nHidden: 16, nOut: 1, init: 'basic-tanh', seed: 1 });
    const p = { ...params, W_rec: mul(params.W_rec, 8 / largestSingularValue(params.W_rec)) }; // λ1 = 8 > 1/γ
    const inputs = randn([60, 1, 2], 1); // T = 60 steps of one sequence, 2 inputs
    const g = gradientGrowth(p, inputs, { activation: 'tanh' }); // ∂E_t/∂W_rec for t = 1..60 from one forward pass
    g.fit.alpha;
    g.cosines[29]; // α of eq. 14; |cos(∂E_30/∂W_rec, v)| with v the direction at t = 60
    const a = rnnHessianAlignment(p, inputs, { activation: 'tanh', maxIterations: 100 }); // the Hessian of E_60 in W_rec, by power iteration
    a.cosine;
    a.eigenpair.value;
    a.steps.newton.length;
    a.steps.clipped.length;
    const wall = singleUnitWallProfile({ w: 4.5, b: [-2.31, -2.295], points: 31, learningRate: 0.5 });
    expect(g.norms).toHaveLength(60);
    expect(a.eigenpair.converged).toBe(true);
    expect(wall.b[0]).toBe(-2.31);
  });

  it('the printed output is what the code computes', () => {
    // Numbers are compared to 2% (or 0.005 absolute): the digits may move with the summation
    // order of faster kernels, the claims they support may not. The text between them must match.
    const start = README.indexOf('```\nx_t = w·x_{t−1}');
    expect(start).toBeGreaterThanOrEqual(0);
    const block = README.slice(start + 4, README.indexOf('```', start + 4)).trim();
    const want = block.split('\n');
    const got = printed().split('\n');
    expect(got.map(skeleton)).toEqual(want.map(skeleton));
    want.forEach((line, i) => {
      const [a, b] = [numbers(got[i]), numbers(line)];
      a.forEach((x, j) =>
        expect(Math.abs(x - b[j]) <= Math.max(0.02 * Math.abs(b[j]), 0.005), `${line}\n  computed: ${got[i]}`).toBe(
          true,
        ),
      );
    });
  });
});

describe('the README’s reading of that output', () => {
  it('tanh, λ1 = 8: a wall 4·10⁷ times the gradient; Newton’s step 4·10⁵ times shorter than the clipped one', () => {
    const { a } = computed().nets.get(8)!;
    expect(Math.abs(a.eigenpair.value) / a.gradNorm).toBeGreaterThan(3.5e7);
    expect(Math.abs(a.eigenpair.value) / a.gradNorm).toBeLessThan(4.5e7);
    expect(a.steps.clipped.length / a.steps.newton.length).toBeGreaterThan(3.5e5);
    expect(a.steps.clipped.length / a.steps.newton.length).toBeLessThan(4.5e5);
    expect(a.steps.clipped.loss).toBeGreaterThan(a.loss); // the clipped step raised E ...
    expect(a.steps.newton.loss).toBeLessThan(a.loss); // ... where Newton's lowered it
  });

  it('tanh, λ1 = 2: no explosion, a wandering direction, no dominant curvature', () => {
    const { g, a } = computed().nets.get(2)!;
    expect(g.fit.alpha).toBeLessThan(1);
    expect(a.eigenpair.converged).toBe(false);
    expect(a.eigenpair.residual).toBeGreaterThan(0.1);
  });

  it('the single unit: on the wall (9 of 31 points) curvature 100–2100 × the gradient, along it; Newton 5–8·10⁻⁴ off the crest', () => {
    const { wall } = computed();
    const on = [...wall.b.keys()].filter((j) => wall.gradNorm[j] >= 10);
    expect(on).toHaveLength(9);
    const ratio = on.map((j) => Math.abs(wall.eigenvalue[j]) / wall.gradNorm[j]);
    expect(Math.min(...ratio)).toBeGreaterThan(100);
    expect(Math.max(...ratio)).toBeLessThan(2100);
    expect(Math.min(...on.map((j) => wall.cosine[j]))).toBeGreaterThan(0.998);
    const crest = on[ratio.indexOf(Math.min(...ratio))];
    expect(wall.b[crest]).toBeCloseTo(-2.303, 4);
    expect(on.every((j) => wall.cosine[j] >= wall.cosine[crest])).toBe(true);
    for (const j of on.filter((j) => j !== crest)) {
      expect(wall.newtonStep[j]).toBeGreaterThan(4.5e-4);
      expect(wall.newtonStep[j]).toBeLessThan(8.5e-4);
    }
    expect(Math.max(...wall.gradientStep)).toBeCloseTo(78, 0);
  });
});

const NUMBER = /-?\d+(\.\d+)?(e[+-]\d+)?/g;
const numbers = (line: string): number[] => [...line.matchAll(NUMBER)].map((m) => Number(m[0]));
const skeleton = (line: string): string => line.replace(NUMBER, '#').replace(/\s+/g, ' ');

/** The README's output block, computed. */
function printed(): string {
  const e = (v: number, digits = 3): string => v.toExponential(digits);
  const d = unitDerivatives({ w: 1.2, x0: 1, steps: 50 });
  const ts = [10, 20, 30, 40, 50];
  const row = (name: string, values: string[]): string =>
    name.padEnd(12) +
    values
      .map((v) => v.padEnd(11))
      .join('')
      .trimEnd();
  const lines = [
    'x_t = w·x_{t−1}, x_0 = 1, w = 1.2, through the tape',
    row('t', ts.map(String)),
    row(
      '∂x_t/∂w',
      ts.map((t) => e(d.dx[t - 1])),
    ),
    row(
      '∂²x_t/∂w²',
      ts.map((t) => e(d.d2x[t - 1])),
    ),
    row(
      'ratio',
      ts.map((t) => (d.d2x[t - 1] / d.dx[t - 1]).toFixed(3)),
    ) + '   = (t − 1)/w',
  ];
  for (const [lambda1, { g, a }] of computed().nets) {
    const s = a.steps;
    lines.push(
      '',
      `tanh network, 16 units, λ1 = ${lambda1}, T = 60`,
      `growth: α = ${g.fit.alpha.toFixed(3)}; |cos(∂E_t/∂W_rec, ∂E_60/∂W_rec)| at t = 30, 45, 59: ` +
        [30, 45, 59].map((t) => g.cosines[t - 1].toFixed(3)).join(', '),
      `Hessian of E_60: λ = ${e(a.eigenpair.value, 2)}, ‖∇E‖ = ${e(a.gradNorm, 2)}, cos(∇E, v) = ${a.cosine.toFixed(4)}, ` +
        (a.eigenpair.converged
          ? `converged in ${a.eigenpair.iterations} steps`
          : `not converged in ${a.eigenpair.iterations} steps (residual ${e(a.eigenpair.residual, 0)})`),
      `steps: Newton along v ${e(s.newton.length, 1)}, clipped ${e(s.clipped.length, 1)}, plain ${e(s.gradient.length, 1)}; ` +
        `E = ${a.loss.toFixed(3)} → ${s.newton.loss.toFixed(3)}, ${s.clipped.loss.toFixed(3)}, ${s.gradient.loss.toFixed(3)}`,
    );
  }
  const { wall } = computed();
  lines.push('', 'single unit across its wall: w = 4.5, σ = sigmoid, x_0 = 0.5, T = 50; lr 0.5, τ = 1');
  for (const j of [0, 10, 14, 16, 20, 30]) {
    lines.push(
      `b = ${wall.b[j].toFixed(4)}: ‖∇E‖ ${e(wall.gradNorm[j], 2)}  λ ${e(wall.eigenvalue[j], 2)}  cos ${wall.cosine[j].toFixed(4)}  ` +
        `Newton ${e(wall.newtonStep[j], 1)}  clipped ${e(wall.clippedStep[j], 1)}  plain ${e(wall.gradientStep[j], 1)}`,
    );
  }
  return lines.join('\n');
}
