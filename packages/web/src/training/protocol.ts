/**
 * @file The messages between the page and its training worker: the page sends the settings and
 * pause/resume; the worker sends, a few times a second, the new points of each method's curves.
 */
import type { InitName, TrainMethod, TrainStatus } from '@tapegrad/rnn';

/** What the learner chooses; the rest is the paper's (batch 20, clipping at 1, α = 4). */
export interface TrainingSettings {
  readonly length: number;
  readonly init: InitName;
  readonly hidden: number;
  readonly learningRate: number;
  readonly maxUpdates: number;
  readonly seed: number;
}

/** The page to the worker. */
export type Command =
  /** `run` numbers the starts, so reports of an earlier run still in flight are told apart. */
  | { readonly type: 'start'; readonly run: number; readonly settings: TrainingSettings }
  | { readonly type: 'pause' }
  | { readonly type: 'resume' };

/** New points of one method's curves since its last report. */
export interface MethodProgress {
  readonly method: TrainMethod;
  /** [update, loss] of each update since the last report. */
  readonly losses: readonly (readonly [number, number])[];
  /** [update, error rate] of each validation since the last report. */
  readonly errors: readonly (readonly [number, number])[];
  readonly updates: number;
  readonly status: TrainStatus;
  /** Fraction of the run's updates whose gradient was clipped. */
  readonly clippedFraction: number;
  /** Largest pre-clip gradient norm of the run so far. */
  readonly largestGradNorm: number;
}

/**
 * The worker to the page. 'ready' comes first, once the worker listens: its imports instantiate
 * WebAssembly with top-level await, and a message that arrives before the worker's handler is set
 * is dropped (Chromium did drop the first 'start'), so the page holds its commands until then.
 */
export type Report =
  | { readonly type: 'ready' }
  | {
      readonly type: 'progress';
      /** The start this report belongs to. */
      readonly run: number;
      readonly methods: readonly MethodProgress[];
      /** False in the report the worker sends when it pauses or finishes: no report follows it until a resume. */
      readonly running: boolean;
    }
  | { readonly type: 'error'; readonly message: string };

/** How often the worker reports, and how long it trains one method before turning to the next. */
export const REPORT_EVERY_MS = 250;
export const SLICE_MS = 40;
/** Validation: every this many updates, on a fixed set of this many sequences. */
export const VALIDATION = { every: 50, sequences: 500 } as const;
