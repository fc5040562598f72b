/**
 * @file The tape section: choose or type a function, record it, and step the reverse walk one entry
 * at a time. The table lists the tape; the panel under it shows the current step's VJP formula, the
 * gradient that reached the entry and what it passes on to each input; the list at the end fills in
 * each input's gradient when the walk reaches its watched leaf.
 */
import type { BackwardStep } from '@tapegrad/autodiff';
import { byId, h } from '../dom.js';
import { exactValues, formatShape, formatTensor } from '../format.js';
import { EXAMPLES, exampleFunction, type Example } from './examples.js';
import { parseInputs } from './expression.js';
import { formulaOf } from './formulas.js';
import { traceFunction, type Trace } from './trace.js';

const PHASE_WORDS = {
  input: 'watched input',
  forward: 'forward pass',
  backward: 'recorded while differentiating',
} as const;

/**
 * Wires the tape section's controls; records the first example.
 *
 * @example
 * mountTape(); // after the page's HTML is in the document (src/main.ts)
 */
export function mountTape(): void {
  const select = byId('tape-example', HTMLSelectElement);
  const expression = byId('tape-expression', HTMLInputElement);
  const inputs = byId('tape-inputs', HTMLTextAreaElement);
  const secondOrder = byId('tape-second-order', HTMLInputElement);
  const code = byId('tape-code', HTMLPreElement);
  const error = byId('tape-error', HTMLParagraphElement);
  const note = byId('tape-note', HTMLParagraphElement);
  const table = byId('tape-table', HTMLTableElement);
  const buttons = {
    back: byId('tape-back', HTMLButtonElement),
    step: byId('tape-step', HTMLButtonElement),
    run: byId('tape-run', HTMLButtonElement),
    reset: byId('tape-reset', HTMLButtonElement),
  };
  const position = byId('tape-position', HTMLSpanElement);
  const detail = byId('tape-step-detail', HTMLDivElement);
  const grads = byId('tape-grads', HTMLElement);

  let example: Example = EXAMPLES[0];
  let trace: Trace | null = null;
  let taken = 0;

  for (const e of EXAMPLES) select.append(h('option', { value: e.id }, e.label));

  const choose = (id: string): void => {
    example = EXAMPLES.find((e) => e.id === id) ?? EXAMPLES[0];
    select.value = example.id;
    expression.value = example.expression ?? 'rnnLoss(params, …): the program below';
    expression.disabled = example.expression === null;
    code.hidden = example.expression !== null;
    code.textContent = example.code;
    inputs.value = example.inputs;
    secondOrder.checked = example.secondOrder;
    note.textContent = example.note;
    record();
  };

  const record = (): void => {
    error.hidden = true;
    try {
      const f = exampleFunction({ expression: example.expression === null ? null : expression.value });
      trace = traceFunction(f, parseInputs(inputs.value), { secondOrder: secondOrder.checked });
    } catch (e) {
      trace = null;
      error.textContent = `${(e as Error).name}: ${(e as Error).message}`;
      error.hidden = false;
    }
    taken = 0;
    drawTable();
    update();
  };

  const drawTable = (): void => {
    table.replaceChildren();
    if (trace === null) return;
    const reached = new Set(trace.steps.map((s) => s.index));
    table.append(
      h(
        'caption',
        { class: 'note' },
        `${trace.entries.length} entries; the walk from the output (#${trace.steps[0]?.index}) reaches ${reached.size} of them.`,
      ),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...['entry', 'inputs (name ← entry)', 'shape', 'value', 'g at its output'].map((t) =>
            h('th', { scope: 'col' }, t),
          ),
        ),
      ),
    );
    const body = h('tbody');
    for (const e of trace.entries) {
      const ins = e.inputs.map((i) => `${i.name} ← ${i.index < 0 ? 'constant' : `#${i.index}`}`).join(', ');
      const leaf = e.phase === 'input' ? leafName(trace, e.index) : undefined;
      body.append(
        h(
          'tr',
          {
            id: `tape-entry-${e.index}`,
            class: `phase-${e.phase}${reached.has(e.index) ? '' : ' unreached'}`,
            'data-op': e.op,
            title: PHASE_WORDS[e.phase],
          },
          h('td', {}, h('strong', {}, `#${e.index} `), h('code', {}, e.op), leaf === undefined ? null : ` ${leaf}`),
          h('td', { 'data-label': 'inputs' }, ins === '' ? '—' : ins),
          h('td', { class: 'mono', 'data-label': 'shape' }, formatShape(e.output.shape)),
          h('td', { class: 'values', 'data-label': 'value' }, formatTensor(e.output)),
          h('td', { class: 'values grad', 'data-label': 'g' }, reached.has(e.index) ? '' : 'not reached'),
        ),
      );
    }
    table.append(body);
  };

  const update = (): void => {
    const steps = trace?.steps ?? [];
    buttons.back.disabled = taken === 0;
    buttons.reset.disabled = taken === 0;
    buttons.step.disabled = taken >= steps.length;
    buttons.run.disabled = taken >= steps.length;
    position.textContent = trace === null ? '' : `Step ${taken} of ${steps.length}`;
    position.dataset.taken = String(taken);
    position.dataset.total = String(steps.length);
    for (const row of table.querySelectorAll('tr.current, tr.receiving')) row.classList.remove('current', 'receiving');
    for (const [k, s] of steps.entries()) {
      const cell = table.querySelector(`#tape-entry-${s.index} td.grad`);
      if (cell !== null) cell.textContent = k < taken ? formatTensor(s.grad) : '';
    }
    const current = taken > 0 ? steps[taken - 1] : null;
    if (current !== null) {
      const row = document.getElementById(`tape-entry-${current.index}`);
      row?.classList.add('current');
      row?.scrollIntoView({ block: 'nearest' });
      for (const input of trace!.entries[current.index].inputs) {
        if (input.index >= 0) document.getElementById(`tape-entry-${input.index}`)?.classList.add('receiving');
      }
    }
    detail.replaceChildren(...(trace === null ? [] : describeStep(trace, current, taken)));
    drawGrads();
  };

  const drawGrads = (): void => {
    grads.replaceChildren();
    if (trace === null) return;
    const done = new Set(trace.steps.slice(0, taken).map((s) => s.index));
    const finished = taken === trace.steps.length;
    for (const [name, index] of Object.entries(trace.leaves)) {
      const known = done.has(index) || finished;
      const g = trace.grads[name];
      const what = trace.secondOrder ? `∂z/∂${name}` : `∂f/∂${name}`;
      grads.append(
        h('dt', {}, what),
        h(
          'dd',
          known ? { 'data-name': name, 'data-values': exactValues(g) } : { 'data-name': name },
          known ? formatTensor(g, 12) : 'the walk has not reached it yet',
        ),
      );
    }
  };

  select.addEventListener('change', () => choose(select.value));
  byId('tape-record', HTMLButtonElement).addEventListener('click', record);
  secondOrder.addEventListener('change', record);
  expression.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') record();
  });
  buttons.step.addEventListener('click', () => {
    taken++;
    update();
  });
  buttons.back.addEventListener('click', () => {
    taken--;
    update();
  });
  buttons.run.addEventListener('click', () => {
    taken = trace?.steps.length ?? 0;
    update();
  });
  buttons.reset.addEventListener('click', () => {
    taken = 0;
    update();
  });
  choose(EXAMPLES[0].id);
}

