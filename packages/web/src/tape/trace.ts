/**
 * @file Records a function on a tape and reads back what the page shows: every entry (op, inputs,
 * output) and every step of the reverse walk, through the library's `Tape.entries` and
 * `Tape.backwardSteps`. With `secondOrder`, the first gradient is computed inside the tape's own
 * `record`, so the backward pass itself lands on the tape and the walk from z = Σ ∇f goes through it.
 */
import { Tape, add, sum, zeros, type BackwardStep, type TapeEntry, type Tensor } from '@tapegrad/autodiff';

/** Where an entry came from: a watched input, the function's forward pass, or a recorded backward pass. */
export type Phase = 'input' | 'forward' | 'backward';

/** What the tape section shows for one function call. */
export interface Trace {
  readonly entries: readonly (TapeEntry & { readonly phase: Phase })[];
  /** The reverse walk from `output`, in walk order (highest index first). */
  readonly steps: readonly BackwardStep[];
  /** f, or z = Σ_v Σ ∂f/∂v with `secondOrder`. */
  readonly output: Tensor;
  /** The gradient of `output` with respect to each input, where the walk ended. */
  readonly grads: Readonly<Record<string, Tensor>>;
  /** The tape index of each input's watched leaf. */
  readonly leaves: Readonly<Record<string, number>>;
  readonly secondOrder: boolean;
}

/**
 * Runs `f` on a fresh persistent tape with every input watched, then walks back from its output.
 *
 * @example
 * const t = traceFunction((v) => sum(tanh(v.x)), { x: tensor([0.5]) });
 * t.entries.map((e) => e.op); // ['watch', 'tanh', 'sum']
 * t.grads.x; // 1 − tanh²(0.5)
 */
export function traceFunction(
  f: (inputs: Readonly<Record<string, Tensor>>) => Tensor,
  inputs: Readonly<Record<string, Tensor>>,
  options: { secondOrder?: boolean } = {},
): Trace {
  const secondOrder = options.secondOrder ?? false;
  const tape = new Tape(true);
  try {
    const watched: Record<string, Tensor> = {};
    const leaves: Record<string, number> = {};
    for (const [name, value] of Object.entries(inputs)) {
      watched[name] = tape.watch(value);
      leaves[name] = tape.length - 1;
    }
    let forwardEnd = 0;
    const output = tape.record(() => {
      const y = f(watched);
      forwardEnd = tape.length;
      if (!secondOrder) return y;
      // Inside record, gradient records the walk: its ops are appended after the forward entries.
      const firstGrads = tape.gradient(y, Object.values(watched));
      return firstGrads.map((g) => sum(g)).reduce((a, b) => add(a, b));
    });
    const inputCount = Object.keys(leaves).length;
    const entries = tape.entries().map((e) => ({ ...e, phase: phaseOf(e.index, inputCount, forwardEnd) }));
    const steps = tape.backwardSteps(output);
    const grads: Record<string, Tensor> = {};
    for (const [name, index] of Object.entries(leaves)) {
      const step = steps.find((s) => s.index === index);
      grads[name] = step?.grad ?? zeros(inputs[name].shape); // an input the output does not depend on
    }
    return { entries, steps, output, grads, leaves, secondOrder };
  } finally {
    tape.release();
  }
}

function phaseOf(index: number, inputs: number, forwardEnd: number): Phase {
  if (index < inputs) return 'input';
  return index < forwardEnd ? 'forward' : 'backward';
}
