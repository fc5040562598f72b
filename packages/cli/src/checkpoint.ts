/**
 * @file Checkpoint files. A checkpoint is two lines of text: a header (format name, version, the
 * byte length and SHA-256 of the body) and the body (the run's configuration and its training
 * state as JSON). Float64Arrays and tensors are stored as base64 of their little-endian bytes and
 * non-finite numbers and −0 are tagged, so a restored state equals the saved one bit for bit.
 *
 * Writing is atomic: the text goes to a temporary file in the same folder, is fsync'ed, then
 * renamed over the old checkpoint, so a run killed at any instant leaves either the previous
 * checkpoint or the new one, never a torn file. Reading checks everything before returning, so a
 * truncated, corrupt or foreign file is an error with a clear message and nothing is overwritten.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Tensor } from '@tapegrad/autodiff';
import { FileError } from './errors.js';
import { writeTextAtomic } from './files.js';

/** The format name in a checkpoint header. */
export const CHECKPOINT_FORMAT = 'tapegrad-checkpoint';
/** The checkpoint format version this program writes and reads. */
export const CHECKPOINT_VERSION = 1;

/** A checkpoint file that cannot be used: truncated, corrupt, another format or version, or a mismatched run. */
export class CheckpointError extends FileError {
  override readonly name = 'CheckpointError';
  constructor(path: string, detail: string) {
    super(path, detail, 'checkpoint');
  }
}

interface Header {
  format: string;
  version: number;
  bytes: number;
  sha256: string;
}

/**
 * Writes `body` to `path` atomically (files.ts: temp file, fsync, rename, fsync of the folder).
 *
 * @example
 * writeCheckpoint('out/run/checkpoint.json', { config, state: run.state() });
 */
export function writeCheckpoint(path: string, body: unknown): void {
  const text = JSON.stringify(body, encode);
  const header: Header = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    bytes: Buffer.byteLength(text),
    sha256: sha256(text),
  };
  writeTextAtomic(path, `${JSON.stringify(header)}\n${text}\n`);
}

/**
 * Reads and verifies a checkpoint written by {@link writeCheckpoint}; throws a
 * {@link CheckpointError} saying what is wrong (missing, truncated, checksum, format, version).
 *
 * @example
 * const { config, state } = readCheckpoint('out/run/checkpoint.json') as SavedRun;
 */
export function readCheckpoint(path: string): unknown {
  let raw: Buffer;
  try {
    raw = readFileSync(path);
  } catch (e) {
    throw new CheckpointError(path, `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const newline = raw.indexOf(0x0a);
  if (newline < 0)
    throw new CheckpointError(path, `truncated or not a checkpoint: no header line (${raw.length} bytes)`);
  let header: Header;
  try {
    header = JSON.parse(raw.subarray(0, newline).toString('utf8')) as Header;
  } catch {
    throw new CheckpointError(path, 'not a tapegrad checkpoint: the header line is not JSON');
  }
  if (header.format !== CHECKPOINT_FORMAT) {
    throw new CheckpointError(path, `not a tapegrad checkpoint: format is ${JSON.stringify(header.format)}`);
  }
  if (header.version !== CHECKPOINT_VERSION) {
    throw new CheckpointError(
      path,
      `format version ${header.version}, this program reads version ${CHECKPOINT_VERSION}`,
    );
  }
  const body = raw.subarray(newline + 1);
  const text = body.toString('utf8').replace(/\n$/, '');
  const bytes = Buffer.byteLength(text);
  if (bytes < header.bytes) throw new CheckpointError(path, `truncated: body has ${bytes} of ${header.bytes} bytes`);
  if (bytes > header.bytes)
    throw new CheckpointError(path, `corrupt: body has ${bytes} bytes, header says ${header.bytes}`);
  if (sha256(text) !== header.sha256)
    throw new CheckpointError(path, 'corrupt: SHA-256 of the body does not match the header');
  try {
    return JSON.parse(text, decode);
  } catch (e) {
    throw new CheckpointError(path, `the body is not valid JSON (${(e as Error).message})`);
  }
}

/**
 * Throws unless the configuration saved in a checkpoint equals the requested one on every key
 * that defines the run (the update budget and output settings may differ on resume).
 *
 * @example
 * assertSameRun('ckpt.json', saved.config, requested, ['updates']);
 */
export function assertSameRun(
  path: string,
  saved: Record<string, unknown>,
  requested: Record<string, unknown>,
  mayDiffer: readonly string[],
): void {
  const keys = new Set([...Object.keys(saved), ...Object.keys(requested)]);
  const diffs: string[] = [];
  for (const k of keys) {
    if (mayDiffer.includes(k)) continue;
    const a = JSON.stringify(saved[k], encode);
    const b = JSON.stringify(requested[k], encode);
    if (a !== b) diffs.push(`${k}: checkpoint has ${a ?? 'nothing'}, requested ${b ?? 'nothing'}`);
  }
  if (diffs.length > 0) throw new CheckpointError(path, `belongs to a different run (${diffs.join('; ')})`);
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function bytesOf(a: Float64Array | Int32Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

/** JSON replacer: typed arrays and tensors as base64 bytes, non-finite numbers and −0 tagged. */
function encode(this: unknown, _key: string, value: unknown): unknown {
  if (value instanceof Tensor) return { $tensor: { shape: [...value.shape], f64: bytesOf(value.data) } };
  if (value instanceof Float64Array) return { $f64: bytesOf(value) };
  if (value instanceof Int32Array) return { $i32: bytesOf(value) };
  if (typeof value === 'number' && (!Number.isFinite(value) || Object.is(value, -0)))
    return { $num: Object.is(value, -0) ? '-0' : String(value) };
  return value;
}

/** JSON reviver undoing {@link encode}. */
function decode(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const v = value as Record<string, unknown>;
  if (typeof v.$f64 === 'string') return float64From(v.$f64);
  if (typeof v.$i32 === 'string') {
    const b = Buffer.from(v.$i32, 'base64');
    return new Int32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  }
  if (typeof v.$num === 'string') return v.$num === '-0' ? -0 : Number(v.$num);
  if (v.$tensor !== undefined) {
    const t = v.$tensor as { shape: number[]; f64: string };
    return new Tensor(float64From(t.f64), t.shape);
  }
  return value;
}

function float64From(b64: string): Float64Array {
  const b = Buffer.from(b64, 'base64');
  return new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}
