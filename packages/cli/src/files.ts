/**
 * @file Small file helpers: JSON written atomically (temp file + fsync + rename), so a reader
 * never sees half a result, and reading JSON with an error that names the file.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';

/**
 * Writes `value` as pretty JSON to `path` atomically.
 *
 * @example
 * writeJsonAtomic('out/run/result.json', summary);
 */
export function writeJsonAtomic(path: string, value: unknown): void {
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, `${JSON.stringify(value, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/**
 * Reads a JSON file; a parse error names the file.
 *
 * @example
 * const summary = readJson('out/run/result.json') as RunSummary;
 */
export function readJson(path: string): unknown {
  const text = readFileSync(path, 'utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new SyntaxError(`${path}: not valid JSON (${(e as Error).message})`);
  }
}
