/**
 * @file One writer per run folder. A run takes `lock` in its folder before it reads or writes
 * anything there: the file is created exclusively (O_EXCL), so of two processes only one gets it,
 * and it names its holder (host, process id, a random token). A lock whose holder is gone — same
 * host, process no longer running, as after kill -9 — is stale and taken over; a lock held by a
 * live process, or by another host (which cannot be checked from here), is refused with a message
 * that says how to clear it.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { FileError, fileError } from './errors.js';

/** The lock's file name inside a run folder. */
export const LOCK_FILE = 'lock';

/** Who holds a lock. */
interface Holder {
  readonly host: string;
  readonly pid: number;
  readonly token: string;
  readonly since: string;
}

/** A run folder held by this process; `release()` gives it back (at most once has an effect). */
export interface RunLock {
  readonly path: string;
  release(): void;
}

/**
 * Takes the lock of `folder` (which must exist) or throws a FileError naming its holder.
 *
 * @example
 * const lock = lockFolder('out/train');
 * try { ... } finally { lock.release(); }
 */
export function lockFolder(folder: string): RunLock {
  const path = join(folder, LOCK_FILE);
  const me: Holder = {
    host: hostname(),
    pid: process.pid,
    token: randomBytes(8).toString('hex'),
    since: new Date().toISOString(),
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    if (tryCreate(path, me)) return { path, release: () => releaseIfMine(path, me.token) };
    const holder = readHolder(path);
    if (holder === null) continue; // released between our two calls: try again
    if (!isStale(holder)) {
      const who = holder.host === me.host ? `process ${holder.pid}` : `process ${holder.pid} on host ${holder.host}`;
      throw new FileError(
        folder,
        `is in use by ${who} since ${holder.since}; if that process is gone, delete '${path}'`,
      );
    }
    // Move the stale lock aside under a unique name; only one taker succeeds, and it checks it moved the stale one.
    const aside = `${path}.stale-${me.token}`;
    try {
      renameSync(path, aside);
    } catch {
      continue;
    }
    const moved = readHolder(aside);
    if (moved !== null && moved.token !== holder.token)
      renameSync(aside, path); // a live lock slipped in: put it back
    else rmSync(aside, { force: true });
  }
  throw new FileError(folder, `could not take '${path}': other processes keep taking it`);
}

function tryCreate(path: string, me: Holder): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw fileError(e, path);
  }
  try {
    writeSync(fd, `${JSON.stringify(me)}\n`);
  } catch (e) {
    closeSync(fd);
    rmSync(path, { force: true });
    throw fileError(e, path);
  }
  closeSync(fd);
  return true;
}

function readHolder(path: string): Holder | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  try {
    const h = JSON.parse(text) as Partial<Holder>;
    if (typeof h.host === 'string' && Number.isInteger(h.pid) && typeof h.token === 'string')
      return { host: h.host, pid: h.pid as number, token: h.token, since: String(h.since) };
  } catch {
    // An empty or torn lock: its writer died between creating and writing it.
  }
  return { host: hostname(), pid: -1, token: `torn:${text}`, since: 'an unknown time' };
}

function isStale(h: Holder): boolean {
  if (h.host !== hostname()) return false;
  if (h.pid <= 0) return true;
  try {
    process.kill(h.pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function releaseIfMine(path: string, token: string): void {
  const holder = readHolder(path);
  if (holder?.token === token) rmSync(path, { force: true });
}
