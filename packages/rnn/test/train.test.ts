/**
 * @file The training loop: a tiny run learns, success ends a run, the budget and the stop hook end
 * it, monitoring reports what it promises, a NaN loss ends the run naming the update, and its
 * updates equal the plain-loop reference's (test/reference/train.ts) at non-default settings.
 */
import { describe, expect, it } from 'vitest';
import { Rng, ValueError } from '@tapegrad/autodiff';
import {
  Trainer,
  TRAIN_DEFAULTS,
  resolveTrainConfig,
  train,
  type TrainConfig,
  type UpdateMetrics,
  type ValidationMetrics,
} from '@tapegrad/rnn';
import { expectAgree } from '../../../test/reference/compare.js';
import { referenceUpdate, type RefUpdate } from '../../../test/reference/train.js';
import { refBatch, refParams } from './rnn-helpers.js';

const mean = (a: number[]) => a.reduce((s, x) => s + x, 0) / a.length;

describe('train', () => {
  it('learns a short temporal order task: the loss falls from log 4 to near 0', () => {
    // Length 10 puts the two relevant symbols at fixed steps 1 and 5: learnable in a few hundred
    // updates with a large learning rate (the paper's 0.01 would need far more).
    const losses: number[] = [];
    const result = train(
      {
        task: 'temporal-order',
        minLength: 10,
        hidden: 8,
        learningRate: 1,
        method: 'sgd-c',
        init: 'basic-tanh',
        seed: 1,
        maxUpdates: 500,
        validateEvery: 100,
        validationSequences: 200,
        stopOnSuccess: false,
      },
      { onUpdate: (m) => losses.push(m.loss) },
    );
    expect(result.status).toBe('budget');
    expect(result.updates).toBe(500);
    expect(mean(losses.slice(0, 50))).toBeGreaterThan(1.3); // log 4 ≈ 1.386 at the start
    expect(mean(losses.slice(-50))).toBeLessThan(0.3);
    expect(result.best!.errorRate).toBeLessThan(0.05);
  });

  it('stops at the first validation below 1% error when stopOnSuccess is on (the default)', () => {
    const validations: ValidationMetrics[] = [];
    const result = train(
      {
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
      },
      { onValidation: (v) => validations.push(v) },
    );
    expect(result.status).toBe('success');
    const last = validations[validations.length - 1];
    expect(last.success).toBe(true);
    expect(last.errorRate).toBeLessThan(0.01);
    expect(validations.slice(0, -1).every((v) => !v.success)).toBe(true);
    expect(result.updates).toBe(last.update);
    expect(result.validation).toEqual(last);
  });

  it('reports per-update metrics, and Ω and steps in the past when it monitors them', () => {
    const seen: Record<string, UpdateMetrics[]> = {};
    for (const method of ['sgd', 'sgd-c', 'sgd-cr'] as const) {
      seen[method] = [];
      train(
        {
          task: 'temporal-order',
          minLength: 10,
          maxLength: 15,
          hidden: 6,
          method,
          seed: 2,
          maxUpdates: 6,
          monitorEvery: 3,
          validateEvery: 100,
          validationSequences: 20,
          batchSize: 4,
        },
        { onUpdate: (m) => seen[method].push(m) },
      );
    }
    for (const [method, metrics] of Object.entries(seen)) {
      expect(metrics.map((m) => m.update)).toEqual([1, 2, 3, 4, 5, 6]);
      for (const m of metrics) {
        expect(m.steps).toBeGreaterThanOrEqual(10);
        expect(m.steps).toBeLessThan(15);
        expect(Number.isFinite(m.loss) && m.gradNorm >= 0).toBe(true);
        const monitored = method === 'sgd-cr' || m.update % 3 === 0;
        expect(m.omega === null).toBe(!monitored);
        expect(m.stepsInPast === null).toBe(!monitored);
        if (monitored) expect(m.stepsInPast).toBeGreaterThan(0);
        if (method === 'sgd') expect(m.clipped).toBe(false);
        else expect(m.clipped).toBe(m.gradNorm >= 1);
      }
    }
  });

  it('validates at the end of the budget and averages the window; a stop hook ends the run with "stopped"', () => {
    const validations: ValidationMetrics[] = [];
    const result = train(
      {
        task: 'addition',
        minLength: 10,
        hidden: 5,
        method: 'sgd-cr',
        seed: 3,
        maxUpdates: 7,
        validateEvery: 5,
        validationSequences: 30,
      },
      { onValidation: (v) => validations.push(v) },
    );
    expect(result.status).toBe('budget');
    expect(validations.map((v) => v.update)).toEqual([5, 7]);
    expect(validations[0].sequences).toBe(30);
    expect(validations[0].meanOmega).not.toBeNull();
    expect(validations[0].spectralRadius).toBeGreaterThan(0);
    const stopped = new Trainer({ task: 'addition', minLength: 10, hidden: 5, seed: 3, maxUpdates: 100 });
    expect(stopped.run({ shouldStop: (m) => m.update === 4 })).toMatchObject({ status: 'stopped', updates: 4 });
    expect(stopped.run({ shouldStop: (m) => m.update === 6 })).toMatchObject({ status: 'stopped', updates: 6 });
  });

  it('every task trains through the same loop (heads: softmax-last, linear-last, softmax-every)', () => {
    for (const task of ['temporal-order-3bit', 'multiplication', 'permutation', 'memorization'] as const) {
      const result = train({
        task,
        minLength: 10,
        hidden: 4,
        seed: 4,
        maxUpdates: 2,
        validateEvery: 2,
        validationSequences: 10,
        batchSize: 3,
      });
      expect(result.status).toBe('budget');
      expect(Number.isFinite(result.validation!.meanLoss)).toBe(true);
    }
  });
});

