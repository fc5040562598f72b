import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/** The tests that run against each mutation target's mutants (see stryker.config.mjs). */
const TESTS_OF: Record<string, string[]> = {
  ops: ['packages/autodiff/test/**/*.test.ts'],
  // the op and its numeric core, the recurrence kernels (their tests compare them with the equations)
  sequence: ['packages/rnn/test/**/*.test.ts', 'packages/autodiff/test/kernels-recurrence.test.ts'],
  optim: ['packages/optim/test/**/*.test.ts'],
  kernels: ['packages/autodiff/test/**/*.test.ts'],
};
const target = process.env.TAPEGRAD_MUTATION_TARGET;
const include = target === undefined ? [...new Set(Object.values(TESTS_OF).flat())] : TESTS_OF[target];
if (include === undefined)
  throw new Error(`TAPEGRAD_MUTATION_TARGET must be one of ${Object.keys(TESTS_OF).join(', ')}, got '${target}'`);

// The suite as mutation testing runs it (stryker.config.mjs): the library tests only, the ones of
// the target. The command line's tests spawn the compiled program (dist/, never mutated), bench's
// time real workloads and the page's drive a browser, so none can see a mutant; autodiff's memory
// tests measure the heap of a child process running dist/. The root config's projects (the default run plus a
// rerun on the JavaScript kernels) are left out: each would bring its own include back.
const { projects: _projects, reporters: _reporters, ...shared } = base.test ?? {};
export default defineConfig({
  ...base,
  test: {
    ...shared,
    include,
    exclude: ['packages/autodiff/test/memory.test.ts'],
    // The JavaScript kernels, which Stryker can mutate: the WebAssembly ones are compiled bytes, held
    // to the same bits as these by kernels-wasm.test.ts, so a mutant in a JS kernel body is a bug in both.
    env: { ...shared.env, TAPEGRAD_KERNELS: 'js' },
    reporters: ['default'],
    // Test files share one module graph instead of each importing the sources afresh: about twice
    // as many mutants per hour (re-importing dominated the time of a mutant's test run). Stryker
    // switches mutants at run time, so a shared, already-imported module still sees each one.
    isolate: false,
  },
});
