/**
 * @file The built page: Vite builds it into a static folder (checked with or without a browser),
 * which is served as a static host would and opened in headless Chromium. Then every section must
 * render without errors; the gradients it shows must equal the library's own values computed here
 * in Node for the same inputs; stepping the tape must visit every entry; the W_rec slider must flip
 * the verdict exactly where λ1 crosses 1/γ; a click on the surface must start both descents there;
 * a few hundred training updates in the worker must grow the curves while the page still answers
 * the slider; and at 360 px nothing may scroll sideways. Screenshots go to out/web/. Without
 * Chromium the browser tests are skipped with the reason, loudly (see scripts/summary-reporter.ts).
 */
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import type { PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { Rng, hessianVectorProduct, mul, ones, sum, tanh, tensor, valueAndGrad, type Tensor } from '@tapegrad/autodiff';
import { errorSignals, initRnn, makeTask } from '@tapegrad/rnn';
import { DESCENT_DEFAULTS, SURFACE_REGION, descend, type PathPoint } from '../src/surface/surface.js';
import { buildPage, chromiumMissing, launchChromium, servePage } from './browser.js';

const missing = chromiumMissing();
if (missing !== null) console.warn(`\n*** packages/web: the browser tests are SKIPPED: ${missing} ***\n`);

const shots = fileURLToPath(new URL('../../../out/web/', import.meta.url));
const dist = fileURLToPath(new URL('../dist/', import.meta.url));

let server: PreviewServer | null = null;
let browser: Browser | null = null;
let page: Page;
const pageErrors: string[] = [];

/** A test that needs the browser: skipped, with the reason as its note, where there is none. */
function inBrowser(name: string, fn: () => Promise<void>, timeout = 60_000): void {
  it(
    name,
    async (context: TestContext) => {
      if (missing !== null) context.skip(missing);
      await fn();
    },
    timeout,
  );
}

const values = (t: Tensor) => Array.from(t.data);
const shown = async (selector: string, attribute: string): Promise<number[]> =>
  JSON.parse((await page.getAttribute(selector, attribute)) ?? 'null') as number[];

describe('the page, built with Vite and opened in headless Chromium', () => {
  beforeAll(async () => {
    await buildPage(); // with or without a browser: the build is tested either way
    if (missing !== null) return;
    let url: string;
    ({ server, url } = await servePage());
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(m.text());
    });
    await page.goto(url);
    await page.waitForSelector('html[data-ready]', { state: 'attached', timeout: 30_000 });
    mkdirSync(shots, { recursive: true });
    await reportSizeAndLoadTime(page);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('builds a static folder any host can serve: relative URLs, the worker beside the page, es2022', () => {
    const html = readFileSync(`${dist}index.html`, 'utf8');
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]).filter((u) => u.includes('assets'));
    expect(assets.length).toBe(2); // the script and the stylesheet
    for (const url of assets) expect(url.startsWith('./assets/'), url).toBe(true);
    const script = readFileSync(`${dist}${assets.find((u) => u.endsWith('.js'))!}`, 'utf8');
    const worker = /new URL\(`(worker-[\w-]+\.js)`,\s*import\.meta\.url\)/.exec(script)?.[1];
    expect(worker).toBeDefined();
    expect(readdirSync(`${dist}assets`)).toContain(worker);
    expect(script).not.toMatch(/["'`]\/assets\//); // no absolute URL that would break in a sub-folder
  });

  inBrowser('renders every section, without errors', async () => {
    expect(await page.locator('#tape-table tbody tr').count()).toBe(5);
    expect(await page.locator('#flow-chart svg').count()).toBe(1);
    expect(await page.locator('#flow-gauge svg').count()).toBe(1);
    expect(await page.locator('#surface-chart svg').count()).toBeGreaterThanOrEqual(1);
    expect(await page.locator('#surface-summary .card').count()).toBe(2);
    expect(await page.locator('#training-start').isEnabled()).toBe(true);
    expect(pageErrors).toEqual([]);
  });

  inBrowser('labels every control', async () => {
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll('input, select, textarea, button')]
        .filter((el) => {
          const labels = (el as HTMLInputElement).labels;
          return (
            (labels === null || labels.length === 0) &&
            !el.getAttribute('aria-label') &&
            (el.textContent ?? '').trim() === ''
          );
        })
        .map((el) => el.id || el.outerHTML),
    );
    expect(unlabelled).toEqual([]);
  });

  inBrowser('shows the same gradients as the library computes in Node for the same inputs', async () => {
    await page.selectOption('#tape-example', 'few-ops');
    await page.click('#tape-run');
    // f = Σ tanh(x)·y at the example's inputs, written here with the ops directly
    const x = tensor([0.5, -1, 2]);
    const y = tensor([2, 3, -1]);
    const [dx, dy] = valueAndGrad((a: Tensor, b: Tensor) => sum(mul(tanh(a), b)), { argnums: [0, 1] })(x, y)
      .grad as Tensor[];
    expect(await shown('#tape-grads dd[data-name="x"]', 'data-values')).toEqual(values(dx));
    expect(await shown('#tape-grads dd[data-name="y"]', 'data-values')).toEqual(values(dy));

    await page.selectOption('#tape-example', 'second-order');
    await page.click('#tape-run');
    await page.locator('#tape').screenshot({ path: `${shots}1100-tape-second-order.png` });
    const x2 = tensor([0.5, -1]);
    const hv = hessianVectorProduct((v: Tensor) => sum(tanh(v)), x2, ones([2]));
    // two different orders of the same float64 operations (the page walks the recorded first walk)
    expect(await shown('#tape-grads dd[data-name="x"]', 'data-values')).toEqual(
      values(hv).map((v) => expect.closeTo(v, 15)),
    );

    // the error-signal norms of the vanishing/exploding chart: smart tanh at scale 1, as FLOW_SIZES draws them
    const task = makeTask('temporal-order', { minLength: 50 });
    const { params, activation } = initRnn({
      nIn: task.nIn,
      nHidden: 50,
      nOut: task.nOut,
      init: 'smart-tanh',
      seed: 1,
    });
    const batch = task.sample(new Rng(1), 20);
    const norms = errorSignals(params, batch, { activation, head: task.head }).stats.meanNorms;
    // Relative 1e-12, not bit equality: Chromium's V8 and Node 20's V8 may round Math.exp, tanh or hypot
    // differently in the last bit, and smart tanh's rescaling (eigenvalues) and 50 steps carry that to ~1e-13.
    const onPage = await shown('#flow-chart', 'data-norms');
    expect(onPage).toHaveLength(50);
    onPage.forEach((v, k) => expect(Math.abs(v - norms[k]) / norms[k], `‖δ_${k + 1}‖`).toBeLessThan(1e-12));
  });

  inBrowser('steps the tape through every entry of the RNN example, by keyboard', async () => {
    await page.selectOption('#tape-example', 'rnn');
    const rows = await page.locator('#tape-table tbody tr').count();
    expect(rows).toBe(14); // 5 parameters, 3 × (rnnCell, tanh), matmul, add, softmaxCrossEntropy
    expect(await page.getAttribute('#tape-position', 'data-total')).toBe(String(rows));
    await page.focus('#tape-step');
    const visited: string[] = [];
    for (let k = 1; k <= rows; k++) {
      await page.keyboard.press('Enter');
      expect(await page.getAttribute('#tape-position', 'data-taken')).toBe(String(k));
      visited.push((await page.getAttribute('#tape-table tr.current', 'id')) ?? '');
      if (k === 3) await page.locator('#tape').screenshot({ path: `${shots}1100-tape-step-3.png` });
    }
    expect(visited).toEqual(Array.from({ length: rows }, (_, i) => `tape-entry-${rows - 1 - i}`));
    expect(await page.isDisabled('#tape-step')).toBe(true);
    expect(await page.locator('#tape-grads dd[data-values]').count()).toBe(5);
    await page.click('#tape-back');
    expect(await page.getAttribute('#tape-position', 'data-taken')).toBe(String(rows - 1));
  });

  inBrowser('flips the verdict where λ1 crosses 1/γ as the W_rec slider moves', async () => {
    const read = async () => ({
      verdict: await page.getAttribute('#flow-verdict', 'data-verdict'),
      lambda1: Number(await page.getAttribute('#flow-verdict', 'data-lambda1')),
      inverseGamma: Number(await page.getAttribute('#flow-verdict', 'data-inverse-gamma')),
    });
    const setScale = async (scale: number) => {
      const target = String(Math.log10(scale));
      if ((await page.inputValue('#flow-scale')) !== target) {
        const before = await page.getAttribute('#flow-chart', 'data-norms');
        await page.locator('#flow-scale').fill(target);
        await page.waitForFunction((b) => document.getElementById('flow-chart')!.dataset.norms !== b, before);
      }
      return read();
    };
    await page.check('input[name="flow-init"][value="smart-tanh"]');
    const one = await setScale(1);
    const crossing = one.inverseGamma / one.lambda1; // λ1 scales with W_rec
    const below = await setScale(crossing * 0.98);
    const above = await setScale(crossing * 1.02);
    expect(below.lambda1).toBeLessThan(below.inverseGamma);
    expect(below.verdict).toBe('vanish');
    expect(above.lambda1).toBeGreaterThan(above.inverseGamma);
    expect(above.verdict).toBe('may-explode');
    expect(await page.textContent('#flow-verdict')).toContain('Exploding possible');
    // sigmoid: γ = 1/4, so the crossing is at λ1 = 4, far above smart tanh's
    await page.check('input[name="flow-init"][value="sigmoid"]');
    await page.waitForFunction(() => document.getElementById('flow-verdict')!.dataset.inverseGamma === '4');
    expect((await read()).verdict).toBe('vanish');
    await page.focus('#flow-scale');
    await page.keyboard.press('End'); // × 100
    await page.waitForFunction(() => document.getElementById('flow-verdict')!.dataset.verdict === 'may-explode');
  });

  inBrowser('starts both descents from a point clicked on the surface', async () => {
    const before = await page.getAttribute('#surface-summary', 'data-ends');
    const surface = page.locator('#surface-chart svg[aria-label^="Error surface"]');
    const box = (await surface.boundingBox())!;
    await surface.click({ position: { x: box.width * 0.3, y: box.height * 0.4 } });
    await page.waitForFunction((b) => document.getElementById('surface-summary')!.dataset.ends !== b, before);
    const start: [number, number] = [
      Number(await page.inputValue('#surface-w')),
      Number(await page.inputValue('#surface-b')),
    ];
    expect(start[0]).toBeGreaterThan(SURFACE_REGION.w[0]);
    expect(start[0]).toBeLessThan(SURFACE_REGION.w[1]);
    const ends = JSON.parse((await page.getAttribute('#surface-summary', 'data-ends'))!) as PathPoint[];
    const expected = [false, true].map((clip) => descend({ ...DESCENT_DEFAULTS, start }, clip).at(-1)!);
    // the same float64 steps in Node; 1e-9 allows Chromium's Math.exp to differ in the last bit over 40 steps
    ends.forEach((end, i) => {
      expect(end.w).toBeCloseTo(expected[i].w, 9);
      expect(end.b).toBeCloseTo(expected[i].b, 9);
    });
  });

  inBrowser(
    'grows the training curves over a few hundred updates while the page keeps answering',
    async () => {
      // Settings that make the three methods take well over a minute for their budgets, so the worker
      // is certainly still training while the page answers the slider below (with a budget it could
      // finish first, and on a fast machine it did); the test pauses it once a few hundred updates are in.
      await page.fill('#training-length', '20');
      await page.fill('#training-hidden', '20');
      await page.fill('#training-budget', '20000');
      await page.click('#training-start');
      const cards = () =>
        page.evaluate(() =>
          [...document.querySelectorAll<HTMLElement>('#training-cards .card')].map((c) => ({
            updates: Number(c.dataset.updates),
            status: c.dataset.status,
          })),
        );
      const points = async (id: string) => Number(await page.getAttribute(`#${id}`, 'data-points'));
      const lossPath = () => page.getAttribute('#training-loss svg g[aria-label="line"] path', 'd');
      // a timeout says what the page showed: its status line, its error line and the errors it logged
      const lossPoints = (n: number, timeout: number) =>
        page
          .waitForFunction((k) => Number(document.getElementById('training-loss')!.dataset.points) >= k, n, {
            timeout,
          })
          .catch(async (e: Error) => {
            const shown = await page.evaluate(() =>
              ['training-status', 'training-error', 'training-loss'].map((id) => {
                const el = document.getElementById(id)!;
                return `#${id} ${JSON.stringify({ ...el.dataset })} '${el.textContent?.slice(0, 200)}'`;
              }),
            );
            throw new Error(
              `${e.message}\nthe page showed: ${shown.join('; ')}\npage errors: ${pageErrors.join(' | ')}`,
            );
          });
      await lossPoints(30, 60_000);
      const early = { points: await points('training-loss'), path: await lossPath() };
      // while the worker trains, the main thread still runs the slider's analysis
      const before = await page.getAttribute('#flow-chart', 'data-norms');
      await page.locator('#flow-scale').fill('-0.5');
      await page.waitForFunction((b) => document.getElementById('flow-chart')!.dataset.norms !== b, before);
      // it answered while training went on (a card reads 'stopped' between the worker's time slices)
      expect((await cards()).some((c) => c.status === 'running' || c.status === 'stopped')).toBe(true);
      await lossPoints(300, 90_000);
      await page.click('#training-pause');
      // paused: the worker's last report (running: false) brings every update's point, one per update;
      // the page sets the charts' and cards' attributes in one frame, so one evaluation reads them together
      const settled = await page.waitForFunction(
        () => {
          const worker = document.getElementById('training-status')!.dataset.worker;
          const pause = document.getElementById('training-pause')!.textContent;
          const cards = [...document.querySelectorAll<HTMLElement>('#training-cards .card')].map((c) => ({
            updates: Number(c.dataset.updates),
            status: c.dataset.status,
          }));
          const losses = Number(document.getElementById('training-loss')!.dataset.points);
          const errors = Number(document.getElementById('training-error-chart')!.dataset.points);
          return worker === 'idle' && pause === 'Resume' ? { cards, losses, errors } : false;
        },
        null,
        { timeout: 60_000 },
      );
      const {
        cards: done,
        losses,
        errors,
      } = (await settled.jsonValue()) as {
        cards: { updates: number; status: string }[];
        losses: number;
        errors: number;
      };
      expect(await page.textContent('#training-status')).toBe('Paused.');
      expect(done.every((c) => c.updates > 0 && c.updates < 20000)).toBe(true);
      const total = done.reduce((n, c) => n + c.updates, 0);
      expect(total).toBeGreaterThanOrEqual(300);
      expect(losses).toBe(total); // one loss point per update
      expect(losses).toBeGreaterThan(early.points);
      expect(await lossPath()).not.toBe(early.path);
      // validations: the untrained network at update 0, then every 50 updates
      expect(errors).toBe(done.reduce((n, c) => n + 1 + Math.floor(c.updates / 50), 0));
      // and nothing arrives after the pause
      await page.waitForTimeout(500);
      expect(await points('training-loss')).toBe(total);
      expect(pageErrors).toEqual([]);
      await screenshots(1100);
    },
    180_000,
  );

  inBrowser('fits a 360 px screen without sideways scrolling', async () => {
    await page.setViewportSize({ width: 360, height: 800 });
    await page.waitForFunction(() => document.documentElement.scrollWidth <= 360);
    await screenshots(360);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  });
});

