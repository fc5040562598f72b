/**
 * @file W2, the tape's overhead per op (WORKLOADS.md): a chain of elementwise ops on a length-8
 * vector, then sum and backward; microseconds per op.
 */
import { tfjsOn, tfjsW2 } from '../peers/tfjs.js';
import { ratioTarget, valueOf, TAPEGRAD, type Row } from '../report.js';
import { tapegradW2 } from '../tapegrad.js';
import type { Workload } from '../workload.js';

const opsOf = (tiny: boolean) => (tiny ? 30 : 10_000);

export const W2: Workload = {
  id: 'W2',
  title: 'µs per elementwise op on the tape (10,000 ops on a length-8 vector, forward and backward)',
  rows: (tiny) => {
    const ops = opsOf(tiny);
    const tfjs = (backend: 'cpu' | 'wasm') => async () => {
      const tf = await tfjsOn(backend);
      return typeof tf === 'string' ? tf : { run: tfjsW2(tf, ops) };
    };
    const systems = {
      [TAPEGRAD]: () => ({ run: tapegradW2(ops) }),
      'tfjs-cpu': tfjs('cpu'),
      'tfjs-wasm': tfjs('wasm'),
    };
    return [{ key: 'W2', unit: 'µs/op', scale: 1e6 / ops, systems }];
  },
  torch: (tiny) => ({ ops: opsOf(tiny) }),
  targets: (rows: readonly Row[]) =>
    rows.map((row) => ratioTarget('W2: ≤ 1.0 µs per op', valueOf(row, TAPEGRAD), (x) => x <= 1, ' µs/op')),
};
