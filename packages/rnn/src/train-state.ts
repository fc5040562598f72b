/**
 * @file A training run's complete state as plain JSON-able data, and its checked decoding. Floats
 * are written as JSON numbers, which parse back to the same bits; the few values JSON cannot hold
 * (NaN, ±Infinity, and −0, which JSON.stringify prints as 0) are written as strings, so a resumed
 * run continues from exactly the saved bits.
 */
import { Tensor, ValueError } from '@tapegrad/autodiff';
import type { OptimizerState } from '@tapegrad/optim';
import type { RnnParams } from './batch.js';
import { resolveTrainConfig, type ResolvedTrainConfig } from './train-config.js';

/** A float64 as JSON holds it exactly. */
export type EncodedFloat = number | 'NaN' | 'Infinity' | '-Infinity' | '-0';

/** A tensor as JSON: its shape and its values in row-major order. */
export interface EncodedTensor {
  shape: number[];
  data: EncodedFloat[];
}

/** Where a run stands: still going, or why it ended. */
export type TrainStatus = 'running' | 'success' | 'budget' | 'diverged' | 'stopped';

/** The update at which the loss or the gradient became NaN or ±Infinity (that update is not applied). */
export interface Divergence {
  update: number;
  loss: EncodedFloat;
  gradNorm: EncodedFloat;
  reason: string;
}

/** Sums over the updates since the last validation, for the averages the validation reports. */
export interface WindowSums {
  updates: number;
  loss: EncodedFloat;
  gradNorm: EncodedFloat;
  clipped: number;
  omega: EncodedFloat;
  omegaCount: number;
  stepsInPast: EncodedFloat;
  stepsInPastCount: number;
}

/**
 * Everything a run needs to continue bit for bit: configuration, parameters, optimizer memory,
 * the training data generator's state, the update count and the monitoring sums. `JSON.stringify`
 * it to save, `JSON.parse` and {@link Trainer.resume} to continue.
 */
export interface TrainState {
  format: 'tapegrad-train-state';
  version: 1;
  config: ResolvedTrainConfig;
  updates: number;
  status: TrainStatus;
  divergence: Divergence | null;
  /** The lowest validation error so far and when. */
  best: { update: number; errorRate: number } | null;
  params: { [name: string]: EncodedTensor };
  optimizer: OptimizerState;
  /** The training data generator's state (Rng.state()). */
  rng: number[];
  /** The validation stream's state (fresh validation and confirmation sequences); absent in older states. */
  validationRng?: number[];
  window: WindowSums;
}

/**
 * A float64 as JSON holds it exactly.
 *
 * @example
 * encodeFloat(-0); // '-0'
 * encodeFloat(0.1); // 0.1
 */
export function encodeFloat(v: number): EncodedFloat {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  if (Object.is(v, -0)) return '-0';
  return v;
}

/**
 * The inverse of {@link encodeFloat}; anything else is a ValueError naming `where`.
 *
 * @example
 * decodeFloat('-Infinity', 'state.window.loss'); // -Infinity
 */
export function decodeFloat(v: unknown, where: string): number {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  if (v === '-0') return -0;
  throw new ValueError(
    'Trainer.resume',
    where,
    `must be a number or one of "NaN", "Infinity", "-Infinity", "-0", got ${JSON.stringify(v)}`,
  );
}

/** @internal The parameter record as JSON-able tensors. */
export function encodeParams(params: RnnParams): { [name: string]: EncodedTensor } {
  const out: { [name: string]: EncodedTensor } = {};
  for (const [name, t] of Object.entries(params))
    if (t !== undefined) out[name] = { shape: [...t.shape], data: Array.from(t.data, encodeFloat) };
  return out;
}

