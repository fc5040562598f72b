/**
 * @file Which code is running: the package version (for `--version`) and, for the records, the
 * git commit of the checkout the program runs from and whether its tracked files (outside docs/)
 * had changes.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CodeVersion } from './record.js';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));

/**
 * The version of the `tapegrad` package.
 *
 * @example
 * packageVersion(); // '0.1.0'
 */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function git(args: readonly string[]): string | null {
  try {
    return execFileSync('git', args, {
      cwd: PACKAGE_DIR,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 10_000,
    }).trim();
  } catch {
    return null;
  }
}

let cached: CodeVersion | undefined;

/**
 * The code that runs: version, commit and dirty flag (null where git or a checkout is missing).
 * Asked once per process.
 *
 * @example
 * codeVersion(); // { version: '0.1.0', commit: '86fa6b2…', dirty: false }
 */
export function codeVersion(): CodeVersion {
  if (cached) return cached;
  const commit = git(['rev-parse', 'HEAD']);
  // docs/ (the results, the generated document) is left out: a run that writes records and plans
  // there as it goes must not make the runs after it look as if they ran uncommitted code.
  const status =
    commit === null
      ? null
      : git(['status', '--porcelain', '--untracked-files=no', '--', ':(top)', ':(top,exclude)docs']);
  cached = {
    version: packageVersion(),
    commit: commit !== null && /^[0-9a-f]{40}$/.test(commit) ? commit : null,
    dirty: status === null ? null : status !== '',
  };
  return cached;
}
