/**
 * @file W3, float64 matmul throughput (WORKLOADS.md): C = A·B at n = 64, 256, 512, forward and
 * forward plus the gradients of sum(C); tapegrad on one thread and, through
 * @tapegrad/autodiff/threads, on two.
 */
import { kernelBackend } from '@tapegrad/autodiff/kernels';
import { startThreads, stopThreads } from '@tapegrad/autodiff/threads';
import { makeW3Data } from '../data.js';
import { tfjsOn, tfjsW3 } from '../peers/tfjs.js';
import { ratioTarget, valueOf, TAPEGRAD, type Row } from '../report.js';
import { tapegradW3 } from '../tapegrad.js';
import type { Workload, WorkloadRow } from '../workload.js';

/** tapegrad with a worker thread beside the calling one (both cores). */
export const TAPEGRAD_2T = 'tapegrad 2T';

const sizes = (tiny: boolean) => (tiny ? [8] : [64, 256, 512]);

function row(n: number, backward: boolean): WorkloadRow {
  const tfjs = (backend: 'cpu' | 'wasm') => async () => {
    const tf = await tfjsOn(backend);
    return typeof tf === 'string' ? tf : tfjsW3(tf, n, backward);
  };
  return {
    key: `W3 n=${n} ${backward ? 'fwd+bwd' : 'fwd'}`,
    unit: 'GFLOP/s',
    scale: ((backward ? 6 : 2) * n ** 3) / 1e9,
    systems: {
      [TAPEGRAD]: () => ({ run: tapegradW3(n, backward) }),
      [TAPEGRAD_2T]: async () => {
        if (kernelBackend() !== 'wasm')
          return 'the thread pool runs the WebAssembly kernels, and the JavaScript ones are in use';
        await startThreads(1);
        return { run: tapegradW3(n, backward), dispose: stopThreads };
      },
      'tfjs-cpu': tfjs('cpu'),
      'tfjs-wasm': tfjs('wasm'),
    },
  };
}

/**
 * The f64x2 limit of one core of the bench machine as issue 9 estimates it (a multiply and an add
 * pipe, two lanes each, no FMA): about 25 GFLOP/s. A target's measured value says which fraction of
 * it (of twice it on two threads) the kernel reaches.
 */
const F64X2_LIMIT_PER_CORE = 25;
const ofLimit = (value: number | null, cores: number) =>
  value === null
    ? ' GFLOP/s'
    : ` GFLOP/s (${Math.round((100 * value) / (F64X2_LIMIT_PER_CORE * cores))} % of the f64x2 limit of ${cores === 1 ? 'one core' : 'two cores'}, ~${F64X2_LIMIT_PER_CORE * cores} GFLOP/s)`;

export const W3: Workload = {
  id: 'W3',
  title: 'GFLOP/s of float64 matmul C = A·B (2n³ flops), and with the gradients of sum(C) (6n³)',
  rows: (tiny) => sizes(tiny).flatMap((n) => [row(n, false), row(n, true)]),
  torch: (tiny) =>
    sizes(tiny).map((n) => {
      const { a, b } = makeW3Data(n);
      return { n, a: Array.from(a.data), b: Array.from(b.data) };
    }),
  targets: (rows: readonly Row[]) =>
    rows
      .filter((row) => row.key.startsWith('W3 n=256') || row.key.startsWith('W3 n=512'))
      .flatMap((row) => [
        ratioTarget(
          `${row.key}: ≥ 10 GFLOP/s on one thread`,
          valueOf(row, TAPEGRAD),
          (x) => x >= 10,
          ofLimit(valueOf(row, TAPEGRAD), 1),
        ),
        ratioTarget(
          `${row.key}: ≥ 16 GFLOP/s on two`,
          valueOf(row, TAPEGRAD_2T),
          (x) => x >= 16,
          ofLimit(valueOf(row, TAPEGRAD_2T), 2),
        ),
      ]),
};
