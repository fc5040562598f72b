/**
 * @file The pieces under the figures: PNG text set in the shipped font whatever fonts the machine
 * has, the PNG encoder read back by resvg's decoder, and the median-and-range summary of seeds.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Resvg } from '@resvg/resvg-js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { band, median, type SeriesPoint } from '../src/bands.js';
import { crc32, encodePng } from '../src/png.js';
import { svgToPng } from '../src/render.js';
import { runs } from '../../../test/fast-check.js';

const svg = (body: string) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="160" height="30"><rect width="160" height="30" fill="white"/>${body}</svg>`;
const FAMILY = 'DejaVu Sans, Helvetica, Arial, sans-serif';
const TEXT = svg(`<text x="4" y="20" font-family="${FAMILY}" font-size="12">‖∇E + α∇Ω‖ loss</text>`);
const BLANK = svg('');

describe('PNG text', () => {
  it('is the same with the system fonts hidden, where resvg with system fonts draws no text at all', () => {
    const empty = mkdtempSync(join(tmpdir(), 'tapegrad-nofonts-'));
    writeFileSync(join(empty, 'fonts.conf'), '<?xml version="1.0"?>\n<fontconfig></fontconfig>\n');
    const child = `
      import { createRequire } from 'node:module';
      const [render, cliPackage, text, blank] = process.argv.slice(1);
      const { svgToPng } = await import(render);
      const { Resvg } = createRequire(cliPackage)('@resvg/resvg-js');
      const b64 = (bytes) => Buffer.from(bytes).toString('base64');
      const system = (s) => b64(new Resvg(s, { font: { loadSystemFonts: true } }).render().asPng());
      process.stdout.write(JSON.stringify({ text: b64(svgToPng(text)), systemText: system(text), systemBlank: system(blank) }));`;
    const renderJs = fileURLToPath(new URL('../dist/render.js', import.meta.url));
    const cliPackage = fileURLToPath(new URL('../package.json', import.meta.url));
    // fontdb (resvg's font finder) reads its folders from FONTCONFIG_FILE, else from HOME and XDG paths.
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: empty,
      XDG_DATA_HOME: empty,
      XDG_CONFIG_HOME: empty,
      FONTCONFIG_FILE: join(empty, 'fonts.conf'),
    };
    const args = ['--input-type=module', '-e', child, renderJs, cliPackage, TEXT, BLANK];
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', env });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as { text: string; systemText: string; systemBlank: string };
    // The premise: in this environment the machine's fonts are out of reach, so text needs a shipped font.
    expect(out.systemText).toBe(out.systemBlank);
    const here = Buffer.from(svgToPng(TEXT)).toString('base64');
    expect(out.text).toBe(here);
    expect(here).not.toBe(Buffer.from(svgToPng(BLANK)).toString('base64'));
  });
});

describe('PNG encoder', () => {
  it('matches the checksum every PNG ends with', () => {
    expect(crc32(new TextEncoder().encode('IEND'))).toBe(0xae426082);
  });

  it('writes pixels that resvg decodes back exactly', () => {
    const rgb = Uint8Array.of(255, 0, 0, 0, 255, 0, 0, 0, 255, 12, 34, 56, 255, 255, 255, 0, 0, 0);
    const url = `data:image/png;base64,${Buffer.from(encodePng(3, 2, rgb)).toString('base64')}`;
    const image =
      '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="3" height="2">' +
      `<image width="3" height="2" image-rendering="optimizeSpeed" xlink:href="${url}"/></svg>`;
    const rgba = new Resvg(image).render().pixels;
    expect([...rgba].filter((_, i) => i % 4 !== 3)).toEqual([...rgb]);
    expect(() => encodePng(2, 2, rgb)).toThrow(RangeError);
  });
});

const RUNS = runs(100);

/**
 * The definition, computed plainly: at each update any run logged, each run's latest value at or
 * before it, from runs that have started and (without carrying forward) not yet ended.
 */
