/**
 * @file The story's geometry figures: their numbers come from the computation, checked against
 * references that share no code with it (eq. 13's closed forms; central finite differences of
 * the unit, of the single-unit loss and of the network, each written out here in plain
 * arithmetic), the tables and the JSON carry exactly those numbers, and the four figures render
 * with the series they were given.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GEOMETRY, geometryExperiment, scaledNetwork, type GeometryResult } from '../src/geometry.js';
import { networkAlignmentSpec, wallSpec } from '../src/alignment-plots.js';
import { derivativesSpec, growthSpec } from '../src/geometry-plots.js';
import {
  GEOMETRY_FORMAT,
  GEOMETRY_VERSION,
  geometryJson,
  geometrySummary,
  geometryTables,
  geometryText,
} from '../src/geometry-report.js';
import { renderSvg } from '../src/render.js';

let cache: GeometryResult | null = null;
/** Computed once for the whole file (a few seconds). */
const computed = () => (cache ??= geometryExperiment());

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** x_T of the unit x_t = w·σ(x_{t−1}) + b, in plain arithmetic. */
function unitState(w: number, b: number, x0: number, T: number, sigma: (x: number) => number): number {
  let x = x0;
  for (let t = 0; t < T; t++) x = w * sigma(x) + b;
  return x;
}

/** The single unit's loss E(w, b) = (σ(x_50) − 0.7)² with σ the sigmoid and x_0 = 0.5, in plain arithmetic. */
const unitLoss = (w: number, b: number) => (sigmoid(unitState(w, b, 0.5, 50, sigmoid)) - 0.7) ** 2;

/**
 * E_t of the network in plain arithmetic: x_s = W_rec·tanh(x_{s−1}) + W_in·u_s + b from x_0 = 0
 * (one sequence), E_t = W_out·tanh(x_t) + b_out with one output; W is W_rec row-major.
 */
function networkLoss(lambda1: number, W: Float64Array, t: number): number {
  const { params, inputs } = scaledNetwork(lambda1);
  const n = GEOMETRY.network.nHidden;
  const nIn = GEOMETRY.network.nIn;
  const [Win, b, Wout, u] = [params.W_in.data, params.b.data, params.W_out.data, inputs.data];
  let x = new Float64Array(n);
  for (let s = 0; s < t; s++) {
    const h = x.map(Math.tanh);
    const next = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let v = b[i];
      for (let j = 0; j < n; j++) v += W[i * n + j] * h[j];
      for (let k = 0; k < nIn; k++) v += Win[i * nIn + k] * u[s * nIn + k];
      next[i] = v;
    }
    x = next;
  }
  return x.reduce((e, xi, i) => e + Wout[i] * Math.tanh(xi), params.b_out.data[0]);
}

/** ‖∂E_t/∂W_rec‖ by central differences, one entry of W_rec at a time. */
function networkGradNorm(lambda1: number, t: number, h: number): number {
  const W = Float64Array.from(scaledNetwork(lambda1).params.W_rec.data);
  let squares = 0;
  for (let i = 0; i < W.length; i++) {
    const w = W[i];
    W[i] = w + h;
    const up = networkLoss(lambda1, W, t);
    W[i] = w - h;
    const down = networkLoss(lambda1, W, t);
    W[i] = w;
    squares += ((up - down) / (2 * h)) ** 2;
  }
  return Math.sqrt(squares);
}

