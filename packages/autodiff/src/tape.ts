/**
 * @file The tape: an append-only array of the ops run while it is active, in execution order, and
 * the reverse walk over it that computes gradients. Nothing in here knows about any particular op:
 * an op hands `record` its output, its inputs and its vector-Jacobian product (VJP). `entries` and
 * `backwardSteps` let a reader (or the interactive page) see what was recorded and each step of the walk.
 */
import { AnomalyError, ShapeError, TapeError, showShape } from './errors.js';
import { addInto, broadcastsTo, checkFinite, sameShape, seedFor, sumOf, zerosLike } from './tape-support.js';
import { Tensor, fromData } from './tensor.js';

export { sameShape } from './tape-support.js';

/**
 * A VJP: given the gradient `g` of the loss with respect to an op's output, the gradients with
 * respect to its inputs (null where `needs[i]` is false or the input has no gradient). A gradient
 * may have the output's broadcast shape; the tape sums it down to the input's shape.
 */
export type Vjp = (g: Tensor, needs: readonly boolean[]) => readonly (Tensor | null)[];

interface Entry {
  readonly op: string;
  readonly out: Tensor;
  readonly inputs: readonly Tensor[];
  readonly names: readonly string[];
  /** null for a watched leaf that has no recorded source. */
  readonly vjp: Vjp | null;
}

/**
 * One recorded entry as {@link Tape.entries} shows it: the op, its output, and each input with its
 * name and its tape index (-1 for a constant, or a tensor of another tape: no gradient flows to it).
 */
export interface TapeEntry {
  readonly index: number;
  readonly op: string;
  readonly output: Tensor;
  readonly inputs: readonly { readonly name: string; readonly index: number; readonly value: Tensor }[];
}

/**
 * What the reverse walk did at one entry ({@link Tape.backwardSteps}): the gradient that reached
 * the entry's output, and what its VJP passed on to each input, broadcasting undone (null for an
 * input that needs no gradient).
 */
export interface BackwardStep {
  readonly index: number;
  readonly op: string;
  readonly grad: Tensor;
  readonly inputGrads: readonly (Tensor | null)[];
}

type StepObserver = (step: BackwardStep) => void;

let active: Tape | null = null;
let recording = true;
let anomalyMode = false;
let liveEntries = 0;

/** The hooks the tape needs from the op layer, set once by ops/index.ts (the tape imports no op). */
export interface TapeOps {
  add(a: Tensor, b: Tensor): Tensor;
  sumTo(x: Tensor, shape: readonly number[]): Tensor;
}
let ops: TapeOps | null = null;
/** @internal */
export function installTapeOps(o: TapeOps): void {
  ops = o;
}

/**
 * Records the ops run inside {@link Tape.record} and walks them backwards in {@link Tape.gradient}.
 * The transforms (`grad`, `vjp`, ...) are built on it; use it directly to see every step.
 *
 * @example
 * const tape = new Tape();
 * const x = tape.watch(tensor([1, 2, 3]));
 * const y = tape.record(() => sum(mul(x, x)));
 * const [dx] = tape.gradient(y, [x]); // [2, 4, 6]
 */
export class Tape {
  private recorded: Entry[] = [];
  private used = false;

  /** A persistent tape can be walked many times; others are consumed by their first gradient. */
  constructor(readonly persistent = false) {}

  /** True once a non-persistent tape has computed its gradient and released its entries. */
  get consumed(): boolean {
    return this.used;
  }

  /** Number of recorded entries (watched leaves included). */
  get length(): number {
    return this.recorded.length;
  }

  /**
   * Starts tracking `x`: returns a tensor with the same values whose uses are recorded. If `x` is
   * itself recorded on this tape (a nested transform), gradients flow through to it.
   */
  watch(x: Tensor): Tensor {
    this.assertUsable('Tape.watch');
    const leaf = fromData(x.data, x.shape);
    const linked = x.tape === this;
    this.push(leaf, 'watch', linked ? [x] : [], linked ? WATCH_NAMES : [], linked ? IDENTITY_VJP : null);
    return leaf;
  }

  /** Runs `fn` with this tape active: every op on a watched tensor inside it is recorded. */
  record<T>(fn: () => T): T {
    this.assertUsable('Tape.record');
    const previous = active;
    const previousRecording = recording;
    active = this;
    recording = true; // inside noGrad too: this tape's own ops are what the caller asked for
    try {
      return fn();
    } finally {
      active = previous;
      recording = previousRecording;
    }
  }