function referenceBand(series: readonly (readonly SeriesPoint[])[], carryForward: boolean) {
  const finite = series.map((s) => s.filter((p) => Number.isFinite(p.value)));
  const updates = [...new Set(finite.flat().map((p) => p.update))].sort((a, b) => a - b);
  return updates.map((update) => {
    const values = finite.flatMap((s) => {
      const ended = s.every((p) => p.update < update);
      const seen = s.filter((p) => p.update <= update);
      return seen.length === 0 || (ended && !carryForward)
        ? []
        : [seen.reduce((a, b) => (b.update > a.update ? b : a)).value];
    });
    const sorted = [...values].sort((a, b) => a - b);
    const half = sorted.length / 2;
    const mid = sorted.length % 2 === 1 ? sorted[Math.floor(half)] : (sorted[half - 1] + sorted[half]) / 2;
    return { update, median: mid, lo: sorted[0], hi: sorted[sorted.length - 1], runs: values.length };
  });
}

describe('median and range over seeds', () => {
  const value = fc.oneof(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.constant(NaN), fc.constant(Infinity));
  const run = fc.uniqueArray(fc.record({ update: fc.integer({ min: 0, max: 60 }), value }), {
    selector: (p) => p.update,
    maxLength: 12,
  });

  it('equals the plain definition on generated runs, with and without carrying values forward', () => {
    fc.assert(
      fc.property(fc.array(run, { maxLength: 6 }), fc.boolean(), (series, carryForward) => {
        expect(band(series, { carryForward, maxPoints: 1000 })).toEqual(referenceBand(series, carryForward));
      }),
      { numRuns: RUNS },
    );
  });

  const a = [
    { update: 10, value: 1 },
    { update: 20, value: 3 },
  ];
  const b = [{ update: 10, value: 5 }];
  const c = [
    { update: 20, value: 7 },
    { update: 30, value: NaN },
  ];

  it('keeps a stopped run at its last value, or drops it, as asked', () => {
    expect(band([a, b, c], { carryForward: true, maxPoints: 100 })).toEqual([
      { update: 10, median: 3, lo: 1, hi: 5, runs: 2 },
      // b stopped at 10 and counts with 5; c starts at 20; c's NaN at 30 is left out, so 30 is no update.
      { update: 20, median: 5, lo: 3, hi: 7, runs: 3 },
    ]);
    expect(band([a, b, c], { carryForward: false, maxPoints: 100 })).toEqual([
      { update: 10, median: 3, lo: 1, hi: 5, runs: 2 },
      { update: 20, median: 5, lo: 3, hi: 7, runs: 2 },
    ]);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('meets runs sampled at different updates, each with its latest value until its own end', () => {
    // Records sample each run's log evenly, so two seeds rarely share an update.
    const even = [
      { update: 0, value: 1 },
      { update: 10, value: 2 },
      { update: 20, value: 3 },
    ];
    const odd = [
      { update: 5, value: 10 },
      { update: 15, value: 20 },
      { update: 25, value: 30 },
    ];
    expect(band([even, odd], { carryForward: false, maxPoints: 100 }).map((p) => [p.update, p.runs, p.median])).toEqual(
      [
        [0, 1, 1],
        [5, 2, 5.5],
        [10, 2, 6],
        [15, 2, 11],
        [20, 2, 11.5],
        // even ended at 20: only odd is still training.
        [25, 1, 30],
      ],
    );
  });

  it('thins a long log to equal bins, each at its last update with the median of its values', () => {
    const long = Array.from({ length: 1000 }, (_, i) => ({ update: i + 1, value: i + 1 }));
    const thinned = band([long], { carryForward: false, maxPoints: 10 });
    expect(thinned).toHaveLength(10);
    // Bins are 99.9 updates wide from update 1: the first holds 1..100, the last 901..1000.
    expect(thinned[0]).toEqual({ update: 100, median: 50.5, lo: 50.5, hi: 50.5, runs: 1 });
    expect(thinned[9]).toEqual({ update: 1000, median: 950.5, lo: 950.5, hi: 950.5, runs: 1 });
  });
});
