/**
 * @file The training worker: SGD, SGD-C and SGD-CR on the temporal-order task, one @tapegrad/rnn
 * Trainer each, from the same seed (so the same initialisation and the same minibatches). It trains
 * each method for a short slice in turn and yields between slices, so a pause from the page is
 * heard at once; a few times a second it posts the new points of every curve.
 */
import { TRAIN_METHODS, Trainer, type TrainMethod } from '@tapegrad/rnn';
import {
  REPORT_EVERY_MS,
  SLICE_MS,
  VALIDATION,
  type Command,
  type MethodProgress,
  type Report,
  type TrainingSettings,
} from './protocol.js';

interface Run {
  readonly method: TrainMethod;
  readonly trainer: Trainer;
  /** Points not yet reported. */
  losses: [number, number][];
  errors: [number, number][];
  /** Over the whole run. */
  clipped: number;
  largestGradNorm: number;
}

// The page's tsconfig has the DOM library, not WebWorker: the two members used here, typed here.
const scope = globalThis as unknown as {
  postMessage(report: Report): void;
  onmessage: ((event: MessageEvent<Command>) => void) | null;
};

let runs: Run[] = [];
let running = false;
let scheduled = false;
let lastReport = 0;
/** The page's number for the current start (see Command). */
let runId = 0;

function start(run: number, settings: TrainingSettings): void {
  runId = run;
  runs = TRAIN_METHODS.map((method) => {
    const trainer = new Trainer({
      task: 'temporal-order',
      minLength: settings.length,
      init: settings.init,
      method,
      hidden: settings.hidden,
      learningRate: settings.learningRate,
      maxUpdates: settings.maxUpdates,
      seed: settings.seed,
      validateEvery: VALIDATION.every,
      validationSequences: VALIDATION.sequences,
    });
    // the curve's first point: the untrained network's error (chance is 75%)
    const errors: [number, number][] = [[0, trainer.validate().errorRate]];
    return { method, trainer, losses: [], errors, clipped: 0, largestGradNorm: 0 };
  });
  running = true;
  report();
  schedule();
}

const unfinished = (r: Run) => r.trainer.status === 'running' || r.trainer.status === 'stopped';

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  setTimeout(slice, 0);
}

function slice(): void {
  scheduled = false;
  if (!running) return;
  try {
    for (const r of runs.filter(unfinished)) {
      const deadline = performance.now() + SLICE_MS;
      r.trainer.run({
        onUpdate: (m) => {
          r.losses.push([m.update, m.loss]);
          if (m.clipped) r.clipped++;
          r.largestGradNorm = Math.max(r.largestGradNorm, m.gradNorm);
        },
        onValidation: (v) => r.errors.push([v.update, v.errorRate]),
        shouldStop: () => performance.now() >= deadline,
      });
    }
  } catch (e) {
    fail(e);
    return;
  }
  if (!runs.some(unfinished)) running = false;
  if (!running || performance.now() - lastReport >= REPORT_EVERY_MS) report();
  if (running) schedule();
}

function fail(e: unknown): void {
  running = false;
  scope.postMessage({ type: 'error', message: `${(e as Error).name}: ${(e as Error).message}` });
}

function report(): void {
  lastReport = performance.now();
  const methods: MethodProgress[] = runs.map((r) => {
    const progress: MethodProgress = {
      method: r.method,
      losses: r.losses,
      errors: r.errors,
      updates: r.trainer.updates,
      status: r.trainer.status,
      clippedFraction: r.trainer.updates > 0 ? r.clipped / r.trainer.updates : 0,
      largestGradNorm: r.largestGradNorm,
    };
    r.losses = [];
    r.errors = [];
    return progress;
  });
  scope.postMessage({ type: 'progress', run: runId, methods, running });
}

scope.onmessage = (event) => {
  const command = event.data;
  try {
    if (command.type === 'start') start(command.run, command.settings);
    else if (command.type === 'pause') {
      // messages arrive between slices: this report carries every point so far, and says it stopped
      if (running) {
        running = false;
        report();
      }
    } else if (command.type === 'resume' && runs.some(unfinished)) {
      running = true;
      schedule();
    }
  } catch (e) {
    fail(e);
  }
};

// listening now: the page sends its commands from here on (see Report)
scope.postMessage({ type: 'ready' });
