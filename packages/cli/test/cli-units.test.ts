/**
 * @file In-process tests of the command line's building blocks: flag parsing and the number
 * grammar, numbers for people, the progress display on and off a terminal and its ETA, checkpoint
 * files (round trip bit for bit, and refusals), JSON-lines logs cut back on resume, and the memory
 * estimates a run's size is checked against.
 */
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tensor } from '@tapegrad/autodiff';
import { describe, expect, it } from 'vitest';
import { boolFlag, flag, helpText, integer, lengthSpec, listOf, numberAbove, parseFlags, text } from '../src/args.js';
import { CheckpointError, assertSameRun, readCheckpoint, writeCheckpoint } from '../src/checkpoint.js';
import { UsageError } from '../src/errors.js';
import { JsonLinesLog, readJsonLines } from '../src/jsonl.js';
import { evaluationFloats, runFloats } from '../src/limits.js';
import { formatNumber, parseDecimal, parseInteger } from '../src/numbers.js';
import { Progress, formatDuration } from '../src/progress.js';

const dir = mkdtempSync(join(tmpdir(), 'tapegrad-units-'));

describe('parseFlags', () => {
  const table = {
    lr: flag(numberAbove(0), 0.01, 'learning rate'),
    length: flag(lengthSpec, { minLength: 50, maxLength: 50 }, 'length'),
    seeds: flag(listOf(integer(0)), [1], 'seeds'),
    resume: boolFlag('resume'),
  };

  it('reads both --name value and --name=value, kebab-case names and lists, with defaults for the rest', () => {
    const p = parseFlags('train', table, ['--lr=0.5', '--length', '50..200', '--seeds', '3,4', '--resume']);
    expect(p.options).toEqual({ lr: 0.5, length: { minLength: 50, maxLength: 200 }, seeds: [3, 4], resume: true });
    expect(parseFlags('train', table, []).options.lr).toBe(0.01);
  });

  it('throws a UsageError naming the flag for bad values', () => {
    expect(() => parseFlags('train', table, ['--lr', '-1'])).toThrow(UsageError);
    expect(() => parseFlags('train', table, ['--lr', '-1'])).toThrow(
      "tapegrad train: flag '--lr': must be > 0, got '-1'",
    );
    expect(() => parseFlags('train', table, ['--length', '200..50'])).toThrow('MAX must be ≥ MIN');
    expect(() => parseFlags('train', table, ['--seeds', '1,,2'])).toThrow('comma-separated');
    expect(() => parseFlags('train', table, ['--resume=yes'])).toThrow('takes no value');
    expect(() => parseFlags('train', table, ['-x'])).toThrow("unknown flag '-x'");
  });

  it('ends the flags at --, reports which flags were given, and lets a repeated flag take its last value', () => {
    const p = parseFlags('eval', { out: flag(text, 'o', 'out'), ...table }, ['--lr', '1', '--', '--lr'], 1);
    expect(p.positional).toEqual(['--lr']);
    expect([...p.given]).toEqual(['lr']);
    expect(parseFlags('train', table, ['--lr', '1', '--lr=2']).options.lr).toBe(2);
    expect(() => parseFlags('train', table, ['--', 'x'])).toThrow("unexpected argument 'x'");
  });

  it('writes one default per flag in the help, none where the help line gives it or there is none', () => {
    const help = helpText('collect', 'DIR', 'd', {
      out: flag(text, '', 'report folder (default: FIRST_DIR/report)'),
      lr: table.lr,
      json: boolFlag('json'),
    });
    expect(help).toContain('report folder (default: FIRST_DIR/report)\n');
    expect(help).not.toContain('(default: )');
    expect(help).toContain('learning rate (default: 0.01)');
  });
});

describe('numbers', () => {
  it('one grammar for every flag: decimals with optional fraction and exponent, nothing else', () => {
    for (const [raw, v] of [
      ['5', 5],
      ['0.01', 0.01],
      ['.5', 0.5],
      ['1e-3', 0.001],
      ['1E2', 100],
      ['-2.5', -2.5],
      ['7.', 7],
    ] as const)
      expect(parseDecimal(raw)).toBe(v);
    for (const raw of ['0x10', '+5', '', ' 5', '5 ', 'Infinity', 'NaN', '1e999', '1_000', '0b1', '5e', '--1', '1,5'])
      expect(() => parseDecimal(raw)).toThrow(/expected a decimal number/);
    expect(parseInteger('1e1', 1, 100)).toBe(10);
    expect(() => parseInteger('1.5', 0, 9)).toThrow("must be an integer in [0, 9], got '1.5'");
    expect(() => parseInteger('1e99', 0, Number.MAX_SAFE_INTEGER)).toThrow(/got '1e99'/);
    expect(() => parseInteger('4294967296', 0, 0xffffffff)).toThrow('must be an integer in [0, 4,294,967,295]');
  });

  it('prints numbers for people', () => {
    expect(formatNumber(2.2382074708477207e300)).toBe('2.24e+300');
    expect(formatNumber(0.123456)).toBe('0.1235');
    expect(formatNumber(1e-9, 2)).toBe('1.00e-9');
    expect(formatNumber(0, 2)).toBe('0.00');
    expect(formatNumber(Infinity)).toBe('Infinity');
  });
});

