/**
 * @file docs/MUTATION.md's latest scores are the committed summaries of the Stryker runs
 * (docs/results/mutation/TARGET.json, written by `node scripts/mutation-summary.mjs TARGET` from the
 * run's report): each target's row and the per-file scores of ops must read what the record says,
 * and no score appears in the table without a record behind it.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

interface Counts {
  mutants: number;
  killed: number;
  timeouts: number;
  survived: number;
  noCoverage: number;
  score: number | null;
}
interface Summary extends Counts {
  target: string;
  files: (Counts & { path: string })[];
}

const doc = readFileSync(new URL('../../docs/MUTATION.md', import.meta.url), 'utf8');
const folder = new URL('../../docs/results/mutation/', import.meta.url);
const summaries = readdirSync(folder).map((f) => JSON.parse(readFileSync(new URL(f, folder), 'utf8')) as Summary);

describe("docs/MUTATION.md's scores", () => {
  it('read what the committed summaries of the latest runs say', () => {
    expect(summaries.map((s) => s.target).sort()).toEqual(['ops', 'optim']);
    for (const s of summaries) {
      const row = `| ${s.target} | ${s.mutants} | ${s.killed} (${s.timeouts}) | ${s.survived} | ${s.noCoverage} | ${s.score!.toFixed(2)} % |`;
      expect(doc).toContain(row);
    }
    const table = doc.slice(doc.indexOf('| target |'), doc.indexOf('Per file, ops:'));
    const targets = table
      .split('\n')
      .filter((l) => /^\| [a-z]/.test(l) && !l.startsWith('| target'))
      .map((l) => l.split(' | ')[0].slice(2));
    expect(targets.sort()).toEqual(summaries.map((s) => s.target).sort());
  });

  it("count ops' no-coverage mutants in the prose as the record does", () => {
    const ops = summaries.find((s) => s.target === 'ops')!;
    const words = ['no', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
    expect(doc.replace(/\s+/g, ' ')).toContain(
      `the ${words[ops.noCoverage] ?? ops.noCoverage} no-coverage mutants of ops`,
    );
  });

  it("give each ops file's score as the record has it", () => {
    const ops = summaries.find((s) => s.target === 'ops')!;
    const line = doc.slice(doc.indexOf('Per file, ops:'), doc.indexOf('Every survivor left'));
    for (const f of ops.files.filter((x) => x.score !== null)) {
      const name = f.path.split('/').at(-1)!.replace(/\.ts$/, '');
      const shown = f.score!.toFixed(1); // 97.0 % or, for a whole number of 100, 100 %
      expect(line, name).toMatch(new RegExp(`\\b${name} (${shown}|${Number(shown)}) %`));
    }
  });
});
