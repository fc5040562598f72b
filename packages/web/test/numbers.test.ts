/**
 * @file The numbers behind the page's charts, in Node: formatting, log-scale ticks, the
 * vanishing/exploding analysis (the drawn bound really bounds the norms, and the verdict flips where
 * λ1·γ crosses 1), and the single-unit descents (clipped steps never longer than lr·threshold; the
 * first plain step equals the gradient of an independent forward-mode computation).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tensor } from '@tapegrad/autodiff';
import { TRAIN_DEFAULTS, singleUnitSurface } from '@tapegrad/rnn';
import { chartHeight, decadeTicks, logDomain } from '../src/charts.js';
import { exactValues, formatNumber, formatShape, formatTensor } from '../src/format.js';
import { FLOW_SIZES, flowAt, flowSubject } from '../src/flow/flow.js';
import { VALIDATION } from '../src/training/protocol.js';
import { DESCENT_DEFAULTS, descend, surfaceGrid, SURFACE_REGION } from '../src/surface/surface.js';

describe('formatting', () => {
  it('writes four significant digits, exponents far from 1, and exact values for tools', () => {
    expect([0.123456, -2.5, 0, 3.2e-12, 123456, Infinity, NaN].map(formatNumber)).toEqual([
      '0.1235',
      '-2.5',
      '0',
      '3.200e-12',
      '1.235e+5',
      'Infinity',
      'NaN',
    ]);
    expect(formatShape([])).toBe('[]');
    expect(
      formatTensor(
        tensor([
          [1, 2],
          [3, 4],
        ]),
      ),
    ).toBe('[[1, 2], [3, 4]]');
    expect(formatTensor(tensor([1, 2, 3, 4]), 2)).toBe('[1, 2, …]');
    expect(formatTensor(tensor([[1], [2], [3]]), 2)).toBe('[[1], [2], …]');
    expect(formatTensor(tensor(0.5))).toBe('0.5');
    expect(JSON.parse(exactValues(tensor([0.1 + 0.2])))).toEqual([0.1 + 0.2]);
  });

  it('picks round decade ticks and a log domain with a decade of margin', () => {
    expect(decadeTicks([1e-108, 1e-2], 6)).toEqual([1e-100, 1e-80, 1e-60, 1e-40, 1e-20]);
    expect(decadeTicks([1e-4, 20])).toEqual([1e-4, 1e-3, 1e-2, 1e-1, 1, 10]);
    expect(logDomain([1e-3, 2, 0, NaN])).toEqual([1e-4, 20]);
    expect(logDomain([0])).toEqual([1e-3, 1]);
    expect(chartHeight(360)).toBe(220);
    expect(chartHeight(1100)).toBe(360);
  });
});

describe('the vanishing/exploding section', () => {
  const subject = flowSubject('basic-tanh');

  it('draws a bound ‖δ_T‖·η^(T−k) that every mean norm stays under, at several scales', () => {
    for (const scale of [0.3, 1, 4]) {
      const r = flowAt(subject, scale);
      expect(r.norms).toHaveLength(50);
      expect(r.bound[49]).toBe(r.norms[49]);
      // rounding of the products only: 1e-12 relative
      r.norms.forEach((v, i) =>
        expect(v, `scale ${scale}, k = ${i + 1}`).toBeLessThanOrEqual(r.bound[i] * (1 + 1e-12)),
      );
    }
  });

  it('flips the verdict where s·λ1·γ crosses 1', () => {
    const crossing = 1 / (subject.gamma * subject.lambda1);
    const below = flowAt(subject, crossing * 0.99).conditions;
    const above = flowAt(subject, crossing * 1.01).conditions;
    expect([below.verdict, above.verdict]).toEqual(['vanish', 'may-explode']);
    expect(below.lambda1).toBeCloseTo(0.99 / subject.gamma, 10); // λ1 of s·W_rec is s·λ1
  });
});

describe('the single-unit section', () => {
  it('covers the plotted region with the grid', () => {
    const g = surfaceGrid();
    expect([g.w[0], g.w.at(-1), g.b[0], g.b.at(-1)]).toEqual([...SURFACE_REGION.w, ...SURFACE_REGION.b]);
    expect(g.loss).toHaveLength(SURFACE_REGION.points ** 2);
  });

  it('takes a first plain step of lr·∇E, ∇E as the forward-mode loops of singleUnitSurface give it', () => {
    const [w, b] = DESCENT_DEFAULTS.start;
    const exact = singleUnitSurface({ w: [w, w], b: [b, b], points: [1, 1] });
    const path = descend(DESCENT_DEFAULTS, false);
    expect(path[1].w).toBeCloseTo(w - DESCENT_DEFAULTS.learningRate * exact.dw[0], 12);
    expect(path[1].b).toBeCloseTo(b - DESCENT_DEFAULTS.learningRate * exact.db[0], 12);
    expect(path[0].gradNorm).toBeCloseTo(Math.hypot(exact.dw[0], exact.db[0]), 10);
  });

  it('never steps further than lr·threshold with clipping, while the plain run is thrown off the wall', () => {
    const settings = { ...DESCENT_DEFAULTS, learningRate: 0.3, threshold: 0.5 };
    const step = (p: { w: number; b: number }[], i: number) => Math.hypot(p[i].w - p[i - 1].w, p[i].b - p[i - 1].b);
    const clipped = descend(settings, true);
    expect(clipped).toHaveLength(settings.steps + 1);
    for (let i = 1; i < clipped.length; i++) expect(step(clipped, i)).toBeLessThanOrEqual(0.3 * 0.5 * (1 + 1e-12));
    expect(clipped.some((p) => p.clipped)).toBe(true);
    const plain = descend(settings, false);
    expect(Math.max(...plain.slice(1).map((_, i) => step(plain, i + 1)))).toBeGreaterThan(1);
  });
});

describe('the README', () => {
  it('states the sizes and settings the page uses', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8').replace(/\s+/g, ' ');
    const html = readFileSync(new URL('../index.html', import.meta.url), 'utf8');
    const slider = /id="flow-scale" min="(-?[\d.]+)" max="(-?[\d.]+)"/.exec(html)!;
    expect(readme).toContain(`(× ${10 ** Number(slider[1])} to × ${10 ** Number(slider[2])})`);
    expect(readme).toContain(
      `${FLOW_SIZES.hidden} units, ${FLOW_SIZES.batch} temporal-order sequences of length ${FLOW_SIZES.length}`,
    );
    expect(readme).toContain(`validation every ${VALIDATION.every} updates on ${VALIDATION.sequences} fixed sequences`);
    const value = (id: string) => new RegExp(`id="${id}"[^>]*value="([^"]+)"`).exec(html)![1];
    const init = /<option value="([\w-]+)" selected>/.exec(html)![1].replace('-', ' ');
    expect(readme).toContain(
      `(length ${value('training-length')}, ${init}, lr ${value('training-lr')}, ${value('training-hidden')} units, batch ${TRAIN_DEFAULTS.batchSize})`,
    );
  });
});
