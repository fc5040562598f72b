/**
 * @file The six task generators: shapes, one-hot rows, where the relevant symbols sit, the targets
 * they imply, class balance, the length rules, determinism, and the errors for bad arguments.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng, ValueError, type Tensor } from '@tapegrad/autodiff';
import { makeTask, TASK_NAMES, type Batch, type Task } from '@tapegrad/rnn';
import { runs } from '../../../test/fast-check.js';

/** The symbol (hot index) at step t of sequence b; fails the test unless the row is one-hot. */
function symbolAt(inputs: Tensor, t: number, b: number): number {
  const [, batchSize, width] = inputs.shape;
  const start = (t * batchSize + b) * width;
  let hot = -1;
  let sum = 0;
  let ones = 0;
  for (let j = 0; j < width; j++) {
    const v = inputs.data[start + j];
    sum += v;
    if (v === 1) [hot, ones] = [j, ones + 1];
    else if (v !== 0) ones = -Infinity;
  }
  // One expect per row would dominate the run time; assert only when something is off.
  if (ones !== 1 || sum !== 1)
    expect.fail(`row (t=${t}, b=${b}) is not one-hot: ${[...inputs.data.subarray(start, start + width)]}`);
  return hot;
}

/** Bitwise equality of two float64 arrays (NaN payloads and −0 included). */
function sameBits(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  const [x, y] = [
    new Uint32Array(a.buffer, a.byteOffset, a.length * 2),
    new Uint32Array(b.buffer, b.byteOffset, b.length * 2),
  ];
  return x.every((v, i) => v === y[i]);
}

/** Checks a temporal order batch completely; returns the classes it decoded. */
function checkTemporalOrder(batch: Batch, length: number, starts: readonly number[]): void {
  if (batch.head !== 'softmax-last') throw new Error('wrong head');
  const width = Math.trunc(length * 0.1);
  const batchSize = batch.inputs.shape[1];
  expect(batch.inputs.shape).toEqual([length, batchSize, 6]);
  for (let b = 0; b < batchSize; b++) {
    const relevant: [number, number][] = [];
    for (let t = 0; t < length; t++) {
      const s = symbolAt(batch.inputs, t, b);
      if (s < 2) relevant.push([t, s]);
    }
    expect(relevant.length).toBe(starts.length);
    let target = 0;
    relevant.forEach(([t, s], k) => {
      const first = Math.trunc(length * starts[k]);
      expect(t).toBeGreaterThanOrEqual(first);
      expect(t).toBeLessThan(first + width);
      target += s << k;
    });
    expect(batch.targets[b]).toBe(target);
  }
}

function checkArithmetic(batch: Batch, length: number, combine: (a: number, b: number) => number): void {
  if (batch.head !== 'linear-last') throw new Error('wrong head');
  const steps = batch.steps;
  const batchSize = batch.inputs.shape[1];
  expect(steps).toBeGreaterThanOrEqual(length);
  expect(steps).toBeLessThan(length + Math.max(1, Math.trunc(length * 0.1)));
  expect(batch.inputs.shape).toEqual([steps, batchSize, 2]);
  expect(batch.targets.shape).toEqual([batchSize, 1]);
  const tenth = Math.trunc(steps * 0.1);
  for (let b = 0; b < batchSize; b++) {
    const marked: number[] = [];
    for (let t = 0; t < steps; t++) {
      const i = (t * batchSize + b) * 2;
      expect([0, 1]).toContain(batch.inputs.data[i]);
      expect(batch.inputs.data[i + 1]).toBeGreaterThanOrEqual(0);
      expect(batch.inputs.data[i + 1]).toBeLessThan(1);
      if (batch.inputs.data[i] === 1) marked.push(t);
    }
    expect(marked.length).toBe(2);
    expect(marked[0]).toBeLessThan(tenth);
    expect(marked[1]).toBeGreaterThanOrEqual(tenth);
    expect(marked[1]).toBeLessThan(tenth + Math.trunc(steps * 0.4));
    const value = (t: number) => batch.inputs.data[(t * batchSize + b) * 2 + 1];
    expect(batch.targets.data[b]).toBe(combine(value(marked[0]), value(marked[1])));
  }
}

function checkPermutation(batch: Batch, length: number): void {
  if (batch.head !== 'softmax-last') throw new Error('wrong head');
  const batchSize = batch.inputs.shape[1];
  expect(batch.inputs.shape).toEqual([length, batchSize, 100]);
  for (let b = 0; b < batchSize; b++) {
    const first = symbolAt(batch.inputs, 0, b);
    expect([0, 1]).toContain(first);
    expect(batch.targets[b]).toBe(first);
    for (let t = 1; t < length; t++) expect(symbolAt(batch.inputs, t, b)).toBeGreaterThanOrEqual(2);
  }
}

