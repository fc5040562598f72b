/**
 * @file Experiments end to end on a tiny grid: `tapegrad experiment` prints a measured plan, runs
 * every cell in worker threads, leaves version-2 records (confirmations, load, profiles,
 * evaluations) in the experiment folder and commits them with --commit; a second call runs
 * nothing; definitions are checked field by field; and the reproduction document built from the
 * records shows the success table with its intervals, and says when a grid is incomplete.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cells, configOf, readExperiment } from '../src/experiments/definition.js';
import { runOrder, worstSeconds } from '../src/experiments/plan.js';
import { readRecord } from '../src/record.js';
import { reproductionDocument } from '../src/reproduction/document.js';
import { loadResults } from '../src/reproduction/results.js';
import { figure7Section } from '../src/reproduction/sections.js';
import { expectFailure, runCli, runMain } from './cli-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tapegrad-experiment-'));
const SMOKE = new URL('./fixtures/smoke/experiment.json', import.meta.url);

/** The smoke definition shrunk to seconds: L = 10, 8 units, a large learning rate, small sets. */
function tiny(name: string): Record<string, unknown> {
  const e = JSON.parse(readFileSync(SMOKE, 'utf8'));
  return {
    ...e,
    name,
    grid: { ...e.grid, lengths: ['10'], seeds: [1, 2] },
    budgets: { 10: 60 },
    config: {
      ...e.config,
      hidden: 8,
      learningRate: 1,
      validateEvery: 20,
      validationSequences: 50,
      confirmSequences: 200,
    },
    test: { sequences: 100, seed: 3 },
    checkpointEvery: 20,
    logEvery: 5,
    profile: { every: 20, sequences: 10, seed: 5 },
    evaluate: { lengths: ['20'], sequences: 50 },
  };
}

function writeExperiment(folder: string, e: Record<string, unknown>): void {
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'experiment.json'), JSON.stringify(e));
}

describe('tapegrad experiment', () => {
  it('plans, runs every cell, leaves full records in the folder, commits them, and runs nothing the second time', () => {
    const repo = join(dir, 'repo');
    const folder = join(repo, 'docs', 'results', 'figure7');
    writeExperiment(folder, tiny('figure7'));
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' });
    git('init', '--quiet');
    git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '--quiet', '--allow-empty', '-m', 'start');
    const env = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' };
    const first = runCli(
      ['experiment', folder, '--trial-seconds', '0.05', '--scratch', join(dir, 'scratch'), '--commit'],
      { env, cwd: repo },
    );
    expect(first.stderr).toMatch(/0 of 2 cells have records/);
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/plan for figure7: 2 of 2 cells to run, \d+ workers/);
    expect(first.stdout).toMatch(/temporal-order\s+smart-tanh\s+sgd-cr\s+10\s+[\d.]+/);
    expect(readdirSync(join(folder, 'records')).sort()).toEqual([
      'temporal-order_smart-tanh_sgd-cr_L10_s1.json',
      'temporal-order_smart-tanh_sgd-cr_L10_s2.json',
    ]);
    const r = readRecord(join(folder, 'records', 'temporal-order_smart-tanh_sgd-cr_L10_s1.json'));
    expect(r.version).toBe(2);
    expect(r.config).toMatchObject({ validation: 'fresh', confirmSequences: 200, minLength: 10, maxUpdates: 60 });
    expect(r.profiles?.ks).toHaveLength(10);
    expect(r.profiles?.rows[0]).toMatchObject({ update: 0 });
    expect(r.profiles?.rows.at(-1)?.update).toBe(r.updates); // the parameters the run ended with
    expect(r.profiles?.rows[0].ratios.at(-1)).toBe(1);
    expect(r.evaluations).toEqual([expect.objectContaining({ minLength: 20, maxLength: 20, sequences: 50, seed: 3 })]);
    expect(r.machine?.load?.samples).toBeGreaterThan(0);
    for (const c of r.confirmations) expect(c.sequences).toBe(200);
    expect(r.solvedAt === null || r.confirmations.some((c) => c.update === r.solvedAt && c.success)).toBe(true);
    const log = git('log', '--format=%s');
    expect(log).toMatch(/results: figure7: temporal-order_smart-tanh_sgd-cr_L10_s1/);
    expect(git('status', '--porcelain', '--', 'docs/results/figure7/records')).toBe('');
    const again = runCli(['experiment', folder, '--scratch', join(dir, 'scratch')], { cwd: repo });
    expect(again.status).toBe(0);
    expect(again.stderr).toMatch(/2 of 2 cells have records/);
    expect(again.stdout).toBe('');
  });

  it('refuses a definition that does not check out, naming the field', async () => {
    const folder = join(dir, 'bad');
    const cases: [(e: Record<string, unknown>) => void, RegExp][] = [
      [(e) => ((e.grid as Record<string, unknown>).methods = ['adam']), /field 'grid.methods': unknown \["adam"\]/],
      [(e) => (e.budgets = {}), /field 'budgets.10': must be a positive integer/],
      [(e) => ((e.config as Record<string, unknown>).seed = 3), /field 'config': must not set seed/],
      [(e) => ((e.config as Record<string, unknown>).learningRate = -1), /field 'config': .*learningRate/],
      [(e) => ((e.grid as Record<string, unknown>).lengths = ['5..x']), /field 'grid.lengths'/],
    ];
    for (const [edit, message] of cases) {
      const e = tiny('bad');
      edit(e);
      writeExperiment(folder, e);
      expectFailure(await runMain(['experiment', folder, '--plan-only']), 1, message);
    }
    writeExperiment(folder, tiny('bad'));
    expect(cells(readExperiment(folder)).map((c) => c.id)).toEqual([
      'temporal-order_smart-tanh_sgd-cr_L10_s1',
      'temporal-order_smart-tanh_sgd-cr_L10_s2',
    ]);
  });
});

