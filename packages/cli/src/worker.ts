/**
 * @file The worker-thread side of pool.ts: runs the one training run it was started with,
 * reports progress (at most every 200 ms) and how the run ended to the parent thread, and stops
 * with a fresh checkpoint when the parent sends 'abort' (Ctrl-C in the main thread).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { describeError } from './describe.js';
import type { WorkerMessage } from './pool.js';
import { executeRun, type RunRequest } from './run.js';

const request = workerData as RunRequest;
const post = (m: WorkerMessage) => parentPort?.postMessage(m);
const controller = new AbortController();
parentPort?.on('message', (m: unknown) => {
  if (m === 'abort') controller.abort();
});
let lastPost = 0;
try {
  const outcome = await executeRun(
    request,
    {
      onUpdate: (m) => {
        const now = Date.now();
        if (now - lastPost < 200) return;
        lastPost = now;
        post({ kind: 'progress', id: request.id, update: m.update });
      },
    },
    controller.signal,
  );
  post({ kind: 'done', id: request.id, outcome });
} catch (e) {
  post({ kind: 'failed', id: request.id, error: describeError(e) });
}
parentPort?.close();
