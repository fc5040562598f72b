/**
 * @file The bench's own checks, fast and without any timing assertion: the hand-written W1 (the
 * "JS limit") computes the same loss, gradients and update as tapegrad, the flags parse, and the
 * harness runs a tiny configuration end to end and writes its JSON record.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareW1, relativeError } from '../src/check.js';
import { parseFlags, runBench, type BenchReport } from '../src/cli.js';
import { PARAM_NAMES, makeW1Data } from '../src/data.js';
import { LimitW1 } from '../src/limit.js';
import { tapegradW1Gradients } from '../src/tapegrad.js';

describe('JS limit W1', () => {
  it.each([
    [7, 1],
    [12, 3],
  ])('agrees with tapegrad on loss and all five gradients (T=%i, B=%i) to 1e-12', (T, B) => {
    const data = makeW1Data(T, B);
    const reference = tapegradW1Gradients(data);
    const row = compareW1('JS limit', new LimitW1(data).gradients(), reference, 1e-12);
    expect(row.ok, `loss ${row.loss}, ${row.worst} ${row.grad}`).toBe(true);
    for (const name of PARAM_NAMES)
      expect(
        reference.grads[name].some((g) => g !== 0),
        name,
      ).toBe(true);
  });

  it('takes a step that lowers the loss on its batch', () => {
    const limit = new LimitW1(makeW1Data(6, 4));
    const before = limit.step();
    let after = before;
    for (let i = 0; i < 20; i++) after = limit.step();
    expect(after).toBeLessThan(before);
  });
});

describe('relativeError', () => {
  it('is normwise: max|Δ| over max|reference|', () => {
    // max|Δ| = 0.5 at the first entry, max|reference| = 10
    expect(relativeError([1.5, 10], [1, 10])).toBeCloseTo(0.05, 15);
    expect(relativeError([1], [1, 2])).toBe(Infinity);
  });
});

describe('parseFlags', () => {
  it('reads --peers, --quick, --only and --out, the workloads in registry order', () => {
    const flags = parseFlags(['--peers', '--quick', '--only', 'w4,W1', '--out=x.json']);
    expect(flags).toMatchObject({ peers: true, quick: true, tiny: false, only: ['W1', 'W4'], out: 'x.json' });
    expect(parseFlags([]).only).toEqual(['W1', 'W2', 'W3', 'W4']);
  });

  it('rejects unknown flags and workloads, naming them', () => {
    expect(() => parseFlags(['--fast'])).toThrow(RangeError);
    expect(() => parseFlags(['--fast'])).toThrow(/'--fast'.*valid flags: --peers/);
    expect(() => parseFlags(['--only', 'W9'])).toThrow(/'--only' takes W1, W2, W3, W4.*got W9/);
    expect(() => parseFlags(['--only'])).toThrow(RangeError);
  });
});

describe('runBench', () => {
  it('runs every workload on a tiny configuration end to end and writes the JSON record', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tapegrad-bench-test-'));
    try {
      const out = join(dir, 'latest.json');
      const lines: string[] = [];
      const report = await runBench(['--tiny', '--quick', '--out', out], (line) => lines.push(line));
      expect(report.rows.map((r) => r.key)).toEqual([
        'W1 T=5 B=2',
        'W2',
        'W3 n=8 fwd',
        'W3 n=8 fwd+bwd',
        'W4 SGD-C T=5 B=2',
        'W4 SGD-CR T=5 B=2',
      ]);
      for (const row of report.rows) {
        const cell = row.cells.tapegrad;
        expect(cell !== undefined && 'median' in cell && cell.median > 0, row.key).toBe(true);
      }
      const text = lines.join('\n');
      expect(text).toContain('| W2 | µs/op |');
      expect(text).toContain('Targets (issue 9');
      const saved = JSON.parse(readFileSync(out, 'utf8')) as BenchReport;
      expect(saved.rows).toHaveLength(6);
      expect(saved.flags.tiny).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
