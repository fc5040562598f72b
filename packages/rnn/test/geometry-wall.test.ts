/**
 * @file The wall (src/wall.ts): where the gradient explodes, the Hessian's leading eigenvector,
 * found by power iteration on hessianVectorProduct, is aligned with it. Checked against matrices
 * with known eigenvectors, the closed forms of a linear network (where E_T restricted to the line
 * W_rec + s·q_1q_1ᵀ is eq. 12's single unit), finite differences of gradients computed without
 * the tape (the single unit's forward-mode loops, a plain BPTT), and measured over random tanh
 * networks; plus the step comparison (gradient, clipped, Newton along v).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  Tensor,
  ValueError,
  hessianVectorProduct,
  index,
  mul,
  sum,
  tensor,
  valueAndGrad,
  type Tensor as T,
} from '@tapegrad/autodiff';
import {
  forward,
  hessianAlignment,
  leadingHessianEigenpair,
  rnnHessianAlignment,
  singleUnitLoss,
  singleUnitSurface,
  singleUnitWallProfile,
} from '@tapegrad/rnn';
import {
  fcSeed,
  flat,
  leadingDirection,
  linearGradient,
  linearNetwork,
  linearParams,
  plainStepGradients,
  relativeError,
  runs,
  tanhNetwork,
} from './geometry-helpers.js';

const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => Array.from(a).reduce((s, x, i) => s + x * b[i], 0);

describe('leadingHessianEigenpair: power iteration on hessianVectorProduct', () => {
  it('finds ±q_1 and λ_1 of f(x) = ½xᵀAx for A with known eigenvectors (either sign of λ_1)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 2, max: 6 }), (seed, n) => {
        const net = linearNetwork(seed, n, { normal: true, gap: 0.6 }); // W = Q·diag(λ)·Qᵀ, |λ_j| ≤ 0.6|λ_1|
        const A = tensor(net.W);
        const f = (x: T): T => mul(sum(mul(x, sumRows(A, x))), 0.5);
        const e = leadingHessianEigenpair(f, tensor(net.x0));
        expect(e.converged).toBe(true);
        // residual ≤ 1e-8·|λ| bounds the angle to q_1 by 1e-8·|λ_1|/gap with gap ≥ 0.4|λ_1|
        expect(Math.abs(e.value / net.lambda[0] - 1)).toBeLessThan(1e-9);
        expect(
          Math.abs(
            dot(
              e.vector.data,
              net.R.map((row) => row[0]),
            ),
          ),
        ).toBeGreaterThan(1 - 1e-12);
      }),
      { numRuns: runs(12), seed: fcSeed(3301) },
    );
  });

  it('says so when it does not converge (eigenvalues ±λ of equal modulus), and uses tolerance and seed', () => {
    const f = (x: T): T => sum(mul(tensor([0.5, -0.5]), mul(x, x))); // H = diag(1, −1)
    const stuck = leadingHessianEigenpair(f, tensor([1, 1]), { maxIterations: 40 });
    expect(stuck.converged).toBe(false);
    expect(stuck.iterations).toBe(40);
    expect(stuck.residual).toBeGreaterThan(1e-8);
    const g = (x: T): T => sum(mul(tensor([1, 0.8, 0.1]), mul(x, x))); // H = diag(2, 1.6, 0.2): slow, ratio 0.8
    const loose = leadingHessianEigenpair(g, tensor([1, 1, 1]), { tolerance: 1e-3 });
    const tight = leadingHessianEigenpair(g, tensor([1, 1, 1]), { tolerance: 1e-12 });
    expect(loose.iterations).toBeLessThan(tight.iterations);
    expect(tight.value).toBeCloseTo(2, 12);
    const other = leadingHessianEigenpair(g, tensor([1, 1, 1]), { tolerance: 1e-12, seed: 9 });
    expect(other.iterations).not.toBe(tight.iterations); // another start vector
    expect(Math.abs(other.vector.data[0])).toBeCloseTo(1, 10);
  });

  it('rejects bad options and a non-finite Hessian', () => {
    const f = (x: T): T => sum(mul(x, x));
    expect(() => leadingHessianEigenpair(f, tensor([1]), { maxIterations: 0 })).toThrow(
      /options.maxIterations': .*, got 0/,
    );
    expect(() => leadingHessianEigenpair(f, tensor([1]), { tolerance: 0 })).toThrow(ValueError);
    expect(() => leadingHessianEigenpair((x: T) => sum(mul(mul(x, x), Infinity)), tensor([1]))).toThrow(
      /Hessian-vector product is not finite/,
    );
  });
});

/** A·x as a differentiable op, for the quadratic test functions. */
function sumRows(A: Tensor, x: T): T {
  return sum(mul(A, x), { axis: 1 });
}

