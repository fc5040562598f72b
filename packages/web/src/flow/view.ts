/**
 * @file The vanishing-and-exploding section: the initialisation and the W_rec scale are the
 * controls; ‖δ_k‖ against k on a log scale, the bound ‖δ_T‖·η^(T−k), and λ1 against 1/γ with the
 * paper's verdict are redrawn live as the slider moves.
 */
import * as Plot from '@observablehq/plot';
import type { InitName } from '@tapegrad/rnn';
import { chartHeight, decadeTicks, logDomain } from '../charts.js';
import { byId, h, onWidthChange, oncePerFrame } from '../dom.js';
import { formatNumber } from '../format.js';
import { flowAt, flowSubject, type FlowResult, type FlowSubject } from './flow.js';

/**
 * Wires the section's controls and draws it for smart tanh at scale 1.
 *
 * @example
 * mountFlow(); // after the page's HTML is in the document (src/main.ts)
 */
export function mountFlow(): void {
  const slider = byId('flow-scale', HTMLInputElement);
  const shown = byId('flow-scale-value', HTMLOutputElement);
  const verdict = byId('flow-verdict', HTMLParagraphElement);
  const chart = byId('flow-chart', HTMLDivElement);
  const caption = byId('flow-caption', HTMLElement);
  const radios = [...document.querySelectorAll<HTMLInputElement>('input[name="flow-init"]')];
  const subjects = new Map<InitName, FlowSubject>();
  const gauge = byId('flow-gauge', HTMLDivElement);
  let result: FlowResult | null = null;
  let subject: FlowSubject | null = null;

  const scaleOf = () => 10 ** Number(slider.value);

  const compute = (): void => {
    const init = (radios.find((r) => r.checked)?.value ?? 'smart-tanh') as InitName;
    const s = subjects.get(init) ?? flowSubject(init);
    subjects.set(init, s);
    subject = s;
    result = flowAt(s, scaleOf());
    const c = result.conditions;
    const text = `× ${scaleOf().toFixed(2)}`;
    shown.textContent = text;
    slider.setAttribute('aria-valuetext', text);
    verdict.dataset.verdict = c.verdict;
    verdict.dataset.lambda1 = String(c.lambda1);
    verdict.dataset.inverseGamma = String(1 / c.gamma);
    const crossing = 1 / (s.gamma * s.lambda1);
    verdict.replaceChildren(
      h(
        'strong',
        {},
        c.verdict === 'vanish'
          ? 'Vanishing guaranteed. '
          : c.verdict === 'may-explode'
            ? 'Exploding possible. '
            : 'On the boundary. ',
      ),
      c.message,
      h('br'),
      h('span', { class: 'note' }, `For this network λ1 crosses 1/γ at W_rec × ${crossing.toFixed(3)}.`),
    );
    const T = result.norms.length;
    const first = result.norms[0];
    caption.textContent =
      `‖δ_k‖ averaged over the batch, k = 1 … ${T} (the loss is at step ${T}); dashed: the bound ‖δ_T‖·η^(T−k), η = λ1·γ = ${formatNumber(c.eta)}. ` +
      `‖δ_1‖/‖δ_T‖ = ${formatNumber(first / result.norms[T - 1])}; ${Math.round(result.stepsInPast * 100)}% of (step, sequence) pairs still get a signal (‖δ_k‖² ≥ 1e−20).`;
    chart.dataset.norms = JSON.stringify(Array.from(result.norms));
    draw();
  };

  const draw = (): void => {
    if (result === null || subject === null) return;
    const width = chart.clientWidth || 600;
    gauge.replaceChildren(lambdaGauge(subject, result, width, [Number(slider.min), Number(slider.max)]));
    const norms = Array.from(result.norms, (v, i) => ({ k: i + 1, v, series: '‖δ_k‖' }));
    const bound = Array.from(result.bound, (v, i) => ({ k: i + 1, v, series: 'bound' }));
    const positive = norms.filter((d) => d.v > 0);
    const domain = logDomain(positive.map((d) => d.v));
    chart.replaceChildren(
      Plot.plot({
        width,
        height: chartHeight(width),
        marginLeft: 56,
        ariaLabel: 'Error signal norm against step, log scale',
        x: { label: 'k (step)', domain: [1, norms.length] },
        y: { type: 'log', label: '‖δ_k‖', grid: true, domain, ticks: decadeTicks(domain), tickFormat: '.0e' },
        marks: [
          Plot.line(
            bound.filter((d) => d.v > 0),
            { x: 'k', y: 'v', stroke: '#56606b', strokeDasharray: '5,4', clip: true },
          ),
          Plot.line(positive, { x: 'k', y: 'v', stroke: '#0b5cad', strokeWidth: 2.5, clip: true }),
          Plot.dot(positive, {
            x: 'k',
            y: 'v',
            fill: '#0b5cad',
            r: 2,
            tip: true,
            title: (d: { k: number; v: number }) => `k = ${d.k}: ‖δ_k‖ = ${formatNumber(d.v)}`,
          }),
        ],
      }),
    );
  };

  const schedule = oncePerFrame(compute);

  slider.addEventListener('input', schedule);
  for (const r of radios) r.addEventListener('change', schedule);
  compute();
  onWidthChange(chart, draw);
}

/**
 * λ1 on a log axis spanning the slider's whole range, against the line at 1/γ: left of it the
 * long-term signal must vanish, right of it it may explode.
 */
function lambdaGauge(subject: FlowSubject, result: FlowResult, width: number, exponents: [number, number]): Element {
  const inverseGamma = 1 / subject.gamma;
  const lo = Math.min(subject.lambda1 * 10 ** exponents[0], inverseGamma) / 1.5;
  const hi = Math.max(subject.lambda1 * 10 ** exponents[1], inverseGamma) * 1.5;
  const lambda1 = result.conditions.lambda1;
  return Plot.plot({
    width,
    height: 86,
    marginLeft: 16,
    marginRight: 16,
    ariaLabel: `λ1 = ${formatNumber(lambda1)} against 1/γ = ${formatNumber(inverseGamma)}`,
    x: {
      type: 'log',
      domain: [lo, hi],
      ticks: decadeTicks([lo, hi], 8),
      tickFormat: '~g',
      label: 'λ1, the largest singular value of W_rec',
    },
    y: { axis: null, domain: [0, 1] },
    marks: [
      Plot.rect([{ x1: lo, x2: inverseGamma }], { x1: 'x1', x2: 'x2', y1: 0, y2: 1, fill: '#e3eefa' }),
      Plot.rect([{ x1: inverseGamma, x2: hi }], { x1: 'x1', x2: 'x2', y1: 0, y2: 1, fill: '#fbe6e3' }),
      Plot.text(['must vanish'], {
        x: lo,
        y: 0.8,
        text: (d: string) => d,
        textAnchor: 'start',
        dx: 4,
        fill: '#2a6fb0',
      }),
      Plot.text(['may explode'], { x: hi, y: 0.8, text: (d: string) => d, textAnchor: 'end', dx: -4, fill: '#a3261b' }),
      Plot.ruleX([inverseGamma], { stroke: '#1d232b', strokeWidth: 2 }),
      Plot.text([`1/γ = ${formatNumber(inverseGamma)}`], {
        x: inverseGamma,
        y: 0.2,
        text: (d: string) => d,
        dx: 6,
        textAnchor: 'start',
      }),
      Plot.dot([lambda1], {
        x: (d: number) => d,
        y: 0.45,
        r: 7,
        fill: result.conditions.verdict === 'vanish' ? '#2a6fb0' : '#a3261b',
        stroke: 'white',
      }),
    ],
  });
}
