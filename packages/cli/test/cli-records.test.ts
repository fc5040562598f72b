/**
 * @file In-process tests of run records and run-folder locks: a record round-trips through its
 * text form and is refused field by field when it does not check out; curves are sampled evenly
 * with both ends kept; a lock refuses a live holder and another host, and takes over the lock of a
 * process that is gone or a lock that was never written.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveTrainConfig } from '@tapegrad/rnn';
import { lockFolder } from '../src/lock.js';
import {
  RecordError,
  UPDATE_COLUMNS,
  VALIDATION_COLUMNS,
  looksLikeRecord,
  readRecord,
  recordText,
  sampleRows,
  type RunRecord,
} from '../src/record.js';

const dir = mkdtempSync(join(tmpdir(), 'tapegrad-records-'));

const record: RunRecord = {
  format: 'tapegrad-run-record',
  version: 2,
  id: 'smart-tanh_sgd-c_L10_s3',
  config: resolveTrainConfig({
    minLength: 10,
    method: 'sgd-c',
    seed: 3,
    maxUpdates: 200,
    validation: 'fresh',
    confirmSequences: 1000,
  }),
  code: { version: '0.1.0', commit: 'a'.repeat(40), dirty: false },
  status: 'success',
  updates: 150,
  solvedAt: 150,
  confirmations: [
    { update: 100, sequences: 1000, wrong: 12, success: false },
    { update: 150, sequences: 1000, wrong: 3, success: true },
  ],
  best: { update: 150, errorRate: 0 },
  divergence: null,
  test: { sequences: 400, seed: 9, minLength: 10, maxLength: 10, wrong: 2, errorRate: 0.005, success: true },
  seconds: 3.5,
  machine: { cpu: 'AMD EPYC', cores: 2, node: 'v20.20.2', load: { min: 1.5, mean: 2.25, max: 3, samples: 3 } },
  curves: {
    validation: {
      columns: VALIDATION_COLUMNS,
      rows: [
        [50, 0.5, 1.2, 0.9, 0.1, 0.95, null, null],
        [150, 0, 0.01, 0.2, 0, 1.01, null, null],
      ],
    },
    updates: { columns: UPDATE_COLUMNS, rows: [[100, 0.4, 2.5, 1]] },
  },
  profiles: {
    length: 10,
    sequences: 20,
    seed: 5,
    ks: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    rows: [{ update: 0, ratios: [1e-3, 2e-3, 4e-3, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1] }],
  },
  evaluations: [{ sequences: 500, seed: 9, minLength: 40, maxLength: 40, wrong: 400, errorRate: 0.8, success: false }],
};

describe('run records', () => {
  it('round-trip through their text, which keeps each curve row on one line', () => {
    const path = join(dir, 'a.json');
    writeFileSync(path, recordText(record));
    expect(readRecord(path)).toEqual(record);
    const text = readFileSync(path, 'utf8');
    expect(looksLikeRecord(text)).toBe(true);
    expect(text).toContain('\n        [50,0.5,1.2,0.9,0.1,0.95,null,null],\n');
  });

  it('are refused with the file and the field named when a field does not check out', () => {
    const path = join(dir, 'b.json');
    const cases: [(r: Record<string, unknown>) => void, RegExp][] = [
      [(r) => (r.format = 'other'), /not a run record: format is "other"/],
      [(r) => (r.version = 3), /record version 3; this program reads versions 1 and 2/],
      [
        (r) => ((r.confirmations as { wrong: number }[])[1].wrong = 10),
        /field 'confirmations\[1\].success': must be false for 10 wrong of 1000/,
      ],
      [
        (r) => ((r.machine as { load: { min: number } }).load.min = 4),
        /field 'machine.load': must hold 0 ≤ min ≤ mean ≤ max/,
      ],
      [
        (r) => ((r.profiles as { rows: { ratios: number[] }[] }).rows[0].ratios = [1]),
        /field 'profiles.rows\[0\].ratios': must be 10 finite numbers/,
      ],
      [
        (r) => ((r.evaluations as { wrong: number }[])[0].wrong = 4),
        /field 'evaluations\[0\].errorRate': must be wrong \/ sequences = 0.008/,
      ],
      [(r) => (r.updates = 201), /field 'updates': must be an integer in \[0, 200\], got 201/],
      [(r) => (r.solvedAt = 0), /field 'solvedAt': must be an integer in \[1, 150\], got 0/],
      [(r) => (r.status = 'diverged'), /'status' and 'divergence' disagree/],
      [(r) => ((r.test as { wrong: number }).wrong = 3), /field 'test.errorRate': must be wrong \/ sequences = 0.0075/],
      [(r) => ((r.test as { success: boolean }).success = false), /field 'test.success': must be true/],
      [(r) => ((r.code as { commit: string }).commit = 'xyz'), /field 'code.commit'/],
      [(r) => delete (r.config as Record<string, unknown>).alpha, /field 'config': incomplete, missing alpha/],
      [(r) => ((r.config as { seed: number }).seed = 2 ** 32), /field 'config': .*config.seed/],
      [
        (r) => ((r.curves as RunRecord['curves']).validation.rows[1] = [1, 2]),
        /field 'curves.validation.rows\[1\]': must be 8 finite numbers or nulls/,
      ],
    ];
    for (const [edit, message] of cases) {
      const r = JSON.parse(JSON.stringify(record));
      edit(r);
      writeFileSync(path, JSON.stringify(r));
      expect(() => readRecord(path)).toThrow(RecordError);
      expect(() => readRecord(path)).toThrow(message);
    }
    writeFileSync(path, '{"format": "tapegrad-run-record", ');
    expect(() => readRecord(path)).toThrow(/record '.*b\.json': not valid JSON/);
  });

  it('read a version 1 record as version 2: a fixed validation set, no confirmation, the new fields empty', () => {
    const path = join(dir, 'v1.json');
    const v1: Record<string, unknown> = JSON.parse(JSON.stringify(record));
    for (const field of ['confirmations', 'machine', 'profiles', 'evaluations']) delete v1[field];
    const config = v1.config as Record<string, unknown>;
    delete config.validation;
    delete config.confirmSequences;
    writeFileSync(path, JSON.stringify({ ...v1, version: 1 }));
    const read = readRecord(path);
    expect(read).toMatchObject({ version: 1, confirmations: [], machine: null, profiles: null, evaluations: [] });
    expect(read.config).toEqual({ ...record.config, validation: 'fixed', confirmSequences: 0 });
  });

  it('sample curves evenly, with the first and the last row', () => {
    const rows = Array.from({ length: 1001 }, (_, i) => i);
    const sampled = sampleRows(rows, 5);
    expect(sampled).toEqual([0, 250, 500, 750, 1000]);
    expect(sampleRows([1, 2, 3], 5)).toEqual([1, 2, 3]);
  });
});

describe('run-folder locks', () => {
  it('refuse a live holder, then free the folder on release', () => {
    const folder = mkdtempSync(join(dir, 'lock-'));
    const lock = lockFolder(folder);
    expect(() => lockFolder(folder)).toThrow(new RegExp(`is in use by process ${process.pid} since `));
    lock.release();
    lockFolder(folder).release();
  });

  it('take over the lock of a process that is gone, or a lock never written; refuse one from another host', () => {
    const folder = mkdtempSync(join(dir, 'lock-'));
    // Process ids wrap below 2^22 on Linux, so this one cannot be running.
    writeFileSync(
      join(folder, 'lock'),
      JSON.stringify({ host: hostname(), pid: 2 ** 22 + 1, token: 'gone', since: 'then' }),
    );
    lockFolder(folder).release();
    writeFileSync(join(folder, 'lock'), '');
    lockFolder(folder).release();
    writeFileSync(join(folder, 'lock'), JSON.stringify({ host: 'elsewhere', pid: 1, token: 't', since: 'noon' }));
    expect(() => lockFolder(folder)).toThrow(
      /is in use by process 1 on host elsewhere since noon; if that process is gone, delete/,
    );
  });
});
