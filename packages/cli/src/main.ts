/**
 * @file The entry point of the `tapegrad` command (bin/tapegrad.js and `pnpm main` run this file).
 */
import { main } from './program.js';

process.exitCode = await main(process.argv.slice(2));