  /**
   * Gradients of `out` with respect to each of `sources`, by one reverse walk from `out` down to
   * the earliest source. `seed` is the gradient of the final loss with respect to `out` (default 1
   * for a scalar). Called inside this tape's own `record`, the walk is itself recorded, so the
   * result can be differentiated again; called after, it consumes a non-persistent tape.
   * Sources the walk never reached get zeros, and their positions are pushed onto `unreached`.
   */
  gradient(out: Tensor, sources: readonly Tensor[], seed?: Tensor, unreached?: number[]): Tensor[] {
    let stop = this.recorded.length;
    for (const s of sources) if (s.tape === this && s.id < stop) stop = s.id;
    const grads = this.backward('Tape.gradient', out, seed, stop, null);
    const result = sources.map((s, i) => {
      const g = s.tape === this ? grads[s.id] : undefined;
      if (g !== undefined) return g;
      unreached?.push(i);
      return zerosLike(s);
    });
    if (active !== this && !this.persistent) this.release();
    return result;
  }

  /**
   * The recorded entries in execution order (watched leaves included): what a tool that shows the
   * tape reads. The views share the tensors on the tape; treat them as read-only.
   *
   * @example
   * const tape = new Tape();
   * const x = tape.watch(tensor([1, 2]));
   * tape.record(() => sum(tanh(x)));
   * tape.entries().map((e) => e.op); // ['watch', 'tanh', 'sum']
   */
  entries(): TapeEntry[] {
    return this.recorded.map((e, index) => ({
      index,
      op: e.op,
      output: e.out,
      inputs: e.inputs.map((x, j) => ({ name: e.names[j], index: x.tape === this ? x.id : -1, value: x })),
    }));
  }

  /**
   * The reverse walk from `out` to the start of the tape, one step per entry the gradient reached,
   * in walk order (from `out` down): the same walk as {@link Tape.gradient}, shown step by step.
   * Like `gradient`, it consumes a non-persistent tape and is recorded when called inside `record`.
   *
   * @example
   * const tape = new Tape();
   * const x = tape.watch(tensor([1, 2]));
   * const y = tape.record(() => sum(mul(x, x)));
   * tape.backwardSteps(y).map((s) => s.op); // ['sum', 'mul', 'watch']
   */
  backwardSteps(out: Tensor, seed?: Tensor): BackwardStep[] {
    const steps: BackwardStep[] = [];
    this.backward('Tape.backwardSteps', out, seed, 0, (step) => steps.push(step));
    if (active !== this && !this.persistent) this.release();
    return steps;
  }

  /** Seeds `out` and walks back to entry `stop`; returns the gradients by tape index. */
  private backward(
    op: string,
    out: Tensor,
    seed: Tensor | undefined,
    stop: number,
    observe: StepObserver | null,
  ): (Tensor | undefined)[] {
    this.assertUsable(op);
    if (ops === null) throw new TapeError(op, 'ops are not installed; import from the package root');
    const g0 = seedFor(out, seed);
    const grads: (Tensor | undefined)[] = new Array(this.recorded.length);
    const previousRecording = recording;
    recording = active === this && previousRecording;
    try {
      if (out.tape === this) {
        grads[out.id] = g0;
        this.walk(grads, out.id, stop, observe);
      }
    } finally {
      recording = previousRecording;
    }
    return grads;
  }

  /** Drops every entry so nothing recorded stays reachable; the tape cannot be used again. */
  release(): void {
    liveEntries -= this.recorded.length;
    this.recorded = [];
    this.used = true;
  }

  private walk(grads: (Tensor | undefined)[], from: number, stop: number, observe: StepObserver | null): void {
    // Gradients this walk allocated itself may be summed into in place, unless the walk is being
    // recorded (then every sum must be an op on the tape, for higher order).
    const owned: boolean[] = new Array(grads.length);
    for (let i = from; i >= stop; i--) {
      const g = grads[i];
      if (g === undefined) continue;
      const e = this.recorded[i];
      if (e.vjp === null) {
        observe?.({ index: i, op: e.op, grad: g, inputGrads: [] });
        continue;
      }
      // An input needs a gradient when it is recorded on this tape after the walk's stop.
      const needs = e.inputs.map((x) => x.tape === this && x.id >= stop);
      // In anomaly mode a bad value made inside a VJP is reported by the check below, as the
      // backward of this op and the input whose gradient went bad, not as some op of the VJP.
      const inputGrads = anomalyMode ? vjpUnchecked(e.vjp, g, needs) : e.vjp(g, needs);
      const passed: (Tensor | null)[] | null = observe === null ? null : e.inputs.map(() => null);
      for (let j = 0; j < e.inputs.length; j++) {
        const x = e.inputs[j];
        if (!needs[j]) continue;
        const gj = inputGrads[j];
        if (gj === null || gj === undefined) continue;
        const fitted = fitGradient(gj, x, e, j);
        if (anomalyMode) checkFinite(fitted, e.op, i, `backward`, `gradient of input '${e.names[j]}'`);
        if (passed !== null) passed[j] = fitted;
        const previous = grads[x.id];
        if (previous === undefined) grads[x.id] = fitted;
        else if (recording) grads[x.id] = ops!.add(previous, fitted);
        else if (owned[x.id]) addInto(previous.data, fitted.data);
        else {
          grads[x.id] = fromData(sumOf(previous.data, fitted.data), x.shape);
          owned[x.id] = true;
        }
      }
      if (passed !== null) observe!({ index: i, op: e.op, grad: g, inputGrads: passed });
    }
  }

