/**
 * @file The report's plots render headlessly to well-formed SVG and valid PNG files, from
 * synthetic rows shaped like the real ones, and the Markdown report links every image.
 */
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gradientFlowSpec, gradientNormSpec, successSpec, surfaceSpec, trainingCurvesSpec } from '../src/plots.js';
import { Report, markdownTable, textTable } from '../src/report.js';
import { expectImage } from './cli-helpers.js';

const folder = process.env.TAPEGRAD_PLOT_DIR ?? mkdtempSync(join(tmpdir(), 'tapegrad-plots-'));

describe('plots', () => {
  it('renders every plot of the report to SVG and PNG files that parse', async () => {
    const report = new Report(folder, 'plots');
    const runs = ['sgd', 'sgd-c'].flatMap((method) =>
      [1, 2].map((seed) => ({ run: `${method} seed ${seed}`, method, init: 'smart-tanh', length: '50', threshold: 1 })),
    );
    const curve = (f: (u: number, i: number) => number) =>
      runs.flatMap((run, i) => Array.from({ length: 40 }, (_, u) => ({ ...run, update: u * 25, value: f(u, i) })));
    await report.plot(
      'curves',
      trainingCurvesSpec(
        curve((u, i) => 1.4 * Math.exp(-u / (10 + 20 * i))),
        curve((u, i) => 75 * Math.exp(-u / (8 + 9 * i))),
        'curves',
      ),
      'curves',
    );
    await report.plot(
      'grad-norm',
      gradientNormSpec(
        curve((u, i) => 0.3 + (u % 13 === 0 ? 30 : 0.5 * i)),
        'norms',
      ),
      'norms',
    );
    const flow = ['sigmoid', 'basic-tanh', 'smart-tanh'].flatMap((init, j) =>
      Array.from({ length: 50 }, (_, k) => ({ init, k, norm: Math.exp((k - 49) * (1.5 - j * 0.6)) })),
    );
    await report.plot('flow', gradientFlowSpec(flow, 'flow'), 'flow');
    const cells = [];
    for (let w = -2; w <= 8; w += 0.25)
      for (let b = -6; b <= 2; b += 0.25) cells.push({ w, b, loss: Math.abs(Math.sin(w + b)) * (w > 4 ? 1e-3 : 1) });
    const paths = ['sgd', 'sgd-c'].flatMap((method, i) =>
      Array.from({ length: 8 }, (_, step) => ({ method, step, w: 4 + step * 0.3 * (i + 1), b: -2 - step * 0.2 })),
    );
    await report.plot('surface', await surfaceSpec(cells, paths, 0.25, 0.25, 'surface'), 'surface');
    const success = ['sigmoid', 'basic-tanh', 'smart-tanh'].flatMap((init) =>
      ['sgd', 'sgd-c', 'sgd-cr'].flatMap((method, m) =>
        [20, 50, 100].map((length) => {
          const successes = Math.round(5 * Math.max(0, 1 - length / (60 + 40 * m)));
          return { init, method, length, rate: successes / 5, successes, runs: 5 };
        }),
      ),
    );
    await report.plot('success', successSpec(success, 'success'), 'success');
    // A method that never succeeded has a bar of height 0: its count label is what shows it.
    const successSvg = readFileSync(join(folder, 'success.svg'), 'utf8');
    expect(success.some((r) => r.successes === 0)).toBe(true);
    expect(successSvg).toContain('>0/5<');
    expect(successSvg).toContain('>3/5<');
    const path = report.write();
    const md = readFileSync(path, 'utf8');
    expect(report.images).toHaveLength(10);
    for (const image of report.images) {
      expect(md).toContain(`(${image})`);
      expect(existsSync(join(folder, image))).toBe(true);
      expectImage(join(folder, image));
    }
  });
});

describe('tables', () => {
  it('escapes pipes in Markdown cells and pads terminal columns', () => {
    expect(markdownTable(['a', 'b'], [['x|y', '2']])).toBe('| a | b |\n|---|---|\n| x\\|y | 2 |\n');
    expect(textTable(['method', 'ok'], [['sgd', '1/5']])).toBe('method  ok\n------  ---\nsgd     1/5\n');
  });
});
