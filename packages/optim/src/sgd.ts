/**
 * @file Stochastic gradient descent over a parameter record, plain or with (Nesterov) momentum.
 * Tensors are never changed: `step` returns a new record. What the optimizer remembers between
 * updates (the update count and the momentum buffers) is plain data, so a checkpoint resumes bit
 * for bit.
 */
import { ValueError, tensor, treeZip, type Tensor, type TensorTree } from '@tapegrad/autodiff';
import { checkSchedule, valueAt, type ScheduleLike } from './schedule.js';

/** What every optimizer offers; {@link paperStep} works with any of them. */
export interface Optimizer {
  /** Updates made so far: the t the schedules see at the next step. */
  readonly updates: number;
  /** The learning rate the next step will use. */
  learningRate(): number;
  /** New parameters after one update with `grads` (same structure and shapes as `params`). */
  step<P extends TensorTree>(params: P, grads: TensorTree): P;
  /** The optimizer's memory as JSON-able data. */
  state(): OptimizerState;
  /** Restores what {@link Optimizer.state} returned. */
  loadState(state: OptimizerState): void;
}

/**
 * An optimizer's memory as plain data: the update count and one buffer per parameter path.
 * `JSON.stringify` writes every finite float64 in a form that parses back to the same bits.
 */
export interface OptimizerState {
  updates: number;
  buffers: { [path: string]: number[] };
}

/** Options of {@link SGD}. */
export interface SgdOptions {
  /** A constant ≥ 0 or a function of the update count (see schedule.ts). */
  learningRate: ScheduleLike;
  /** μ in [0, 1); 0 (the default, and the paper's setting) is plain SGD. */
  momentum?: number;
  /** Use Nesterov's look-ahead form of momentum. */
  nesterov?: boolean;
}

/**
 * SGD with optional momentum, in PyTorch's convention (buffers start at zero):
 *   v ← μ·v + g;   p ← p − lr·v            (heavy ball)
 *   v ← μ·v + g;   p ← p − lr·(g + μ·v)    (Nesterov)
 * With μ = 0 both are p ← p − lr·g.
 *
 * @example
 * const opt = new SGD({ learningRate: 0.1, momentum: 0.9 });
 * let params = { w: tensor([1, 2]) };
 * params = opt.step(params, { w: tensor([1, 1]) }); // w = [0.9, 1.9]
 * params = opt.step(params, { w: tensor([1, 1]) }); // v = 1.9, w = [0.71, 1.71]
 * const saved = JSON.stringify(opt.state()); // resume later with opt.loadState(JSON.parse(saved))
 */
export class SGD implements Optimizer {
  private readonly schedule: ScheduleLike;
  private readonly momentum: number;
  private readonly nesterov: boolean;
  private buffers = new Map<string, Float64Array>();
  private count = 0;

  constructor(options: SgdOptions) {
    this.schedule = checkSchedule('SGD', 'learningRate', options.learningRate);
    const momentum = options.momentum ?? 0;
    if (typeof momentum !== 'number' || !(momentum >= 0 && momentum < 1)) {
      throw new ValueError('SGD', 'momentum', `must be in [0, 1), got ${String(momentum)}`);
    }
    this.momentum = momentum;
    this.nesterov = options.nesterov ?? false;
  }

  get updates(): number {
    return this.count;
  }

  learningRate(): number {
    return valueAt('SGD', 'learningRate', this.schedule, this.count);
  }

  step<P extends TensorTree>(params: P, grads: TensorTree): P {
    const lr = this.learningRate();
    const mu = this.momentum;
    // New buffers are committed only after every leaf matched, so a structure error changes nothing.
    const updated = new Map<string, Float64Array>();
    const next = treeZip('SGD.step', params, grads, (p, g, path) => {
      const out = new Float64Array(p.size);
      if (mu === 0) {
        for (let i = 0; i < out.length; i++) out[i] = p.data[i] - lr * g.data[i];
        return tensor(out, p.shape);
      }
      const v = this.nextBuffer(path, p);
      for (let i = 0; i < out.length; i++) {
        v[i] = mu * v[i] + g.data[i];
        out[i] = p.data[i] - lr * (this.nesterov ? g.data[i] + mu * v[i] : v[i]);
      }
      updated.set(path, v);
      return tensor(out, p.shape);
    });
    for (const [path, v] of updated) this.buffers.set(path, v);
    this.count++;
    return next;
  }

  state(): OptimizerState {
    const buffers: { [path: string]: number[] } = {};
    for (const [path, v] of this.buffers) buffers[path] = Array.from(v);
    return { updates: this.count, buffers };
  }

  loadState(state: OptimizerState): void {
    if (typeof state !== 'object' || state === null || !Number.isInteger(state.updates) || state.updates < 0) {
      throw new ValueError('SGD.loadState', 'state.updates', `must be an integer ≥ 0, got ${String(state?.updates)}`);
    }
    const buffers = new Map<string, Float64Array>();
    for (const [path, values] of Object.entries(state.buffers ?? {})) {
      if (!Array.isArray(values) || values.some((x) => typeof x !== 'number')) {
        throw new ValueError('SGD.loadState', `state.buffers['${path}']`, 'must be an array of numbers');
      }
      buffers.set(path, Float64Array.from(values));
    }
    this.count = state.updates;
    this.buffers = buffers;
  }

  /** A copy of the momentum buffer of `path` (zeros the first time), to be updated in place. */
  private nextBuffer(path: string, p: Tensor): Float64Array {
    const v = this.buffers.get(path);
    if (v === undefined) return new Float64Array(p.size);
    if (v.length !== p.size) {
      throw new ValueError(
        'SGD.step',
        `params.${path}`,
        `has ${p.size} elements but its momentum buffer has ${v.length}`,
      );
    }
    return v.slice();
  }
}
