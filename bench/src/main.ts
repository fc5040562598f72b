/**
 * @file `pnpm bench` / `pnpm bench:peers`: runs the benchmark with the command-line flags.
 * See cli.ts for the flags and README "Performance" for what the numbers mean.
 */
import { runBench } from './cli.js';

// results go to stdout, progress to stderr, so `pnpm bench > table.md` keeps only the tables
runBench(process.argv.slice(2), console.log, (line) => process.stderr.write(`… ${line}\n`)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
