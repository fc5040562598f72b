/**
 * @file What the report's figures show: legends and panel headers readable at any grid size, one
 * median line and band per method instead of a line per seed, the labels of the training-loss
 * panel and of SGD-CR's gradient norm checked against what the training loop records, the
 * gradient-flow zoom on the tanh curves, and the surface plot's start marker and size.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Trainer, resolveTrainConfig } from '@tapegrad/rnn';
import { describe, expect, it } from 'vitest';
import { GRADIENT_NORM_OF, gradientFlowSpec, gradientNormSpec, surfaceSpec, trainingCurvesSpec } from '../src/plots.js';
import type { NormRow } from '../src/plots.js';
import { UPDATE_COLUMNS, VALIDATION_COLUMNS, readRecord, recordText, type RunRecord } from '../src/record.js';
import { renderSvg } from '../src/render.js';
import { findRecords, runCurves, successRows, successTable } from '../src/results.js';
import { executeRun } from '../src/run.js';
import { codeVersion } from '../src/version.js';
import { SURFACE_DEFAULTS, surfaceExperiment } from '../src/surface.js';

const INITS = ['sigmoid', 'basic-tanh', 'smart-tanh'];
const METHODS = ['sgd', 'sgd-c', 'sgd-cr'];

/** Rows of a sweep: every init × method × length × seed, each run logging `points` values. */
function gridRows(lengths: readonly string[], seeds: number, points: number): NormRow[] {
  return INITS.flatMap((init, i) =>
    METHODS.flatMap((method, m) =>
      lengths.flatMap((length) =>
        Array.from({ length: seeds }, (_, s) => {
          // The run names of a real sweep are long: they once filled the legend and were cut.
          const run = `temporal-order/${init}/${method}/L${length}/seed${s + 1}`;
          const value = (u: number) => (1 + i + m + s) * Math.exp(-u / 20);
          return Array.from({ length: points }, (_, u) => ({
            run,
            method,
            init,
            length,
            update: 100 * (u + 1),
            value: value(u),
            threshold: 1,
          }));
        }).flat(),
      ),
    ),
  );
}

/** How many groups of a mark type the SVG holds: vega draws one group per line (or area) series. */
const markGroups = (svg: string, type: string) => svg.split(`class="mark-${type} role-mark`).length - 1;

