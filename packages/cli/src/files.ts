/**
 * @file Small file helpers that fail with a FileError naming the path (errors.ts), never a raw
 * system error: text written atomically (temp file + fsync + rename), so a reader never sees half
 * a file; JSON read with errors that name the file; and output folders created one level at a
 * time, so a file in the way, a read-only or virtual file system (mkdir -p under /proc loops in
 * Node 20) or a missing permission is a message instead of a hang or a stack trace.
 */
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { dirname, resolve } from 'node:path';
import { FileError, fileError } from './errors.js';

/**
 * Writes `text` to `path` atomically: a temporary file in the same folder, fsync'ed, renamed
 * over the old file, then the folder fsync'ed so the rename itself survives a crash.
 *
 * @example
 * writeTextAtomic('out/run/record.json', '{}\n');
 */
export function writeTextAtomic(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw fileError(e, path);
  }
  syncFolder(dirname(path));
}

function syncFolder(folder: string): void {
  // A rename is durable only once its folder is; some platforms cannot open folders, which is harmless.
  try {
    const fd = openSync(folder, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    return;
  }
}

/**
 * Writes `value` as pretty JSON to `path` atomically.
 *
 * @example
 * writeJsonAtomic('out/run/summary.json', summary);
 */
export function writeJsonAtomic(path: string, value: unknown): void {
  writeTextAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Reads a file as UTF-8 text; a missing or unreadable file is a FileError naming it.
 *
 * @example
 * const text = readText('out/run/log.jsonl');
 */
export function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw fileError(e, path);
  }
}

/**
 * Reads a JSON file; a parse error names the file.
 *
 * @example
 * const record = readJson('out/run/record.json');
 */
export function readJson(path: string): unknown {
  const text = readText(path);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new FileError(path, `not valid JSON (${(e as Error).message})`);
  }
}

/** What is at `path`: a folder, a file (anything else that is not a folder), or nothing. */
export function kindOf(path: string): 'folder' | 'file' | 'none' {
  try {
    return statSync(path).isDirectory() ? 'folder' : 'file';
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // ENOTDIR: a file stands where a folder of the path should be, so nothing is at `path`.
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'none';
    throw fileError(e, path);
  }
}

/**
 * Makes sure `folder` exists as a folder, creating missing levels one at a time; returns its
 * absolute path. A file anywhere on the path, or a level that cannot be created, is a FileError.
 *
 * @example
 * ensureFolder('out/train'); // '/home/me/out/train'
 */
export function ensureFolder(folder: string): string {
  const target = resolve(folder);
  const missing: string[] = [];
  let at = target;
  for (;;) {
    const kind = kindOf(at);
    if (kind === 'folder') break;
    if (kind === 'file')
      throw new FileError(at, `is a file, not a folder${at === target ? '' : ` (on the way to '${target}')`}`);
    missing.unshift(at);
    const up = dirname(at);
    if (up === at) break;
    at = up;
  }
  for (const level of missing) {
    try {
      mkdirSync(level);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST' && kindOf(level) === 'folder') continue;
      throw fileError(e, level);
    }
  }
  return target;
}