describe('updates against the plain-loop reference, at settings other than the defaults', () => {
  /**
   * Runs `updates` steps of a trainer and of the reference side by side on the same minibatches
   * (the trainer's data stream is the second split of its seed's generator, after initialisation's)
   * and returns the reference's reports.
   */
  function sideBySide(config: TrainConfig & { seed: number; batchSize: number }, updates: number): RefUpdate[] {
    const trainer = new Trainer(config);
    const c = trainer.config;
    const root = new Rng(config.seed);
    root.split();
    const data = root.split();
    let params = refParams(trainer.params);
    const reports: RefUpdate[] = [];
    for (let u = 0; u < updates; u++) {
      const batch = trainer.task.sample(data, config.batchSize);
      const { inputs, head } = refBatch(batch, batch.head);
      const expected = referenceUpdate(params, inputs, trainer.activation, head, c);
      const m = trainer.step();
      expectAgree(m.loss, expected.loss, `update ${u + 1}: loss`);
      expectAgree(m.gradNorm, expected.gradNorm, `update ${u + 1}: gradient norm`);
      expect(m.clipped, `update ${u + 1}: clipped`).toBe(expected.clipped);
      if (expected.omega !== null) expectAgree(m.omega, expected.omega, `update ${u + 1}: Ω`);
      expectAgree(refParams(trainer.params), expected.params, `update ${u + 1}: parameters`);
      params = expected.params;
      reports.push(expected);
    }
    return reports;
  }

  const common = {
    minLength: 10,
    maxLength: 14,
    hidden: 6,
    batchSize: 4,
    seed: 5,
    validateEvery: 100,
    validationSequences: 10,
  };

  for (const omegaImpl of ['closed-form', 'autodiff'] as const) {
    it(`sgd-cr, ${omegaImpl} Ω (paper form), α = 0.7, lr 0.05, clipping at 0.3: every update clipped`, () => {
      const reports = sideBySide(
        {
          ...common,
          task: 'temporal-order',
          init: 'basic-tanh',
          method: 'sgd-cr',
          alpha: 0.7,
          learningRate: 0.05,
          clipThreshold: 0.3,
          omegaForm: 'paper',
          omegaImpl,
        },
        3,
      );
      // the case tests what it says: Ω's share of the gradient is not negligible, and 0.3 < ‖g‖ < 1
      for (const r of reports) {
        expect(r.omegaStep).toBeGreaterThan(0.1 * r.gradNorm);
        expect([r.clipped, r.gradNorm < 1]).toEqual([true, true]);
      }
    });

    it(`sgd-cr, ${omegaImpl} Ω (summary form), α = 0.05, lr 0.02, clipping at 5: no update clipped, though ‖g‖ > 1`, () => {
      const reports = sideBySide(
        {
          ...common,
          task: 'addition',
          init: 'sigmoid',
          method: 'sgd-cr',
          alpha: 0.05,
          learningRate: 0.02,
          clipThreshold: 5,
          omegaForm: 'summary',
          omegaImpl,
        },
        3,
      );
      for (const r of reports) {
        expect(r.omegaStep).toBeGreaterThan(1e-3 * r.gradNorm);
        expect([r.clipped, r.gradNorm > 1]).toEqual([false, true]);
      }
    });
  }

  it('sgd-r (Ω without clipping), α = 0.7, lr 0.05: a threshold of 0.3 is set but nothing is clipped', () => {
    const reports = sideBySide(
      {
        ...common,
        task: 'temporal-order',
        init: 'basic-tanh',
        method: 'sgd-r',
        alpha: 0.7,
        learningRate: 0.05,
        clipThreshold: 0.3,
        omegaForm: 'paper',
      },
      3,
    );
    for (const r of reports) {
      expect(r.omegaStep).toBeGreaterThan(0.1 * r.gradNorm);
      expect([r.clipped, r.gradNorm > 0.3]).toEqual([false, true]);
    }
  });

  it('sgd-c at clipping threshold 0.4, lr 3 (some updates clipped, some not), and plain sgd, memorization', () => {
    const reports = sideBySide(
      {
        ...common,
        task: 'memorization',
        minLength: 5,
        maxLength: 5,
        init: 'smart-tanh',
        method: 'sgd-c',
        learningRate: 3,
        clipThreshold: 0.4,
      },
      4,
    );
    expect(new Set(reports.map((r) => r.clipped))).toEqual(new Set([true, false]));
    sideBySide(
      {
        ...common,
        task: 'memorization',
        minLength: 5,
        maxLength: 5,
        init: 'smart-tanh',
        method: 'sgd',
        learningRate: 3,
      },
      3,
    );
  });
});

