/**
 * @file Small DOM helpers: build elements without innerHTML (text from the learner's input and
 * from error messages is always set as text), find the page's elements by id with a clear error,
 * and redraw a chart whenever its container changes width.
 */

type Child = Node | string | null | undefined | false;

/**
 * An element with attributes (strings; `class` and `data-*` included) and children.
 *
 * @example
 * h('p', { class: 'note' }, 'g = ', h('code', {}, '1')); // <p class="note">g = <code>1</code></p>
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  for (const child of children) if (child !== null && child !== undefined && child !== false) element.append(child);
  return element;
}

/**
 * The element with this id, of the expected type; throws naming the id when the page lacks it.
 *
 * @example
 * const slider = byId('flow-scale', HTMLInputElement);
 */
export function byId<T extends HTMLElement>(id: string, type: new () => T): T {
  const element = document.getElementById(id);
  if (!(element instanceof type)) throw new TypeError(`the page has no ${type.name} with id '${id}'`);
  return element;
}

/**
 * `fn` wrapped so that calls in quick succession run it once, at the next animation frame: slider
 * moves and worker reports then cost one redraw per frame at most.
 *
 * @example
 * const redraw = oncePerFrame(draw);
 * slider.addEventListener('input', redraw);
 */
export function oncePerFrame(fn: () => void): () => void {
  let pending = false;
  return () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      fn();
    });
  };
}

/**
 * Calls `draw()` whenever `container` changes width (at most once a frame), so charts are drawn at
 * the width they are shown at, from 360 px phones to wide screens.
 *
 * @example
 * onWidthChange(box, () => box.replaceChildren(chart(box.clientWidth)));
 */
export function onWidthChange(container: HTMLElement, draw: () => void): void {
  let width = container.clientWidth;
  const redraw = oncePerFrame(draw);
  new ResizeObserver(() => {
    if (container.clientWidth === width) return;
    width = container.clientWidth;
    redraw();
  }).observe(container);
}
