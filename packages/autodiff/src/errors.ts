/**
 * @file The typed errors tapegrad throws. Every message names the op (or function), the argument
 * and the offending values, so a failure can be traced without a debugger.
 */

/** Shapes that do not fit an op: broadcasting, matmul dimensions, data length, axis out of range. */
export class ShapeError extends RangeError {
  override readonly name = 'ShapeError';
  constructor(
    readonly op: string,
    readonly argument: string,
    detail: string,
  ) {
    super(`${op}: argument '${argument}': ${detail}`);
  }
}

/** A value outside what an argument accepts: a negative learning rate, an unknown name, NaN. */
export class ValueError extends RangeError {
  override readonly name = 'ValueError';
  constructor(
    readonly op: string,
    readonly argument: string,
    detail: string,
  ) {
    super(`${op}: argument '${argument}': ${detail}`);
  }
}

/** Misuse of a tape: reuse after it was consumed, a non-scalar output without a gradient seed. */
export class TapeError extends TypeError {
  override readonly name = 'TapeError';
  constructor(
    readonly op: string,
    detail: string,
  ) {
    super(`${op}: ${detail}`);
  }
}

/** Anomaly mode found the first NaN or ±Infinity produced in a forward or backward pass. */
export class AnomalyError extends RangeError {
  override readonly name = 'AnomalyError';
  constructor(
    readonly op: string,
    readonly tapeIndex: number,
    readonly where: string,
    detail: string,
  ) {
    super(`anomaly in ${where} of '${op}' (tape index ${tapeIndex}): ${detail}`);
  }
}

/** Formats a shape the way messages print it: `[2, 3]`. */
export function showShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
