/**
 * @file End-to-end tests of the `tapegrad` program: every subcommand at tiny sizes (spawning the
 * built CLI), usage errors and exit codes (in this process: the same code without a start-up),
 * resume after SIGKILL equal bit for bit to an uninterrupted run, and corrupt or mismatched
 * checkpoints refused with nothing overwritten.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { gradientGrowth } from '@tapegrad/rnn';
import { readCheckpoint } from '../src/checkpoint.js';
import { scaledNetwork } from '../src/geometry.js';
import { MAIN, ROOT, expectImage, runCli, runMain } from './cli-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tapegrad-cli-'));
const TINY = [
  '--length',
  '10',
  '--hidden',
  '5',
  '--batch',
  '4',
  '--validate-every',
  '10',
  '--validation-sequences',
  '20',
  '--test-sequences',
  '40',
  '--keep-going',
  '--quiet',
];

beforeAll(() => {
  execFileSync('npx', ['tsc', '-b', 'packages/cli'], { cwd: ROOT, stdio: 'inherit' });
}, 120_000);

function params(folder: string): unknown {
  return (readCheckpoint(join(folder, 'checkpoint.json')) as { state: { params: unknown; updates: number } }).state
    .params;
}

function imagesOf(folder: string): string[] {
  const md = readFileSync(join(folder, 'report.md'), 'utf8');
  const images = readdirSync(folder).filter((f) => f.endsWith('.svg') || f.endsWith('.png'));
  for (const image of images) {
    expectImage(join(folder, image));
    if (image.endsWith('.svg')) expect(md).toContain(`(${image})`);
  }
  return images;
}

describe('usage errors exit with code 2 and list the valid values', () => {
  it.each([
    [['bogus'], /unknown command 'bogus'; valid commands: story, train/],
    [['train', '--method', 'adam'], /valid values: sgd, sgd-c, sgd-cr/],
    [['train', '--task', 'parity'], /valid values: temporal-order, temporal-order-3bit, addition/],
    [['train', '--init', 'xavier'], /valid values: sigmoid, basic-tanh, smart-tanh/],
    [['train', '--frobnicate'], /unknown flag '--frobnicate'; valid flags: --task/],
    [['train', '--lr', '0'], /--lr': must be > 0, got '0'/],
    [['train', '--lr', 'fast'], /expected a decimal number such as 5, 0.01 or 1e-3, got 'fast'/],
    [['train', '--batch', '0'], /--batch': must be an integer in \[1, 100,000\], got '0'/],
    [['train', '--length', '-5'], /--length': must be an integer in \[1, 1,000,000\], got '-5'/],
    [['train', '--length', '5'], /invalid input: .*minLength/],
    [['train', '--updates'], /needs a value/],
    [['sweep', '--methods', 'sgd,rmsprop'], /unknown value 'rmsprop'/],
    [['eval'], /needs a run folder/],
  ])('%j', async (args, message) => {
    const r = await runMain(args);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('prints help for the program and every subcommand', async () => {
    expect((await runMain(['--help'])).stdout).toMatch(/Commands:[\s\S]*diagnose/);
    for (const c of [
      'story',
      'train',
      'eval',
      'sweep',
      'experiment',
      'collect',
      'surface',
      'diagnose',
      'analysis',
      'reproduction',
    ]) {
      const r = await runMain([c, '--help']);
      expect(r.status).toBe(0);
      expect(r.stdout).toContain(`Usage: tapegrad ${c}`);
    }
  });
});

describe('train, eval and resume', () => {
  it('trains, writes log, checkpoint and record, and prints the record as JSON with --json', async () => {
    const out = join(dir, 'plain');
    const r = runCli(['train', ...TINY, '--method', 'sgd-cr', '--updates', '30', '--out', out, '--json']);
    expect(r.status).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({
      format: 'tapegrad-run-record',
      status: 'budget',
      updates: 30,
      config: { method: 'sgd-cr', minLength: 10 },
    });
    expect(JSON.parse(readFileSync(join(out, 'record.json'), 'utf8'))).toEqual(summary);
    expect(summary.test.sequences).toBe(40);
    const log = readFileSync(join(out, 'log.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(log[0].type).toBe('config');
    expect(log.filter((l) => l.type === 'validation').map((l) => l.update)).toEqual([10, 20, 30]);
    const ev = await runMain(['eval', out, '--lengths', '10,40', '--sequences', '50', '--json']);
    expect(ev.status).toBe(0);
    expect(
      JSON.parse(ev.stdout).results.map((x: { lengths: string; sequences: number }) => [x.lengths, x.sequences]),
    ).toEqual([
      ['10', 50],
      ['40', 50],
    ]);
  });

  it('stops a run whose loss becomes infinite and names the update', () => {
    const out = join(dir, 'diverged');
    const r = runCli([
      'train',
      '--task',
      'addition',
      '--lr',
      '100',
      '--method',
      'sgd',
      '--init',
      'basic-tanh',
      '--length',
      '10',
      '--hidden',
      '5',
      '--updates',
      '300',
      '--validate-every',
      '50',
      '--test-sequences',
      '10',
      '--quiet',
      '--out',
      out,
    ]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^train: diverged at update \d+: the loss is (Infinity|NaN)/m);
    const last = readFileSync(join(out, 'log.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .find((l) => l.diverged === true);
    expect(String(last.loss)).toMatch(/Infinity|NaN/);
  });

  it('refuses to overwrite a run without --resume or --overwrite', async () => {
    const r = await runMain(['train', ...TINY, '--updates', '5', '--out', join(dir, 'plain')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/already holds a run; pass --resume/);
  });

  it('resumes after kill -9 to exactly the parameters of an uninterrupted run', async () => {
    const args = [...TINY, '--method', 'sgd-c', '--updates', '200', '--checkpoint-every', '10'];
    const whole = join(dir, 'whole');
    expect((await runMain(['train', ...args, '--out', whole])).status).toBe(0);
    const killed = join(dir, 'killed');
    const child = spawn(process.execPath, [MAIN, 'train', ...args, '--out', killed], { cwd: ROOT, stdio: 'ignore' });
    await new Promise<void>((done) => {
      const poll = setInterval(() => {
        if (existsSync(join(killed, 'checkpoint.json'))) {
          clearInterval(poll);
          child.kill('SIGKILL');
          done();
        }
      }, 5);
    });
    await new Promise((done) => child.on('exit', done));
    const at = (readCheckpoint(join(killed, 'checkpoint.json')) as { state: { updates: number } }).state.updates;
    expect(at).toBeLessThan(200);
    expect(runCli(['train', ...args, '--out', killed, '--resume']).status).toBe(0);
    expect(params(killed)).toEqual(params(whole));
    const validations = (f: string) =>
      readFileSync(join(f, 'log.jsonl'), 'utf8')
        .split('\n')
        .filter((l) => l.includes('"type":"validation"'))
        .map((l) => JSON.parse(l).errorRate);
    expect(validations(killed)).toEqual(validations(whole));
  });

  it('continues a finished budget with a larger --updates as if run in one go', async () => {
    const args = [...TINY, '--method', 'sgd', '--checkpoint-every', '7'];
    expect((await runMain(['train', ...args, '--updates', '40', '--out', join(dir, 'one')])).status).toBe(0);
    expect((await runMain(['train', ...args, '--updates', '25', '--out', join(dir, 'two')])).status).toBe(0);
    expect((await runMain(['train', ...args, '--updates', '40', '--out', join(dir, 'two'), '--resume'])).status).toBe(
      0,
    );
    expect(params(join(dir, 'two'))).toEqual(params(join(dir, 'one')));
  });

  it('refuses truncated, corrupt and mismatched checkpoints and leaves them as they were', async () => {
    const out = join(dir, 'plain');
    const file = join(out, 'checkpoint.json');
    const original = readFileSync(file);
    const mismatch = await runMain([
      'train',
      ...TINY,
      '--method',
      'sgd-cr',
      '--updates',
      '40',
      '--lr',
      '0.5',
      '--out',
      out,
      '--resume',
    ]);
    expect(mismatch.status).toBe(1);
    expect(mismatch.stderr).toMatch(/different run \(learningRate: checkpoint has 0.01, requested 0.5\)/);
    const corrupt = Buffer.from(original);
    corrupt[corrupt.length - 20] ^= 1;
    writeFileSync(file, corrupt);
    const r1 = await runMain(['train', ...TINY, '--method', 'sgd-cr', '--updates', '40', '--out', out, '--resume']);
    expect(r1.stderr).toMatch(/corrupt: SHA-256/);
    expect(readFileSync(file).equals(corrupt)).toBe(true);
    truncateSync(file, original.length - 1000);
    const r2 = await runMain(['eval', out]);
    expect(r2.status).toBe(1);
    expect(r2.stderr).toMatch(/truncated: body has/);
    writeFileSync(file, original);
  });
});

describe('the other subcommands', () => {
  it('surface and diagnose write reports with parseable plots', async () => {
    const s = await runMain(['surface', '--points', '21', '--out', join(dir, 'surface'), '--json']);
    expect(s.status).toBe(0);
    expect(JSON.parse(s.stdout).trajectories[0].largestStep).toBeGreaterThan(
      JSON.parse(s.stdout).trajectories[1].largestStep,
    );
    expect(imagesOf(join(dir, 'surface'))).toContain('surface.svg');
    const d = await runMain(['diagnose', '--length', '30', '--hidden', '10', '--out', join(dir, 'diagnose'), '--json']);
    expect(d.status).toBe(0);
    expect(JSON.parse(d.stdout).networks.map((n: { label: string; verdict: string }) => n.label)).toEqual([
      'sigmoid',
      'basic-tanh',
      'smart-tanh',
    ]);
    expect(JSON.parse(d.stdout).networks[0].verdict).toBe('vanish');
    expect(imagesOf(join(dir, 'diagnose'))).toContain('gradient-flow.png');
    const c = await runMain([
      'diagnose',
      '--checkpoint',
      join(dir, 'plain'),
      '--length',
      '12',
      '--out',
      join(dir, 'diagnose-ckpt'),
    ]);
    expect(c.status).toBe(0);
    expect(c.stdout).toMatch(/checkpoint @ 30/);
  });

  it('sweeps in worker threads, resumes by skipping finished cells, emits jobs and collects', async () => {
    const sweep = [
      'sweep',
      '--inits',
      'smart-tanh',
      '--methods',
      'sgd,sgd-cr',
      '--lengths',
      '10',
      '--seeds',
      '1,2',
      '--updates',
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
      '--out',
      join(dir, 'sweep'),
    ];
    const r = runCli([...sweep, '--json']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).cells.map((c: { method: string; runs: number }) => [c.method, c.runs])).toEqual([
      ['sgd', 2],
      ['sgd-cr', 2],
    ]);
    const log = join(dir, 'sweep', 'runs', 'smart-tanh_sgd_L10_s1', 'log.jsonl');
    const before = readFileSync(log, 'utf8');
    expect(runCli(sweep).status).toBe(0);
    expect(readFileSync(log, 'utf8')).toBe(before);
    expect(imagesOf(join(dir, 'sweep', 'report'))).toContain('success-rate.svg');
    const jobs = (await runMain([...sweep, '--emit-jobs'])).stdout.trim().split('\n');
    expect(jobs).toHaveLength(4);
    expect(jobs[0]).toMatch(
      /^\S+node \S+\/packages\/cli\/bin\/tapegrad\.js train --task temporal-order --init smart-tanh --method sgd --length 10 .* --resume-or-start --quiet$/,
    );
    const collected = await runMain(['collect', join(dir, 'sweep'), '--out', join(dir, 'collected'), '--json']);
    expect(collected.status).toBe(0);
    expect(JSON.parse(collected.stdout).cells).toHaveLength(2);
  });

  it('runs the story at tiny size and writes the whole report', () => {
    const out = join(dir, 'story');
    const r = runCli([
      'story',
      '--out',
      out,
      '--updates',
      '10',
      '--seeds',
      '1,2',
      '--hidden',
      '5',
      '--lengths',
      '10,12',
      '--flow-length',
      '20',
      '--test-sequences',
      '20',
      '--quiet',
    ]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      /\(1\/4\) gradient flow[\s\S]*\(3\/4\) gradient and curvature[\s\S]*\(4\/4\) training[\s\S]*report: /,
    );
    // Both lengths, every method, the count of seeds in the success column.
    for (const length of ['10', '12'])
      for (const method of ['sgd', 'sgd-c', 'sgd-cr'])
        expect(r.stdout).toMatch(new RegExp(`smart-tanh +${method} +${length} +\\d/2 `));
    const figures = ['geometry-derivatives', 'geometry-growth', 'geometry-network', 'geometry-wall'];
    expect(imagesOf(out).sort()).toEqual(
      [...figures, 'gradient-flow', 'gradient-norms', 'success-rate', 'surface', 'training-curves'].flatMap((n) => [
        `${n}.png`,
        `${n}.svg`,
      ]),
    );
    // The geometry's numbers beside the report are the computation's: α of eq. 14 recomputed here.
    const geometry = JSON.parse(readFileSync(join(out, 'geometry.json'), 'utf8'));
    expect(geometry.format).toBe('tapegrad-story-geometry');
    const { params, inputs } = scaledNetwork(8);
    const alpha = gradientGrowth(params, inputs, { activation: 'tanh' }).fit.alpha;
    expect(geometry.summary.growth[0]).toMatchObject({ lambda1: 8, alpha });
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain(`| λ1 = 8 | ${alpha.toFixed(3)} |`);
    // The quick comparison says it is a demonstration, and the report shows the recorded Figure 7 beside it.
    expect(r.stdout).toMatch(/This comparison is a demonstration/);
    const report = readFileSync(join(out, 'report.md'), 'utf8');
    expect(report).toMatch(
      /This comparison is a demonstration[\s\S]*### The recorded Figure 7[\s\S]*\*\*smart-tanh\*\*\n\n\| method \| L = 20 \| L = 50 \| L = 100 \|/,
    );
  });
});