function checkMemorization(batch: Batch, length: number): void {
  if (batch.head !== 'softmax-every') throw new Error('wrong head');
  const steps = length + 20;
  const batchSize = batch.inputs.shape[1];
  expect(batch.steps).toBe(steps);
  expect(batch.inputs.shape).toEqual([steps, batchSize, 7]);
  expect(batch.targets.length).toBe(steps * batchSize);
  for (let b = 0; b < batchSize; b++) {
    for (let t = 0; t < steps; t++) {
      const s = symbolAt(batch.inputs, t, b);
      const target = batch.targets[t * batchSize + b];
      if (t < 10) expect(s).toBeLessThan(5);
      else expect(s).toBe(t === length + 10 ? 6 : 5);
      if (t < length + 10) expect(target).toBe(5);
      else expect(target).toBe(symbolAt(batch.inputs, t - length - 10, b));
    }
  }
}

const CHECKS: Record<string, { shortest: number; check: (batch: Batch, length: number) => void }> = {
  'temporal-order': { shortest: 10, check: (batch, l) => checkTemporalOrder(batch, l, [0.1, 0.5]) },
  'temporal-order-3bit': { shortest: 10, check: (batch, l) => checkTemporalOrder(batch, l, [0.1, 0.3, 0.6]) },
  addition: { shortest: 10, check: (batch, l) => checkArithmetic(batch, l, (a, b) => (a + b) / 2) },
  multiplication: { shortest: 10, check: (batch, l) => checkArithmetic(batch, l, (a, b) => a * b) },
  permutation: { shortest: 1, check: checkPermutation },
  memorization: { shortest: 1, check: checkMemorization },
};

describe('task generators', () => {
  it('cover exactly the six tasks of the paper', () => {
    expect([...TASK_NAMES].sort()).toEqual(Object.keys(CHECKS).sort());
  });

  for (const name of TASK_NAMES) {
    const { shortest, check } = CHECKS[name];

    it(`${name}: every batch has the documented structure (fast-check over seed, length, batch)`, () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 2 ** 31 - 1 }),
          fc.integer({ min: shortest, max: 120 }),
          fc.integer({ min: 1, max: 6 }),
          (seed, length, batchSize) => {
            const batch = makeTask(name, { minLength: length }).generate(new Rng(seed), batchSize, length);
            expect(batch.head).toBe(makeTask(name, { minLength: length }).head);
            check(batch, length);
          },
        ),
        { numRuns: runs(25) },
      );
    });

    it(`${name}: the same seed gives the same data bit for bit, another seed different data`, () => {
      const task = makeTask(name, { minLength: Math.max(shortest, 30), maxLength: 60 });
      const [a, b, c] = [new Rng(5), new Rng(5), new Rng(6)].map((rng) => [task.sample(rng, 8), task.sample(rng, 8)]);
      for (let i = 0; i < 2; i++) {
        expect(a[i].steps).toBe(b[i].steps);
        expect(sameBits(a[i].inputs.data, b[i].inputs.data)).toBe(true);
        expect(targetsOf(a[i])).toEqual(targetsOf(b[i]));
      }
      expect(a.every((x, i) => sameBits(x.inputs.data, c[i].inputs.data))).toBe(false);
    });
  }
});

function targetsOf(batch: Batch): number[] {
  return batch.head === 'linear-last' ? [...batch.targets.data] : [...batch.targets];
}

describe('length rules', () => {
  it('draw L uniformly from [min, max − 1], never max (the original code)', () => {
    const task = makeTask('temporal-order', { minLength: 20, maxLength: 25 });
    const rng = new Rng(11);
    const counts = new Map<number, number>();
    for (let i = 0; i < 600; i++) {
      const steps = task.sample(rng, 1).steps;
      counts.set(steps, (counts.get(steps) ?? 0) + 1);
    }
    expect([...counts.keys()].sort((x, y) => x - y)).toEqual([20, 21, 22, 23, 24]);
    // 120 expected per length, σ ≈ 9.8: ±50 is a 5σ band, and the seed is fixed.
    for (const n of counts.values()) expect(Math.abs(n - 120)).toBeLessThan(50);
  });

  it('keep L fixed when max = min or max is left out, and draw nothing for it', () => {
    const fixed = makeTask('permutation', { minLength: 7 });
    expect(fixed.maxLength).toBe(7);
    const [r1, r2] = [new Rng(3), new Rng(3)];
    const sampled = fixed.sample(r1, 4);
    const generated = fixed.generate(r2, 4, 7);
    expect(sampled.steps).toBe(7);
    expect(sameBits(sampled.inputs.data, generated.inputs.data)).toBe(true);
  });

  it('stretch addition by 0..10% per minibatch and give memorization L + 20 steps', () => {
    const add = makeTask('addition', { minLength: 100 });
    const rng = new Rng(4);
    const steps = new Set(Array.from({ length: 300 }, () => add.sample(rng, 1).steps));
    expect(Math.min(...steps)).toBe(100);
    expect(Math.max(...steps)).toBe(109);
    expect(makeTask('memorization', { minLength: 15 }).sample(rng, 2).steps).toBe(35);
  });
});

