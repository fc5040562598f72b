/**
 * @file The paper's success protocol in the training loop: validation on fresh sequences drawn
 * from the run's validation stream, the confirmation on many more fresh sequences when a
 * validation is under 1%, success only when the confirmation passes too, resumes that stay bit
 * for bit with both; and `sgd-r` (Ω without clipping), checked against one update by hand.
 */
import { describe, expect, it } from 'vitest';
import { Rng, sub, mul, add } from '@tapegrad/autodiff';
import {
  METHOD_SPECS,
  Trainer,
  errorSignals,
  evaluateTask,
  initRnn,
  makeTask,
  paperOmega,
  resolveTrainConfig,
  type TrainConfig,
  type TrainState,
  type ValidationMetrics,
} from '@tapegrad/rnn';

const small: TrainConfig = {
  task: 'temporal-order',
  minLength: 10,
  hidden: 8,
  learningRate: 1,
  method: 'sgd-c',
  init: 'smart-tanh',
  seed: 1,
  maxUpdates: 2000,
  validateEvery: 50,
  validationSequences: 200,
  validation: 'fresh',
};

/** The run's validation stream, rebuilt independently: the third split of the seed's root generator. */
function validationStream(seed: number): Rng {
  const root = new Rng(seed);
  root.split();
  root.split();
  return root.split();
}

describe('fresh validation and confirmation', () => {
  it('each validation draws new sequences from the validation stream, as evaluateTask would', () => {
    const trainer = new Trainer({ ...small, maxUpdates: 0 });
    const task = makeTask('temporal-order', { minLength: 10 });
    const stream = validationStream(1);
    const predict = (b: Parameters<Trainer['predict']>[0]) => trainer.predict(b);
    for (let i = 0; i < 3; i++) {
      const expected = evaluateTask(task, predict, { sequences: 200, batchSize: 100, rng: stream });
      const v = trainer.validate();
      expect(v.wrong).toBe(expected.wrong);
      expect(v.sequences).toBe(200);
      expect(v.confirmation).toBeNull(); // an untrained model is not under 1%
    }
  });

  it('a validation under 1% is confirmed on confirmSequences fresh sequences; success needs both', () => {
    const validations: ValidationMetrics[] = [];
    const result = new Trainer({ ...small, confirmSequences: 3000 }).run({ onValidation: (v) => validations.push(v) });
    expect(result.status).toBe('success');
    const last = validations.at(-1)!;
    expect(last.errorRate).toBeLessThan(0.01);
    expect(last.confirmation).toMatchObject({ sequences: 3000 });
    expect(last.confirmation!.errorRate).toBeLessThan(0.01);
    expect(last.solved).toBe(true);
    for (const v of validations.slice(0, -1)) expect(v.solved).toBe(false);
    for (const v of validations) expect(v.confirmation === null).toBe(!v.success);
  });

  it('a lucky validation whose confirmation fails is no success, and the run goes on', () => {
    // One validation sequence: an untrained model gets it right about one time in four (0% error),
    // but fails the confirmation on 2,000 sequences.
    const validations: ValidationMetrics[] = [];
    const config = {
      ...small,
      learningRate: 0.01,
      validateEvery: 1,
      validationSequences: 1,
      confirmSequences: 2000,
      maxUpdates: 20,
    };
    const result = new Trainer(config).run({ onValidation: (v) => validations.push(v) });
    const lucky = validations.filter((v) => v.success);
    expect(lucky.length).toBeGreaterThan(0);
    for (const v of lucky) {
      expect(v.confirmation!.sequences).toBe(2000);
      expect(v.confirmation!.errorRate).toBeGreaterThan(0.5);
      expect(v.solved).toBe(false);
    }
    expect(result).toMatchObject({ status: 'budget', updates: 20 });
  });

  it('the fixed set of older runs is still the default, drawn once and reused', () => {
    const trainer = new Trainer({ ...small, validation: undefined, maxUpdates: 0 });
    expect(trainer.config.validation).toBe('fixed');
    expect(trainer.validate().wrong).toBe(trainer.validate().wrong);
  });

  it('resumes bit for bit with fresh validation and confirmations (both streams in the state)', () => {
    const config = {
      ...small,
      validateEvery: 5,
      validationSequences: 3,
      confirmSequences: 50,
      maxUpdates: 40,
      stopOnSuccess: false,
    };
    const whole = new Trainer(config);
    const wholeValidations: ValidationMetrics[] = [];
    whole.run({ onValidation: (v) => wholeValidations.push(v) });
    expect(wholeValidations.some((v) => v.confirmation !== null)).toBe(true);
    for (const k of [7, 15, 33]) {
      const first = new Trainer(config);
      const seen: ValidationMetrics[] = [];
      first.run({ onValidation: (v) => seen.push(v), shouldStop: (m) => m.update === k });
      const second = Trainer.resume(JSON.parse(JSON.stringify(first.state())) as TrainState);
      second.run({ onValidation: (v) => seen.push(v) });
      expect(JSON.stringify(second.state())).toBe(JSON.stringify(whole.state()));
      expect(seen).toEqual(wholeValidations);
    }
  });

  it('a state saved before the validation stream existed resumes with the fixed set, unconfirmed', () => {
    const trainer = new Trainer({ ...small, validation: 'fixed', maxUpdates: 3 });
    trainer.run();
    const state = JSON.parse(JSON.stringify(trainer.state())) as Omit<TrainState, 'validationRng'> & {
      validationRng?: unknown;
    };
    delete state.validationRng;
    const config: Partial<TrainState['config']> = state.config;
    delete config.validation;
    delete config.confirmSequences;
    const resumed = Trainer.resume(state as TrainState);
    expect(resumed.config).toMatchObject({ validation: 'fixed', confirmSequences: 0 });
    expect(resumed.validate().wrong).toBe(trainer.validate().wrong);
  });

  it('confirmSequences at a non-default value is checked', () => {
    expect(resolveTrainConfig({ confirmSequences: 123 }).confirmSequences).toBe(123);
    expect(() => resolveTrainConfig({ confirmSequences: -1 })).toThrow(
      /config.confirmSequences': must be an integer ≥ 0, got -1/,
    );
    expect(() => resolveTrainConfig({ validation: 'stale' as never })).toThrow(
      /config.validation': unknown value "stale"; valid values: fixed, fresh/,
    );
  });
});