describe('curve figures', () => {
  it('keep every legend label and panel header whole on a 3 × 3 × 4 grid and on a single cell', async () => {
    for (const lengths of [['50', '100', '150', '50..200'], ['20']]) {
      const rows = gridRows(lengths, 5, 12);
      for (const spec of [trainingCurvesSpec(rows, rows, 'curves'), gradientNormSpec(rows, 'norms')]) {
        const svg = await renderSvg(spec);
        expect(svg).not.toContain('…');
        for (const text of [...INITS, ...lengths.map((l) => `L = ${l}`)]) expect(svg).toContain(`>${text}<`);
      }
      const norms = await renderSvg(gradientNormSpec(rows, 'norms'));
      for (const method of METHODS) expect(norms).toContain(`>${method}: ${GRADIENT_NORM_OF[method]}<`);
    }
  });

  it('draw per method one median line and one band over the seeds, not a line per seed', async () => {
    const rows = gridRows(['50'], 5, 12).filter((r) => r.init === 'smart-tanh');
    expect(new Set(rows.map((r) => r.run)).size).toBe(15);
    const svg = await renderSvg(gradientNormSpec(rows, 'norms'));
    expect(markGroups(svg, 'line')).toBe(3);
    expect(markGroups(svg, 'area')).toBe(3);
    const grid = await renderSvg(gradientNormSpec(gridRows(['50', '100', '150', '200'], 5, 12), 'norms'));
    expect(markGroups(grid, 'line')).toBe(3 * 4 * 3);
    // Seeds s = 0..4 of sgd-c (m = 1) in smart-tanh (i = 2) log (4 + s)·e^0 at update 100: median 6, range 4..8.
    const spec = gradientNormSpec(rows, 'norms') as unknown as { data: { values: Record<string, number | string>[] } };
    const values = spec.data.values;
    const first = values.find((v) => v.method === 'sgd-c' && v.update === 100);
    expect(first).toMatchObject({ median: 6, lo: 4, hi: 8, runs: 5 });
  });

  it("label the upper panel as the training loss, which is what a run's validation records carry", async () => {
    const folder = mkdtempSync(join(tmpdir(), 'tapegrad-loss-'));
    const config = {
      minLength: 10,
      hidden: 4,
      batchSize: 4,
      method: 'sgd-c' as const,
      maxUpdates: 10,
      validateEvery: 5,
      seed: 3,
    };
    const record = join(folder, 'record.json');
    const run = {
      id: 'loss',
      folder,
      record,
      mode: 'new' as const,
      checkpointEvery: 10,
      logEvery: 1,
      testSequences: 0,
      testSeed: 1,
      code: codeVersion(),
    };
    await executeRun({ ...run, config });
    // The same run step by step: the minibatch losses E that training saw.
    const trainer = new Trainer({ ...config, stopOnSuccess: false });
    const losses = Array.from({ length: 10 }, () => trainer.step().loss);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const curves = runCurves([{ path: record, record: readRecord(record) }]);
    expect(curves.loss.map((r) => [r.update, r.value])).toEqual([
      [5, mean(losses.slice(0, 5))],
      [10, mean(losses.slice(5, 10))],
    ]);
    const svg = await renderSvg(trainingCurvesSpec(curves.loss, curves.error, 'curves'));
    expect(svg).toContain('>training loss E (log)<');
    expect(svg).not.toMatch(/validation loss/i);
  });

  it("draw one panel per row of collect's table: records that differ in a setting are never pooled", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tapegrad-panels-'));
    // Two learning rates (and with them two clipping thresholds) × two methods × three seeds; each
    // seed's updates sampled at its own offset, as records sample logs of different lengths.
    const record = (learningRate: number, method: 'sgd' | 'sgd-c', seed: number): RunRecord => {
      const clipThreshold = learningRate === 0.01 ? 1 : 3;
      const config = resolveTrainConfig({ minLength: 10, method, seed, learningRate, clipThreshold, maxUpdates: 100 });
      const norm = (u: number) => 1000 * learningRate + seed + u / 100;
      return {
        format: 'tapegrad-run-record',
        version: 2,
        id: `${method}_s${seed}`,
        config,
        code: { version: '0.1.0', commit: null, dirty: null },
        status: 'budget',
        updates: 100,
        solvedAt: null,
        confirmations: [],
        best: null,
        divergence: null,
        test: null,
        seconds: 1,
        machine: null,
        profiles: null,
        evaluations: [],
        curves: {
          validation: {
            columns: VALIDATION_COLUMNS,
            rows: [
              [50, 0.5, 1, null, null, null, null, null],
              [100, 0.4, 0.9, null, null, null, null, null],
            ],
          },
          updates: { columns: UPDATE_COLUMNS, rows: [0, 30, 60, 90].map((u) => [u + seed, 0.5, norm(u + seed), 0]) },
        },
      };
    };
    for (const lr of [0.01, 0.1]) {
      for (const method of ['sgd', 'sgd-c'] as const) {
        // The same ids in both sweeps: a run is told apart by its record's file, not its id.
        for (const seed of [1, 2, 3])
          writeFileSync(join(dir, `lr${lr}_${method}_s${seed}.json`), recordText(record(lr, method, seed)));
      }
    }
    const found = findRecords([dir]).records;
    const curves = runCurves(found);
    const panels = (rows: readonly { init: string; length: string; method: string }[]) =>
      [...new Set(rows.map((r) => `${r.init} | L${r.length} | ${r.method}`))].sort();
    const table = successRows(successTable(found)).map((r) => ({ ...r, length: `${r.length}` }));
    expect(panels(curves.gradNorm)).toEqual(panels(table));
    expect(panels(curves.gradNorm)).toContain('smart-tanh (learningRate 0.1, clipThreshold 3) | L10 | sgd-c');
    type Band = { init: string; method: string; update: number; median: number; runs: number; threshold: number };
    const spec = gradientNormSpec(curves.gradNorm, 'norms') as unknown as { data: { values: Band[] } };
    const bands = spec.data.values.filter((v) => v.method === 'sgd-c' && v.init.includes('learningRate 0.1'));
    // Seeds 1, 2, 3 of lr 0.1 log at u + seed: from update 3 on all three count, each with its latest norm,
    // 100 + seed + u/100, so the median is seed 2's: 102 + (latest u of seed 2)/100; never lr 0.01's 10 + ….
    expect(bands.find((b) => b.update === 33)).toMatchObject({ runs: 3, median: 102 + 32 / 100, threshold: 3 });
    expect(Math.min(...bands.map((b) => b.median))).toBeGreaterThan(100);
    const svg = await renderSvg(gradientNormSpec(curves.gradNorm, 'norms'));
    for (const t of ['clipping threshold 1', 'clipping threshold 3']) expect(svg).toContain(`>${t}<`);
    expect(svg).toContain('>smart-tanh (learningRate 0.1, clipThreshold 3)<');
  });

  it("label SGD-CR's norm ‖∇E + α∇Ω‖: the logged norm is that of the step taken, Ω's gradient included, before clipping", () => {
    const config = { minLength: 10, hidden: 6, batchSize: 5, learningRate: 0.01, alpha: 4, seed: 5 };
    const stepNorm = (method: 'sgd-c' | 'sgd-cr', clipThreshold: number) => {
      const trainer = new Trainer({ ...config, method, clipThreshold });
      const before = Object.values(trainer.params).map((t) => Float64Array.from(t.data));
      const logged = trainer.step().gradNorm;
      const after = Object.values(trainer.params).map((t) => t.data);
      let squares = 0;
      before.forEach((b, i) => b.forEach((x, j) => (squares += (after[i][j] - x) ** 2)));
      return { logged, taken: Math.sqrt(squares) / config.learningRate };
    };
    // A threshold no norm reaches: the step is lr·g with g the whole gradient used, so ‖g‖ is the logged norm.
    const cr = stepNorm('sgd-cr', 1e9);
    expect(cr.logged).toBeCloseTo(cr.taken, 9);
    const c = stepNorm('sgd-c', 1e9);
    expect(c.logged).toBeCloseTo(c.taken, 9);
    // Same seed, same batch, same ∇E: the difference is α∇Ω, so sgd-cr's norm is not ‖∇E‖.
    expect(Math.abs(cr.logged - c.logged)).toBeGreaterThan(1e-3 * c.logged);
    // With a threshold below the norm the step is clipped to it, and the logged norm is still the one before.
    const clipped = stepNorm('sgd-cr', cr.logged / 2);
    expect(clipped.logged).toBeCloseTo(cr.logged, 12);
    expect(clipped.taken).toBeCloseTo(cr.logged / 2, 9);
    expect(GRADIENT_NORM_OF['sgd-cr']).toBe('‖∇E + α∇Ω‖');
  });
});

