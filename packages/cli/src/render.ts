/**
 * @file Rendering vega-lite specifications to image files, headlessly: vega-lite compiles the
 * spec to vega, vega renders it to SVG text without a browser or canvas, and resvg rasterises
 * the SVG to a PNG for viewers that do not show SVG.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** A vega-lite specification (the top-level JSON object). */
export type PlotSpec = TopLevelSpec;

/** Shared look: white background, readable fonts. */
const CONFIG = {
  background: 'white',
  font: 'DejaVu Sans, Helvetica, Arial, sans-serif',
  title: { fontSize: 14, anchor: 'start' as const },
  axis: { labelFontSize: 11, titleFontSize: 12 },
  legend: { labelFontSize: 11, titleFontSize: 12 },
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

/** Rasterises SVG text to PNG bytes at twice the nominal size (crisp on high-density screens). */
export function svgToPng(svg: string): Uint8Array {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: 2 },
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
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