describe('the wall of a linear network (W_rec = Q·diag(λ)·Qᵀ, E_T = cᵀx_T)', () => {
  const T = 50;

  it('Euler: E_T is homogeneous of degree T in W_rec, so H·W_rec = (T − 1)·∇E_T, eq. 13’s ratio in n² dimensions', () => {
    for (const seed of [1, 2, 3]) {
      const net = linearNetwork(seed, 4, { normal: seed !== 3 });
      const { params, inputs } = linearParams(net, T);
      const f = (W: T): T => sum(forward({ ...params, W_rec: W }, inputs, { activation: 'identity' }).outputs[0]);
      const HW = hessianVectorProduct(f, params.W_rec, params.W_rec);
      expect(
        relativeError(
          HW.data,
          flat(linearGradient(net, T)).map((g) => (T - 1) * g),
        ),
      ).toBeLessThan(1e-11);
    }
  });

  it('along v = q_1q_1ᵀ it is the single unit: ∇E·v = ĉ_1x̂_1·T·λ_1^{T−1}, vᵀHv = ĉ_1x̂_1·T(T−1)·λ_1^{T−2}', () => {
    const net = linearNetwork(4, 4, { normal: true });
    const { params, inputs } = linearParams(net, T);
    const f = (W: T): T => sum(forward({ ...params, W_rec: W }, inputs, { activation: 'identity' }).outputs[0]);
    const v = tensor(leadingDirection(net));
    const [l1, c] = [net.lambda[0], net.cHat[0] * net.xHat[0]];
    const { grad } = valueAndGrad(f)(params.W_rec);
    expect(dot(grad.data, v.data) / (c * T * l1 ** (T - 1)) - 1).toBeCloseTo(0, 11);
    const vHv = dot(v.data, hessianVectorProduct(f, params.W_rec, v).data);
    expect(vHv / (c * T * (T - 1) * l1 ** (T - 2)) - 1).toBeCloseTo(0, 11);
    // ... and by central differences of the closed-form gradient: W + εv only moves λ_1 by ε
    const eps = 1e-6 * Math.abs(l1);
    const along = (d: number): number =>
      dot(flat(linearGradient({ ...net, lambda: [l1 + d, ...net.lambda.slice(1)] }, T)), v.data);
    expect((along(eps) - along(-eps)) / (2 * eps) / vHv - 1).toBeCloseTo(0, 6);
  });

  it('the Hessian’s leading eigenvector is aligned with the gradient; the Newton step along it is ≈ |λ_1|/(T − 1)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 2, max: 5 }), (seed, n) => {
        const net = linearNetwork(seed, n, { normal: true });
        const { params, inputs } = linearParams(net, T);
        const a = rnnHessianAlignment(params, inputs, { activation: 'identity', learningRate: 0.1, threshold: 5 });
        expect(a.eigenpair.converged).toBe(true);
        const l1 = Math.abs(net.lambda[0]);
        const along = Math.abs(net.cHat[0] * net.xHat[0]) * T * (T - 1) * l1 ** (T - 2);
        expect(Math.abs(a.eigenpair.value)).toBeGreaterThanOrEqual(along * (1 - 1e-9)); // Rayleigh: |λ_max| ≥ |vᵀHv|
        // The gradient is H·W_rec/(T − 1) (Euler, above): one power-iteration step from W_rec, so
        // it leans on the leading eigenvector harder than W_rec does. Over 200 draws of this
        // property the least cosine was 0.9992 and the Newton step at most 2.1% off |λ_1|/(T − 1).
        expect(a.cosine).toBeGreaterThan(0.99);
        expect(Math.abs(a.steps.newton.length / (l1 / (T - 1)) - 1)).toBeLessThan(0.1);
        // the other two steps are what Algorithm 1 and plain SGD make of the same gradient
        expect(a.steps.gradient.length / (0.1 * a.gradNorm) - 1).toBeCloseTo(0, 12);
        expect(a.steps.clipped.length).toBeCloseTo(0.1 * Math.min(a.gradNorm, 5), 12);
        expect(a.gradNorm / Math.hypot(...flat(linearGradient(net, T))) - 1).toBeCloseTo(0, 11);
      }),
      { numRuns: runs(10), seed: fcSeed(1303) },
    );
  });
});

