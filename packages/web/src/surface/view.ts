/**
 * @file The single-unit section: the error surface as a heat map of log₁₀ E, and the two descents
 * (plain and clipped) from a start the learner clicks or types, with a card per descent saying
 * where it ended and how large its largest step was.
 */
import * as Plot from '@observablehq/plot';
import { chartHeight } from '../charts.js';
import { byId, h, onWidthChange } from '../dom.js';
import { formatNumber } from '../format.js';
import {
  DESCENT_DEFAULTS,
  SURFACE_REGION,
  descend,
  surfaceGrid,
  type DescentSettings,
  type PathPoint,
} from './surface.js';

const PATHS = [
  { key: 'plain', clip: false, label: 'plain gradient descent', colour: '#ff8c1a', width: 5 },
  { key: 'clipped', clip: true, label: 'with norm clipping', colour: '#ffffff', width: 1.75 },
] as const;

/**
 * Wires the section's inputs and the click on the chart; draws the default start.
 *
 * @example
 * mountSurface(); // after the page's HTML is in the document (src/main.ts)
 */
export function mountSurface(): void {
  const fields = {
    w: byId('surface-w', HTMLInputElement),
    b: byId('surface-b', HTMLInputElement),
    lr: byId('surface-lr', HTMLInputElement),
    clip: byId('surface-clip', HTMLInputElement),
    steps: byId('surface-steps', HTMLInputElement),
  };
  const chart = byId('surface-chart', HTMLDivElement);
  const summary = byId('surface-summary', HTMLDivElement);
  const error = byId('surface-error', HTMLParagraphElement);
  const grid = surfaceGrid();
  const nb = grid.b.length;
  const [w0, w1] = SURFACE_REGION.w;
  const [b0, b1] = SURFACE_REGION.b;
  const cell = (v: number, lo: number, hi: number, n: number) =>
    Math.min(n - 1, Math.max(0, Math.round(((v - lo) / (hi - lo)) * (n - 1))));
  const logLoss = (w: number, b: number) =>
    Math.log10(grid.loss[cell(w, w0, w1, grid.w.length) * nb + cell(b, b0, b1, nb)] + 1e-12);
  let paths: { key: string; points: PathPoint[] }[] = [];
  let settings: DescentSettings = DESCENT_DEFAULTS;

  fields.w.value = String(settings.start[0]);
  fields.b.value = String(settings.start[1]);
  fields.lr.value = String(settings.learningRate);
  fields.clip.value = String(settings.threshold);
  fields.steps.value = String(settings.steps);

  const run = (): void => {
    error.hidden = true;
    const read = (f: HTMLInputElement, name: string) => {
      const v = Number(f.value);
      if (f.value.trim() === '' || !Number.isFinite(v))
        throw new RangeError(`${name} must be a number, got '${f.value}'`);
      return v;
    };
    try {
      settings = {
        start: [read(fields.w, 'start w'), read(fields.b, 'start b')],
        learningRate: read(fields.lr, 'the learning rate'),
        threshold: read(fields.clip, 'the clip threshold'),
        steps: Math.round(read(fields.steps, 'steps')),
      };
      if (settings.steps < 1 || settings.steps > 500)
        throw new RangeError(`steps must be between 1 and 500, got ${settings.steps}`);
      paths = PATHS.map((p) => ({ key: p.key, points: descend(settings, p.clip) }));
    } catch (e) {
      error.textContent = `${(e as Error).name}: ${(e as Error).message}`;
      error.hidden = false;
      return;
    }
    draw();
    summary.replaceChildren(...paths.map((p, i) => card(PATHS[i], p.points, settings)));
    summary.dataset.ends = JSON.stringify(paths.map((p) => p.points.at(-1)));
  };

  const draw = (): void => {
    const width = chart.clientWidth || 600;
    const start = [{ w: settings.start[0], b: settings.start[1] }];
    const plot = Plot.plot({
      width,
      height: chartHeight(width),
      marginLeft: 44,
      ariaLabel: 'Error surface of the single unit, with the two descents',
      x: { label: 'w', domain: [w0, w1] },
      y: { label: 'b', domain: [b0, b1] },
      color: { type: 'linear', scheme: 'viridis', label: 'log₁₀ E' },
      marks: [
        Plot.raster({ x1: w0, x2: w1, y1: b0, y2: b1, fill: logLoss, pixelSize: 2 }),
        // each path over a dark halo, visible from the dark to the light end of viridis; the plain path is
        // wider, so where the two coincide (no step was clipped) its colour still shows around the other
        ...paths.flatMap((p, i) => [
          Plot.line(p.points, { x: 'w', y: 'b', stroke: '#111', strokeWidth: PATHS[i].width + 2, clip: true }),
          Plot.line(p.points, {
            x: 'w',
            y: 'b',
            stroke: PATHS[i].colour,
            strokeWidth: PATHS[i].width,
            marker: 'dot',
            clip: true,
          }),
        ]),
        Plot.dot(start, { x: 'w', y: 'b', r: 7, stroke: 'white', strokeWidth: 2.5 }),
      ],
    });
    plot.addEventListener('click', (event) => {
      const { clientX, clientY } = event as MouseEvent;
      const svg = plot as unknown as SVGSVGElement;
      const rect = svg.getBoundingClientRect();
      const ratio = Number(svg.getAttribute('width')) / rect.width;
      const w = plot.scale('x')?.invert?.((clientX - rect.left) * ratio) as number;
      const b = plot.scale('y')?.invert?.((clientY - rect.top) * ratio) as number;
      if (!(w >= w0 && w <= w1 && b >= b0 && b <= b1)) return;
      fields.w.value = w.toFixed(3);
      fields.b.value = b.toFixed(3);
      run();
    });
    chart.replaceChildren(
      Plot.legend({
        color: { type: 'linear', scheme: 'viridis', domain: colourDomain(grid.loss), label: 'log₁₀ E' },
        width: Math.min(width, 320),
      }),
      plot,
    );
  };

  for (const f of Object.values(fields)) f.addEventListener('change', run);
  run();
  onWidthChange(chart, draw);
}

