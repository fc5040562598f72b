/**
 * @file A pool of worker threads for independent training runs (sweep cells, the story's seeds).
 * Each worker runs worker.js and trains one run at a time; runs are handed out in order as
 * workers free up, so with W workers at most W runs are in flight. A failing run does not stop
 * the others: its error comes back as part of its result. `abort()` asks every running worker to
 * stop with a fresh checkpoint and starts no more runs.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { RunOutcome, RunRequest } from './run.js';

/** What a worker sends back: progress (updates done) or the end of a run. */
export type WorkerMessage =
  | { readonly kind: 'progress'; readonly id: string; readonly update: number }
  | { readonly kind: 'done'; readonly id: string; readonly outcome: RunOutcome }
  | { readonly kind: 'failed'; readonly id: string; readonly error: string };

/** The outcome of one run in the pool (`skipped` when the pool was aborted before it started). */
export type PoolResult =
  | { readonly id: string; readonly outcome: RunOutcome }
  | { readonly id: string; readonly error: string }
  | { readonly id: string; readonly skipped: true };

/** Callbacks of {@link Pool.run}. */
export interface PoolHooks {
  onProgress?(id: string, update: number): void;
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
 * Runs requests on worker threads.
 *
 * @example
 * const pool = new Pool(2);
 * process.once('SIGINT', () => pool.abort());
 * const results = await pool.run(requests, { onProgress: (id, u) => bar.update(u) });
 */
export class Pool {
  private readonly running = new Set<Worker>();
  private aborted = false;

  constructor(private readonly workers: number) {}

  /** Whether {@link Pool.abort} was called. */
  get wasAborted(): boolean {
    return this.aborted;
  }

  /** Stops handing out runs and asks the running ones to checkpoint and stop. */
  abort(): void {
    this.aborted = true;
    for (const w of this.running) w.postMessage('abort');
  }

  /** Runs every request on up to `workers` threads and returns the results in request order. */
  async run(requests: readonly RunRequest[], hooks: PoolHooks = {}): Promise<PoolResult[]> {
    const results = new Map<string, PoolResult>();
    let next = 0;
    const script = new URL('./worker.js', import.meta.url);
    const lane = async (): Promise<void> => {
      while (next < requests.length) {
        const request = requests[next++];
        const result: PoolResult = this.aborted
          ? { id: request.id, skipped: true }
          : await this.runOne(script, request, hooks);
        results.set(request.id, result);
        hooks.onResult?.(result);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(this.workers, requests.length)) }, lane));
    return requests.map((r) => results.get(r.id) as PoolResult);
  }

  private runOne(script: URL, request: RunRequest, hooks: PoolHooks): Promise<PoolResult> {
    return new Promise((resolve) => {
      const worker = new Worker(script, { workerData: request });
      this.running.add(worker);
      let settled = false;
      const finish = (result: PoolResult) => {
        if (settled) return;
        settled = true;
        this.running.delete(worker);
        resolve(result);
      };
      worker.on('message', (m: WorkerMessage) => {
        if (m.kind === 'progress') hooks.onProgress?.(m.id, m.update);
        else if (m.kind === 'done') finish({ id: m.id, outcome: m.outcome });
        else finish({ id: m.id, error: m.error });
      });
      worker.on('error', (e) => finish({ id: request.id, error: e.message }));
      worker.on('exit', (code) =>
        finish({ id: request.id, error: `worker exited with code ${code} before finishing` }),
      );
    });
  }
}
