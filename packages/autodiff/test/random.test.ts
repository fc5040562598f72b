/**
 * @file Seeded randomness: the same seed gives the same bits everywhere, a saved state resumes
 * the stream exactly, and the distributions have the moments they should.
 */
import { describe, expect, it } from 'vitest';
import { Rng, ValueError, randn, uniform } from '@tapegrad/autodiff';

const draw = (rng: Rng, n: number) => Array.from({ length: n }, () => rng.uniform());

describe('Rng', () => {
  it('gives the same bits for the same seed and different ones for another seed', () => {
    const a = draw(new Rng(42), 100);
    expect(draw(new Rng(42), 100)).toEqual(a);
    expect(draw(new Rng(43), 100)).not.toEqual(a);
  });

  it('mixes the seed: the first draw of consecutive seeds is spread over [0, 1), not stuck near 1', () => {
    // Seeds 0..999 are what experiments use. Their first uniforms should look like 1000 uniform
    // draws: mean 0.5 (se ≈ 0.009) and about half below 0.5 (se ≈ 16). xoroshiro128+ seeded
    // straight from a small integer is known to start with poorly mixed outputs.
    const first = Array.from({ length: 1000 }, (_, s) => new Rng(s).uniform());
    const mean = first.reduce((a, u) => a + u, 0) / first.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.05);
    expect(Math.abs(first.filter((u) => u < 0.5).length - 500)).toBeLessThan(100);
    // and so the first normal of randn is not a 2–5σ outlier for every seed
    const firstNormals = Array.from({ length: 1000 }, (_, s) => new Rng(s).normal());
    expect(firstNormals.filter((z) => Math.abs(z) > 2).length).toBeLessThan(100); // expected ≈ 46
  });

  it('resumes exactly from a saved state, and the original is unaffected', () => {
    const rng = new Rng(7);
    draw(rng, 13);
    const state = rng.state();
    expect(state).toHaveLength(4);
    expect(state.every(Number.isInteger)).toBe(true);
    const restored = Rng.fromState(state);
    const next = draw(rng, 50);
    expect(draw(restored, 50)).toEqual(next);
    expect(Rng.fromState(JSON.parse(JSON.stringify(state))).uniform()).toBe(next[0]); // survives a JSON checkpoint
  });

  it('draws uniforms in [0, 1) and integers in {0, …, n − 1}, all of them, evenly', () => {
    const rng = new Rng(1);
    const counts = new Array(6).fill(0);
    for (let i = 0; i < 60_000; i++) {
      const u = rng.uniform();
      expect(u >= 0 && u < 1).toBe(true);
      counts[rng.int(6)]++;
    }
    // each count is Binomial(60000, 1/6): mean 10000, sd ≈ 91; 6 sd is a bound a fair die never hits
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(550);
  });

  it('draws standard normals with mean 0 and variance 1', () => {
    const rng = new Rng(2);
    const n = 40_000;
    const xs = Array.from({ length: n }, () => rng.normal());
    const mean = xs.reduce((s, x) => s + x, 0) / n;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / n;
    // standard errors: mean 1/√n = 0.005, variance √(2/n) ≈ 0.007; bounds at about 6 of them
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.045);
    expect(xs.every(Number.isFinite)).toBe(true);
  });

  it('splits into deterministic streams that differ from the parent', () => {
    const a = new Rng(5);
    const b = new Rng(5);
    const childA = draw(a.split(), 10);
    expect(draw(b.split(), 10)).toEqual(childA);
    expect(draw(a, 10)).toEqual(draw(b, 10));
    expect(draw(a, 10)).not.toEqual(childA);
  });

  it('rejects bad seeds, states and ranges with ValueErrors naming the argument', () => {
    expect(() => new Rng(1.5)).toThrow(ValueError);
    expect(() => new Rng(1.5)).toThrow(/Rng: argument 'seed': must be an integer, got 1.5/);
    expect(() => Rng.fromState([1, 2])).toThrow(/Rng\.fromState: argument 'state': expected 4 integers/);
    expect(() => new Rng(1).int(0)).toThrow(/Rng\.int: argument 'n': must be a positive integer, got 0/);
    expect(() => new Rng(1).int(2.5)).toThrow(ValueError);
  });
});

describe('randn and uniform', () => {
  it('take a seed or a generator: a seed is a fresh Rng with that seed', () => {
    expect([...randn([3, 2], 9).data]).toEqual([...randn([3, 2], new Rng(9)).data]);
    expect([...uniform([4], 9).data]).toEqual([...uniform([4], new Rng(9)).data]);
  });

  it('continue a shared generator rather than restarting it', () => {
    const rng = new Rng(3);
    const a = randn([5], rng);
    const b = randn([5], rng);
    expect([...a.data]).not.toEqual([...b.data]);
    expect([...randn([10], 3).data]).toEqual([...a.data, ...b.data]);
  });

  it('honour mean, std, low and high', () => {
    const x = randn([20_000], 4, 5, 0.5);
    const m = x.data.reduce((s, v) => s + v, 0) / x.size;
    expect(Math.abs(m - 5)).toBeLessThan(0.02); // se = 0.5/√20000 ≈ 0.0035
    const u = uniform([1000], 4, -2, -1);
    expect(u.data.every((v) => v >= -2 && v < -1)).toBe(true);
  });
});
