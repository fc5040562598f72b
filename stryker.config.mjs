// @ts-check
/**
 * Mutation testing (StrykerJS with its vitest runner): small deliberate bugs are put into the
 * sources one at a time and the tests that cover each one are run; a mutant the tests do not fail
 * "survived". Not part of `npm test` (see docs/MUTATION.md). One target at a time:
 *   TAPEGRAD_MUTATION_TARGET=optim npx pnpm@10.34.8 run mutation
 * with a target of TARGETS below; without one, all three (hours). A target's mutants are tested by
 * the tests of its own package (a lower bound on what the whole suite catches, and much faster on a
 * shared machine). Reports: reports/mutation/index.html and mutation.json.
 */

/** What each target mutates (vitest.mutation.config.ts picks the package's tests). */
const TARGETS = {
  ops: ['packages/autodiff/src/ops/**/*.ts'],
  // the fused op and the recurrence kernels that compute its numbers
  sequence: ['packages/rnn/src/sequence.ts', 'packages/autodiff/src/kernels/recurrence.ts'],
  optim: ['packages/optim/src/**/*.ts'],
  // the other kernels (the WebAssembly bytes are generated, and data)
  kernels: ['packages/autodiff/src/kernels/*.ts', '!packages/autodiff/src/kernels/{recurrence,wasm-bytes,index}.ts'],
};
const target = process.env.TAPEGRAD_MUTATION_TARGET;
if (target !== undefined && !(target in TARGETS)) {
  throw new Error(`TAPEGRAD_MUTATION_TARGET must be one of ${Object.keys(TARGETS).join(', ')}, got '${target}'`);
}

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'vitest.mutation.config.ts' },
  mutate: target === undefined ? Object.values(TARGETS).flat() : TARGETS[/** @type {keyof typeof TARGETS} */ (target)],
  // Only the tests that execute a mutant run for it.
  coverageAnalysis: 'perTest',
  // '// @ts-nocheck' goes into the sandbox's sources (a test builds autodiff with tsc, which would
  // reject the mutants), but not into the generated WebAssembly modules: kernels-wasm.test.ts
  // compares their text with a fresh build.
  disableTypeChecks: 'packages/*/src/**/!(wasm-bytes*).ts',
  // Module-level constants ("static" mutants) would each need the whole suite; skipped.
  ignoreStatic: true,
  // The machine is shared: one test process at a time.
  concurrency: 1,
  // A mutant that makes a loop endless is stopped this long after the tests' usual time.
  timeoutMS: 10_000,
  ignorePatterns: ['dist', 'out', 'runs', 'reports', 'docs', 'bench/results', '**/*.tsbuildinfo'],
  // A later run re-tests only the mutants whose code or covering tests changed.
  incremental: true,
  incrementalFile: `reports/mutation/${target ?? 'all'}-incremental.json`,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${target ?? 'all'}.html` },
  jsonReporter: { fileName: `reports/mutation/${target ?? 'all'}.json` },
  thresholds: { high: 90, low: 80, break: null },
};
