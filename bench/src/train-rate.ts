/**
 * @file `node bench/dist/train-rate.js [--updates N]`: how many updates per second the training
 * loop (@tapegrad/rnn's Trainer, what `tapegrad train` runs) makes, per method, on the temporal-order
 * task at L = 50 and 100 (B = 20, smart tanh, the paper's settings; validation off while timing).
 * Prints a markdown table; timing is wall-clock, so run it on a quiet machine.
 */
import { parseArgs } from 'node:util';
import { kernelBackend } from '@tapegrad/autodiff/kernels';
import { TRAIN_METHODS, Trainer } from '@tapegrad/rnn';

const { values } = parseArgs({ options: { updates: { type: 'string', default: '300' } }, strict: true });
const updates = Number(values.updates);
if (!Number.isInteger(updates) || updates < 10) {
  throw new RangeError(`train-rate: --updates must be an integer ≥ 10, got ${values.updates}`);
}

console.log(
  `Trainer updates per second (${kernelBackend()} kernels, ${updates} timed updates after 20 warm-up, temporal order, B = 20)\n`,
);
console.log('| method | L = 50 | L = 100 |');
console.log('| --- | ---: | ---: |');
for (const method of TRAIN_METHODS) {
  const cells = [50, 100].map((L) => {
    const config = {
      task: 'temporal-order',
      minLength: L,
      maxLength: L,
      method,
      seed: 1,
      maxUpdates: updates + 20,
    } as const;
    const trainer = new Trainer({ ...config, validateEvery: 1e9 });
    for (let i = 0; i < 20; i++) trainer.step();
    const t0 = performance.now();
    for (let i = 0; i < updates; i++) trainer.step();
    return ((updates * 1000) / (performance.now() - t0)).toFixed(0);
  });
  console.log(`| ${method} | ${cells.join(' | ')} |`);
}
