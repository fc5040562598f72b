/**
 * @file `pnpm bench` / `pnpm bench:peers`: runs the benchmark with the command-line flags.
 * See cli.ts for the flags and README "Performance" for what the numbers mean.
 */
import { runBench } from './cli.js';

runBench(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