/** @internal Decodes parameters and checks them against the names and shapes a fresh run would have. */
export function decodeParams(encoded: unknown, like: RnnParams): RnnParams {
  if (typeof encoded !== 'object' || encoded === null)
    throw new ValueError('Trainer.resume', 'state.params', `must be an object, got ${String(encoded)}`);
  const record = encoded as { [name: string]: EncodedTensor };
  const expected = Object.keys(like).sort().join(', ');
  if (Object.keys(record).sort().join(', ') !== expected) {
    throw new ValueError(
      'Trainer.resume',
      'state.params',
      `must hold exactly [${expected}], got [${Object.keys(record).sort().join(', ')}]`,
    );
  }
  const out: { [name: string]: Tensor } = {};
  for (const [name, template] of Object.entries(like) as [string, Tensor][]) {
    const t = record[name];
    const shape = template.shape;
    if (
      !Array.isArray(t?.shape) ||
      t.shape.join() !== shape.join() ||
      !Array.isArray(t.data) ||
      t.data.length !== template.size
    ) {
      throw new ValueError(
        'Trainer.resume',
        `state.params.${name}`,
        `must be shape [${shape.join(', ')}] with ${template.size} values for this configuration, got shape ${JSON.stringify(t?.shape)} with ${Array.isArray(t?.data) ? t.data.length : 'no'} values`,
      );
    }
    out[name] = new Tensor(
      Float64Array.from(t.data, (v, i) => decodeFloat(v, `state.params.${name}.data[${i}]`)),
      [...shape],
    );
  }
  return out as unknown as RnnParams;
}

/**
 * The values of fields that states saved before the field existed ran with: the autodiff Ω before
 * `omegaImpl`, a fixed validation set without confirmation before `validation` and `confirmSequences`.
 */
const LEGACY_FIELDS: Readonly<Record<string, unknown>> = {
  omegaImpl: 'autodiff',
  validation: 'fixed',
  confirmSequences: 0,
};

/** @internal A saved configuration with the fields it predates filled in as it ran. */
export function withLegacyFields(config: unknown): Record<string, unknown> | undefined {
  if (typeof config !== 'object' || config === null) return config as undefined;
  const missing = Object.entries(LEGACY_FIELDS).filter(([k]) => !(k in config));
  return { ...config, ...Object.fromEntries(missing) };
}

/** @internal Checks the envelope of a state (format, version, config, counters) and returns its resolved config. */
export function checkStateEnvelope(state: unknown): ResolvedTrainConfig {
  const op = 'Trainer.resume';
  if (typeof state !== 'object' || state === null)
    throw new ValueError(op, 'state', `must be an object from Trainer.state(), got ${String(state)}`);
  const s = state as Partial<TrainState>;
  if (s.format !== 'tapegrad-train-state')
    throw new ValueError(op, 'state.format', `must be "tapegrad-train-state", got ${JSON.stringify(s.format)}`);
  if (s.version !== 1) throw new ValueError(op, 'state.version', `must be 1, got ${JSON.stringify(s.version)}`);
  const saved = withLegacyFields(s.config);
  const config = resolveTrainConfig(saved);
  const resolved = config as unknown as Record<string, unknown>;
  if (Object.keys(resolved).some((k) => JSON.stringify(resolved[k]) !== JSON.stringify(saved?.[k]))) {
    throw new ValueError(op, 'state.config', 'is incomplete: a saved configuration lists every field');
  }
  if (!Number.isInteger(s.updates) || (s.updates as number) < 0)
    throw new ValueError(op, 'state.updates', `must be an integer ≥ 0, got ${String(s.updates)}`);
  if (s.optimizer?.updates !== s.updates) {
    throw new ValueError(
      op,
      'state.optimizer.updates',
      `must equal state.updates = ${s.updates}, got ${String(s.optimizer?.updates)}`,
    );
  }
  const statuses: TrainStatus[] = ['running', 'success', 'budget', 'diverged', 'stopped'];
  if (!statuses.includes(s.status as TrainStatus))
    throw new ValueError(op, 'state.status', `must be one of ${statuses.join(', ')}, got ${JSON.stringify(s.status)}`);
  if (typeof s.window !== 'object' || s.window === null) throw new ValueError(op, 'state.window', 'is missing');
  if (s.validationRng !== undefined && !Array.isArray(s.validationRng)) {
    throw new ValueError(
      op,
      'state.validationRng',
      `must be an array from Rng.state(), got ${JSON.stringify(s.validationRng)}`,
    );
  }
  return config;
}
