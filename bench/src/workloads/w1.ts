/**
 * @file W1, the paper's BPTT training step (WORKLOADS.md): tapegrad as a user writes it, on the
 * fused sequence op and on the per-step tape; the hand-written JS limit; tfjs; PyTorch. Checked
 * against each other before timing.
 */
import { compareW1, type CheckRow } from '../check.js';
import { HYPER, paramsToJson, makeW1Data, type W1Data } from '../data.js';
import { LimitW1 } from '../limit.js';
import { TfjsW1, tfjsOn } from '../peers/tfjs.js';
import { ratioTarget, speedupOverBest, timeRatio, TORCH, TAPEGRAD, TAPEGRAD_PER_STEP, type Row } from '../report.js';
import { tapegradW1Gradients, tapegradW1Step, type W1Gradients } from '../tapegrad.js';
import type { System, Workload, WorkloadRow } from '../workload.js';

/** W1's data as the PyTorch peer reads it. */
export const w1Json = (d: W1Data) => ({
  T: d.T,
  B: d.B,
  params: paramsToJson(d.params),
  symbols: Array.from(d.symbols),
  targets: Array.from(d.targets),
});

const configs = (tiny: boolean): W1Data[] =>
  tiny ? [makeW1Data(5, 2)] : [50, 200].flatMap((T) => [1, 20].map((B) => makeW1Data(T, B)));
const checkData = (tiny: boolean): W1Data => (tiny ? makeW1Data(5, 2) : makeW1Data(50, 20));
const key = (d: W1Data) => `W1 T=${d.T} B=${d.B}`;

function tfjs(backend: 'cpu' | 'wasm', d: W1Data): System {
  return async () => {
    const tf = await tfjsOn(backend);
    if (typeof tf === 'string') return tf;
    const model = new TfjsW1(tf, d);
    return { run: () => model.step(), dispose: () => model.dispose() };
  };
}

export const W1: Workload = {
  id: 'W1',
  title: "ms per BPTT training step of the paper's RNN (forward, loss, backward, clipping, SGD)",
  rows: (tiny) =>
    configs(tiny).map(
      (d): WorkloadRow => ({
        key: key(d),
        unit: 'ms/step',
        scale: 1e3,
        systems: {
          [TAPEGRAD]: () => ({ run: tapegradW1Step(d) }),
          [TAPEGRAD_PER_STEP]: () => ({ run: tapegradW1Step(d, false) }),
          'JS limit': () => {
            const limit = new LimitW1(d);
            return { run: () => void limit.step() };
          },
          'tfjs-cpu': tfjs('cpu', d),
          'tfjs-wasm': tfjs('wasm', d),
        },
      }),
    ),
  torch: (tiny) => ({
    hyper: HYPER,
    configs: configs(tiny).map((d) => ({ key: key(d), ...w1Json(d) })),
    check: w1Json(checkData(tiny)),
  }),
  async check(tiny, peers) {
    const data = checkData(tiny);
    const reference = tapegradW1Gradients(data);
    const rows: CheckRow[] = [compareW1('JS limit', new LimitW1(data).gradients(), reference, 1e-12)];
    for (const backend of ['cpu', 'wasm'] as const) {
      const tf = await tfjsOn(backend);
      if (typeof tf === 'string') continue;
      const model = new TfjsW1(tf, data);
      // float32 throughout: agreement to ~1e-6 relative is all it can give
      rows.push(compareW1(`tfjs-${backend} (float32)`, model.gradients(), reference, 1e-4));
      model.dispose();
    }
    for (const { system, check } of peers.torch) rows.push(compareW1(system, check as W1Gradients, reference, 1e-12));
    return rows;
  },
  targets(rows: readonly Row[]) {
    return rows.flatMap((row) => {
      const speedup = speedupOverBest(row, TORCH);
      if (row.key.endsWith('B=1')) {
        return [
          ratioTarget(`${row.key}: ≥ 5× faster than the best PyTorch`, speedup, (x) => x >= 5, '× faster'),
          ratioTarget(
            `${row.key}: within 1.2× of the JS limit`,
            timeRatio(row, 'JS limit'),
            (x) => x <= 1.2,
            '× the limit',
          ),
        ];
      }
      return [ratioTarget(`${row.key}: ≥ 1.3× faster than the best PyTorch`, speedup, (x) => x >= 1.3, '× faster')];
    });
  },
};
