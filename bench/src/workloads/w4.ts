/**
 * @file W4, one whole update of the paper's SGD-C and SGD-CR (WORKLOADS.md), as @tapegrad/rnn's
 * training loop runs it: `errorSignals` (loss, BPTT gradient and δ_1..δ_T from one backward
 * pass); for SGD-CR Ω in the paper's form and its immediate gradient with respect to W_rec by
 * `paperOmega`, added as ∇E + α·∇Ω with α = 4; then `paperStep` clips at 1 (with the original
 * code's non-finite fallback) and takes the SGD step at 0.01. Smart-tanh parameters, T = 50 and
 * 100, B = 20, on W1's data. PyTorch (autograd for BPTT and for Ω's gradient on W_rec with δ
 * detached) is checked against it to 1e-12 first.
 */
import { treeMap, zeros, type Tensor } from '@tapegrad/autodiff';
import { OMEGA_MIN_DELTA_SQUARED, SGD, paperStep, type OmegaResult } from '@tapegrad/optim';
import { errorSignals, paperOmega, type RnnConfig, type RnnParams } from '@tapegrad/rnn';
import { compareW1, type CheckRow } from '../check.js';
import { CLIP_THRESHOLD, HYPER, LEARNING_RATE, PARAM_NAMES, makeW1Data, type ParamName, type W1Data } from '../data.js';
import { ratioTarget, speedupOverBest, TORCH, TAPEGRAD, type Row } from '../report.js';
import type { Workload, WorkloadRow } from '../workload.js';
import { w1Json } from './w1.js';

/** α of the paper's temporal-order experiments. */
const ALPHA = 4;
const CONFIG: RnnConfig = { activation: 'tanh', head: 'softmax-last' };
type Method = 'sgd-c' | 'sgd-cr';

/** What one update computes before clipping: the loss, Ω (SGD-CR) and ∇E (+ α·∇Ω on W_rec). */
export interface W4Gradients {
  loss: number;
  omega: number | null;
  grads: Record<ParamName, Float64Array>;
}

/** The training loop's update on a batch: returns the new parameters and what it computed. */
function update(
  params: RnnParams,
  data: W1Data,
  method: Method,
  optimizer: SGD,
): { params: RnnParams; computed: W4Gradients } {
  const s = errorSignals(params, { inputs: data.inputs, targets: data.targets }, CONFIG);
  let omega: OmegaResult<RnnParams> | undefined;
  if (method === 'sgd-cr') {
    const r = paperOmega({ W_rec: params.W_rec, activation: 'tanh', states: s.states, deltas: s.deltas });
    omega = {
      value: r.value,
      grad: treeMap(params, (x: Tensor, path) => (path === 'W_rec' ? r.grad! : zeros(x.shape))),
      pairs: r.pairs,
    };
  }
  const step = paperStep({
    params,
    lossGrads: s.grads,
    ...(omega === undefined ? {} : { omega, alpha: ALPHA }),
    clip: { threshold: CLIP_THRESHOLD, nonFinite: 'fallback' },
    optimizer,
  });
  const grads = {} as Record<ParamName, Float64Array>;
  for (const name of PARAM_NAMES) {
    const g = s.grads[name].data;
    grads[name] = name === 'W_rec' && omega !== undefined ? g.map((v, i) => v + ALPHA * omega!.grad!.W_rec.data[i]) : g;
  }
  return { params: step.params, computed: { loss: s.loss.item(), omega: omega?.value ?? null, grads } };
}

/**
 * What tapegrad's W4 update computes at the data's initial parameters (for the check).
 *
 * @example
 * tapegradW4(makeW1Data(50, 20), 'sgd-cr').omega; // Ω, paper form
 */
export function tapegradW4(data: W1Data, method: Method): W4Gradients {
  return update(data.params, data, method, new SGD({ learningRate: LEARNING_RATE })).computed;
}

/** One W4 update as a closure over its own parameters and optimizer. */
function w4Step(data: W1Data, method: Method): () => void {
  const optimizer = new SGD({ learningRate: LEARNING_RATE });
  let params = data.params;
  return () => {
    params = update(params, data, method, optimizer).params;
  };
}

const configs = (tiny: boolean) => (tiny ? [makeW1Data(5, 2)] : [50, 100].map((T) => makeW1Data(T, 20)));
const checkData = (tiny: boolean) => (tiny ? makeW1Data(5, 2) : makeW1Data(50, 20));
const METHODS: Method[] = ['sgd-c', 'sgd-cr'];
const key = (d: W1Data, method: Method) => `W4 ${method.toUpperCase()} T=${d.T} B=${d.B}`;

export const W4: Workload = {
  id: 'W4',
  title: "ms per update of the paper's SGD-C and SGD-CR (BPTT with δ, Ω and its immediate gradient, clipping, SGD)",
  rows: (tiny) =>
    configs(tiny).flatMap((d) =>
      METHODS.map((method): WorkloadRow => {
        const systems = { [TAPEGRAD]: () => ({ run: w4Step(d, method) }) };
        return { key: key(d, method), unit: 'ms/step', scale: 1e3, systems };
      }),
    ),
  torch: (tiny) => ({
    hyper: HYPER,
    alpha: ALPHA,
    minDeltaSquared: OMEGA_MIN_DELTA_SQUARED,
    configs: configs(tiny).flatMap((d) => METHODS.map((method) => ({ key: key(d, method), method, ...w1Json(d) }))),
    check: { ...w1Json(checkData(tiny)), method: 'sgd-cr' },
  }),
  async check(tiny, peers) {
    const reference = tapegradW4(checkData(tiny), 'sgd-cr');
    const rows: CheckRow[] = [];
    for (const { system, check } of peers.torch) {
      const got = check as W4Gradients;
      const row = compareW1(`${system} (SGD-CR: loss, ∇E + α∇Ω)`, got, reference, 1e-12);
      const omegaError = Math.abs(got.omega! - reference.omega!) / Math.abs(reference.omega!);
      rows.push({ ...row, loss: Math.max(row.loss, omegaError), ok: row.ok && omegaError <= 1e-12 });
    }
    return rows;
  },
  targets: (rows: readonly Row[]) =>
    rows.map((row) => {
      const speedup = speedupOverBest(row, TORCH);
      return ratioTarget(`${row.key}: ≥ 2× faster than the best PyTorch`, speedup, (x) => x >= 2, '× faster');
    }),
};
