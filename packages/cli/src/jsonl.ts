/**
 * @file JSON-lines logs: one JSON object per line, appended as training goes. A resumed run
 * truncates the log back to the checkpoint's update number first, so the log of a resumed run
 * reads exactly like the log of an uninterrupted one (no duplicated records).
 */
import { appendFileSync, existsSync } from 'node:fs';
import { FileError, fileError } from './errors.js';
import { readText, writeTextAtomic } from './files.js';

/** A record of a JSON-lines log; `update` orders training records. */
export type LogRecord = Record<string, unknown> & { readonly type: string; readonly update?: number };

/**
 * Appends records to a `.jsonl` file, one line each, synchronously (a crash loses at most the
 * line being written, which {@link readJsonLines} then skips).
 *
 * @example
 * const log = new JsonLinesLog('out/run/log.jsonl');
 * log.append({ type: 'train', update: 100, loss: 1.2 });
 */
export class JsonLinesLog {
  constructor(readonly path: string) {}

  /** Appends one record. */
  append(record: LogRecord): void {
    try {
      appendFileSync(this.path, `${JSON.stringify(record, keepNonFinite)}\n`);
    } catch (e) {
      throw fileError(e, this.path);
    }
  }

  /** Rewrites the file keeping only records with no update number or one ≤ `update`. */
  truncateAfter(update: number): void {
    if (!existsSync(this.path)) return;
    const kept = readJsonLines(this.path).filter((r) => r.update === undefined || r.update <= update);
    writeTextAtomic(this.path, kept.map((r) => `${JSON.stringify(r)}\n`).join(''));
  }
}

/** JSON has no NaN or ±Infinity (it would write null): log them as the strings "NaN", "Infinity", "-Infinity". */
function keepNonFinite(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;
}

/**
 * Reads a JSON-lines file; a torn last line (a run killed mid-write) is skipped, any other bad
 * line is an error naming the file and line number.
 *
 * @example
 * const records = readJsonLines('out/run/log.jsonl').filter((r) => r.type === 'train');
 */
export function readJsonLines(path: string): LogRecord[] {
  const lines = readText(path).split('\n');
  const out: LogRecord[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      out.push(JSON.parse(line) as LogRecord);
    } catch {
      const isLast = lines.slice(i + 1).every((l) => l.trim() === '');
      if (!isLast) throw new FileError(path, `line ${i + 1} is not valid JSON`);
    }
  });
  return out;
}
