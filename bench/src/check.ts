/**
 * @file The correctness check that runs before any timing: every system's W1 loss and gradients
 * on the same seeded data, compared with tapegrad's. Errors are normwise per parameter,
 * max|aᵢ − bᵢ| / max|bᵢ|, so a tiny gradient entry (vanishing through 50 steps) cannot blow up a
 * relative error that says nothing about the computation.
 */
import { PARAM_NAMES } from './data.js';
import type { W1Gradients } from './tapegrad.js';

/** One system's agreement with tapegrad. */
export interface CheckRow {
  system: string;
  /** Relative error of the loss. */
  loss: number;
  /** Largest normwise relative error over the five gradients, and which parameter it was. */
  grad: number;
  worst: string;
  tolerance: number;
  ok: boolean;
}

/** Normwise relative error of `got` against `want`. */
export function relativeError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < want.length; i++) {
    diff = Math.max(diff, Math.abs(got[i] - want[i]));
    scale = Math.max(scale, Math.abs(want[i]));
  }
  if (got.length !== want.length) return Infinity;
  return scale === 0 ? diff : diff / scale;
}

/**
 * Compares one system's W1 loss and gradients with tapegrad's.
 *
 * @example
 * compareW1('JS limit', limit.gradients(), tapegradW1Gradients(data), 1e-12).ok; // true
 */
export function compareW1(system: string, got: W1Gradients, reference: W1Gradients, tolerance: number): CheckRow {
  const loss = Math.abs(got.loss - reference.loss) / Math.abs(reference.loss);
  let grad = 0;
  let worst: string = PARAM_NAMES[0];
  for (const name of PARAM_NAMES) {
    const e = relativeError(got.grads[name], reference.grads[name]);
    if (!(e <= grad)) {
      grad = e;
      worst = name;
    }
  }
  return { system, loss, grad, worst, tolerance, ok: loss <= tolerance && grad <= tolerance };
}

/** The check as a markdown table. */
export function formatCheck(rows: readonly CheckRow[], what: string): string {
  const lines = [
    `Correctness check (${what}), against tapegrad; errors are max|Δ|/max|reference| per parameter:`,
    '',
    '| system | loss rel. error | worst gradient rel. error | tolerance | result |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.system} | ${r.loss.toExponential(2)} | ${r.grad.toExponential(2)} (${r.worst}) | ${r.tolerance.toExponential(0)} | ${r.ok ? 'ok' : 'FAIL'} |`,
    );
  }
  return lines.join('\n');
}