  /** @internal Appends an entry; `out` becomes recorded on this tape. */
  push(out: Tensor, op: string, inputs: readonly Tensor[], names: readonly string[], vjp: Vjp | null): Tensor {
    out.tape = this;
    out.id = this.recorded.length;
    this.recorded.push({ op, out, inputs, names, vjp });
    liveEntries++;
    return out;
  }

  private assertUsable(op: string): void {
    if (this.used) {
      throw new TapeError(
        op,
        'this tape was already consumed by a gradient call and released its entries; record on a new Tape, or make it with new Tape(true) to keep it',
      );
    }
  }
}

const WATCH_NAMES = ['x'];
const IDENTITY_VJP: Vjp = (g) => [g];

/** Undoes broadcasting (sums over broadcast axes) and checks the result has the input's shape. */
function fitGradient(g: Tensor, x: Tensor, e: Entry, j: number): Tensor {
  if (sameShape(g.shape, x.shape)) return g;
  if (broadcastsTo(x.shape, g.shape)) return ops!.sumTo(g, x.shape);
  throw new ShapeError(
    e.op,
    e.names[j],
    `gradient of input '${e.names[j]}' has shape ${showShape(g.shape)}, which does not match the input's shape ${showShape(x.shape)}`,
  );
}

function vjpUnchecked(vjp: Vjp, g: Tensor, needs: readonly boolean[]): readonly (Tensor | null)[] {
  anomalyMode = false;
  try {
    return vjp(g, needs);
  } finally {
    anomalyMode = true;
  }
}

/**
 * Called by every op after computing `out`: records it on the active tape when one of `inputs`
 * is recorded there, and returns `out`. `vjp` may refer to `out` (tanh, exp save their output).
 */
export function record(out: Tensor, op: string, inputs: readonly Tensor[], names: readonly string[], vjp: Vjp): Tensor {
  const tape = active;
  if (tape !== null && recording) {
    for (let i = 0; i < inputs.length; i++) {
      if (inputs[i].tape === tape) {
        tape.push(out, op, inputs, names, vjp);
        break;
      }
    }
  }
  if (anomalyMode) checkFinite(out, op, out.tape === null ? -1 : out.id, 'forward', 'output');
  return out;
}

/**
 * The tape ops are being recorded on right now, if any. Inside a VJP it is null exactly when the
 * reverse walk is not itself recorded (a top-level gradient), so a VJP may then skip building its
 * result from differentiable ops and compute plain numbers (how a fused op gets a fast backward).
 *
 * @example
 * activeTape(); // null outside any transform
 * record(out, 'myOp', [x], ['x'], (g) => [activeTape() === null ? plainVjp(g) : differentiableVjp(g)]);
 */
export function activeTape(): Tape | null {
  return recording ? active : null;
}

/**
 * Runs `fn` without recording anything: its results are constants to every tape.
 *
 * @example
 * const y = noGrad(() => mul(x, x)); // y.tape === null
 */
export function noGrad<T>(fn: () => T): T {
  const previous = recording;
  recording = false;
  try {
    return fn();
  } finally {
    recording = previous;
  }
}

/**
 * Runs `fn` in anomaly mode: the first NaN or ±Infinity produced by any op, forward or backward,
 * throws an {@link AnomalyError} naming the op, its tape index and the tensor that went bad.
 * Costs one pass over every result, so it is off by default.
 */
export function withAnomalyMode<T>(fn: () => T): T {
  const previous = anomalyMode;
  anomalyMode = true;
  try {
    return fn();
  } finally {
    anomalyMode = previous;
  }
}

/** Entries held by tapes that have not been consumed or released: 0 once every gradient is done. */
export function liveTapeEntries(): number {
  return liveEntries;
}
