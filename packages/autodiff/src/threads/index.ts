/**
 * @file `@tapegrad/autodiff/threads`: both cores for large products, in Node. Starts worker threads
 * that instantiate the kernels on one shared WebAssembly memory; from then on a matrix product of
 * at least `minWork` multiply-adds is split by columns of C (slivers of 8): each thread packs and
 * multiplies its own, so every element is summed exactly as on one thread, and the result does not
 * depend on the number of threads. The core never imports this module: a browser bundle does not
 * pull worker_threads in (a browser pool would need Web Workers and cross-origin isolation).
 *
 * The workers are unref'd (they never keep a process alive) and wait on Atomics between products.
 */
import { ValueError } from '../errors.js';
import { activeWasm, replaceKernels } from '../kernels/backend.js';
import { instantiateKernels, wasmApi, type KernelPool, type WasmKernels } from '../kernels/wasm.js';
import { KERNELS_WASM_SHARED } from './wasm-bytes-shared.js';

/** The largest shared memory (64 KiB pages, 2 GiB): as compiled into the shared module. */
const MAX_PAGES = 32768;
/**
 * Products of at least this many multiply-adds are split: below it the wake-up of a worker costs
 * more than the half of the product it takes over. Set from the committed quiet run of
 * `node bench/dist/crossover.js` on the 2-core bench machine, bench/results/crossover.md (two threads
 * faster from the n whose cube this is; bench/test/crossover.test.ts holds the two together).
 *
 * @example
 * await startThreads(1, { minWork: THREAD_MIN_WORK / 8 }); // split smaller products too
 */
export const THREAD_MIN_WORK = 192 ** 3;

/** Slots per worker in the control array: state, an error flag, then gemmRange's 12 arguments. */
const SLOT = 16;
const IDLE = 0;
const POSTED = 1;
const DONE = 2;
const STOP = 3;

/** What this module uses of node:worker_threads' Worker (typed locally: autodiff has no Node types). */
interface NodeWorker {
  unref(): void;
  terminate(): Promise<number>;
  once(event: 'message' | 'error', listener: (value: unknown) => void): void;
}
type WorkerConstructor = new (source: string, options: { eval: true; workerData: unknown }) => NodeWorker;

// The worker: instantiate the module on the shared memory, then run gemmRange each time its slot
// says POSTED, and say DONE (or record the error) when finished.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { module, memory, control, index } = workerData;
const c = new Int32Array(control);
const at = index * ${SLOT};
WebAssembly.instantiate(module, { env: { memory } }).then((instance) => {
  parentPort.postMessage('ready');
  for (;;) {
    let s = Atomics.load(c, at);
    while (s !== ${POSTED} && s !== ${STOP}) { Atomics.wait(c, at, s); s = Atomics.load(c, at); }
    if (s === ${STOP}) break;
    try {
      instance.exports.gemmRange(...Array.from(c.subarray(at + 2, at + 14)));
      c[at + 1] = 0;
    } catch (error) {
      c[at + 1] = 1;
    }
    Atomics.store(c, at, ${DONE});
    Atomics.notify(c, at);
  }
});
`;

/** The running pool, if any. */
let running: { workers: NodeWorker[]; control: Int32Array; kernels: WasmKernels } | null = null;

/**
 * Starts `workers` worker threads (default 1: with the calling thread, both cores of a 2-core
 * machine) and routes products of at least `minWork` multiply-adds through them. Resolves to the
 * number of workers started; a second call stops the first pool. Needs the WebAssembly kernels
 * (a ValueError otherwise) and Node's worker_threads.
 *
 * @example
 * import { startThreads, stopThreads } from '@tapegrad/autodiff/threads';
 * await startThreads(1);  // matmul of 512 × 512 now runs on two threads
 * stopThreads();          // back to one
 */
export async function startThreads(workers = 1, options: { minWork?: number } = {}): Promise<number> {
  if (!Number.isInteger(workers) || workers < 1) throw new ValueError('startThreads', 'workers', `must be an integer ≥ 1, got ${workers}`);
  const minWork = options.minWork ?? THREAD_MIN_WORK;
  if (!(minWork >= 0)) throw new ValueError('startThreads', 'options.minWork', `must be ≥ 0, got ${minWork}`);
  await stopThreads();
  const current = activeWasm();
  const api = wasmApi();
  if (current === null || api === null) throw new ValueError('startThreads', 'kernels', "needs the WebAssembly kernels (useKernels('wasm'))");
  const memory = new api.Memory({ initial: Math.ceil(current.memory.buffer.byteLength / 65536), maximum: MAX_PAGES, shared: true });
  const kernels = await instantiateKernels(KERNELS_WASM_SHARED, memory);
  if (typeof kernels === 'string') throw new ValueError('startThreads', 'kernels', kernels);
  const spec = 'node:worker_threads';
  const { Worker } = (await import(spec)) as { Worker: WorkerConstructor };
  const control = new Int32Array(new SharedArrayBuffer(workers * SLOT * 4));
  const started: NodeWorker[] = [];
  for (let index = 0; index < workers; index++) {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module: kernels.module, memory, control: control.buffer, index } });
    worker.unref();
    await new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    started.push(worker);
  }
  kernels.pool = pool(control, workers, minWork);
  running = { workers: started, control, kernels };
  replaceKernels(kernels);
  return workers;
}

/**
 * Stops the pool and goes back to the single-threaded kernels (nothing to do when none runs).
 *
 * @example
 * await stopThreads();
 */
export async function stopThreads(): Promise<void> {
  if (running === null) return;
  const { workers, control } = running;
  running = null;
  replaceKernels(null);
  for (let i = 0; i < workers.length; i++) {
    Atomics.store(control, i * SLOT, STOP);
    Atomics.notify(control, i * SLOT);
  }
  await Promise.all(workers.map((w) => w.terminate()));
}

/**
 * The number of worker threads running (0 without a pool).
 *
 * @example
 * await startThreads(1);
 * threadCount(); // 1
 */
export function threadCount(): number {
  return running === null ? 0 : running.workers.length;
}

/** Posts each job to one worker, runs `own` here, then waits for every worker. */
function pool(control: Int32Array, workers: number, minWork: number): KernelPool {
  return {
    workers,
    minWork,
    run(jobs, own) {
      jobs.forEach((args, i) => {
        control.set(args, i * SLOT + 2);
        Atomics.store(control, i * SLOT, POSTED);
        Atomics.notify(control, i * SLOT);
      });
      own();
      let failed = false;
      jobs.forEach((_, i) => {
        while (Atomics.load(control, i * SLOT) === POSTED) Atomics.wait(control, i * SLOT, POSTED);
        failed ||= control[i * SLOT + 1] !== 0;
        Atomics.store(control, i * SLOT, IDLE);
      });
      if (failed) throw new ValueError('gemm', 'threads', 'a worker thread failed in the WebAssembly kernel');
    },
  };
}