describe('the geometry numbers come from the computation', () => {
  it('one unit: the tape against eq. 13 and against finite differences of the sigmoid unit', () => {
    const s = geometrySummary(computed());
    const [grow, fade, wall] = s.units;
    // Eq. 13 at t = 50 with x_0 = 1: 50·w^49 and 50·49·w^48.
    expect(grow.dx / (50 * 1.2 ** 49) - 1).toBeCloseTo(0, 12);
    expect(fade.d2x / (50 * 49 * 0.8 ** 48) - 1).toBeCloseTo(0, 12);
    expect(grow.ratio).toBeCloseTo(49 / 1.2, 10);
    for (const u of [grow, fade]) expect(u.maxRelativeError).toBeLessThan(1e-13);
    // No closed form for the sigmoid unit: central differences of x_50 in w. Near the wall x''' is
    // ~3e8, so the truncation error h²·x'''/6 needs h = 1e-6 (measured: 9e-8 relative for x', 1.2e-6
    // for x''; rounding, ε·x/h², is 1e-9 of x'' there); the bounds leave a factor of 4 to 10.
    const o = GEOMETRY.units[2];
    const x = (w: number) => unitState(w, o.b!, 0.5, 50, sigmoid);
    const h = 1e-6;
    expect(Math.abs(wall.dx / ((x(o.w + h) - x(o.w - h)) / (2 * h)) - 1)).toBeLessThan(1e-6);
    expect(Math.abs(wall.d2x / ((x(o.w + h) - 2 * x(o.w) + x(o.w - h)) / h ** 2) - 1)).toBeLessThan(5e-6);
    expect(wall.secondChangesSign).toBe(true);
  });

  it('the network: ‖∂E_t/∂W_rec‖ of the growth table against finite differences of a plain-arithmetic network', () => {
    const [eight, two] = geometrySummary(computed()).growth;
    // λ1 = 2 at t = T (smooth, no wall); λ1 = 8 where the fit starts (t = 30): at t = 60 its curvature
    // (|λ| ~ 1e14) would swamp any difference quotient. Measured: 4e-11 and 7e-9 relative.
    expect(Math.abs(two.last / networkGradNorm(2, 60, 1e-6) - 1)).toBeLessThan(1e-8);
    expect(eight.from).toBe(30);
    expect(Math.abs(eight.atFrom / networkGradNorm(8, 30, 1e-7) - 1)).toBeLessThan(1e-6);
    expect(eight.alpha).toBeGreaterThan(1);
    expect(two.alpha).toBeLessThan(1);
    // The alignment's gradient at horizon t is the growth's at t, by another path (one E_t, not all of them).
    for (const n of computed().networks) {
      for (const { horizon, a } of n.alignments)
        expect(a.gradNorm / n.growth.norms[horizon - 1] - 1).toBeCloseTo(0, 10);
    }
  });

  it('the wall: gradient, leading eigenvalue and cosine against a finite-difference Hessian of E(w, b)', () => {
    const { wall } = computed();
    const w = wall.w;
    // Steps of 1e-7 resolve a wall 1e-3 wide. The second differences carry rounding ε·E/h² ~ 1e-3,
    // against |λ| ≥ 10 on this cut; measured worst: ‖∇E‖ 7e-9, λ 1.9e-4 relative, cos 1.7e-5.
    const h = 1e-7;
    for (const j of wall.b.keys()) {
      const b = wall.b[j];
      const E = (dw: number, db: number) => unitLoss(w + dw, b + db);
      const g = [(E(h, 0) - E(-h, 0)) / (2 * h), (E(0, h) - E(0, -h)) / (2 * h)];
      const hww = (E(h, 0) - 2 * E(0, 0) + E(-h, 0)) / h ** 2;
      const hbb = (E(0, h) - 2 * E(0, 0) + E(0, -h)) / h ** 2;
      const hwb = (E(h, h) - E(h, -h) - E(-h, h) + E(-h, -h)) / (4 * h * h);
      // The 2×2 symmetric Hessian's eigenvalues, and the eigenvector of the one of larger modulus.
      const [mid, rad] = [(hww + hbb) / 2, Math.hypot((hww - hbb) / 2, hwb)];
      const lambda = Math.abs(mid + rad) >= Math.abs(mid - rad) ? mid + rad : mid - rad;
      const v = Math.abs(hwb) > 0 ? [hwb, lambda - hww] : hww === lambda ? [1, 0] : [0, 1];
      const norm = Math.hypot(g[0], g[1]);
      expect(Math.abs(wall.gradNorm[j] / norm - 1)).toBeLessThan(1e-6);
      expect(Math.abs(wall.eigenvalue[j] / lambda - 1)).toBeLessThan(1e-3);
      expect(
        Math.abs(wall.cosine[j] - Math.abs(g[0] * v[0] + g[1] * v[1]) / (norm * Math.hypot(v[0], v[1]))),
      ).toBeLessThan(1e-4);
    }
    const s = geometrySummary(computed()).wall;
    expect(s.onWall).toBe([...wall.gradNorm].filter((x) => x >= GEOMETRY.wallGradNorm).length);
    expect(s.largestClipped).toBeCloseTo(GEOMETRY.wall.learningRate * GEOMETRY.wall.threshold, 12);
  });
});

