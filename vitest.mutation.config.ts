import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

/** The package whose tests run against each mutation target (see stryker.config.mjs). */
const PACKAGE_OF: Record<string, string> = { ops: 'autodiff', sequence: 'rnn', optim: 'optim' };
const target = process.env.TAPEGRAD_MUTATION_TARGET;
const packages = target === undefined ? '{autodiff,optim,rnn}' : PACKAGE_OF[target];

// The suite as mutation testing runs it (stryker.config.mjs): the library tests only, of one
// package when a target is chosen. The command line's tests spawn the compiled program (dist/,
// never mutated) and bench's time real workloads, so neither can see a mutant; the memory tests
// measure the heap over thousands of calls.
export default mergeConfig(
  base,
  defineConfig({
    test: {
      include: [`packages/${packages}/test/**/*.test.ts`],
      exclude: [
        'packages/rnn/test/cli*.test.ts',
        'packages/rnn/test/bad-input.test.ts',
        'packages/autodiff/test/memory.test.ts',
      ],
      reporters: ['default'],
      // Test files share one module graph instead of each importing the sources afresh: about twice
      // as many mutants per hour (re-importing dominated the time of a mutant's test run). Stryker
      // switches mutants at run time, so a shared, already-imported module still sees each one.
      isolate: false,
    },
  }),
);
