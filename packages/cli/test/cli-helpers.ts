/**
 * @file Helpers shared by the command-line tests: checking that an image file parses, and
 * running the built `tapegrad` program as a child process.
 */
import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, vi } from 'vitest';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** The built command-line entry point. */
export const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

/** Asserts that `path` is a non-empty well-formed SVG (an <svg> root element) or a PNG (its signature). */
export function expectImage(path: string): void {
  const bytes = readFileSync(path);
  expect(bytes.length).toBeGreaterThan(100);
  if (path.endsWith('.png')) {
    expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    return;
  }
  const svg = bytes.toString('utf8');
  expect(svg).toMatch(/^(<\?xml[^>]*>\s*)?<svg[\s>]/);
  expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
  expect(wellFormed(svg)).toBe(true);
}

/** A small XML well-formedness check: every start tag is closed by a matching end tag, in order. */
function wellFormed(xml: string): boolean {
  const stack: string[] = [];
  const tag =
    /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!\[CDATA\[[\s\S]*?\]\]>/g;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = tag.exec(xml)) !== null) {
    if (xml.slice(consumed, m.index).includes('<')) return false;
    consumed = m.index + m[0].length;
    if (m[2] === undefined) continue;
    if (m[1] === '/') {
      if (stack.pop() !== m[2]) return false;
    } else if (m[4] !== '/') stack.push(m[2]);
  }
  return stack.length === 0 && !xml.slice(consumed).includes('<');
}

/** Runs `node dist/main.js ...args` and returns its status and output. */
export function runCli(
  args: readonly string[],
  options: { timeoutMs?: number; env?: Record<string, string>; cwd?: string } = {},
): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [MAIN, ...args], {
    cwd: options.cwd ?? ROOT,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 60_000,
    env: { ...process.env, ...options.env },
  });
}

/** Starts `node dist/main.js ...args` without waiting; stderr is collected into `stderr()`. */
export function startCli(
  args: readonly string[],
  options: { cwd?: string } = {},
): { child: ChildProcess; stderr: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [MAIN, ...args], {
    cwd: options.cwd ?? ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
  return { child, stderr: () => err, exit };
}

/** Waits until `ready()` holds, polling every 10 ms (the test's own timeout bounds it). */
export async function waitFor(ready: () => boolean): Promise<void> {
  while (!ready()) await new Promise((done) => setTimeout(done, 10));
}

/** A stack trace line as Node prints them: '    at f (file:line:col)'. */
export const STACK_LINE = /^\s+at .*:\d+:\d+\)?$/m;

/**
 * Runs the program in this process (`main` of src/program.ts) with stdout and stderr captured:
 * the same code as the child process runs, for the many checks that need no training threads or
 * signals, at a fraction of a process's start-up time.
 */
export async function runMain(args: readonly string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const { main } = await import('../src/program.js');
  const out: string[] = [];
  const err: string[] = [];
  const capture = (into: string[]) => (chunk: string | Uint8Array) =>
    into.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString()) > 0;
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(capture(out) as typeof process.stdout.write);
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(capture(err) as typeof process.stderr.write);
  try {
    const status = await main(args);
    return { status, stdout: out.join(''), stderr: err.join('') };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

/** Asserts a failure: the exit code, a message matching `message`, and no stack trace. */
export function expectFailure(r: { status: number | null; stderr: string }, code: 1 | 2, message: RegExp): void {
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(STACK_LINE);
  expect(r.status).toBe(code);
}
