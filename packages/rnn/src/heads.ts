/**
 * @file The output heads: which steps produce an output y_t = W_out·σ(x_t) + b_out, and the loss
 * on it. Softmax cross-entropy at the last step (temporal order, permutation), mean squared error
 * at the last step (addition, multiplication), softmax cross-entropy at every step (memorization),
 * or a user's own loss per step with E = Σ_t E_t.
 */
import { ValueError, Tensor, mul, softmaxCrossEntropy, square, sub, sum } from '@tapegrad/autodiff';

/** The built-in heads. */
export type HeadName = 'softmax-last' | 'linear-last' | 'softmax-every';

/** Every built-in head name, in the order error messages list them. */
export const HEADS: readonly HeadName[] = ['softmax-last', 'linear-last', 'softmax-every'];

/**
 * A user's loss at every step: E = Σ_t E_t with E_t = perStep(y_t, t), y_t = W_out·σ(x_t) + b_out
 * of shape [B, n_out] and t in 1..T. Return null for steps without a loss. Averaging over the
 * batch is up to the function.
 *
 * @example
 * const head: PerStepLoss = { perStep: (y, t) => (t === 3 ? mean(square(y)) : null) };
 */
export interface PerStepLoss {
  perStep: (output: Tensor, step: number) => Tensor | null;
}

/** A built-in head name or a per-step loss. */
export type Head = HeadName | PerStepLoss;

/**
 * Checks a head and returns it; an unknown name throws a ValueError listing the valid ones.
 *
 * @example
 * checkHead('rnnLoss', 'softmax-last'); // 'softmax-last'
 */
export function checkHead(op: string, head: unknown): Head {
  if (typeof head === 'string' && (HEADS as readonly string[]).includes(head)) return head as HeadName;
  if (typeof head === 'object' && head !== null && typeof (head as PerStepLoss).perStep === 'function')
    return head as PerStepLoss;
  throw new ValueError(
    op,
    'head',
    `unknown head ${JSON.stringify(head)}; valid values: ${HEADS.join(', ')}, or { perStep(output, step) }`,
  );
}

/** True when the head needs an output at every step (not only the last). */
export function outputsEveryStep(head: Head): head is 'softmax-every' | PerStepLoss {
  return head !== 'softmax-last' && head !== 'linear-last';
}

/**
 * Mean over the rows of −log softmax(z)[class]: cross-entropy from logits z [B, K] with class
 * indices `classes[offset + r]`, as autodiff's fused `softmaxCrossEntropy` (one tape entry, the
 * max subtracted, every order of derivative).
 *
 * @example
 * softmaxCrossEntropyRows(tensor([[0, 0]]), new Int32Array([1])).item(); // log 2
 */
export function softmaxCrossEntropyRows(z: Tensor, classes: Int32Array, offset = 0): Tensor {
  return softmaxCrossEntropy(z, classes.subarray(offset, offset + z.shape[0]));
}

/**
 * Mean over rows of Σ_j (y − target)²: the paper's squared error without ½, averaged over the batch.
 *
 * @example
 * squaredErrorRows(tensor([[1, 2]]), tensor([[0, 0]])).item(); // 5
 */
export function squaredErrorRows(y: Tensor, target: Tensor): Tensor {
  return mul(sum(square(sub(y, target))), 1 / y.shape[0]);
}
