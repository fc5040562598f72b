import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

// The suite as mutation testing runs it (stryker.config.mjs): the library tests only. The command
// line's tests spawn the compiled program (dist/, never mutated) and bench's time real workloads,
// so neither can see a mutant; the memory tests measure the heap over thousands of calls.
export default mergeConfig(
  base,
  defineConfig({
    test: {
      include: ['packages/{autodiff,optim,rnn}/test/**/*.test.ts'],
      exclude: ['packages/rnn/test/cli*.test.ts', 'packages/rnn/test/bad-input.test.ts', 'packages/autodiff/test/memory.test.ts'],
      reporters: ['default'],
      // Test files share one module graph instead of each importing the sources afresh: about twice
      // as many mutants per hour (re-importing dominated the time of a mutant's test run). Stryker
      // switches mutants at run time, so a shared, already-imported module still sees each one.
      isolate: false,
    },
  }),
);