describe('sgd-r: Ω without clipping', () => {
  it('is Ω with no clipping in the method table', () => {
    expect(METHOD_SPECS['sgd-r']).toMatchObject({ clips: false, regularizes: true });
  });

  it('one update is W_rec − lr·(∇E + α·∇Ω) by hand, with no clipping however large the gradient', () => {
    const config = {
      task: 'temporal-order' as const,
      minLength: 12,
      hidden: 6,
      batchSize: 5,
      learningRate: 0.3,
      alpha: 2.5,
      clipThreshold: 1e-6,
      method: 'sgd-r' as const,
      init: 'basic-tanh' as const,
      seed: 4,
    };
    const trainer = new Trainer(config);
    const m = trainer.step();
    // The reference: the same streams, the loss gradient by BPTT and Ω's immediate gradient, combined by hand.
    const root = new Rng(4);
    const task = makeTask('temporal-order', { minLength: 12 });
    const { params, activation } = initRnn({
      nIn: task.nIn,
      nHidden: 6,
      nOut: task.nOut,
      init: 'basic-tanh',
      seed: root.split(),
    });
    const batch = task.sample(root.split(), 5);
    const s = errorSignals(params, batch, { activation, head: task.head });
    const om = paperOmega({
      W_rec: params.W_rec,
      activation,
      states: s.states,
      deltas: s.deltas,
      form: 'paper',
      gradient: 'immediate',
    });
    const expected = sub(params.W_rec, mul(add(s.grads.W_rec, mul(om.grad!, 2.5)), 0.3));
    expect(m.clipped).toBe(false);
    expect(m.gradNorm).toBeGreaterThan(1e-6);
    expect(m.omega).toBeCloseTo(om.value, 14);
    const got = trainer.params.W_rec.data;
    expected.data.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 14));
    expect(Array.from(trainer.params.W_out.data)).toEqual(Array.from(sub(params.W_out, mul(s.grads.W_out, 0.3)).data));
  });
});