describe('the reproduction document from records', () => {
  it('shows successes with their interval, and an incomplete grid as incomplete', () => {
    const root = join(dir, 'repo', 'docs', 'results');
    const results = loadResults(root);
    const x = results.experiments.get('figure7')!;
    const records = x.records;
    expect(records).toHaveLength(2);
    const wins = records.filter((r) => r.solvedAt !== null && r.test?.success).length;
    // Wilson 95% intervals by hand: 0/2 → 0–66%, 1/2 → 9–91%, 2/2 → 34–100%.
    const interval = ['0/2 (0–66%)', '1/2 (9–91%)', '2/2 (34–100%)'][wins];
    const section = figure7Section(x);
    expect(section).toContain(`| sgd-cr | ${interval}`);
    expect(section).toMatch(/\*\*Complete\*\*: all 2 runs recorded/);
    const doc = reproductionDocument(results);
    expect(doc).toContain('## 2. Figure 7: temporal order at L = 20, 50 and 100');
    expect(doc).toContain(
      '![success rate over the recorded seeds against length, one panel per initialisation](results/figure7/success.png)',
    );
    const partial = join(dir, 'partial');
    cpSync(join(root, 'figure7'), join(partial, 'figure7'), { recursive: true });
    rmSync(join(partial, 'figure7', 'records', 'temporal-order_smart-tanh_sgd-cr_L10_s2.json'));
    const half = figure7Section(loadResults(partial).experiments.get('figure7')!);
    expect(half).toMatch(/\*\*Incomplete\*\*: 1 of 2 runs recorded, 1 still missing/);
    expect(half).toMatch(/\| sgd-cr \| [01]\/1 \(.*\(1 to run\)/);
  });
});

describe('the recorded Figure 7 outside the document', () => {
  it('is the document section from the records, with links to the files, or a sentence where there are none', async () => {
    const { recordedFigure7 } = await import('../src/reproduction/recorded.js');
    const root = join(dir, 'repo');
    const text = recordedFigure7(root);
    expect(text).toMatch(/\*\*Complete\*\*: all 2 runs recorded/);
    expect(text).toContain(`](${join(root, 'docs', 'results')}/figure7/experiment.json)`);
    expect(recordedFigure7(join(dir, 'nowhere'))).toMatch(/^No recorded Figure 7 here/);
  });
});

describe('the order an experiment runs its cells in', () => {
  it('is seed by seed, the longest first within a seed, so a grid stopped part way has seeds of every cell', () => {
    const folder = new URL('../../../docs/results/figure7/', import.meta.url);
    const e = readExperiment(folder.pathname);
    const plan = JSON.parse(readFileSync(new URL('plan.json', folder), 'utf8'));
    const todo = cells(e).map((c) => ({ id: c.id, config: configOf(e, c) }) as Parameters<typeof worstSeconds>[1]);
    const ordered = runOrder(plan, todo);
    expect(ordered).toHaveLength(135);
    const seeds = ordered.map((r) => r.config.seed);
    expect(seeds).toEqual([...seeds].sort((a, b) => (a ?? 0) - (b ?? 0)));
    // the first 27 runs are seed 1 of all 27 cells
    expect(new Set(ordered.slice(0, 27).map((r) => r.id.replace(/_s\d+$/, ''))).size).toBe(27);
    for (let i = 1; i < ordered.length; i++)
      if (seeds[i] === seeds[i - 1])
        expect(worstSeconds(plan, ordered[i])).toBeLessThanOrEqual(worstSeconds(plan, ordered[i - 1]));
  });
});
