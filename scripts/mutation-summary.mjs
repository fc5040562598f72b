#!/usr/bin/env node
/**
 * `node scripts/mutation-summary.mjs TARGET`: after `TAPEGRAD_MUTATION_TARGET=TARGET npx pnpm run
 * mutation`, turns Stryker's report (reports/mutation/TARGET.json, megabytes, not committed) into
 * the compact record docs/results/mutation/TARGET.json: the counts by status, the score (killed and
 * timed out over all but ignored mutants, Stryker's) and each file's score. docs/MUTATION.md's
 * "after" rows are checked against these records by test/docs/mutation.test.ts.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';

const target = process.argv[2];
if (!target) {
  console.error('usage: node scripts/mutation-summary.mjs TARGET (ops, optim, sequence or kernels)');
  process.exit(2);
}
const report = JSON.parse(readFileSync(`reports/mutation/${target}.json`, 'utf8'));
const count = (mutants) => {
  const c = { Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0 };
  for (const m of mutants) if (m.status in c) c[m.status]++;
  const all = c.Killed + c.Timeout + c.Survived + c.NoCoverage;
  return {
    mutants: all,
    killed: c.Killed + c.Timeout,
    timeouts: c.Timeout,
    survived: c.Survived,
    noCoverage: c.NoCoverage,
    score: all === 0 ? null : (100 * (c.Killed + c.Timeout)) / all,
  };
};
const files = Object.entries(report.files).map(([path, f]) => ({ path, ...count(f.mutants) }));
const summary = {
  format: 'tapegrad-mutation-summary',
  version: 1,
  target,
  ...count(Object.values(report.files).flatMap((f) => f.mutants)),
  files,
};
mkdirSync('docs/results/mutation', { recursive: true });
writeFileSync(`docs/results/mutation/${target}.json`, JSON.stringify(summary, null, 2) + '\n');
console.log(
  `docs/results/mutation/${target}.json: ${summary.killed} of ${summary.mutants} killed, ${summary.score.toFixed(2)} %`,
);
