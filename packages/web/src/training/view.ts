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
  let running = false;

  const send = (command: Command) => worker?.postMessage(command);

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

  const onReport = (report: Report): void => {
    if (report.type === 'error') {
      error.textContent = report.message;
      error.hidden = false;
      running = false;
    } else {
      for (const m of report.methods) {
        for (const [update, loss] of m.losses) curves.losses.push({ method: m.method, update, loss });
        for (const [update, e] of m.errors) curves.errors.push({ method: m.method, update, error: e });
        curves.latest.set(m.method, m);
      }
      running = report.running;
    }
    pauseButton.textContent = running ? 'Pause' : 'Resume';
    const unfinished = [...curves.latest.values()].some(
      (m) => m.status === 'stopped' || m.status === 'running',
    );
    pauseButton.disabled = !running && !unfinished;
    status.textContent = running
      ? 'Training in a Web Worker…'
      : curves.latest.size === 0
        ? 'Not started.'
        : unfinished
          ? 'Paused.'
          : 'Finished.';
    scheduleDraw();
  };

  const draw = (): void => {
    drawCards(cards, curves);
    const width = lossChart.clientWidth || 600;
    const colour = {
      type: 'ordinal' as const,
      domain: Object.keys(METHOD_LABELS),
      range: Object.values(METHOD_COLOURS),
      tickFormat: (m: string) => METHOD_LABELS[m],
      legend: true,
    };
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
      worker.onerror = (event) =>
        onReport({ type: 'error', message: `the training worker failed: ${event.message}` });
    }
    curves = { losses: [], errors: [], latest: new Map() };
    startButton.textContent = 'Restart';
    running = true;
    send({ type: 'start', settings });
    onReport({ type: 'progress', methods: [], running: true });
  });
  pauseButton.addEventListener('click', () => {
    send({ type: running ? 'pause' : 'resume' });
    running = !running;
    onReport({ type: 'progress', methods: [], running });
  });
  onWidthChange(lossChart, draw);
}

function drawCards(cards: HTMLElement, curves: Curves): void {
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
        h('p', {}, `${m.updates} updates: ${STATUS_WORDS[m.status]}.`),
        e === undefined
          ? null
          : h('p', {}, `Validation error ${(e.error * 100).toFixed(1)}% at update ${e.update}.`),
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