describe('the geometry tables, JSON and figures', () => {
  it('print the summary and keep it, with every series, in the JSON', () => {
    const r = computed();
    const s = geometrySummary(r);
    const t = geometryTables(s);
    expect(t.growth.rows[0].slice(0, 3)).toEqual(['λ1 = 8', s.growth[0].alpha.toFixed(3), '30–60']);
    expect(t.wall.rows[0][1]).toBe(`${s.wall.onWall} of ${GEOMETRY.wall.points}`);
    expect(t.network.rows.map((row) => row[1])).toEqual(['20', '40', '60', '20', '40', '60']);
    expect(t.network.rows[2][3]).toBe(r.networks[0].alignments[5].a.gradNorm.toExponential(2));
    const text = geometryText(geometryJson(r, { version: '0.1.0', commit: null, dirty: null }));
    // Lists of numbers on one line each: the settings' b range (2) and the wall's 31 values of b.
    const bLines = text.split('\n').filter((line) => line.includes('"b": ['));
    expect(bLines.map((line) => line.match(/-?\d[\d.e+-]*/g)?.length)).toEqual([2, 31]);
    const json = JSON.parse(text);
    expect(json.format).toBe(GEOMETRY_FORMAT);
    expect(json.summary.growth[1].alpha).toBe(s.growth[1].alpha);
    expect(json.series.growth[0].norms).toEqual([...r.networks[0].growth.norms]);
    // ∂E_1/∂W_rec is zero (x_0 = 0), so its cosine is NaN, written as null.
    expect(json.series.growth[0].cosines[0]).toBeNull();
    expect(json.series.wall.eigenvalue).toEqual([...r.wall.eigenvalue]);
  });

  it('render the four figures with the series they were given', async () => {
    const r = computed();
    const units = await renderSvg(derivativesSpec(r.units));
    for (const text of ['|∂x_t/∂w|', '|∂²x_t/∂w²|', 'eq. 13', ...r.units.map((u) => u.label)])
      expect(units).toContain(`>${text}<`);
    const growth = growthSpec(r.networks) as unknown as {
      hconcat: { data: { values: { lambda: string; value: number; curve: string }[] } }[];
    };
    const drawn = growth.hconcat[0].data.values
      .filter((v) => v.lambda === 'λ1 = 8' && v.curve === '‖∂E_t/∂W_rec‖')
      .map((v) => v.value);
    expect(drawn).toEqual([...r.networks[0].growth.norms].filter((x) => x > 0));
    expect(await renderSvg(growthSpec(r.networks))).toContain('>eq. 14: C·α^t (α fitted)<');
    const wall = await renderSvg(wallSpec(r.wall, GEOMETRY.wall.learningRate, GEOMETRY.wall.threshold));
    for (const text of ['Newton along v', 'clipped (Algorithm 1)', 'plain lr·∇E', 'not converged: cos means nothing'])
      expect(wall).toContain(`>${text}<`);
    const network = await renderSvg(
      networkAlignmentSpec(r.networks, GEOMETRY.networkSteps.learningRate, GEOMETRY.networkSteps.threshold),
    );
    for (const l of GEOMETRY.lambda1) expect(network).toContain(`>W_rec with λ1 = ${l}<`);
    // λ1 = 2 has horizons where power iteration ran out: they are drawn as crosses.
    expect(r.networks[1].alignments.some(({ a }) => !a.eigenpair.converged)).toBe(true);
    expect(network).toContain('aria-roledescription="point"');
  });
});

describe('the README on the geometry figures', () => {
  it('names the settings and the JSON format the code uses', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8').replace(/\s+/g, ' ');
    expect(readme).toContain(`λ1 = ${GEOMETRY.lambda1[0]} and λ1 = ${GEOMETRY.lambda1[1]}`);
    expect(readme).toContain(`(format \`${GEOMETRY_FORMAT}\`, version ${GEOMETRY_VERSION})`);
  });
});
