/**
 * @file The functions the tape section offers to start from: a few elementwise ops, a value used
 * twice (fan-out), a matrix product, the paper's RNN unrolled over three steps, and a second-order
 * example in which the backward pass is itself recorded. Each is a function of named inputs, so the
 * page records it the same way as a function the learner types.
 */
import { rnnLoss, type RnnParams } from '@tapegrad/rnn';
import { tensor, type Tensor } from '@tapegrad/autodiff';
import { parseExpression } from './expression.js';

/** One example: what the page shows in its editors, and the function it records. */
export interface Example {
  readonly id: string;
  readonly label: string;
  /** The expression typed in the editor; null for a program the editor only shows. */
  readonly expression: string | null;
  /** The program as text (for `expression: null`). */
  readonly code: string;
  /** The inputs, as the inputs editor writes them. */
  readonly inputs: string;
  readonly secondOrder: boolean;
  /** One sentence on what to look for. */
  readonly note: string;
}

/** The three steps of the RNN example: one-hot inputs [T, B, n_in], and its class. */
const RNN_INPUTS = tensor([[[1, 0]], [[0, 1]], [[1, 0]]]);
const RNN_TARGETS = [1];

/**
 * The RNN example's call, as the page shows it and {@link exampleFunction} runs it: its inputs are
 * the parameters W_rec, W_in, b, W_out, b_out (2 units, 2 inputs, 2 classes).
 *
 * @example
 * rnnExample(parseInputs(EXAMPLES[3].inputs)).item(); // the cross-entropy after three steps
 */
export function rnnExample(inputs: Readonly<Record<string, Tensor>>): Tensor {
  return rnnLoss(
    inputs as unknown as RnnParams,
    { inputs: RNN_INPUTS, targets: RNN_TARGETS },
    { activation: 'tanh', head: 'softmax-last', fused: false },
  );
}

/** The examples, in the order of the menu. */
export const EXAMPLES: readonly Example[] = [
  {
    id: 'few-ops',
    label: 'A few ops: Σ tanh(x)·y',
    expression: 'sum(tanh(x) * y)',
    code: '',
    inputs: 'x = [0.5, -1, 2]\ny = [2, 3, -1]',
    secondOrder: false,
    note: 'tanh saves its output t; its VJP uses it: g·(1 − t)(1 + t). y gets tanh(x) from mul.',
  },
  {
    id: 'fan-out',
    label: 'One value used three times',
    expression: 'sum(x * x + exp(x))',
    code: '',
    inputs: 'x = [1, -0.5]',
    secondOrder: false,
    note: 'x feeds three inputs; the walk adds what each passes back (2x from mul, eˣ from exp).',
  },
  {
    id: 'matmul',
    label: 'A layer: Σ tanh(W·x + b)',
    expression: 'sum(tanh(matmul(W, x) + b))',
    code: '',
    inputs: 'W = [[0.5, -0.2, 0.1], [0.3, 0.8, -0.6]]\nx = [[1], [0.5], [-1]]\nb = [[0.1], [-0.2]]',
    secondOrder: false,
    note: 'matmul passes G·xᵀ to W and Wᵀ·G to x: the shapes of the inputs, not of the output.',
  },
  {
    id: 'rnn',
    label: 'The paper’s RNN, 3 steps',
    expression: null,
    code:
      "rnnLoss(params, { inputs: u, targets: [1] }, { activation: 'tanh', head: 'softmax-last', fused: false })\n" +
      '// u = [[[1, 0]], [[0, 1]], [[1, 0]]]: three one-hot steps, batch 1; x_t = W_rec·tanh(x_{t−1}) + W_in·u_t + b',
    // two hidden units, two inputs, two classes; round numbers so the values on the tape can be followed
    inputs:
      'W_rec = [[0.9, -0.4], [0.3, 0.8]]\nW_in = [[1, -0.5], [0.2, 0.7]]\nb = [0, 0.1]\nW_out = [[1, -1], [-0.5, 0.8]]\nb_out = [0, 0]',
    secondOrder: false,
    note: 'Each step is rnnCell then tanh; W_rec is used at every step, so its gradient is a sum over time (BPTT).',
  },
  {
    id: 'second-order',
    label: 'Second order: Σ tanh(x), differentiated twice',
    expression: 'sum(tanh(x))',
    code: '',
    inputs: 'x = [0.5, -1]',
    secondOrder: true,
    note: 'The first backward pass ran inside record, so tanhGrad and friends are on the tape; walking back from z = Σ ∂f/∂x through them gives ∂z/∂x = −2·t·(1 − t²).',
  },
];

/**
 * The function an example (or a typed expression) records: the RNN program, or the parsed expression.
 *
 * @example
 * exampleFunction(EXAMPLES[0])({ x: tensor([0.5]), y: tensor([2]) }).item(); // 2·tanh(0.5)
 */
export function exampleFunction(
  example: Pick<Example, 'expression'>,
): (inputs: Readonly<Record<string, Tensor>>) => Tensor {
  if (example.expression === null) return rnnExample;
  const parsed = parseExpression(example.expression);
  return (inputs) => parsed.evaluate(inputs);
}
