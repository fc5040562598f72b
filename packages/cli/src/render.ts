/**
 * @file Rendering vega-lite specifications to image files, headlessly: vega-lite compiles the
 * spec to vega, vega renders it to SVG text without a browser or canvas, and resvg rasterises
 * the SVG to a PNG for viewers that do not show SVG. The PNG's text is set in DejaVu Sans from
 * the `dejavu-fonts-ttf` package, loaded explicitly with the system's fonts turned off, so a
 * PNG is the same on every machine (and has text on one without fonts).
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** A vega-lite specification (the top-level JSON object). */
export type PlotSpec = TopLevelSpec;

/** The one family the plots use; its files ship with the program (see {@link FONT_FILES}). */
const FONT = 'DejaVu Sans';

/**
 * The font files resvg loads: regular for labels, bold for titles. DejaVu covers every symbol
 * the labels use (‖ ∇ ∂ α Ω λ ρ γ), which the common open sans-serif fonts on npm do not.
 */
export const FONT_FILES: readonly string[] = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((file) =>
  createRequire(import.meta.url).resolve(`dejavu-fonts-ttf/ttf/${file}`),
);

/**
 * Shared look: white background, the shipped font first (SVG viewers without it fall back), and
 * no length limit on legend, header and title text: vega cuts text it cannot measure at an
 * estimated width, which turned long legend labels into "temporal-order/si…".
 */
const CONFIG = {
  background: 'white',
  font: `${FONT}, Helvetica, Arial, sans-serif`,
  title: { fontSize: 14, anchor: 'start' as const, limit: 0, subtitleFontSize: 11, subtitleColor: '#444' },
  axis: { labelFontSize: 11, titleFontSize: 12, labelLimit: 0 },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 0, titleLimit: 0 },
  header: { labelFontSize: 12, titleFontSize: 12, labelLimit: 0, titleLimit: 0 },
};

/**
 * Renders a vega-lite spec to SVG text.
 *
 * @example
 * const svg = await renderSvg({ mark: 'point', data: { values: [{ x: 1, y: 2 }] },
 *   encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } } });
 */
export async function renderSvg(spec: PlotSpec): Promise<string> {
  const withConfig = { ...spec, config: { ...CONFIG, ...(spec.config ?? {}) } } as PlotSpec;
  const view = new vega.View(vega.parse(compile(withConfig).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * Rasterises SVG text to PNG bytes at twice the nominal size (crisp on high-density screens),
 * with the shipped font only: every family an SVG names resolves to it.
 *
 * @example
 * svgToPng('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'); // PNG bytes
 */
export function svgToPng(svg: string): Uint8Array {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: 2 },
    font: { loadSystemFonts: false, fontFiles: [...FONT_FILES], defaultFontFamily: FONT, sansSerifFamily: FONT },
  });
  return resvg.render().asPng();
}

/** The files one plot was written to, relative to the folder. */
export interface PlotFiles {
  readonly svg: string;
  readonly png: string;
}

/**
 * Renders `spec` and writes `<name>.svg` and `<name>.png` into `folder`.
 *
 * @example
 * const files = await writePlot('out/report', 'gradient-flow', gradientFlowSpec(rows));
 * files.png; // 'gradient-flow.png'
 */
export async function writePlot(folder: string, name: string, spec: PlotSpec): Promise<PlotFiles> {
  const svg = await renderSvg(spec);
  const files = { svg: `${name}.svg`, png: `${name}.png` };
  writeFileSync(join(folder, files.svg), svg);
  writeFileSync(join(folder, files.png), svgToPng(svg));
  return files;
}
