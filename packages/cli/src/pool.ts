/**
 * @file A pool of worker threads for independent training runs (sweep cells, the story's seeds).
 * Each worker runs worker.js and trains one run at a time; runs are handed out in order as
 * workers free up, so with W workers at most W runs are in flight. A failing run does not stop
 * the others: its error comes back as part of its result.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { RunRequest, RunSummary } from './run.js';

/** What a worker sends back: progress (updates done) or the end of a run. */
export type WorkerMessage =
  | { readonly kind: 'progress'; readonly id: string; readonly update: number; readonly status: string }
  | { readonly kind: 'done'; readonly id: string; readonly summary: RunSummary }
  | { readonly kind: 'failed'; readonly id: string; readonly error: string };

/** The outcome of one run in the pool. */
export type PoolResult = { readonly id: string; readonly summary: RunSummary } | { readonly id: string; readonly error: string };

/** Callbacks of {@link runPool}. */
export interface PoolHooks {
  onProgress?(id: string, update: number, status: string): void;
  onResult?(result: PoolResult): void;
}

/**
 * The number of workers to use by default: one per core (os.availableParallelism()).
 *
 * @example
 * defaultWorkers(); // 2 on a 2-core machine
 */
export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

/**
 * Runs every request on up to `workers` threads and returns the results in request order.
 *
 * @example
 * const results = await runPool(requests, 2, { onProgress: (id, u) => bar.update(u) });
 */
export async function runPool(requests: readonly RunRequest[], workers: number, hooks: PoolHooks = {}): Promise<PoolResult[]> {
  const results = new Map<string, PoolResult>();
  let next = 0;
  const script = new URL('./worker.js', import.meta.url);
  const lane = async (): Promise<void> => {
    while (next < requests.length) {
      const request = requests[next++];
      const result = await runOne(script, request, hooks);
      results.set(request.id, result);
      hooks.onResult?.(result);
    }
  };
  const lanes = Array.from({ length: Math.max(1, Math.min(workers, requests.length)) }, lane);
  await Promise.all(lanes);
  return requests.map((r) => results.get(r.id) as PoolResult);
}

function runOne(script: URL, request: RunRequest, hooks: PoolHooks): Promise<PoolResult> {
  return new Promise((resolve) => {
    const worker = new Worker(script, { workerData: request });
    let settled = false;
    const finish = (result: PoolResult) => {
      if (settled) return;
      settled = true;
      resolve(result);
      void worker.terminate();
    };
    worker.on('message', (m: WorkerMessage) => {
      if (m.kind === 'progress') hooks.onProgress?.(m.id, m.update, m.status);
      else if (m.kind === 'done') finish({ id: m.id, summary: m.summary });
      else finish({ id: m.id, error: m.error });
    });
    worker.on('error', (e) => finish({ id: request.id, error: e.stack ?? e.message }));
    worker.on('exit', (code) => finish({ id: request.id, error: `worker exited with code ${code} before finishing` }));
  });
}