describe('class balance (fixed seeds; bounds at about 5σ)', () => {
  function classCounts(task: Task, sequences: number, seed: number): number[] {
    const counts = new Array<number>(task.nOut).fill(0);
    const rng = new Rng(seed);
    for (let done = 0; done < sequences; done += 100) {
      const batch = task.sample(rng, 100);
      if (batch.head !== 'softmax-last') throw new Error('wrong head');
      for (const c of batch.targets) counts[c]++;
    }
    return counts;
  }

  it('temporal order: the 4 classes each near 1/4', () => {
    const counts = classCounts(makeTask('temporal-order', { minLength: 20, maxLength: 40 }), 4000, 1);
    // Binomial(4000, 1/4): mean 1000, σ ≈ 27.4.
    for (const n of counts) expect(Math.abs(n - 1000)).toBeLessThan(140);
  });

  it('3-bit temporal order: the 8 classes each near 1/8', () => {
    const counts = classCounts(makeTask('temporal-order-3bit', { minLength: 20, maxLength: 40 }), 8000, 2);
    // Binomial(8000, 1/8): mean 1000, σ ≈ 29.6.
    for (const n of counts) expect(Math.abs(n - 1000)).toBeLessThan(150);
  });

  it('permutation: targets 0 and 1 each near 1/2, no other class', () => {
    const counts = classCounts(makeTask('permutation', { minLength: 5 }), 2000, 3);
    // Binomial(2000, 1/2): mean 1000, σ ≈ 22.4.
    expect(Math.abs(counts[0] - 1000)).toBeLessThan(115);
    expect(counts[0] + counts[1]).toBe(2000);
  });

  it('memorization: pattern digits uniform on 0..4', () => {
    const task = makeTask('memorization', { minLength: 5 });
    const rng = new Rng(4);
    const counts = new Array<number>(5).fill(0);
    for (let i = 0; i < 10; i++) {
      const batch = task.sample(rng, 100);
      for (let t = 0; t < 10; t++) for (let b = 0; b < 100; b++) counts[symbolAt(batch.inputs, t, b)]++;
    }
    // Multinomial, 10,000 digits: mean 2000 each, σ = 40.
    for (const n of counts) expect(Math.abs(n - 2000)).toBeLessThan(200);
  });

  it('distractors uniform over the four symbols C..F', () => {
    const batch = makeTask('temporal-order', { minLength: 200 }).sample(new Rng(9), 50);
    const counts = new Array<number>(6).fill(0);
    for (let t = 0; t < 200; t++) for (let b = 0; b < 50; b++) counts[symbolAt(batch.inputs, t, b)]++;
    expect(counts[0] + counts[1]).toBe(100); // two relevant symbols per sequence
    // 9,900 distractors: mean 2475 each, σ ≈ 43.
    for (const n of counts.slice(2)) expect(Math.abs(n - 2475)).toBeLessThan(220);
  });
});

describe('bad arguments', () => {
  it('an unknown task name is a ValueError listing the valid names', () => {
    expect(() => makeTask('torder', { minLength: 50 })).toThrow(ValueError);
    expect(() => makeTask('torder', { minLength: 50 })).toThrow(
      /unknown task 'torder'.*temporal-order, temporal-order-3bit, addition, multiplication, permutation, memorization/,
    );
  });

  it('lengths the position rules cannot use are ValueErrors naming the argument and value', () => {
    expect(() => makeTask('temporal-order', { minLength: 9 })).toThrow(
      /makeTask: argument 'minLength': must be an integer ≥ 10 .*got 9/,
    );
    expect(() => makeTask('memorization', { minLength: 0 })).toThrow(ValueError);
    expect(() => makeTask('permutation', { minLength: -3 })).toThrow(/got -3/);
    expect(() => makeTask('addition', { minLength: 12.5 })).toThrow(/got 12.5/);
    expect(() => makeTask('addition', { minLength: 20, maxLength: 19 })).toThrow(
      /'maxLength': must be an integer ≥ minLength = 20, got 19/,
    );
    expect(() => makeTask('addition', { minLength: 20 }).generate(new Rng(0), 2, 5)).toThrow(
      /addition.generate: argument 'length'.*got 5/,
    );
  });

  it('a batch size that is not a positive integer is a ValueError', () => {
    const task = makeTask('temporal-order', { minLength: 20 });
    expect(() => task.sample(new Rng(0), 0)).toThrow(
      /temporal-order.sample: argument 'batchSize': must be a positive integer, got 0/,
    );
    expect(() => task.generate(new Rng(0), 1.5, 20)).toThrow(ValueError);
  });
});
