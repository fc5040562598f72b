/**
 * @file softmax, logSoftmax, softmaxCrossEntropy and mse: values and gradients derived by hand,
 * stability at |x| = 20, 40 and 1000, gradient checks, and bad targets, shapes and reductions.
 */
import { describe, expect, it } from 'vitest';
import {
  ShapeError,
  ValueError,
  grad,
  logSoftmax,
  mse,
  mul,
  randn,
  softmax,
  softmaxCrossEntropy,
  sum,
  tensor,
  uniform,
  type Tensor,
} from '@tapegrad/autodiff';
import { gradCheck, gradGradCheck } from '@tapegrad/autodiff/testing';
import { expectClose } from './ops-helpers.js';

const LOG2 = Math.log(2);
/** σ(x) computed the stable way, for expected values. */
const sigma = (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

describe('softmax and logSoftmax', () => {
  it('normalise along the last axis by default, or the one given', () => {
    // e^0 : e^(log 3) = 1 : 3
    expectClose(softmax(tensor([0, Math.log(3)])), [0.25, 0.75], 1e-15);
    expectClose(
      softmax(
        tensor([
          [0, 0],
          [Math.log(3), 0],
        ]),
        0,
      ),
      [
        [0.25, 0.5],
        [0.75, 0.5],
      ],
      1e-15,
    );
    expectClose(logSoftmax(tensor([0, Math.log(3)])), [Math.log(0.25), Math.log(0.75)], 1e-15);
  });

  it('have the gradients y⊙(w − ⟨w, y⟩) and w − y·Σw', () => {
    // y = [1/4, 3/4], w = [1, 2]: ⟨w, y⟩ = 7/4, so y⊙(w − 7/4) = [−3/16, 3/16]
    const w = tensor([1, 2]);
    const x = tensor([0, Math.log(3)]);
    expectClose(grad((t: Tensor) => sum(mul(softmax(t), w)))(x), [-3 / 16, 3 / 16], 1e-15);
    // w − y·(1 + 2) = [1 − 3/4, 2 − 9/4]
    expectClose(grad((t: Tensor) => sum(mul(logSoftmax(t), w)))(x), [0.25, -0.25], 1e-15);
  });

  it.each([20, 40, 1000])('stay finite and exact at |x| = %d', (c) => {
    const e = Math.exp(-c);
    // softmax([c, 0]) = [σ(c), σ(−c)]; σ(−c) = e⁻ᶜ/(1 + e⁻ᶜ) must keep its relative precision
    const s = softmax(tensor([c, 0]));
    expect(s.data[0]).toBeCloseTo(sigma(c), 15);
    expect(Math.abs(s.data[1] - sigma(-c))).toBeLessThanOrEqual(1e-14 * sigma(-c));
    expectClose(softmax(tensor([c, c])), [0.5, 0.5], 1e-15);
    expectClose(softmax(tensor([-c, -c])), [0.5, 0.5], 1e-15);
    // logSoftmax([c, 0]) = [−log(1 + e⁻ᶜ), −c − log(1 + e⁻ᶜ)]; logSoftmax([±c, ±c]) = −log 2
    expectClose(logSoftmax(tensor([c, 0])), [-Math.log1p(e), -c - Math.log1p(e)], 1e-15);
    expectClose(logSoftmax(tensor([c, c])), [-LOG2, -LOG2], 1e-15);
    expectClose(logSoftmax(tensor([-c, -c])), [-LOG2, -LOG2], 1e-15);
    const g = grad((t: Tensor) => sum(mul(logSoftmax(t), tensor([1, 0]))))(tensor([c, 0]));
    // ∂/∂x of log y₀ = [1 − σ(c), −σ(−c)] = [σ(−c), −σ(−c)]
    expect(Number.isFinite(g.data[0]) && Number.isFinite(g.data[1])).toBe(true);
    expect(g.data[1]).toBeCloseTo(-sigma(-c), 15);
  });

  it('match finite differences to first and second order', () => {
    const x = randn([3, 4], 2);
    for (const f of [
      (t: Tensor) => softmax(t),
      (t: Tensor) => softmax(t, 0),
      (t: Tensor) => logSoftmax(t),
      (t: Tensor) => logSoftmax(t, -2),
    ]) {
      gradCheck(f, [x]);
      gradGradCheck(f, [x]);
    }
  });

  it('refuse an axis out of range', () => {
    expect(() => softmax(tensor([1, 2]), 1)).toThrow(ShapeError);
    expect(() => logSoftmax(tensor([1, 2]), -2)).toThrow(
      /logSoftmax: argument 'axis': axis -2 is out of range for a tensor of rank 1/,
    );
  });
});

describe('softmaxCrossEntropy', () => {
  const zeros22 = tensor([
    [0, 0],
    [0, 0],
  ]);

  it('is −log softmax(z)[t], averaged by default, summed or kept on request', () => {
    // uniform logits over 2 classes: −log ½ = log 2 per row
    expectClose(softmaxCrossEntropy(zeros22, [0, 1]), LOG2, 1e-15);
    expectClose(softmaxCrossEntropy(zeros22, new Int32Array([1, 1]), { reduction: 'sum' }), 2 * LOG2, 1e-15);
    expectClose(softmaxCrossEntropy(zeros22, [0, 1], { reduction: 'none' }), [LOG2, LOG2], 1e-15);
    // row 0: log(e + e² + e³) − 3 = log(e⁻² + e⁻¹ + 1); row 1: log 3
    const logits = tensor([
      [1, 2, 3],
      [1, 1, 1],
    ]);
    const row0 = Math.log(Math.exp(-2) + Math.exp(-1) + 1);
    expectClose(softmaxCrossEntropy(logits, [2, 0]), (row0 + Math.log(3)) / 2, 1e-15);
  });

  it('gives the same loss for class indices and one-hot rows, and handles probability rows', () => {
    const logits = randn([3, 4], 9);
    const onehot = tensor([
      [0, 0, 1, 0],
      [1, 0, 0, 0],
      [0, 0, 0, 1],
    ]);
    expectClose(softmaxCrossEntropy(logits, onehot), softmaxCrossEntropy(logits, [2, 0, 3]).item(), 1e-15);
    // t = [½, ½], z = [2, 0]: ½(log(1 + e⁻²) + log(1 + e²)) = 1 + log(1 + e⁻²)
    expectClose(softmaxCrossEntropy(tensor([[2, 0]]), tensor([[0.5, 0.5]])), 1 + Math.log1p(Math.exp(-2)), 1e-15);
  });

  it('has gradient (softmax(z) − t)/B for logits and −log softmax(z) for target rows', () => {
    // B = 1, z = [2, 0], t = 0: [σ(2) − 1, σ(−2)] = [−σ(−2), σ(−2)]
    expectClose(grad((z: Tensor) => softmaxCrossEntropy(z, [0]))(tensor([[2, 0]])), [[-sigma(-2), sigma(-2)]], 1e-15);
    // B = 2, uniform logits: softmax = ½ each, minus one-hot, halved by the mean
    expectClose(grad((z: Tensor) => softmaxCrossEntropy(z, [0, 1]))(zeros22), [
      [-0.25, 0.25],
      [0.25, -0.25],
    ]);
    // ∂/∂t = −log softmax([2, 0]) = [log(1 + e⁻²), 2 + log(1 + e⁻²)]
    const l = Math.log1p(Math.exp(-2));
    expectClose(
      grad((t: Tensor) => softmaxCrossEntropy(tensor([[2, 0]]), t, { reduction: 'sum' }))(tensor([[0.5, 0.5]])),
      [[l, 2 + l]],
      1e-15,
    );
  });

  it.each([20, 40, 1000])('stays finite and exact at |z| = %d', (c) => {
    const z = tensor([[c, -c]]);
    // wrong class: 2c + log(1 + e⁻²ᶜ); right class: log(1 + e⁻²ᶜ), tiny but representable up to c = 40
    expectClose(softmaxCrossEntropy(z, [1]), 2 * c + Math.log1p(Math.exp(-2 * c)), 1e-15);
    const right = softmaxCrossEntropy(z, [0]).item();
    expect(Math.abs(right - Math.log1p(Math.exp(-2 * c)))).toBeLessThanOrEqual(1e-14 * Math.log1p(Math.exp(-2 * c)));
    const g = grad((t: Tensor) => softmaxCrossEntropy(t, [0]))(z);
    // [σ(2c) − 1, σ(−2c)]; σ(2c) − 1 = −σ(−2c) cancels to 0 in float64 when σ(−2c) < 1e-16, an
    // absolute error below 1e-16, so the first entry is checked absolutely and the second relatively
    expect(Math.abs(g.data[0] + sigma(-2 * c))).toBeLessThanOrEqual(1e-16);
    expect(Math.abs(g.data[1] - sigma(-2 * c))).toBeLessThanOrEqual(1e-14 * sigma(-2 * c));
  });

  it('matches finite differences to first and second order', () => {
    const z = randn([3, 4], 12);
    const t = uniform([3, 4], 13, 0.1, 1);
    gradCheck((x) => softmaxCrossEntropy(x, [1, 3, 0]), [z]);
    gradGradCheck((x) => softmaxCrossEntropy(x, [1, 3, 0], { reduction: 'none' }), [z]);
    gradCheck((x, y) => softmaxCrossEntropy(x, y, { reduction: 'sum' }), [z, t]);
    gradGradCheck((x, y) => softmaxCrossEntropy(x, y), [z, t]);
  });

  it('refuses class indices that are out of range or not integers, and mismatched shapes', () => {
    const z = randn([2, 3], 1);
    expect(() => softmaxCrossEntropy(z, [0, 3])).toThrow(ValueError);
    expect(() => softmaxCrossEntropy(z, [0, 3])).toThrow(
      /softmaxCrossEntropy: argument 'targets': targets\[1\] = 3 is not a class index \(an integer in \[0, 3\)\)/,
    );
    expect(() => softmaxCrossEntropy(z, [-1, 0])).toThrow(/targets\[0\] = -1 is not a class index/);
    expect(() => softmaxCrossEntropy(z, [0, 1.5])).toThrow(/targets\[1\] = 1.5 is not a class index/);
    expect(() => softmaxCrossEntropy(z, [0])).toThrow(
      /softmaxCrossEntropy: argument 'targets': has 1 class indices but logits have 2 rows/,
    );
    expect(() => softmaxCrossEntropy(z, randn([2, 2], 1))).toThrow(
      /softmaxCrossEntropy: argument 'targets': a target tensor must have the logits' shape \[2, 3\], got \[2, 2\]/,
    );
    expect(() => softmaxCrossEntropy(tensor([1, 2]), [0])).toThrow(
      /softmaxCrossEntropy: argument 'logits': needs shape \[B, C\], got \[2\]/,
    );
    expect(() => softmaxCrossEntropy(z, [0, 1], { reduction: 'avg' as 'mean' })).toThrow(
      /softmaxCrossEntropy: argument 'reduction': must be 'mean', 'sum' or 'none', got "avg"/,
    );
  });
});

describe('mse', () => {
  const pred = tensor([1, 2]);
  const target = tensor([1, 4]);

  it('is the mean of (pred − target)², without ½', () => {
    // (0 + 4) / 2
    expectClose(mse(pred, target), 2);
    expectClose(mse(pred, target, { reduction: 'sum' }), 4);
    expectClose(mse(pred, target, { reduction: 'none' }), [0, 4]);
  });

  it('has gradient 2(pred − target)/n for pred and its negative for target', () => {
    const [gp, gt] = grad((p: Tensor, t: Tensor) => mse(p, t), { argnums: [0, 1] })(pred, target) as Tensor[];
    expectClose(gp, [0, -2]);
    expectClose(gt, [0, 2]);
    gradGradCheck((p, t) => mse(p, t, { reduction: 'sum' }), [randn([2, 3], 1), randn([2, 3], 2)]);
  });

  it('refuses shapes that differ (no silent broadcasting) and unknown reductions', () => {
    expect(() => mse(pred, tensor([[1], [4]]))).toThrow(ShapeError);
    expect(() => mse(pred, tensor([[1], [4]]))).toThrow(
      /mse: argument 'pred, target': shapes differ: \[2\] vs \[2, 1\]/,
    );
    expect(() => mse(pred, target, { reduction: 'max' as 'sum' })).toThrow(/mse: argument 'reduction'/);
  });
});
