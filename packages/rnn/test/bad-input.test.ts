import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError, tensor, zeros } from '@tapegrad/autodiff';
import {
  errorSignals,
  forward,
  jacobianProducts,
  recurrentConditions,
  rnnLoss,
  transition,
  truncatedLoss,
  type Activation,
  type Head,
  type RnnConfig,
} from '@tapegrad/rnn';
import { randomProblem } from './rnn-helpers.js';

const { params } = randomProblem({
  seed: 1,
  n: 3,
  nIn: 2,
  nOut: 4,
  T: 2,
  B: 2,
  activation: 'tanh',
  head: 'softmax-last',
});
const last: RnnConfig = { activation: 'tanh', head: 'softmax-last' };
const expectError = (f: () => unknown, type: typeof ShapeError | typeof ValueError, message: RegExp): void => {
  expect(f).toThrow(type);
  expect(f).toThrow(message);
};

describe('bad input: typed errors naming the function, the argument and the values', () => {
  it('wrong input rank or size, empty sequences', () => {
    expectError(
      () => rnnLoss(params, { inputs: zeros([5, 2]), targets: [0, 1] }, last),
      ShapeError,
      /rnnLoss: argument 'batch.inputs': must have shape \[T, B, 2\] \(rank 3\), got \[5, 2\]/,
    );
    expectError(
      () => rnnLoss(params, { inputs: zeros([5, 2, 3]), targets: [0, 1] }, last),
      ShapeError,
      /must have shape \[T, B ≥ 1, 2\], got \[5, 2, 3\]/,
    );
    expectError(
      () => rnnLoss(params, { inputs: zeros([0, 2, 2]), targets: [0, 1] }, last),
      ShapeError,
      /sequence length T must be ≥ 1, got shape \[0, 2, 2\]/,
    );
    expectError(
      () => rnnLoss(params, { inputs: [], targets: [0, 1] }, last),
      ShapeError,
      /sequence length T must be ≥ 1, got an empty array/,
    );
    expectError(
      () => rnnLoss(params, { inputs: [zeros([2, 2]), zeros([3, 2])], targets: [0, 1] }, last),
      ShapeError,
      /'batch.inputs\[1\]': must have shape \[2, 2\], got \[3, 2\]/,
    );
    expectError(
      () => forward(params, zeros([4, 1, 5]), { activation: 'tanh' }),
      ShapeError,
      /forward: argument 'batch.inputs'/,
    );
  });

  it('targets of the wrong shape or with classes out of range', () => {
    const inputs = zeros([3, 2, 2]);
    expectError(
      () => rnnLoss(params, { inputs, targets: [0, 1, 2] }, last),
      ShapeError,
      /'batch.targets': must hold B = 2 targets \(2 class indices\), got length 3/,
    );
    expectError(
      () => rnnLoss(params, { inputs, targets: [0, 4] }, last),
      ValueError,
      /class index at 1 is 4; classes must be integers in \[0, 3\]/,
    );
    expectError(() => rnnLoss(params, { inputs, targets: [0.5, 1] }, last), ValueError, /class index at 0 is 0.5/);
    expectError(() => rnnLoss(params, { inputs, targets: [-1, 1] }, last), ValueError, /class index at 0 is -1/);
    expectError(() => rnnLoss(params, { inputs }, last), ValueError, /'batch.targets': the head needs B = 2 targets/);
    expectError(
      () => rnnLoss(params, { inputs, targets: [0, 1] }, { activation: 'tanh', head: 'softmax-every' }),
      ShapeError,
      /T·B = 3·2 step-major targets \(6 class indices\), got length 2/,
    );
    expectError(
      () => rnnLoss(params, { inputs, targets: zeros([2, 3]) }, { activation: 'tanh', head: 'linear-last' }),
      ShapeError,
      /'batch.targets': must have shape \[2, 4\], got \[2, 3\]/,
    );
  });

  it('unknown activation, head and option names list the valid values', () => {
    const inputs = zeros([3, 2, 2]);
    expectError(
      () =>
        rnnLoss(params, { inputs, targets: [0, 1] }, { activation: 'softplus' as Activation, head: 'softmax-last' }),
      ValueError,
      /rnnLoss: argument 'activation': unknown activation "softplus"; valid values: tanh, sigmoid, identity, relu/,
    );
    expectError(
      () => rnnLoss(params, { inputs, targets: [0, 1] }, { activation: 'tanh', head: 'softmax-first' as Head }),
      ValueError,
      /rnnLoss: argument 'head': unknown head "softmax-first"; valid values: softmax-last, linear-last, softmax-every, or \{ perStep\(output, step\) \}/,
    );
    expectError(
      () => transition('gelu' as Activation),
      ValueError,
      /transition: argument 'activation': unknown activation "gelu"/,
    );
    expectError(
      () => recurrentConditions(tensor([[1]]), 'elu' as Activation),
      ValueError,
      /valid values: tanh, sigmoid, identity, relu/,
    );
    expectError(
      () => forward(params, inputs, { activation: 'tanh', outputs: 'all' as 'every' }),
      ValueError,
      /options.outputs': unknown value "all"; valid values: last, every/,
    );
  });

  it('parameters that do not fit together, and a hidden size of 0', () => {
    const inputs = zeros([3, 2, 2]);
    expectError(
      () => rnnLoss({ ...params, W_rec: zeros([3, 4]) }, { inputs, targets: [0, 1] }, last),
      ShapeError,
      /'params.W_rec': must be a square \[n, n\] tensor, got \[3, 4\]/,
    );
    expectError(
      () => rnnLoss({ ...params, W_rec: zeros([0, 0]) }, { inputs, targets: [0, 1] }, last),
      ShapeError,
      /'params.W_rec': hidden size must be ≥ 1, got 0/,
    );
    expectError(
      () => rnnLoss({ ...params, b: zeros([2]) }, { inputs, targets: [0, 1] }, last),
      ShapeError,
      /'params.b': must have shape \[3\], got \[2\]/,
    );
    expectError(
      () => rnnLoss({ ...params, W_out: zeros([4, 2]) }, { inputs, targets: [0, 1] }, last),
      ShapeError,
      /'params.W_out': must have shape \[n_out, 3\], got \[4, 2\]/,
    );
    expectError(
      () => rnnLoss({ ...params, x0: zeros([1, 3]) }, { inputs, targets: [0, 1] }, last),
      ShapeError,
      /'params.x0': must have shape \[3\], got \[1, 3\]/,
    );
  });

  it('truncation lengths, anchors and analysis options out of range', () => {
    const batch = { inputs: zeros([3, 2, 2]), targets: [0, 1] };
    expectError(
      () => rnnLoss(params, batch, { ...last, truncation: { k1: 0, k2: 3 } }),
      ValueError,
      /'config.truncation': needs integers k1 ≥ 1 and k2 ≥ k1, got k1 = 0, k2 = 3/,
    );
    expectError(
      () => rnnLoss(params, batch, { ...last, truncation: { k1: 4, k2: 2 } }),
      ValueError,
      /got k1 = 4, k2 = 2/,
    );
    expectError(
      () => truncatedLoss(params, [zeros([2, 3])], batch, { ...last, truncation: { k1: 1, k2: 1 } }),
      ValueError,
      /'anchors': must hold the T \+ 1 = 4 states x_0..x_T, got 1/,
    );
    const { states } = forward(params, batch.inputs, { activation: 'tanh' });
    expectError(
      () => jacobianProducts(params, 'tanh', states, { from: 4 }),
      ValueError,
      /'options.from': must be an integer in \[0, 3\], got 4/,
    );
    expectError(
      () => jacobianProducts(params, 'tanh', states, { example: 2 }),
      ValueError,
      /'options.example': must be an integer in \[0, 1\], got 2/,
    );
    expectError(
      () => errorSignals(params, { inputs: zeros([3, 2, 2]), targets: [9, 9] }, last),
      ValueError,
      /errorSignals: argument 'batch.targets'/,
    );
  });
});