describe('divergence', () => {
  it('a NaN or infinite loss ends the run with status "diverged" naming the update, which is not applied', () => {
    // lr 1e308 throws the weights to ~1e306 on the first update; the logits overflow and the
    // second loss is not finite. Plain sgd has no guard, as in the original code.
    const trainer = new Trainer({
      task: 'temporal-order',
      minLength: 10,
      hidden: 6,
      learningRate: 1e308,
      method: 'sgd',
      init: 'basic-tanh',
      seed: 5,
      maxUpdates: 100,
    });
    const metrics: UpdateMetrics[] = [];
    const result = trainer.run({ onUpdate: (m) => metrics.push(m) });
    expect(result.status).toBe('diverged');
    expect(result.divergence!.update).toBe(2);
    expect(['NaN', 'Infinity']).toContain(result.divergence!.loss);
    expect(result.divergence!.reason).toMatch(/the loss is (NaN|Infinity)/);
    expect(result.updates).toBe(1);
    expect(metrics.map((m) => m.diverged)).toEqual([false, true]);
    expect(() => trainer.step()).toThrow(/Trainer.step: argument 'this': the run diverged at update 2/);
    const resumed = Trainer.resume(JSON.parse(JSON.stringify(trainer.state())));
    expect(resumed.run()).toMatchObject({ status: 'diverged', updates: 1, divergence: { update: 2 } });
  });
});

describe('configuration', () => {
  it('fills in the paper defaults', () => {
    const c = resolveTrainConfig({});
    expect(c).toMatchObject({
      task: 'temporal-order',
      hidden: 50,
      learningRate: 0.01,
      clipThreshold: 1,
      alpha: 4,
      batchSize: 20,
      maxLength: 50,
      omegaForm: 'paper',
    });
    expect(TRAIN_DEFAULTS.maxUpdates).toBe(5_000_000);
    // A field given as undefined counts as left out (what spreading optional CLI flags produces).
    expect(resolveTrainConfig({ seed: undefined, minLength: 20 })).toMatchObject({
      seed: 1,
      minLength: 20,
      maxLength: 20,
    });
  });

  it('rejects bad values with ValueErrors naming the field and the valid values', () => {
    expect(() => resolveTrainConfig({ method: 'adam' as never })).toThrow(
      /config.method': unknown value "adam"; valid values: sgd, sgd-c, sgd-cr, sgd-r/,
    );
    expect(() => resolveTrainConfig({ init: 'xavier' as never })).toThrow(
      /valid values: sigmoid, basic-tanh, smart-tanh/,
    );
    expect(() => resolveTrainConfig({ task: 'torder' as never })).toThrow(
      /valid values: temporal-order, temporal-order-3bit/,
    );
    expect(() => resolveTrainConfig({ learningRate: 0 })).toThrow(
      /config.learningRate': must be a finite number > 0, got 0/,
    );
    expect(() => resolveTrainConfig({ batchSize: 0 })).toThrow(/config.batchSize': must be a positive integer, got 0/);
    expect(() => resolveTrainConfig({ hidden: -1 })).toThrow(ValueError);
    expect(() => resolveTrainConfig({ clipThreshold: -1 })).toThrow(ValueError);
    expect(() => resolveTrainConfig({ alpha: NaN })).toThrow(ValueError);
    expect(() => resolveTrainConfig({ minLength: -5 })).toThrow(/minLength.*got -5/);
    expect(() => resolveTrainConfig({ lr: 0.1 } as never)).toThrow(/unknown field\(s\) lr/);
  });
});
