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
  let result: FlowResult | null = null;
  let subject: FlowSubject;

  const scaleOf = () => 10 ** Number(slider.value);

  const compute = (): void => {
    const init = (radios.find((r) => r.checked)?.value ?? 'smart-tanh') as InitName;
    subject = subjects.get(init) ?? flowSubject(init);
    subjects.set(init, subject);
    result = flowAt(subject, scaleOf());
    const c = result.conditions;
    const text = `× ${scaleOf().toFixed(2)}`;
    shown.textContent = text;
    slider.setAttribute('aria-valuetext', text);
    verdict.dataset.verdict = c.verdict;
    verdict.dataset.lambda1 = String(c.lambda1);
    verdict.dataset.inverseGamma = String(1 / c.gamma);
    const crossing = 1 / (subject.gamma * subject.lambda1);
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
    if (result === null) return;
    const width = chart.clientWidth || 600;
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
