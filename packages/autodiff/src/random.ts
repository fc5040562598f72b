/**
 * @file Seeded randomness: one small, well-known generator (xoroshiro128+ from pure-rand) behind
 * a class whose whole state can be saved and restored, so a resumed run draws the same numbers
 * bit for bit.
 */
import { xoroshiro128plus, xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { ValueError } from './errors.js';

/** A splitmix-style 32-bit stream (golden-ratio increment, Wellons' lowbias32 mixer): well mixed from any seed, for seeding. */
function splitmix32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x9e3779b9) | 0;
    let t = a ^ (a >>> 16);
    t = Math.imul(t, 0x21f0aaad);
    t ^= t >>> 15;
    t = Math.imul(t, 0x735a2d97);
    return (t ^ (t >>> 15)) | 0;
  };
}

type Generator = ReturnType<typeof xoroshiro128plus>;

/**
 * A seeded random number generator.
 *
 * @example
 * const rng = new Rng(42);
 * rng.uniform(); // same value on every machine for seed 42
 * const saved = rng.state();
 * const again = Rng.fromState(saved); // continues exactly where rng is now
 */
export class Rng {
  private generator: Generator;

  constructor(seed: number) {
    if (!Number.isInteger(seed)) throw new ValueError('Rng', 'seed', `must be an integer, got ${seed}`);
    // xoroshiro128+ seeded straight from a small integer starts with poorly mixed outputs (the
    // first uniform ≈ 1 for every seed); fill its state from splitmix32 of the seed instead.
    const next = splitmix32(seed | 0);
    this.generator = xoroshiro128plusFromState([next(), next(), next(), next()]);
  }

  /** Restores a generator from {@link Rng.state}. */
  static fromState(state: readonly number[]): Rng {
    if (!Array.isArray(state) || state.length !== 4 || !state.every((s) => Number.isInteger(s))) {
      throw new ValueError('Rng.fromState', 'state', `expected 4 integers, got ${JSON.stringify(state)}`);
    }
    const rng = new Rng(0);
    rng.generator = xoroshiro128plusFromState(state);
    return rng;
  }

  /** The generator's full state: four 32-bit integers. */
  state(): number[] {
    return [...this.generator.getState()];
  }

  /** Uniform on [0, 1), 53 random bits. */
  uniform(): number {
    return uniformFloat64(this.generator);
  }

  /** Uniform integer on {0, ..., n − 1}. */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new ValueError('Rng.int', 'n', `must be a positive integer, got ${n}`);
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal by Box–Muller (one draw per pair of uniforms, so the state stays simple). */
  normal(): number {
    const u = 1 - this.uniform(); // in (0, 1]: log(u) is finite
    const v = this.uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** A new generator seeded from this one: independent streams for sub-tasks. */
  split(): Rng {
    return new Rng((this.uniform() * 0x7fffffff) | 0);
  }
}