describe('the wall of the single unit (w = 4.5, b ≈ −2.303)', () => {
  const E = (theta: T): T => singleUnitLoss(index(theta, 0), index(theta, 1));

  it('the power iteration agrees with the eigenpair of a Hessian from differences of the forward-mode gradient', () => {
    // singleUnitSurface's gradient is plain loops (no tape); differences of it with h = 1e-7 give H
    // to ~1e-6 relative across a wall ~1e-3 wide.
    const h = 1e-7;
    const gradAt = (w: number, b: number): [number, number] => {
      const s = singleUnitSurface({ w: [w, w], b: [b, b], points: [1, 1] });
      return [s.dw[0], s.db[0]];
    };
    for (const b of [-2.305, -2.3025, -2.4]) {
      const [wp, wm, bp, bm] = [gradAt(4.5 + h, b), gradAt(4.5 - h, b), gradAt(4.5, b + h), gradAt(4.5, b - h)];
      const hww = (wp[0] - wm[0]) / (2 * h);
      const hwb = ((wp[1] - wm[1]) / (2 * h) + (bp[0] - bm[0]) / (2 * h)) / 2; // symmetrised
      const hbb = (bp[1] - bm[1]) / (2 * h);
      // eigenvalues of [[hww, hwb], [hwb, hbb]] in closed form; the larger in modulus, and its vector
      const mid = (hww + hbb) / 2;
      const rad = Math.hypot((hww - hbb) / 2, hwb);
      const lead = Math.abs(mid + rad) >= Math.abs(mid - rad) ? mid + rad : mid - rad;
      const vec = [hwb, lead - hww];
      const e = leadingHessianEigenpair(E, tensor([4.5, b]));
      expect(e.converged).toBe(true);
      expect(Math.abs(e.value / lead - 1), `λ at b = ${b}`).toBeLessThan(1e-5);
      expect(Math.abs(dot(e.vector.data, vec)) / Math.hypot(...vec), `v at b = ${b}`).toBeGreaterThan(1 - 1e-8);
    }
  });

  it('across the wall the curvature explodes with the gradient and along it; off the wall it is ordinary', () => {
    const wall = singleUnitWallProfile({ w: 4.5, b: [-2.31, -2.295], points: 31, learningRate: 0.5, threshold: 1 });
    const steep = [...wall.b.keys()].filter((j) => wall.gradNorm[j] >= 10);
    expect(steep.length).toBeGreaterThan(5);
    for (const j of steep) {
      expect(wall.converged[j]).toBe(true);
      // measured: cosine ≥ 0.9984 (its least at the crest, b = −2.303, where the curvature across
      // the wall passes through zero: an inflection) and |λ|/‖∇E‖ ≥ 104 on these points
      expect(wall.cosine[j], `b = ${wall.b[j]}`).toBeGreaterThan(0.99);
      expect(Math.abs(wall.eigenvalue[j]) / wall.gradNorm[j], `b = ${wall.b[j]}`).toBeGreaterThan(50);
      // Newton along v ≤ 1e-2, the wall's width; the clipped step is lr·τ = 0.5, the plain step lr·‖g‖
      expect(wall.newtonStep[j]).toBeLessThan(1e-2);
      expect(wall.clippedStep[j]).toBeCloseTo(0.5, 12);
      expect(wall.gradientStep[j]).toBeCloseTo(0.5 * wall.gradNorm[j], 10);
    }
    const off = singleUnitWallProfile({ w: 4.5, b: [-2.6, -2.4], points: 5 });
    for (let j = 0; j < 5; j++) expect(Math.abs(off.eigenvalue[j]) / off.gradNorm[j]).toBeLessThan(5); // measured ≤ 3.6
    expect(off.w).toBe(4.5);
  });
});

