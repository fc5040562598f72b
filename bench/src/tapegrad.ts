/**
 * @file The three workloads written with tapegrad, the way a user would: W1 is @tapegrad/rnn's
 * `rnnLoss` under `valueAndGrad`, then @tapegrad/optim's `clipGradNorm` and `SGD`; W2 a chain of
 * elementwise ops; W3 `matmul` and its gradient. W1 also runs with `fused: false`, the per-step
 * tape (two generic tape entries per step), so the table shows the engine as well as the package's
 * fused whole-sequence op.
 */
import { Tape, Tensor, add, matmul, mul, sum, tanh, tensor, valueAndGrad } from '@tapegrad/autodiff';
import { SGD, clipGradNorm } from '@tapegrad/optim';
import { rnnLoss, type RnnConfig, type RnnParams } from '@tapegrad/rnn';
import { CLIP_THRESHOLD, LEARNING_RATE, PARAM_NAMES, makeW3Data, type ParamName, type W1Data } from './data.js';

const CONFIG: RnnConfig = { activation: 'tanh', head: 'softmax-last' };
const PER_STEP_CONFIG: RnnConfig = { ...CONFIG, fused: false };

/** W1's loss and its (unclipped) gradients at the data's initial parameters. */
export interface W1Gradients {
  loss: number;
  grads: Record<ParamName, Float64Array>;
}

/**
 * W1's loss and gradients from tapegrad, for the correctness check.
 *
 * @example
 * tapegradW1Gradients(makeW1Data(50, 1)).grads.W_rec.length; // 2500
 */
export function tapegradW1Gradients(data: W1Data): W1Gradients {
  const batch = { inputs: data.inputs, targets: data.targets };
  const { value, grad } = valueAndGrad((p: RnnParams) => rnnLoss(p, batch, CONFIG))(data.params);
  const grads = {} as Record<ParamName, Float64Array>;
  for (const name of PARAM_NAMES) grads[name] = grad[name].data;
  return { loss: value.item(), grads };
}

/**
 * One W1 training step as a closure over its own parameters: forward over T steps, loss,
 * backward to all five parameters, global-norm clipping at 1, SGD at rate 0.01. `fused: false`
 * unrolls on the per-step tape instead of rnnLoss's default fused sequence op.
 *
 * @example
 * const step = tapegradW1Step(makeW1Data(50, 1));
 * step(); // the parameters moved once
 */
export function tapegradW1Step(data: W1Data, fused = true): () => void {
  const batch = { inputs: data.inputs, targets: data.targets };
  const config = fused ? CONFIG : PER_STEP_CONFIG;
  const lossAndGrad = valueAndGrad((p: RnnParams) => rnnLoss(p, batch, config));
  const optimizer = new SGD({ learningRate: LEARNING_RATE });
  let params = data.params;
  return () => {
    const { grad } = lossAndGrad(params);
    const { grads } = clipGradNorm(grad, CLIP_THRESHOLD);
    params = optimizer.step(params, grads);
  };
}

/** The elementwise op of W2 at position i: add(const), mul(const), tanh, cycling. */
function w2Op(x: Tensor, i: number): Tensor {
  const phase = i % 3;
  if (phase === 0) return add(x, 0.1);
  if (phase === 1) return mul(x, 0.9);
  return tanh(x);
}

/**
 * W2: a chain of `ops` elementwise ops on a length-8 vector, sum, backward. Returns one run.
 *
 * @example
 * const run = tapegradW2(10_000);
 * run(); // time / 10,000 = µs per op
 */
export function tapegradW2(ops: number): () => void {
  const x0 = tensor([0.1, -0.2, 0.3, -0.4, 0.5, -0.6, 0.7, -0.8]);
  return () => {
    const tape = new Tape();
    const x = tape.watch(x0);
    const y = tape.record(() => {
      let h = x;
      for (let i = 0; i < ops; i++) h = w2Op(h, i);
      return sum(h);
    });
    tape.gradient(y, [x]);
  };
}

/**
 * W3: C = A·B for n × n (forward), or also the gradients of sum(C) w.r.t. A and B (backward).
 *
 * @example
 * const run = tapegradW3(256, true);
 * run(); // 3·2·256³ flops
 */
export function tapegradW3(n: number, backward: boolean): () => void {
  const { a, b } = makeW3Data(n);
  if (!backward) return () => void matmul(a, b);
  const lossAndGrad = valueAndGrad((x: Tensor, y: Tensor) => sum(matmul(x, y)), { argnums: [0, 1] });
  return () => void lossAndGrad(a, b);
}
