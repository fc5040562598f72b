import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// Tests import the packages by their published names; point those names at the sources so a test
// run never depends on a stale build.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@tapegrad\/autodiff\/testing$/, replacement: src('./packages/autodiff/src/testing/index.ts') },
      { find: /^@tapegrad\/autodiff$/, replacement: src('./packages/autodiff/src/index.ts') },
      { find: /^@tapegrad\/optim$/, replacement: src('./packages/optim/src/index.ts') },
      { find: /^@tapegrad\/rnn$/, replacement: src('./packages/rnn/src/index.ts') },
    ],
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'bench/test/**/*.test.ts'],
    // seeds every fast-check property (TAPEGRAD_FC_SEED / TAPEGRAD_FC_RUNS: see test/fast-check.ts)
    setupFiles: ['./test/setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default', './scripts/summary-reporter.ts'],
  },
});
