/**
 * @file Resuming a run: N updates, save as JSON text, resume, M more updates gives the same
 * parameters, optimizer state, generator state and metrics bit for bit as N + M updates in one go
 * (fast-check over the split point, every method); and a state that does not fit is a clear error.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValueError } from '@tapegrad/autodiff';
import {
  Trainer,
  decodeFloat,
  encodeFloat,
  type TrainConfig,
  type TrainState,
  type UpdateMetrics,
} from '@tapegrad/rnn';
import { runs } from '../../../test/fast-check.js';

const RUNS = runs(4);

/** Small enough to run many times; monitorEvery and validateEvery small so every path is crossed. */
const base = (method: TrainConfig['method']): TrainConfig => ({
  task: 'temporal-order',
  minLength: 10,
  maxLength: 14,
  hidden: 6,
  batchSize: 4,
  learningRate: 0.5,
  method,
  init: 'basic-tanh',
  seed: 7,
  maxUpdates: 12,
  monitorEvery: 3,
  validateEvery: 5,
  validationSequences: 20,
  stopOnSuccess: false,
});

/** The state as text with the params' bits spelled out, so a difference in any bit shows. */
function fingerprint(trainer: Trainer): string {
  const s = trainer.state();
  const bits = Object.values(s.params).map((t) =>
    t.data
      .map((v) => (typeof v === 'number' ? new BigUint64Array(new Float64Array([v]).buffer)[0].toString(16) : v))
      .join(','),
  );
  return JSON.stringify({ ...s, params: bits });
}

describe('resume', () => {
  for (const method of ['sgd', 'sgd-c', 'sgd-cr', 'sgd-r'] as const) {
    it(`${method}: save after k updates (as JSON text), resume, finish = uninterrupted, bit for bit`, () => {
      const whole = new Trainer(base(method));
      const wholeMetrics: UpdateMetrics[] = [];
      whole.run({ onUpdate: (m) => wholeMetrics.push(m) });
      const expected = fingerprint(whole);
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 12 }), (k) => {
          const first = new Trainer(base(method));
          if (k > 0) first.run({ shouldStop: (m) => m.update === k });
          expect(first.updates).toBe(k);
          const text = JSON.stringify(first.state());
          const second = Trainer.resume(JSON.parse(text) as TrainState);
          const later: UpdateMetrics[] = [];
          const result = second.run({ onUpdate: (m) => later.push(m) });
          expect(result.status).toBe('budget');
          expect(fingerprint(second)).toBe(expected);
          expect(later).toEqual(wholeMetrics.slice(k));
        }),
        { numRuns: RUNS, examples: [[0], [5], [12]] },
      );
    });
  }

  it('resume can raise the budget', () => {
    const trainer = new Trainer({ ...base('sgd-c'), maxUpdates: 3 });
    trainer.run();
    const more = Trainer.resume(trainer.state(), { maxUpdates: 5 });
    expect(more.run()).toMatchObject({ status: 'budget', updates: 5 });
  });

  it('floats JSON cannot hold survive the round trip', () => {
    for (const v of [NaN, Infinity, -Infinity, -0, 0, 5e-324, 0.1 + 0.2, -1.7976931348623157e308]) {
      expect(Object.is(decodeFloat(JSON.parse(JSON.stringify(encodeFloat(v))), 'x'), v)).toBe(true);
    }
    expect(() => decodeFloat('nan', 'state.window.loss')).toThrow(/state.window.loss/);
  });

  it('a state that does not fit is a ValueError naming the field', () => {
    const trainer = new Trainer(base('sgd-cr'));
    trainer.step();
    const good = () => JSON.parse(JSON.stringify(trainer.state())) as TrainState;
    const broken = (edit: (s: TrainState) => void) => {
      const s = good();
      edit(s);
      return () => Trainer.resume(s);
    };
    expect(() => Trainer.resume(null as never)).toThrow(ValueError);
    expect(broken((s) => void ((s as { format: string }).format = 'other'))).toThrow(/state.format/);
    expect(broken((s) => void ((s as { version: number }).version = 2))).toThrow(/state.version/);
    expect(broken((s) => void (s.config.hidden = 7))).toThrow(/state.params.W_rec': must be shape \[7, 7\]/);
    expect(broken((s) => void s.params.W_in.data.pop())).toThrow(/state.params.W_in/);
    expect(broken((s) => void delete (s.params as Record<string, unknown>).b)).toThrow(
      /state.params': must hold exactly/,
    );
    expect(broken((s) => void (s.params.b.data[0] = 'x' as never))).toThrow(/state.params.b.data\[0\]/);
    expect(broken((s) => void (s.updates = 3))).toThrow(/state.optimizer.updates/);
    expect(broken((s) => void (s.rng = [1, 2]))).toThrow(/Rng.fromState/);
    expect(broken((s) => void delete (s.config as Partial<TrainConfig>).alpha)).toThrow(/state.config/);
    expect(broken((s) => void (s.config.method = 'adam' as never))).toThrow(/valid values: sgd, sgd-c, sgd-cr/);
  });
});
