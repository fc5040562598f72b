/**
 * @file `node --expose-gc bench/dist/memory.js [--updates N]`: memory over a long training run
 * (default 100,000 updates of SGD-CR on temporal order, L = 20, B = 20, what `tapegrad train`
 * runs). Every tenth of the run it prints the WebAssembly memory the kernels hold and the JS heap
 * after a full GC; it exits 1 if the wasm memory grew after the first 1,000 updates or the heap
 * grew by more than 10 MB: the check that would catch a leak.
 */
import { parseArgs } from 'node:util';
import { kernelBackend, kernelMemoryBytes } from '@tapegrad/autodiff/kernels';
import { Trainer } from '@tapegrad/rnn';

const { values } = parseArgs({ options: { updates: { type: 'string', default: '100000' } }, strict: true });
const updates = Number(values.updates);
if (!Number.isInteger(updates) || updates < 2000) {
  throw new RangeError(`memory: --updates must be an integer ≥ 2000, got ${values.updates}`);
}
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('memory: run node with --expose-gc');

const trainer = new Trainer({
  task: 'temporal-order',
  minLength: 20,
  maxLength: 20,
  method: 'sgd-cr',
  seed: 1,
  maxUpdates: updates,
  validateEvery: 1e9,
});
const sample = () => {
  gc();
  return { update: trainer.updates, wasm: kernelMemoryBytes(), heap: process.memoryUsage().heapUsed };
};
for (let i = 0; i < 1000; i++) trainer.step();
const first = sample();
const rows = [first];
const every = Math.floor(updates / 10);
const t0 = performance.now();
while (trainer.updates < updates) {
  trainer.step();
  if (trainer.updates % every === 0) rows.push(sample());
}
console.log(
  `Memory over ${updates} SGD-CR updates (${kernelBackend()} kernels, ${((performance.now() - t0) / 1000).toFixed(0)} s)\n`,
);
console.log('| update | wasm memory (bytes) | JS heap after GC (MB) |');
console.log('| ---: | ---: | ---: |');
for (const r of rows) console.log(`| ${r.update} | ${r.wasm} | ${(r.heap / 1e6).toFixed(1)} |`);
const last = rows[rows.length - 1];
const grew = last.wasm !== first.wasm || last.heap - first.heap > 10e6;
console.log(
  grew
    ? '\nGREW: wasm memory or heap grew after the first 1,000 updates'
    : '\nflat: no growth after the first 1,000 updates',
);
if (grew) process.exitCode = 1;
