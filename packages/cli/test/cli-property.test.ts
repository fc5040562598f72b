/**
 * @file A property over generated command lines: whatever the arguments — valid or not, known
 * flags with good, bad or odd values, paths that are files or cannot be made, `--`, help, unknown
 * flags and stray arguments — the program ends with exit code 0, 1 or 2, prints no stack trace
 * and no internal error, and writes nothing outside the folders its --out (and train's --record)
 * name. Each command line starts from tiny sizes so that valid ones finish in a moment. The
 * program runs in this process, in a fresh folder of its own (relative paths land there), except
 * sweep, whose worker threads need the built program (a child process in that folder).
 * TAPEGRAD_FC_RUNS and TAPEGRAD_FC_SEED change the number of runs and the seed.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, STACK_LINE, runCli, runMain } from './cli-helpers.js';
import { runs } from '../../../test/fast-check.js';

/** Runs `main` with the working folder set to `cwd` (relative paths of the command line land there). */
async function runMainIn(cwd: string, args: readonly string[]): Promise<{ status: number | null; stderr: string }> {
  const previous = process.cwd();
  process.chdir(cwd);
  try {
    return await runMain(args);
  } finally {
    process.chdir(previous);
  }
}

const RUNS = runs(40);
const base = mkdtempSync(join(tmpdir(), 'tapegrad-property-'));
const RUN = join(base, 'inputs', 'run');
const SIZES = [
  '--length',
  '10',
  '--hidden',
  '3',
  '--batch',
  '2',
  '--validate-every',
  '2',
  '--validation-sequences',
  '4',
  '--test-sequences',
  '4',
  '--quiet',
];

beforeAll(async () => {
  execFileSync('npx', ['tsc', '-b', 'packages/cli'], { cwd: ROOT, stdio: 'inherit' });
  expect((await runMain(['train', ...SIZES, '--updates', '3', '--out', RUN])).status).toBe(0);
}, 120_000);

/** Every file under `folder` with its size and modification time, to see what a run wrote. */
function snapshot(folder: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (f: string) => {
    for (const name of readdirSync(f)) {
      const path = join(f, name);
      const s = statSync(path);
      if (s.isDirectory()) walk(path);
      else files.set(path, `${s.size}:${s.mtimeMs}`);
    }
  };
  walk(folder);
  return files;
}

/** The pieces a command line is made of; `@` stands for the sandbox folder of the run. */
const numbers = ['0', '1', '2', '3', '1e1', '1.5', '-1', '1e99', '0x10', '+5', 'abc', '', '10..12', '4294967296'];
const names = [
  'sgd',
  'sgd-c',
  'sgd-cr',
  'temporal-order',
  'addition',
  'memorization',
  'smart-tanh',
  'sigmoid',
  'all',
  'bogus',
];
const paths = ['@/out', '@/out2', '@/file', '@/file/sub', '/proc/tapegrad-nope', `${RUN}`, `${RUN}/record.json`];
const flags: Record<string, string[]> = {
  train: [
    '--task',
    '--init',
    '--method',
    '--length',
    '--hidden',
    '--lr',
    '--clip',
    '--alpha',
    '--batch',
    '--updates',
    '--seed',
    '--keep-going',
    '--out',
    '--record',
    '--resume',
    '--resume-or-start',
    '--overwrite',
    '--json',
    '--omega-form',
    '--log-every',
  ],
  eval: ['--lengths', '--sequences', '--seed', '--json'],
  collect: ['--out', '--json'],
  surface: ['--points', '--steps', '--lr', '--clip', '--start', '--w-range', '--out', '--json'],
  diagnose: ['--init', '--task', '--hidden', '--length', '--batch', '--checkpoint', '--out', '--json'],
  sweep: ['--inits', '--methods', '--lengths', '--seeds', '--updates', '--hidden', '--out', '--emit-jobs', '--json'],
};
/** What makes each command quick, given first so generated flags can override it. */
const tiny: Record<string, string[]> = {
  train: [...SIZES, '--updates', '3', '--out', '@/out'],
  eval: [RUN, '--sequences', '10'],
  collect: [RUN, '--out', '@/out', '--no-plots'],
  surface: ['--points', '3', '--steps', '2', '--out', '@/out'],
  diagnose: ['--init', 'sigmoid', '--length', '10', '--hidden', '3', '--batch', '2', '--out', '@/out'],
  sweep: [
    '--inits',
    'sigmoid',
    '--methods',
    'sgd',
    '--lengths',
    '10',
    '--seeds',
    '1',
    '--updates',
    '3',
    ...SIZES.slice(2),
    '--no-plots',
    '--out',
    '@/out',
  ],
};

const token = (command: string) =>
  fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .tuple(fc.constantFrom(...flags[command]), fc.constantFrom(...numbers, ...names, ...paths))
        .map(([f, v]) => [f, v]),
    },
    { weight: 1, arbitrary: fc.constantFrom(['--'], ['-h'], ['--zz'], ['stray'], ['--out=@/out3'], ['--lr='], ['-x']) },
  );
const commandLine = fc
  .constantFrom('train', 'train', 'eval', 'collect', 'surface', 'diagnose', 'sweep')
  .chain((command) => fc.tuple(fc.constant(command), fc.array(token(command), { maxLength: 3 })))
  .map(([command, extra]) => [command, ...tiny[command], ...extra.flat()]);

/** The paths a command line may write under, resolved from `cwd`: its last --out and train's --record. */
function allowed(cwd: string, args: readonly string[]): string[] {
  const value = (name: string) => {
    let v: string | undefined;
    args.forEach((a, i) => {
      if (args.indexOf('--') !== -1 && i > args.indexOf('--')) return;
      if (a === name) v = args[i + 1];
      else if (a.startsWith(`${name}=`)) v = a.slice(name.length + 1);
    });
    return v;
  };
  return [value('--out'), value('--record')]
    .filter((v): v is string => v !== undefined && v !== '')
    .map((v) => resolve(cwd, v));
}

describe('any command line', () => {
  it(`ends with exit code 0, 1 or 2, no stack trace, and writes only under its --out (${RUNS} generated command lines)`, async () => {
    let tried = 0;
    await fc.assert(
      fc.asyncProperty(commandLine, async (template) => {
        tried++;
        const sandbox = mkdtempSync(join(base, 'run-'));
        writeFileSync(join(sandbox, 'file'), 'not a folder');
        const args = template.map((a) => a.replaceAll('@', sandbox));
        const before = snapshot(base);
        const r =
          args[0] === 'sweep' && !args.includes('--emit-jobs')
            ? runCli(args, { timeoutMs: 120_000, cwd: sandbox })
            : await runMainIn(sandbox, args);
        expect([0, 1, 2], `exit code of ${args.join(' ')}: ${r.stderr}`).toContain(r.status);
        expect(r.stderr).not.toMatch(STACK_LINE);
        expect(r.stderr).not.toMatch(/internal error/);
        const roots = allowed(sandbox, args);
        const written = [...snapshot(base)].filter(([path, stamp]) => before.get(path) !== stamp).map(([path]) => path);
        const outside = written.filter(
          (path) => !roots.some((root) => path === root || !relative(root, path).startsWith('..')),
        );
        expect(outside, `${args.join(' ')} wrote outside ${roots.join(', ')}`).toEqual([]);
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
    expect(tried).toBe(RUNS);
  }, 600_000);
});
