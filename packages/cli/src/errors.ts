/**
 * @file The command line's two kinds of failure and how each reaches the user. A UsageError is a
 * bad command line (exit code 2), found before any work; a FileError is a problem with a file or
 * folder (exit code 1): missing, unwritable, a file where a folder belongs, a full disk, a corrupt
 * checkpoint or record, a run folder another process holds. Both carry a message meant to be
 * read as it is, never a stack trace.
 */

/** A command-line mistake: unknown flag or name, missing or nonsense value. The program exits with code 2. */
export class UsageError extends TypeError {
  override readonly name = 'UsageError';
  constructor(
    readonly command: string,
    detail: string,
  ) {
    super(`tapegrad ${command}: ${detail}`);
  }
}

/** A file or folder that cannot be used as asked. The program exits with code 1. */
export class FileError extends Error {
  override readonly name: string = 'FileError';
  constructor(
    readonly path: string,
    readonly detail: string,
    /** What the file is, e.g. 'checkpoint', to start the message with. */
    kind = '',
  ) {
    super(`${kind === '' ? '' : `${kind} `}'${path}': ${detail}`);
  }
}

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or folder',
  ENOTDIR: 'part of the path is a file, not a folder',
  EISDIR: 'is a folder, not a file',
  EEXIST: 'already exists',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device (disk full)',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large',
  EMFILE: 'too many open files',
  EIO: 'input/output error',
  ENAMETOOLONG: 'name too long',
  ELOOP: 'too many symbolic links',
};

/** A Node.js system error (fs and friends): it has an errno code and usually a path. */
export function isSystemError(e: unknown): e is NodeJS.ErrnoException {
  return (
    e instanceof Error &&
    typeof (e as NodeJS.ErrnoException).code === 'string' &&
    typeof (e as NodeJS.ErrnoException).syscall === 'string'
  );
}

/**
 * Turns a system error into a FileError with a plain reason, naming `path` (or the error's own).
 *
 * @example
 * try { writeFileSync(p, text); } catch (e) { throw fileError(e, p); }
 */
export function fileError(e: unknown, path?: string): Error {
  if (!isSystemError(e)) return e instanceof Error ? e : new Error(String(e));
  const code = e.code ?? '';
  const where = path ?? e.path ?? '?';
  return new FileError(where, `cannot ${e.syscall}: ${REASONS[code] ?? e.message} (${code})`);
}
