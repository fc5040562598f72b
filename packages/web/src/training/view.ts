/**
 * @file The live-training section: reads the settings, starts the worker on the first Start, and
 * grows the loss and validation-error curves of the three methods as its reports arrive; the
 * charts are redrawn at most once a frame, so the page stays responsive while the worker trains.
 */
import * as Plot from '@observablehq/plot';
import type { InitName, TrainMethod } from '@tapegrad/rnn';
import { METHOD_COLOURS, METHOD_LABELS, chartHeight } from '../charts.js';
import { byId, h, onWidthChange, oncePerFrame } from '../dom.js';
import { formatNumber } from '../format.js';
import type { Command, MethodProgress, Report, TrainingSettings } from './protocol.js';

interface Curves {
  losses: { method: TrainMethod; update: number; loss: number }[];
  errors: { method: TrainMethod; update: number; error: number }[];
  latest: Map<TrainMethod, MethodProgress>;
}

const METHODS = Object.keys(METHOD_LABELS) as TrainMethod[];
/** Widest first: where two methods take the same path (SGD-C that never clipped is SGD), both stay visible. */
const LINE_WIDTHS = [5, 3, 1.5];

const STATUS_WORDS = {
  running: 'training',
  stopped: 'training',
  success: 'solved (validation error < 1%)',
  budget: 'update budget spent',
  diverged: 'diverged (NaN or ±Infinity)',
} as const;

/**
 * Wires the section's controls; the worker starts on the first press of Start.
 *
 * @example
 * mountTraining(); // after the page's HTML is in the document (src/main.ts)
 */