describe('the wall of the tanh network', () => {
  it('the Hessian-vector product equals central differences of a plain-loop BPTT gradient', () => {
    for (const [seed, lambda1, steps, rel] of [
      [3, 3, 15, 1e-7],
      [4, 8, 25, 1e-5],
    ] as const) {
      // rel: central differences with ε = 1e-6·‖W‖ leave ~ε²·f''' of truncation; the exploding
      // case (λ1 = 8) has larger third derivatives, hence its looser bound
      const { params, inputs } = tanhNetwork(seed, 6, lambda1, steps);
      const f = (W: T): T => sum(forward({ ...params, W_rec: W }, inputs, { activation: 'tanh' }).outputs[0]);
      const v = tensor(
        Array.from({ length: 36 }, (_, i) => Math.sin(i + seed)),
        [6, 6],
      );
      const Hv = hessianVectorProduct(f, params.W_rec, v);
      const eps = 1e-6;
      const gradAt = (s: number): Float64Array =>
        plainStepGradients(
          params,
          inputs,
          'tanh',
          params.W_rec.data.map((w, i) => w + s * v.data[i]),
        )[steps - 1];
      const fd = gradAt(eps).map((g, i) => (g - gradAt(-eps)[i]) / (2 * eps));
      expect(relativeError(Hv.data, fd), `λ1 = ${lambda1}`).toBeLessThan(rel);
    }
  });

  it('horizon picks E_t: the gradient is the plain BPTT one of step t', () => {
    const { params, inputs } = tanhNetwork(5, 6, 4, 20);
    const plain = plainStepGradients(params, inputs, 'tanh');
    for (const horizon of [7, 20]) {
      const a = rnnHessianAlignment(params, inputs, { activation: 'tanh', horizon, maxIterations: 2000 });
      expect(relativeError(a.gradient.data, plain[horizon - 1])).toBeLessThan(1e-11);
    }
    const steps = Array.from({ length: 20 }, (_, t) => new Tensor(inputs.data.slice(2 * t, 2 * t + 2), [1, 2]));
    const fromList = rnnHessianAlignment(params, steps, { activation: 'tanh', horizon: 7, maxIterations: 2000 });
    expect(relativeError(fromList.gradient.data, plain[6])).toBeLessThan(1e-11);
  });
  // Over random exploding tanh networks the alignment is tested with the growth, on the same draws:
  // see 'over random W_rec with λ1 ∈ [6, 10]' in geometry-growth.test.ts.
});

describe('hessianAlignment errors', () => {
  const f = (x: T): T => sum(mul(x, mul(x, x)));
  it('names bad options and the cases with nothing to compare', () => {
    expect(() => hessianAlignment(f, tensor([1, 2]), { learningRate: 0 })).toThrow(
      /hessianAlignment: argument 'options.learningRate': .*> 0, got 0/,
    );
    expect(() => hessianAlignment(f, tensor([1, 2]), { threshold: -1 })).toThrow(/options.threshold/);
    expect(() => hessianAlignment(f, tensor([0, 0]))).toThrow(/non-zero gradient.*norm is 0/);
    expect(() => hessianAlignment((x: T) => sum(x), tensor([1, 2]))).toThrow(/zero curvature/);
    const { params, inputs } = tanhNetwork(1, 3, 2, 5);
    expect(() => rnnHessianAlignment(params, inputs, { activation: 'tanh', horizon: 6 })).toThrow(
      /options.horizon': .*\[1, 5\], got 6/,
    );
    expect(() => singleUnitWallProfile({ w: 4.5, b: [-2.4, -2.2], points: 0 })).toThrow(/options.points': .*, got 0/);
    expect(() => singleUnitWallProfile({ w: NaN, b: [-2.4, -2.2], points: 3 })).toThrow(
      /options.w': must be a finite number, got NaN/,
    );
  });
});
