/**
 * @file Command lines this program prints for people and machines to run: emitted jobs
 * (`sweep --emit-jobs`) and the hint after Ctrl-C. Each names this Node and this program by
 * absolute path, so it runs as printed from any folder, with or without `tapegrad` on PATH
 * (on a cluster: wherever the same paths exist, e.g. a shared file system).
 */
import { fileURLToPath } from 'node:url';

/** The program's entry point: bin/tapegrad.js of this package. */
export const PROGRAM = fileURLToPath(new URL('../bin/tapegrad.js', import.meta.url));

/**
 * Quotes a word for POSIX shells (sh, bash, zsh): plain words stay as they are.
 *
 * @example
 * shellQuote("it's"); // `'it'\''s'`
 */
export function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * The shell command that runs `tapegrad` with `args`.
 *
 * @example
 * programLine(['train', '--out', 'runs/a', '--resume']); // '/usr/bin/node /…/packages/cli/bin/tapegrad.js train --out runs/a --resume'
 */
export function programLine(args: readonly string[]): string {
  return [process.execPath, PROGRAM, ...args].map(shellQuote).join(' ');
}
