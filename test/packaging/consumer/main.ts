/**
 * @file A program that uses the published packages as a consumer outside the workspace would. The
 * packaging test (../packaging.test.ts) installs the packed tarballs next to it, compiles it under
 * moduleResolution node16 and bundler with neither Node nor DOM types, imports it, and checks the
 * `results` it exports. fast-check is not installed there: `@tapegrad/autodiff/testing` must work
 * without it.
 */
import { Rng, Tensor, grad, sum, tanh, tensor, valueAndGrad } from '@tapegrad/autodiff';
import { gradCheck, gradGradCheck } from '@tapegrad/autodiff/testing';
import { SGD, clipGradNorm } from '@tapegrad/optim';
import { initRnn, makeTask, rnnLoss, type RnnParams } from '@tapegrad/rnn';

const x = tensor([0, 0.5, -1]);
const tanhGrad = grad((t: Tensor) => sum(tanh(t)))(x);

const first = gradCheck((t: Tensor) => sum(tanh(t)), [x], { name: 'tanh' });
const second = gradGradCheck((t: Tensor) => sum(tanh(t)), [x], { name: 'tanh' });

const clip = clipGradNorm({ W: tensor([3]), b: tensor([4]) }, 1);
const stepped = new SGD({ learningRate: 0.5 }).step({ w: tensor([1, 2]) }, { w: tensor([2, -2]) });

const batch = makeTask('temporal-order', { minLength: 10 }).sample(new Rng(1), 3);
const { params, activation } = initRnn({ nIn: 6, nHidden: 5, nOut: 4, init: 'smart-tanh', seed: 1 });
const loss = valueAndGrad((p: RnnParams) => rnnLoss(p, batch, { activation, head: 'softmax-last' }))(params);

/** What the packaging test checks, as plain numbers. */
export const results = {
  tanhGrad: [...tanhGrad.data],
  gradChecks: [first, ...second].map((r) => r.worstRatio),
  clipped: [clip.norm, ...clip.grads.W.data, ...clip.grads.b.data],
  stepped: [...stepped.w.data],
  rnnLoss: loss.value.item(),
  rnnGradNorm: Math.hypot(...Object.values(loss.grad).flatMap((g) => [...(g as Tensor).data])),
};
