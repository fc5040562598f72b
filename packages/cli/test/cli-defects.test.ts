/**
 * @file The defects of issue 10, each a test that failed before it was mended: results that were
 * silently wrong (the first success across a resume, collect counting runs twice and pooling
 * different runs, two writers on one run folder, seeds above 32 bits), the cluster path (emitted
 * jobs run by GNU parallel from another folder, collected into the table a sweep makes; a grid
 * resumed elsewhere from its records), and crashes or ignored input that now end with a message
 * and exit code 1 or 2. The CLI runs as a child process at tiny sizes.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Trainer } from '@tapegrad/rnn';
import { MAIN, ROOT, expectFailure, runCli, runMain, startCli, waitFor } from './cli-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tapegrad-defects-'));
/** Solves temporal order at L = 10 at update 50 (and stays solved), validating every 25. */
const SOLVES = [
  '--length',
  '10',
  '--hidden',
  '16',
  '--batch',
  '20',
  '--lr',
  '1',
  '--method',
  'sgd-c',
  '--init',
  'basic-tanh',
  '--validate-every',
  '25',
  '--validation-sequences',
  '50',
  '--test-sequences',
  '0',
  '--keep-going',
  '--quiet',
];
const TINY = [
  '--length',
  '10',
  '--hidden',
  '5',
  '--batch',
  '4',
  '--validate-every',
  '5',
  '--validation-sequences',
  '20',
  '--test-sequences',
  '20',
  '--quiet',
];
const GRID = [
  '--inits',
  'basic-tanh',
  '--methods',
  'sgd,sgd-c',
  '--lengths',
  '10',
  '--seeds',
  '1,2',
  '--updates',
  '60',
  '--hidden',
  '6',
  '--batch',
  '10',
  '--lr',
  '0.3',
  '--validate-every',
  '20',
  '--validation-sequences',
  '40',
  '--test-sequences',
  '40',
  '--keep-going',
  '--quiet',
  '--no-plots',
];

beforeAll(() => {
  execFileSync('npx', ['tsc', '-b', 'packages/cli'], { cwd: ROOT, stdio: 'inherit' });
}, 120_000);

const record = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const cellsOf = (stdout: string) => JSON.parse(stdout).cells;

