/**
 * @file The worker-thread side of pool.ts: runs the one training run it was started with and
 * reports progress (at most every 200 ms) and the end of the run to the parent thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { WorkerMessage } from './pool.js';
import { executeRun, type RunRequest } from './run.js';

const request = workerData as RunRequest;
const post = (m: WorkerMessage) => parentPort?.postMessage(m);
let lastPost = 0;
try {
  const summary = executeRun(request, {
    onUpdate: (m) => {
      const now = Date.now();
      if (now - lastPost < 200) return;
      lastPost = now;
      post({ kind: 'progress', id: request.id, update: m.update, status: `loss ${m.loss.toFixed(3)}` });
    },
  });
  post({ kind: 'done', id: request.id, summary });
} catch (e) {
  post({ kind: 'failed', id: request.id, error: e instanceof Error ? e.message : String(e) });
}
