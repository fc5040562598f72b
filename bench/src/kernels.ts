/**
 * @file `node bench/dist/kernels.js`: each WebAssembly kernel's throughput in GFLOP/s and as a
 * fraction of one core's f64x2 peak (PEAK, two f64x2 multiplies and two adds per cycle at about
 * 3 GHz, no fused multiply-add), on the shapes W1, W3 and W4 use, with the copies in and out that a
 * call includes. Best of several rounds of CPU time, so a shared machine disturbs it less than
 * wall-clock timing (it is still no substitute for a quiet run).
 */
import { Rng } from '@tapegrad/autodiff';
import {
  gemmWasm,
  omegaRows,
  recurrenceBackward,
  recurrenceForward,
  useKernels,
  type RecurrenceInputs,
} from '@tapegrad/autodiff/kernels';

/** One core's f64x2 peak of this machine (AMD EPYC, Node 20): 8 flops per cycle at ~3.1 GHz. */
const PEAK = 25;

/** Best CPU seconds per call over 7 rounds of at least 30 ms. */
function cpuSeconds(run: () => void): number {
  for (let i = 0; i < 10; i++) run();
  let best = Infinity;
  for (let round = 0; round < 7; round++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    let calls = 0;
    while (performance.now() - t0 < 30 || calls < 3) {
      run();
      calls++;
    }
    const c = process.cpuUsage(c0);
    best = Math.min(best, (c.user + c.system) / 1e6 / calls);
  }
  return best;
}

const rng = new Rng(1);
const draw = (len: number, scale = 1) => Float64Array.from({ length: len }, () => (rng.uniform() * 2 - 1) * scale);
const rows: [string, number, number][] = [];
const record = (name: string, flops: number, run: () => void) => rows.push([name, flops, cpuSeconds(run)]);

useKernels('wasm');
const SHAPES = [
  [20, 50, 50, false],
  [1, 50, 50, false],
  [50, 50, 1000, true],
  [256, 256, 256, false],
  [512, 512, 512, false],
  [512, 512, 512, true],
] as const;
for (const [m, n, k, transA] of SHAPES) {
  const a = draw(m * k);
  const b = draw(k * n);
  const c = new Float64Array(m * n);
  record(`gemm ${m}×${k}·${k}×${n}${transA ? ' (Aᵀ·B)' : ''}`, 2 * m * n * k, () =>
    gemmWasm({ m, n, k, a, b, c, transA }),
  );
}
for (const [T, B] of [
  [50, 20],
  [50, 1],
]) {
  const n = 50;
  const p: RecurrenceInputs = {
    T,
    B,
    n,
    nIn: 6,
    activation: 'tanh',
    x0: new Float64Array(n),
    x0Rows: 1,
    W: draw(n * n, 0.14),
    Win: draw(n * 6),
    b: draw(n, 0.1),
    U: draw(T * B * 6),
  };
  const g = draw(T * B * n);
  // forward: T products B×n·n×n; backward: T − 1 of them for δ, and ∂W over all T·B rows
  record(`recurrence forward T=${T} B=${B}`, 2 * T * B * n * n, () => void recurrenceForward(p));
  const states = recurrenceForward(p);
  const needs = { x0: false, W: true, U: false, Win: true, b: true, D: true };
  record(`recurrence backward T=${T} B=${B}`, 2 * (T - 1) * B * n * n + 2 * T * B * n * n, () => {
    recurrenceForward(p); // the backward pass finds h where a forward pass left it
    recurrenceBackward(p, states, g, needs);
  });
  if (B > 1) {
    const D = recurrenceBackward(p, states, g, needs).D!;
    const step = B * n;
    const deltas = Array.from({ length: T }, (_, t) => D.slice(t * step, (t + 1) * step));
    const xs = [
      new Float64Array(step),
      ...Array.from({ length: T - 1 }, (_, t) => states.X.slice(t * step, (t + 1) * step)),
    ];
    const input = {
      n,
      W: p.W,
      activation: 'tanh',
      form: 'paper',
      gradient: true,
      minDeltaSquared: 1e-20,
      deltas,
      states: xs,
    } as const;
    record(`Ω closed form T=${T} B=${B} (fresh rows)`, 4 * T * B * n * n, () => void omegaRows(input));
  }
}
console.log(`| kernel (WebAssembly, copies included) | GFLOP/s | fraction of ${PEAK} GFLOP/s |`);
console.log('| --- | ---: | ---: |');
for (const [name, flops, seconds] of rows) {
  const rate = flops / seconds / 1e9;
  console.log(`| ${name} | ${rate.toFixed(1)} | ${((rate / PEAK) * 100).toFixed(0)}% |`);
}