describe('gradient-flow figure', () => {
  const curve = (init: string, decadesPerStep: number) =>
    Array.from({ length: 101 }, (_, k) => ({ init, k, norm: 10 ** (-decadesPerStep * (100 - k)) }));

  it('adds a panel zoomed on the tanh curves when sigmoid spans far more decades', async () => {
    const rows = [...curve('sigmoid', 1.6), ...curve('basic-tanh', 0.12), ...curve('smart-tanh', 0.04)];
    const spec = gradientFlowSpec(rows, 'flow') as unknown as { hconcat?: { data: { values: { init: string }[] } }[] };
    expect(spec.hconcat).toHaveLength(2);
    expect([...new Set(spec.hconcat![1].data.values.map((r) => r.init))]).toEqual(['basic-tanh', 'smart-tanh']);
    expect(await renderSvg(gradientFlowSpec(rows, 'flow'))).toContain('>zoomed in: basic-tanh, smart-tanh<');
  });

  it('keeps one panel when every curve fits a log axis well', () => {
    const spec = gradientFlowSpec([...curve('basic-tanh', 0.08), ...curve('smart-tanh', 0.04)], 'flow');
    expect(spec).not.toHaveProperty('hconcat');
  });
});

describe('surface figure', () => {
  // A rectangle per cell made 4.5 MB at 121 × 121; the embedded raster is ~60 kB. 200 kB leaves room
  // for other grids and colours but fails any return to per-cell marks (≥ 60 bytes × 14,641 cells).
  const BOUND = 200_000;

  it('marks the start, embeds the heat map as one image of one pixel block per cell, and stays small', async () => {
    const r = surfaceExperiment(SURFACE_DEFAULTS);
    const spec = await surfaceSpec(r.cells, r.paths, r.dw, r.db, 'surface');
    const svg = await renderSvg(spec);
    expect(svg.length).toBeLessThan(BOUND);
    expect(svg.split('<image').length - 1).toBe(1);
    expect(svg).toContain('>start<');
    expect(svg).toContain('aria-roledescription="point"');
    // The PNG header's width and height: 121 cells × 4 pixels each way, so walls stay as sharp as the grid.
    const url = (spec as unknown as { layer: { data: { values: { url?: string }[] } }[] }).layer[0].data.values[0].url!;
    const png = Buffer.from(url.replace('data:image/png;base64,', ''), 'base64');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([121 * 4, 121 * 4]);
  });

  it('draws a 400 × 400 grid (it overflowed the call stack) within the same bound', async () => {
    const r = surfaceExperiment({ ...SURFACE_DEFAULTS, points: 400 });
    const svg = await renderSvg(await surfaceSpec(r.cells, r.paths, r.dw, r.db, 'surface'));
    expect(svg.length).toBeLessThan(BOUND);
  });
});
