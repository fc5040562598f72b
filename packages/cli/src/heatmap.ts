/**
 * @file The single-unit error surface's heat map as one raster image: log10 E over the (w, b)
 * grid through vega's viridis scheme, one pixel block per grid cell (so the walls stay as sharp as
 * the grid), as a PNG data URL an SVG can embed. A rectangle per cell made a 121 × 121 grid a
 * 4.5 MB SVG; the image is about 1% of that.
 */
import { encodePng } from './png.js';

/** One cell of the (w, b) grid of the single-unit system. */
export interface SurfaceCell {
  readonly w: number;
  readonly b: number;
  readonly loss: number;
}

/** Losses below this are drawn as this: log10 of an exact zero would be −∞. */
const FLOOR = 1e-12;

/** The heat map of a surface: the extent it covers (cell edges), the range of log10 E, and the image. */
export interface Heatmap {
  readonly w: readonly [number, number];
  readonly b: readonly [number, number];
  /** The lowest and highest log10 E, the ends of the colour scale. */
  readonly logE: readonly [number, number];
  /** A PNG data URL, row 0 at the largest b. */
  readonly url: string;
}

/**
 * Rasterises `cells` (a regular grid with spacing `dw` × `db`) to an image of at least `width`
 * × `height` pixels: log10 E through vega's viridis scheme, each cell repeated into a block of
 * whole pixels so that viewers that smooth images blur only the block edges.
 *
 * @example
 * const h = await heatmap(surface.cells, surface.dw, surface.db, 480, 400);
 * h.url; // 'data:image/png;base64,...'
 */
export async function heatmap(
  cells: readonly SurfaceCell[],
  dw: number,
  db: number,
  width: number,
  height: number,
): Promise<Heatmap> {
  if (cells.length === 0) throw new RangeError('heatmap: cells is empty; a surface needs at least one grid cell');
  let [w0, w1, b0, b1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (const c of cells) {
    [w0, w1] = [Math.min(w0, c.w), Math.max(w1, c.w)];
    [b0, b1] = [Math.min(b0, c.b), Math.max(b1, c.b)];
  }
  const nw = Math.round((w1 - w0) / dw) + 1;
  const nb = Math.round((b1 - b0) / db) + 1;
  const logE = new Float64Array(nw * nb).fill(NaN);
  let [lo, hi] = [Infinity, -Infinity];
  for (const c of cells) {
    const v = Math.log10(Math.max(FLOOR, c.loss));
    logE[(nb - 1 - Math.round((c.b - b0) / db)) * nw + Math.round((c.w - w0) / dw)] = v;
    [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  }
  // vega is loaded on first use (as render.ts is): most commands draw nothing.
  const { scheme } = await import('vega');
  const viridis = scheme('viridis') as (t: number) => string;
  const [sx, sy] = [Math.ceil(width / nw), Math.ceil(height / nb)];
  const rgb = new Uint8Array(nw * sx * nb * sy * 3).fill(255);
  for (let row = 0; row < nb; row++) {
    for (let col = 0; col < nw; col++) {
      const v = logE[row * nw + col];
      if (Number.isNaN(v)) continue;
      const colour = viridis(hi > lo ? (v - lo) / (hi - lo) : 0)
        .match(/\d+/g)!
        .map(Number);
      for (let y = row * sy; y < (row + 1) * sy; y++) {
        for (let x = col * sx; x < (col + 1) * sx; x++) rgb.set(colour, (y * nw * sx + x) * 3);
      }
    }
  }
  const url = `data:image/png;base64,${Buffer.from(encodePng(nw * sx, nb * sy, rgb)).toString('base64')}`;
  return { w: [w0 - dw / 2, w1 + dw / 2], b: [b0 - db / 2, b1 + db / 2], logE: [lo, hi], url };
}