/** One picture per section at the current width, out/web/<width>-<section>.png, to look at. */
async function screenshots(width: number): Promise<void> {
  for (const section of ['tape', 'flow', 'surface', 'training'])
    await page.locator(`#${section}`).screenshot({ path: `${shots}${width}-${section}.png` });
}

/** Prints (does not assert: timing is measured, never asserted) what the page loaded, gzipped, and when it was ready. */
async function reportSizeAndLoadTime(p: Page): Promise<void> {
  const timing = await p.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    const ready = performance.getEntriesByName('tapegrad-ready')[0];
    const files = performance.getEntriesByType('resource').map((r) => new URL(r.name).pathname);
    return {
      load: nav.loadEventEnd,
      ready: ready?.startTime ?? NaN,
      files: [new URL(location.href).pathname, ...files],
    };
  });
  let raw = 0;
  let gzipped = 0;
  for (const path of timing.files) {
    const file = path.endsWith('/') ? `${path}index.html` : path;
    const body = readFileSync(`${dist}${file.replace(/^\//, '')}`);
    raw += body.length;
    gzipped += gzipSync(body).length;
  }
  console.log(
    `packages/web: the page loads ${timing.files.length} files, ${(raw / 1024).toFixed(1)} kB (${(gzipped / 1024).toFixed(1)} kB gzipped); load event at ${timing.load.toFixed(0)} ms, every section drawn at ${timing.ready.toFixed(0)} ms`,
  );
}