function describeStep(trace: Trace, step: BackwardStep | null, taken: number): Node[] {
  const outputIndex = trace.steps[0]?.index ?? 0;
  if (step === null) {
    const what = trace.secondOrder ? 'z = Σ ∂f/∂(each input), itself computed by the recorded backward pass' : 'f';
    return [
      h(
        'p',
        {},
        `The walk starts at the output, entry #${outputIndex}: ${what} = ${formatTensor(trace.output)}, with g = 1 (∂out/∂out).`,
      ),
      h('p', { class: 'note' }, 'Press “Step back through the tape” to run the VJP of one entry.'),
    ];
  }
  const entry = trace.entries[step.index];
  const formula = formulaOf(entry.op);
  const passes = entry.inputs.map((input, j) => {
    const g = step.inputGrads[j];
    const target = input.index < 0 ? 'a constant' : `#${input.index}`;
    return h(
      'li',
      {},
      `${input.name} (${target}): `,
      g === null ? 'nothing (no gradient needed)' : h('code', {}, formatTensor(g, 8)),
    );
  });
  const lines: Node[] = [
    h(
      'p',
      {},
      h('strong', {}, `Step ${taken}: entry #${step.index}, `),
      h('code', {}, entry.op),
      entry.phase === 'backward' ? ' (an op of the first backward pass)' : '',
    ),
    h('p', { class: 'formula' }, formula.vjp),
    h('p', { class: 'note' }, `VJP in packages/${formula.file}`),
    h(
      'p',
      {},
      entry.inputs.length === 0
        ? `g, the gradient with respect to ${leafName(trace, step.index)}: `
        : 'g at its output: ',
      h('code', {}, formatTensor(step.grad, 8)),
    ),
  ];
  if (entry.inputs.length > 0)
    lines.push(h('p', {}, 'It passes on (added to what each input already has):'), h('ul', {}, ...passes));
  return lines;
}

function leafName(trace: Trace, index: number): string {
  return Object.entries(trace.leaves).find(([, i]) => i === index)?.[0] ?? 'this input';
}