function colourDomain(loss: Float64Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of loss) {
    const l = Math.log10(v + 1e-12);
    lo = Math.min(lo, l);
    hi = Math.max(hi, l);
  }
  return [lo, hi];
}

function card(path: (typeof PATHS)[number], points: readonly PathPoint[], settings: DescentSettings): HTMLElement {
  const end = points[points.length - 1];
  let largest = 0;
  for (let i = 1; i < points.length; i++)
    largest = Math.max(largest, Math.hypot(points[i].w - points[i - 1].w, points[i].b - points[i - 1].b));
  const outside = points.find(
    (p) =>
      p.w < SURFACE_REGION.w[0] || p.w > SURFACE_REGION.w[1] || p.b < SURFACE_REGION.b[0] || p.b > SURFACE_REGION.b[1],
  );
  const clipped = points.filter((p) => p.clipped).length;
  const steepest = Math.max(...points.map((p) => p.gradNorm));
  return h(
    'div',
    { class: 'card' },
    h('h3', {}, h('span', { class: 'chip', style: `background:${path.colour};border:2px solid #111` }), path.label),
    h(
      'p',
      {},
      `After ${end.step} steps: w = ${formatNumber(end.w)}, b = ${formatNumber(end.b)}, E = ${formatNumber(end.loss)}.`,
    ),
    h('p', {}, `Largest step ${formatNumber(largest)}; largest gradient norm ${formatNumber(steepest)}.`),
    path.clip
      ? h('p', {}, `Clipped on ${clipped} of ${points.length - 1} steps (threshold ${settings.threshold}).`)
      : null,
    outside === undefined ? null : h('p', { class: 'error' }, `Left the plotted region at step ${outside.step}.`),
  );
}
