// @ts-check
/**
 * Mutation testing (StrykerJS with its vitest runner): small deliberate bugs are put into the
 * sources one at a time and the tests that cover each one are run; a mutant the tests do not fail
 * "survived". Not part of `npm test`: run `npx pnpm@10.34.8 run mutation` (all targets, hours) or
 * one target at a time, e.g. `npx pnpm@10.34.8 run mutation --mutate packages/optim/src/**\/*.ts`.
 * Reports: reports/mutation/index.html and mutation.json.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'vitest.mutation.config.ts' },
  // The targets issue 12 names: autodiff's ops, rnn's fused sequence op, optim.
  mutate: ['packages/autodiff/src/ops/**/*.ts', 'packages/rnn/src/sequence.ts', 'packages/optim/src/**/*.ts'],
  // Only the tests that execute a mutant run for it.
  coverageAnalysis: 'perTest',
  // Module-level constants ("static" mutants) would each need the whole suite; skipped.
  ignoreStatic: true,
  // The machine is shared: one test process at a time.
  concurrency: 1,
  timeoutMS: 60_000,
  ignorePatterns: ['dist', 'out', 'runs', 'reports', 'docs', 'bench/results', '**/*.tsbuildinfo'],
  // A later run re-tests only the mutants whose code or covering tests changed.
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 90, low: 80, break: null },
};
