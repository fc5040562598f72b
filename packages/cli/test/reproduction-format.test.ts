/**
 * @file How the reproduction document writes grid values: a length range from a definition (the
 * command line's half-open `MIN..MAX`) with both ends included, as the paper writes it, and a
 * success count with its Wilson interval in whole per cent, and the departures from the paper's
 * settings that an experiment's definition implies.
 */
import { describe, expect, it } from 'vitest';
import type { Experiment } from '../src/experiments/definition.js';
import { lengthLabel, span, successCell } from '../src/reproduction/format.js';
import { departures } from '../src/reproduction/settings.js';

describe('lengthLabel', () => {
  it('writes a drawn range with its last length included, and leaves a fixed length alone', () => {
    // generalisation trains on 50..201: each minibatch draws L from 50 to 200, the paper's "50..200"
    expect(lengthLabel('50..201')).toBe('50–200');
    expect(lengthLabel('10..11')).toBe('10');
    expect(lengthLabel('100')).toBe('100');
  });
});

describe('span', () => {
  it('writes a range once when its ends read the same (one run, one load figure)', () => {
    expect(span('30.0%', '33.7%')).toBe('30.0%–33.7%');
    expect(span('4.1', '4.1')).toBe('4.1');
  });
});

describe('successCell', () => {
  it('gives the count and the 95% Wilson interval in whole per cent', () => {
    // 3/5: centre 0.6 + 0.384146 = 0.984146, spread 1.959964·√(0.048 + 0.038415) = 0.576161,
    // scale 1.768292 → (0.230724, 0.882377) → 23–88%.
    expect(successCell(3, 5)).toBe('3/5 (23–88%)');
    expect(successCell(0, 2)).toBe('0/2 (0–66%)');
  });
});

describe('departures from the paper', () => {
  const definition = (config: Record<string, unknown>) =>
    ({
      name: 'generalisation',
      grid: {
        tasks: ['temporal-order'],
        inits: ['basic-tanh'],
        methods: ['sgd-cr'],
        lengths: ['50..201'],
        seeds: [1, 2, 3, 4, 5],
      },
      budgets: { '50..201': 300_000 },
      config: {
        validation: 'fresh',
        validationSequences: 500,
        validateEvery: 1000,
        confirmSequences: 10_000,
        ...config,
      },
      test: { sequences: 10_000, seed: 1 },
      evaluate: { lengths: ['500'], sequences: 10_000 },
    }) as unknown as Experiment;

  it('flags a run that stops at its first success before the long-length evaluation, and a budget trained through', () => {
    const stops = departures(definition({}));
    expect(stops.find((r) => r[1] === 'update budget')?.[2]).toBe('300,000 at L = 50–200, or until success');
    expect(stops.find((r) => r[1] === 'training before the evaluation at long lengths')?.[2]).toBe(
      'stops at the first confirmed success',
    );
    const through = departures(definition({ stopOnSuccess: false }));
    expect(through.find((r) => r[1] === 'update budget')?.[2]).toBe('300,000 at L = 50–200, training on after success');
    expect(through.some((r) => r[1] === 'training before the evaluation at long lengths')).toBe(false);
  });

  it('lists a setting only where it differs from the paper', () => {
    const rows = departures(definition({ learningRate: 0.05, alpha: 4 }));
    expect(rows.filter((r) => r[1] === 'learning rate')).toEqual([['generalisation', 'learning rate', '0.05', '0.01']]);
    expect(rows.some((r) => r[1] === 'α')).toBe(false);
  });
});
