/**
 * @file The root README's Performance section is what bench/results/latest.json generates
 * (src/performance.ts): numbers in the README come from the committed record, never typed in.
 * Regenerate with `node bench/dist/readme.js` after a `bench:peers` run.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { BenchReport } from '../src/cli.js';
import { BEGIN, END, performanceSection, withSection } from '../src/performance.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const record = JSON.parse(readFileSync(new URL('../results/latest.json', import.meta.url), 'utf8')) as BenchReport;

describe("the README's Performance section", () => {
  it('is what bench/results/latest.json generates (node bench/dist/readme.js rewrites it)', () => {
    expect(readme).toContain(BEGIN);
    expect(withSection(readme, performanceSection(record))).toBe(readme);
  });

  it('shows every row and every target of the record, with its measured value', () => {
    const section = readme.slice(readme.indexOf(BEGIN), readme.indexOf(END));
    for (const row of record.rows) expect(section).toContain(`| ${row.key} | ${row.unit} |`);
    for (const t of record.targets) expect(section).toContain(`${t.target} — ${t.measured}`);
    expect(section).toContain(record.date.slice(0, 10));
  });

  it('refuses a README without its markers', () => {
    expect(() => withSection('# no markers', 'x')).toThrow(/Performance markers are missing/);
  });
});