describe('results that were silently wrong', () => {
  it('1. solvedAt after a resume is the first success of the whole run, as in an uninterrupted one', async () => {
    const whole = join(dir, 'solved-whole');
    expect((await runMain(['train', ...SOLVES, '--updates', '150', '--out', whole])).status).toBe(0);
    const solvedAt = record(join(whole, 'record.json')).solvedAt;
    expect(solvedAt).toBe(50);
    // Stop after the first success (a budget, like kill -9 after a checkpoint), then resume to the same end.
    const split = join(dir, 'solved-split');
    expect((await runMain(['train', ...SOLVES, '--updates', '75', '--out', split])).status).toBe(0);
    expect((await runMain(['train', ...SOLVES, '--updates', '150', '--out', split, '--resume'])).status).toBe(0);
    expect(record(join(split, 'record.json')).solvedAt).toBe(solvedAt);
  });

  it('2. collect counts each run once when folders overlap, never pools different runs, and refuses an empty folder', async () => {
    const sweep = join(dir, 'grid-a');
    const made = runCli(['sweep', ...GRID, '--out', sweep, '--json']);
    expect(made.status).toBe(0);
    const table = cellsOf(made.stdout);
    expect(table.map((c: { runs: number }) => c.runs)).toEqual([2, 2]);
    for (const roots of [
      [sweep, sweep],
      [sweep, join(sweep, 'records')],
    ]) {
      const r = await runMain(['collect', ...roots, '--out', join(dir, 'report-overlap'), '--json', '--no-plots']);
      expect(r.status).toBe(0);
      expect(cellsOf(r.stdout)).toEqual(table);
    }
    // A run of the same cell with another learning rate gets its own row, with the setting shown.
    const other = join(dir, 'other-lr');
    expect(
      (
        await runMain([
          'train',
          ...TINY,
          '--init',
          'basic-tanh',
          '--method',
          'sgd',
          '--lr',
          '0.05',
          '--updates',
          '10',
          '--keep-going',
          '--out',
          other,
        ])
      ).status,
    ).toBe(0);
    const mixed = await runMain(['collect', sweep, other, '--out', join(dir, 'report-mixed'), '--no-plots']);
    expect(mixed.status).toBe(0);
    expect(mixed.stdout).toMatch(/^init +method +length +hidden +learningRate .*\n/);
    expect(mixed.stdout.split('\n').filter((l) => / sgd /.test(l))).toHaveLength(2);
    mkdirSync(join(dir, 'empty'));
    expectFailure(await runMain(['collect', join(dir, 'empty'), '--no-plots']), 1, /holds no run records/);
  });

  it('3. one writer per run folder: duplicate grid cells run once; a second train on a folder in use is refused; a stale lock is taken over', async () => {
    const dup = join(dir, 'dup');
    const r = runCli(['sweep', ...GRID, '--methods', 'sgd', '--seeds', '1,1', '--out', dup]);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/--seeds repeats 1; each cell runs once/);
    expect(readdirSync(join(dup, 'records'))).toEqual(['basic-tanh_sgd_L10_s1.json']);
    const updates = readFileSync(join(dup, 'runs', 'basic-tanh_sgd_L10_s1', 'log.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.includes('"type":"validation"'));
    expect(updates).toHaveLength(3);

    const folder = join(dir, 'busy');
    const args = ['train', ...TINY, '--updates', '100000', '--checkpoint-every', '10', '--out', folder];
    const first = startCli(args);
    await waitFor(() => existsSync(join(folder, 'checkpoint.json')));
    expectFailure(
      await runMain([...args.slice(0, -2), '--out', folder, '--resume']),
      1,
      /is in use by process \d+ since .*; if that process is gone, delete '.*lock'/,
    );
    first.child.kill('SIGKILL');
    await first.exit;
    expect(existsSync(join(folder, 'lock'))).toBe(true);
    const resumed = await runMain(['train', ...TINY, '--updates', '30', '--out', folder, '--resume']);
    expect(resumed.stderr).toBe('');
    expect(resumed.status).toBe(0);
    expect(existsSync(join(folder, 'lock'))).toBe(false);
  });

  it('4. seeds use all their bits or are refused: 32-bit seeds only, on the command line and in the library', async () => {
    expectFailure(
      await runMain(['train', '--seed', '4294967297']),
      2,
      /--seed': must be an integer in \[0, 2,147,483,647\], got '4294967297'/,
    );
    expectFailure(await runMain(['sweep', '--seeds', '1,9007199254740993']), 2, /got '9007199254740993'/);
    expect(() => new Trainer({ minLength: 10, seed: 2 ** 32 + 1 })).toThrow(
      /config.seed': must be an integer in \[-2147483648, 2147483647\]/,
    );
    expect(() => new Trainer({ minLength: 10, seed: 2 ** 31 })).toThrow(/config.seed'/);
    const weights = [0, 1, 2 ** 31 - 1, -(2 ** 31), -1].map((seed) =>
      Array.from(new Trainer({ minLength: 10, hidden: 3, seed }).params.W_rec.data).join(),
    );
    expect(new Set(weights).size).toBe(5);
  });
});

describe('on many machines', () => {
  it("5. emitted jobs run as printed from another folder under GNU parallel, and collect makes the sweep's table", async (context) => {
    // a fresh machine may lack Debian's parallel (.ci/run installs it): then say so in the summary
    if (spawnSync('parallel', ['--version'], { encoding: 'utf8' }).error !== undefined)
      context.skip('GNU parallel is not installed (apt-get install parallel): the cluster path is untested here');
    const grid = join(dir, 'grid-b');
    const jobs = await runMain(['sweep', ...GRID, '--out', grid, '--emit-jobs']);
    expect(jobs.status).toBe(0);
    expect(jobs.stdout.trim().split('\n')).toHaveLength(4);
    const elsewhere = mkdtempSync(join(tmpdir(), 'tapegrad-jobs-'));
    // Debian's parallel, two jobs at a time; PATH holds no tapegrad, and the jobs run in another folder.
    const ran = spawnSync('parallel', ['--will-cite', '-j', '2'], {
      input: jobs.stdout,
      cwd: elsewhere,
      encoding: 'utf8',
      env: { ...process.env, PATH: '/usr/bin:/bin' },
    });
    expect(ran.error).toBeUndefined();
    expect(ran.stderr).toBe('');
    expect(ran.status).toBe(0);
    expect(readdirSync(elsewhere)).toEqual([]);
    const collected = await runMain(['collect', grid, '--json', '--no-plots']);
    expect(collected.status).toBe(0);
    const swept = await runMain([
      'collect',
      join(dir, 'grid-a'),
      '--out',
      join(dir, 'report-a'),
      '--json',
      '--no-plots',
    ]);
    expect(cellsOf(collected.stdout)).toEqual(cellsOf(swept.stdout));
  });

  it('6. a grid resumes elsewhere from its records: finished cells are not run again, new ones are', async () => {
    const moved = join(dir, 'grid-moved');
    cpSync(join(dir, 'grid-a', 'records'), join(moved, 'records'), { recursive: true });
    const r = runCli(['sweep', ...GRID, '--seeds', '1,2,3', '--out', moved, '--json']);
    expect(r.status).toBe(0);
    expect(readdirSync(join(moved, 'runs')).sort()).toEqual(['basic-tanh_sgd-c_L10_s3', 'basic-tanh_sgd_L10_s3']);
    expect(cellsOf(r.stdout).map((c: { runs: number }) => c.runs)).toEqual([3, 3]);
    // Records are checked when read: a field out of range or a newer version is refused by name.
    const path = join(moved, 'records', 'basic-tanh_sgd_L10_s1.json');
    const good = readFileSync(path, 'utf8');
    writeFileSync(path, good.replace('"updates": 60', '"updates": 61'));
    expectFailure(
      await runMain(['collect', moved, '--no-plots']),
      1,
      /record '.*s1\.json': field 'updates': must be an integer in \[0, 60\], got 61/,
    );
    writeFileSync(path, good.replace('"version": 2', '"version": 3'));
    expectFailure(
      await runMain(['collect', path, '--no-plots']),
      1,
      /record version 3; this program reads versions 1 and 2/,
    );
  });
});

describe('crashes and hangs become messages', () => {
  it('refuses an --out that is a file, lies under a file, or cannot be made (also under /proc, at once)', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    expectFailure(await runMain(['train', '--out', file]), 1, /a-file': is a file, not a folder/);
    expectFailure(
      await runMain(['surface', '--out', join(file, 'sub')]),
      1,
      /a-file': is a file, not a folder \(on the way to/,
    );
    expectFailure(await runMain(['train', '--out', '/proc/tapegrad-nope']), 1, /'\/proc\/tapegrad-nope': cannot mkdir/);
    expectFailure(
      await runMain(['diagnose', '--out', '/sys/tapegrad-nope']),
      1,
      /cannot mkdir: operation not permitted/,
    );
    expectFailure(
      await runMain(['collect', join(dir, 'missing'), '--no-plots']),
      1,
      /missing': no such file or folder/,
    );
    expectFailure(await runMain(['collect', file, '--no-plots']), 1, /is a file but not a run record/);
  });

  it('stops with a message when the disk fills up', async () => {
    // A 64 KiB file system of its own (a mount namespace; needs root, as CI and the developers' machines run).
    const script = `mount -t tmpfs -o size=64k tmpfs "$1" && exec "${process.execPath}" "${MAIN}" train ${TINY.join(' ')} --updates 100000 --log-every 1 --out "$1/run"`;
    const disk = join(dir, 'small-disk');
    mkdirSync(disk);
    const r = spawnSync('unshare', ['-m', 'sh', '-c', script, 'sh', disk], { encoding: 'utf8', timeout: 60_000 });
    expectFailure(r, 1, /no space left on the device \(disk full\) \(ENOSPC\)/);
  });

  it('states size limits and refuses before allocating', async () => {
    expectFailure(
      await runMain(['train', '--hidden', '100000000']),
      2,
      /--hidden': must be an integer in \[1, 2,048\]/,
    );
    expectFailure(
      await runMain(['train', '--batch', '100000000']),
      2,
      /--batch': must be an integer in \[1, 100,000\]/,
    );
    expectFailure(
      await runMain(['train', '--batch', '100000']),
      2,
      /too large: .* need about 17\.3 GB of memory; the limit is 1\.0 GB/,
    );
    expectFailure(
      await runMain(['eval', join(dir, 'other-lr'), '--lengths', '100000000']),
      2,
      /--lengths': must be an integer in \[1, 1,000,000\]/,
    );
    expectFailure(
      await runMain(['eval', join(dir, 'other-lr'), '--lengths', '900000']),
      2,
      /too large: length 900000, 100 sequences at a time/,
    );
    // An evaluation keeps no state of the whole sequence (predictOutputs runs in chunks), so the
    // paper's 5,000 steps fit; it was once refused as needing 1.3 GB, the memory of training at it.
    const long = await runMain(['eval', join(dir, 'other-lr'), '--lengths', '5000', '--sequences', '100']);
    expect(long.status, long.stderr).toBe(0);
    expect(long.stdout).toMatch(/^5000 +\d+\/100 /m);
    expectFailure(await runMain(['surface', '--points', '1001']), 2, /--points': must be an integer in \[2, 1,000\]/);
    // 400 points once overflowed the call stack (a whole grid spread into Math.min); now it is drawn.
    const big = await runMain([
      'surface',
      '--points',
      '400',
      '--steps',
      '2',
      '--out',
      join(dir, 'surface-400'),
      '--json',
    ]);
    expect(big.status).toBe(0);
    expect(existsSync(join(dir, 'surface-400', 'surface.png'))).toBe(true);
  });
});

describe('input that was inconsistent or ignored', () => {
  it('refuses --resume with --overwrite, and --resume where there is nothing to resume', async () => {
    expectFailure(
      await runMain(['train', '--resume', '--overwrite']),
      2,
      /--resume and --overwrite cannot be used together/,
    );
    const nothing = join(dir, 'not-there');
    expectFailure(
      await runMain(['train', ...TINY, '--resume', '--out', nothing]),
      1,
      /no run to resume: the folder does not exist/,
    );
    expect(existsSync(nothing)).toBe(false);
  });

  it('refuses diagnose flags that a checkpoint decides', async () => {
    expectFailure(
      await runMain(['diagnose', '--checkpoint', join(dir, 'other-lr'), '--hidden', '99']),
      2,
      /--hidden cannot be used with --checkpoint/,
    );
  });

  it('reads every number flag with one grammar', async () => {
    for (const [flag, value] of [
      ['--lr', '0x10'],
      ['--lr', '+5'],
      ['--updates', '1e99'],
      ['--clip', 'Infinity'],
    ]) {
      const r = await runMain(['train', flag, value]);
      expectFailure(r, 2, /flag '--\w+': /);
      expect(r.stderr).toContain(`flag '${flag}'`);
      expect(r.stderr).toContain(`got '${value}'`);
    }
    const r = await runMain([
      'train',
      ...TINY,
      '--length',
      '1e1',
      '--updates',
      '0',
      '--out',
      join(dir, 'exp-length'),
      '--json',
    ]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).config.minLength).toBe(10);
  });

  it('names the file of a checkpoint whose hash is right but whose state cannot be restored, with exit code 1 everywhere', async () => {
    const folder = join(dir, 'malformed');
    expect((await runMain(['train', ...TINY, '--updates', '5', '--out', folder])).status).toBe(0);
    const file = join(folder, 'checkpoint.json');
    const body = JSON.parse(readFileSync(file, 'utf8').split('\n')[1]);
    body.state.params.W_in.data.pop();
    const text = JSON.stringify(body);
    const header = {
      format: 'tapegrad-checkpoint',
      version: 1,
      bytes: Buffer.byteLength(text),
      sha256: createHash('sha256').update(text).digest('hex'),
    };
    writeFileSync(file, `${JSON.stringify(header)}\n${text}\n`);
    for (const args of [
      ['train', ...TINY, '--updates', '9', '--out', folder, '--resume'],
      ['eval', folder],
    ]) {
      expectFailure(
        await runMain(args),
        1,
        /checkpoint '.*malformed\/checkpoint\.json': holds a run state this program cannot restore/,
      );
    }
  });
});

describe('conventions', () => {
  it('--version, a bare tapegrad prints help, -- ends the flags, help without a doubled default', async () => {
    const version = await runMain(['--version']);
    expect(version.stdout).toBe(
      `tapegrad ${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`,
    );
    const bare = await runMain([]);
    expect(bare.status).toBe(0);
    expect(bare.stdout).toMatch(/^Usage: tapegrad COMMAND[\s\S]*story/);
    expectFailure(await runMain(['eval', '--', '--not-a-flag']), 1, /--not-a-flag': no such file or folder/);
    for (const c of ['collect', 'eval', 'diagnose', 'train']) {
      const help = (await runMain([c, '--help'])).stdout;
      expect(help).not.toContain('(default: )');
      expect(help.split('\n').filter((l) => (l.match(/\(default/g) ?? []).length > 1)).toEqual([]);
    }
  });

  it('progress off a terminal is plain lines; eval takes ranges; numbers are printed for people', async () => {
    const folder = join(dir, 'plain-progress');
    const r = runCli(['train', ...TINY.filter((a) => a !== '--quiet'), '--updates', '20', '--out', folder], {
      env: { TERM: 'dumb' },
    });
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/^train +\d+% \d+\/20 /m);
    expect(r.stderr.includes('\r') || r.stderr.includes('\u001b')).toBe(false); // no carriage returns, no escape sequences
    const ev = await runMain(['eval', folder, '--lengths', '10..14,12', '--sequences', '20', '--json']);
    expect(JSON.parse(ev.stdout).results.map((x: { lengths: string }) => x.lengths)).toEqual(['10..14', '12']);
    const s = await runMain(['surface', '--points', '3', '--steps', '2', '--lr', '1e300', '--out', join(dir, 'huge')]);
    expect(s.status).toBe(0);
    expect(s.stdout).not.toMatch(/\d\.\d{4,}e[+-]\d/);
  });

  it('Ctrl-C ends a run with a checkpoint and prints a command that continues it to the same parameters', async () => {
    const args = [...TINY, '--updates', '400', '--checkpoint-every', '100000'];
    const whole = join(dir, 'no-interrupt');
    expect((await runMain(['train', ...args, '--out', whole])).status).toBe(0);
    const folder = join(dir, 'interrupted');
    const run = startCli(['train', ...args, '--out', folder]);
    await waitFor(
      () =>
        existsSync(join(folder, 'log.jsonl')) &&
        readFileSync(join(folder, 'log.jsonl'), 'utf8').includes('"type":"validation"'),
    );
    run.child.kill('SIGINT');
    expect(await run.exit).toBe(130);
    const [, hint] = /To continue:\n {2}(.*)\n$/.exec(run.stderr()) ?? [];
    expect(run.stderr()).toMatch(/^\ntrain: interrupted at update \d+; the checkpoint is saved/);
    expect(hint).toMatch(/ --resume$/);
    expect(spawnSync('sh', ['-c', hint], { cwd: tmpdir() }).status).toBe(0);
    const state = (f: string) => JSON.parse(readFileSync(join(f, 'checkpoint.json'), 'utf8').split('\n')[1]).state;
    expect(state(folder)).toEqual(state(whole));
  });
});