describe('Progress', () => {
  it('prints plain lines at most every interval when not a terminal, and always the last one', () => {
    let t = 0;
    const out: string[] = [];
    const bar = new Progress({ write: (s) => out.push(s) > 0 }, 'job', 10, { now: () => t, plainIntervalMs: 1000 });
    for (let i = 1; i <= 10; i++) {
      t += 300;
      bar.update(i, `step ${i}`);
    }
    bar.done('finished');
    expect(out.every((l) => !l.includes('\r'))).toBe(true);
    // Draws at t = 300 (first), 1500, 2700 (≥ 1000 ms apart), 3000 (the last unit), then the end line.
    expect(out.map((l) => /(\d+\/10|finished)/.exec(l)?.[1])).toEqual(['1/10', '5/10', '9/10', '10/10', 'finished']);
    expect(out[3]).toMatch(/^job 100% 10\/10 3\.0s {2}step 10\n$/);
    expect(out[4]).toBe('job: finished (3.0s)\n');
  });

  it('draws plain lines on a terminal whose TERM is dumb', () => {
    const out: string[] = [];
    const bar = new Progress({ write: (s) => out.push(s) > 0, isTTY: true }, 'job', 4, { now: () => 0, term: 'dumb' });
    bar.update(4, 'done');
    expect(out[0]).toBe('job 100% 4/4 0.0s  done\n');
  });

  it('estimates the time left from the rate since the first unit, not from the start or from zero', () => {
    // Set-up takes 60 s, a resumed run starts at 500 of 1000, then one unit takes 0.1 s: 50 s are left.
    let t = 0;
    const out: string[] = [];
    const bar = new Progress({ write: (s) => out.push(s) > 0 }, 'job', 1000, { now: () => t, plainIntervalMs: 0 });
    t = 60_000;
    bar.update(500);
    for (let done = 501; done <= 520; done++) {
      t += 100;
      bar.update(done);
    }
    expect(out[0]).not.toMatch(/eta/);
    expect(out.at(-1)).toMatch(/ eta 48\.0s/);
  });

  it('redraws one line in place on a terminal', () => {
    const out: string[] = [];
    const bar = new Progress({ write: (s) => out.push(s) > 0, isTTY: true, columns: 80 }, 'job', 4, {
      now: () => 0,
      term: 'xterm',
    });
    bar.update(4, 'done');
    expect(out[0].startsWith('\r\x1b[2K[')).toBe(true);
    expect(formatDuration(65_000)).toBe('1m05s');
  });
});

describe('checkpoint files', () => {
  it('round-trip tensors, typed arrays, −0, NaN and ±Infinity bit for bit', () => {
    const path = join(dir, 'a.json');
    const body = {
      w: tensor([
        [0.1, -0],
        [1e-300, 2 / 3],
      ]),
      f: new Float64Array([NaN, Infinity, -Infinity, -0]),
      n: -0,
    };
    writeCheckpoint(path, body);
    const back = readCheckpoint(path) as typeof body;
    expect(back.w.shape).toEqual([2, 2]);
    expect(Array.from(back.w.data)).toEqual(Array.from(body.w.data));
    expect(Object.is(back.w.data[1], -0)).toBe(true);
    expect(Array.from(back.f)).toEqual([NaN, Infinity, -Infinity, -0]);
    expect(Object.is(back.n, -0)).toBe(true);
  });

  it('refuses other files, versions, truncation and corruption with CheckpointErrors', () => {
    const path = join(dir, 'b.json');
    writeCheckpoint(path, { x: 1 });
    const good = readFileSync(path, 'utf8');
    const cases: [string, RegExp][] = [
      ['hello', /no header line/],
      ['{"format":"other"}\n{}', /not a tapegrad checkpoint/],
      [good.replace('"version":1', '"version":9'), /format version 9/],
      [good.slice(0, good.length - 3), /truncated/],
      [good.replace('{"x":1}', '{"x":2}'), /SHA-256/],
    ];
    for (const [text, message] of cases) {
      writeFileSync(path, text);
      expect(() => readCheckpoint(path)).toThrow(CheckpointError);
      expect(() => readCheckpoint(path)).toThrow(message);
    }
    expect(() => readCheckpoint(join(dir, 'missing.json'))).toThrow(/cannot be read \(ENOENT\)/);
    expect(() => assertSameRun('c', { lr: 1, updates: 5 }, { lr: 2, updates: 9 }, ['updates'])).toThrow(
      'lr: checkpoint has 1, requested 2',
    );
  });
});

describe('JsonLinesLog', () => {
  it('drops records after the checkpoint update and skips a torn last line', () => {
    const log = new JsonLinesLog(join(dir, 'log.jsonl'));
    log.append({ type: 'config' });
    for (let u = 1; u <= 5; u++) log.append({ type: 'update', update: u });
    appendFileSync(log.path, '{"type":"upd');
    expect(readJsonLines(log.path)).toHaveLength(6);
    log.truncateAfter(3);
    expect(readJsonLines(log.path).map((r) => r.update ?? 0)).toEqual([0, 1, 2, 3]);
  });
});

describe('memory estimates', () => {
  it("count a training run's and an evaluation's float64 values as their comments say", () => {
    // training, temporal order (6 inputs), L = 50, n = 50, B = 20, 1,000 kept sequences:
    // T = ceil(1.1·50) + 20 = 56 + 20 (1.1·50 is 55.000…01 in float64), so
    // 76·20·(6 + 6·50) + 1000·76·6 + 6·50² = 465,120 + 456,000 + 15,000
    expect(runFloats({ task: 'temporal-order', maxLength: 50, hidden: 50, batch: 20, kept: 1000 })).toBe(936_120);
    // evaluation at L = 5000, B = 100: T = 5500 + 20; 5520·100·(6 + 4) + 4·2²¹ + 6·50²
    expect(evaluationFloats({ task: 'temporal-order', maxLength: 5000, hidden: 50, batch: 100, kept: 0 })).toBe(
      5_520_000 + 8_388_608 + 15_000,
    );
  });
});