export function mountTraining(): void {
  const field = (id: string) => byId(id, HTMLInputElement);
  const startButton = byId('training-start', HTMLButtonElement);
  const pauseButton = byId('training-pause', HTMLButtonElement);
  const status = byId('training-status', HTMLSpanElement);
  const error = byId('training-error', HTMLParagraphElement);
  const cards = byId('training-cards', HTMLDivElement);
  const lossChart = byId('training-loss', HTMLDivElement);
  const errorChart = byId('training-error-chart', HTMLDivElement);
  let worker: Worker | null = null;
  let curves: Curves = { losses: [], errors: [], latest: new Map() };
  /** The current start's number (0 before the first); reports of earlier starts are dropped. */
  let run = 0;
  /** The learner pressed Pause (and not Resume since). */
  let paused = false;
  /** What the worker's last report said (set at once on Start and Resume, before it answers). */
  let workerRunning = false;

  /** Commands wait here until the worker says it listens (see Report's 'ready'). */
  let pending: Command[] | null = [];
  const send = (command: Command) => {
    if (pending === null) worker?.postMessage(command);
    else pending.push(command);
  };

  const readSettings = (): TrainingSettings => {
    const integer = (id: string, name: string, lo: number, hi: number) => {
      const v = Number(field(id).value);
      if (!Number.isInteger(v) || v < lo || v > hi)
        throw new RangeError(`${name} must be a whole number from ${lo} to ${hi}, got '${field(id).value}'`);
      return v;
    };
    const learningRate = Number(field('training-lr').value);
    if (!(learningRate > 0 && learningRate <= 1))
      throw new RangeError(`the learning rate must be in (0, 1], got '${field('training-lr').value}'`);
    return {
      length: integer('training-length', 'the sequence length', 10, 200),
      init: byId('training-init', HTMLSelectElement).value as InitName,
      hidden: integer('training-hidden', 'the number of hidden units', 2, 100),
      learningRate,
      maxUpdates: integer('training-budget', 'the update budget', 10, 20000),
      seed: integer('training-seed', 'the seed', -1e9, 1e9),
    };
  };

  const unfinished = () => [...curves.latest.values()].some((m) => m.status === 'stopped' || m.status === 'running');

  const render = (): void => {
    const finished = !workerRunning && curves.latest.size > 0 && !unfinished();
    pauseButton.textContent = paused && !finished ? 'Resume' : 'Pause';
    pauseButton.disabled = run === 0 || finished || (paused ? !unfinished() : !workerRunning);
    status.textContent =
      run === 0
        ? 'Not started.'
        : finished
          ? 'Finished.'
          : paused
            ? workerRunning
              ? 'Pausing…'
              : 'Paused.'
            : workerRunning
              ? 'Training in a Web Worker…'
              : 'Stopped.';
    scheduleDraw();
  };

  const onReport = (report: Report): void => {
    if (report.type === 'ready') {
      const commands = pending ?? [];
      pending = null;
      for (const command of commands) worker?.postMessage(command);
      return;
    }
    if (report.type === 'error') {
      error.textContent = report.message;
      error.hidden = false;
      workerRunning = false;
    } else {
      if (report.run !== run) return; // in flight when the learner restarted
      for (const m of report.methods) {
        for (const [update, loss] of m.losses) curves.losses.push({ method: m.method, update, loss });
        for (const [update, e] of m.errors) curves.errors.push({ method: m.method, update, error: e });
        curves.latest.set(m.method, m);
      }
      workerRunning = report.running;
    }
    render();
  };

  const draw = (): void => {
    drawCards(cards, curves, paused && !workerRunning);
    const width = lossChart.clientWidth || 600;
    const colour = {
      type: 'ordinal' as const,
      domain: Object.keys(METHOD_LABELS),
      range: Object.values(METHOD_COLOURS),
      tickFormat: (m: string) => METHOD_LABELS[m],
      legend: true,
    };
    // what the charts and cards show, all set in one frame (the browser test reads them together)
    status.dataset.worker = workerRunning ? 'running' : 'idle';
    lossChart.dataset.points = String(curves.losses.length);
    errorChart.dataset.points = String(curves.errors.length);
    if (curves.losses.length === 0 && curves.errors.length === 0) {
      lossChart.replaceChildren();
      errorChart.replaceChildren();
      return;
    }
    lossChart.replaceChildren(
      Plot.plot({
        width,
        height: chartHeight(width),
        ariaLabel: 'Training loss against updates for SGD, SGD-C and SGD-CR',
        x: { label: 'update' },
        y: { label: 'loss', grid: true, zero: true },
        color: colour,
        marks: METHODS.map((method, i) =>
          Plot.line(
            curves.losses.filter((d) => d.method === method),
            Plot.windowY(
              { k: 10, anchor: 'end' },
              { x: 'update', y: 'loss', stroke: 'method', strokeWidth: LINE_WIDTHS[i] },
            ),
          ),
        ),
      }),
    );
    errorChart.replaceChildren(
      Plot.plot({
        width,
        height: chartHeight(width),
        ariaLabel: 'Validation error against updates for SGD, SGD-C and SGD-CR',
        x: { label: 'update' },
        y: { label: 'validation error (%)', domain: [0, 100], grid: true, percent: true },
        color: colour,
        marks: [
          Plot.ruleY([0.01], { stroke: '#56606b', strokeDasharray: '4,3' }),
          ...METHODS.map((method, i) =>
            Plot.line(
              curves.errors.filter((d) => d.method === method),
              { x: 'update', y: 'error', stroke: 'method', strokeWidth: LINE_WIDTHS[i], marker: 'dot' },
            ),
          ),
        ],
      }),
    );
  };

  const scheduleDraw = oncePerFrame(() => draw());

  startButton.addEventListener('click', () => {
    error.hidden = true;
    let settings: TrainingSettings;
    try {
      settings = readSettings();
    } catch (e) {
      error.textContent = (e as Error).message;
      error.hidden = false;
      return;
    }
    if (worker === null) {
      worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
      worker.onmessage = (event: MessageEvent<Report>) => onReport(event.data);
      worker.onerror = (event) => onReport({ type: 'error', message: `the training worker failed: ${event.message}` });
    }
    curves = { losses: [], errors: [], latest: new Map() };
    startButton.textContent = 'Restart';
    run += 1;
    paused = false;
    workerRunning = true;
    send({ type: 'start', run, settings });
    render();
  });
  pauseButton.addEventListener('click', () => {
    send({ type: paused ? 'resume' : 'pause' });
    paused = !paused;
    if (!paused) workerRunning = true;
    render();
  });
  onWidthChange(lossChart, draw);
}

function drawCards(cards: HTMLElement, curves: Curves, paused: boolean): void {
  const lastError = (method: TrainMethod) => curves.errors.filter((e) => e.method === method).at(-1);
  cards.replaceChildren(
    ...[...curves.latest.values()].map((m) => {
      const e = lastError(m.method);
      return h(
        'div',
        {
          class: 'card',
          'data-method': m.method,
          'data-updates': String(m.updates),
          'data-status': m.status,
        },
        h(
          'h3',
          {},
          h('span', { class: 'chip', style: `background:${METHOD_COLOURS[m.method]}` }),
          METHOD_LABELS[m.method],
        ),
        h('p', {}, `${m.updates} updates: ${paused && m.status === 'stopped' ? 'paused' : STATUS_WORDS[m.status]}.`),
        e === undefined ? null : h('p', {}, `Validation error ${(e.error * 100).toFixed(1)}% at update ${e.update}.`),
        m.method === 'sgd'
          ? h('p', {}, `Largest gradient norm ${formatNumber(m.largestGradNorm)} (no clipping).`)
          : h(
              'p',
              {},
              `Clipped on ${Math.round(m.clippedFraction * 100)}% of updates; largest norm ${formatNumber(m.largestGradNorm)}.`,
            ),
      );
    }),
  );
}
