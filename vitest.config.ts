import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// Tests import the packages by their published names; point those names at the sources so a test
// run never depends on a stale build.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@tapegrad\/autodiff\/testing$/, replacement: src('./packages/autodiff/src/testing/index.ts') },
      {
        find: /^@tapegrad\/autodiff\/testing\/arbitraries$/,
        replacement: src('./packages/autodiff/src/testing/arbitraries.ts'),
      },
      { find: /^@tapegrad\/autodiff\/kernels$/, replacement: src('./packages/autodiff/src/kernels/index.ts') },
      { find: /^@tapegrad\/autodiff\/threads$/, replacement: src('./packages/autodiff/src/threads/index.ts') },
      { find: /^@tapegrad\/autodiff$/, replacement: src('./packages/autodiff/src/index.ts') },
      { find: /^@tapegrad\/optim$/, replacement: src('./packages/optim/src/index.ts') },
      { find: /^@tapegrad\/rnn$/, replacement: src('./packages/rnn/src/index.ts') },
    ],
  },
  test: {
    // seeds every fast-check property (TAPEGRAD_FC_SEED / TAPEGRAD_FC_RUNS: see test/fast-check.ts)
    setupFiles: ['./test/setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default', './scripts/summary-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'all',
          include: ['packages/*/test/**/*.test.ts', 'bench/test/**/*.test.ts', 'test/**/*.test.ts'],
        },
      },
      // The kernels have a WebAssembly path (the default on Node 20) and a JavaScript one; the tests of
      // what runs on them (the kernels, matmul, the RNN's fused op, Ω, training) run again with the
      // JavaScript one forced. (The elementwise and reduction ops have one path: not rerun.)
      {
        extends: true,
        test: {
          name: 'js-kernels',
          env: { TAPEGRAD_KERNELS: 'js' },
          include: [
            'packages/autodiff/test/kernels-{matmul,activation,recurrence,omega,wasm}.test.ts',
            'packages/autodiff/test/ops-linalg.test.ts',
            'packages/rnn/test/{sequence,model,predict,signals,omega-paper,train}.test.ts',
          ],
        },
      },
    ],
  },
});
