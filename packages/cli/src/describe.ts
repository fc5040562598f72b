/**
 * @file How a failure reads and which exit code it gives: 2 for a bad command line or a value
 * the library refuses, 1 for file problems and anything else. Never a stack trace, unless
 * TAPEGRAD_DEBUG is set (for whoever debugs this program).
 */
import { ValueError } from '@tapegrad/autodiff';
import { FileError, UsageError, fileError, isSystemError } from './errors.js';

/**
 * The exit code for a failure.
 *
 * @example
 * exitCodeOf(new UsageError('train', 'unknown flag')); // 2
 */
export function exitCodeOf(e: unknown): 1 | 2 {
  return e instanceof UsageError || e instanceof ValueError ? 2 : 1;
}

/**
 * One line saying what went wrong, without the program name.
 *
 * @example
 * describeError(new FileError('out', 'is a file, not a folder')); // "'out': is a file, not a folder"
 */
export function describeError(e: unknown): string {
  if (e instanceof UsageError) return e.message.replace(/^tapegrad \S+: /, '');
  if (e instanceof ValueError) return `invalid input: ${e.message}`;
  if (e instanceof FileError) return e.message;
  if (isSystemError(e)) return fileError(e).message;
  const debug = process.env.TAPEGRAD_DEBUG
    ? `\n${e instanceof Error ? e.stack : ''}`
    : ' (set TAPEGRAD_DEBUG=1 for details)';
  return `internal error: ${e instanceof Error ? e.message : String(e)}${debug}`;
}
