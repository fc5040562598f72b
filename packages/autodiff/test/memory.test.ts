/**
 * @file A finished gradient computation leaves nothing reachable: the tape-entry counter returns
 * to 0, and a child Node process with a forced GC (running the built package) shows the heap does
 * not grow over 10,000 grad calls. A positive control in the same child shows the measurement
 * does see growth when results are kept.
 */
import { spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tensor, grad, liveTapeEntries, matmul, randn, sum, tanh, valueAndGrad, vjp } from '@tapegrad/autodiff';
import { gradCheck } from '@tapegrad/autodiff/testing';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const calls = 10_000;

describe('the tape-entry counter', () => {
  it(`is back to 0 after ${calls} successive grad calls`, () => {
    const x = randn([4, 4], 1);
    const f = (w: Tensor) => sum(tanh(matmul(x, w)));
    const w = randn([4, 4], 2);
    expect(liveTapeEntries()).toBe(0);
    let peak = 0;
    for (let i = 0; i < calls; i++) {
      grad(f)(w);
      peak = Math.max(peak, liveTapeEntries());
    }
    expect(liveTapeEntries()).toBe(0);
    expect(peak).toBe(0); // every call released its tape before returning
  });

  it('is back to 0 after nested (second-order) grad calls and valueAndGrad', () => {
    const d2 = grad((x: Tensor) => sum(grad((y: Tensor) => sum(tanh(y)))(x)));
    for (let i = 0; i < 100; i++) {
      d2(randn([3], i));
      valueAndGrad((y: Tensor) => sum(tanh(y)))(randn([3], i));
    }
    expect(liveTapeEntries()).toBe(0);
  });

  it('counts a vjp pullback’s tape as live until it is released (it may be called again)', () => {
    const before = liveTapeEntries();
    const { pullback, release } = vjp((y: Tensor) => tanh(y), randn([3], 1));
    expect(liveTapeEntries()).toBeGreaterThan(before);
    pullback(randn([3], 2));
    release();
    expect(liveTapeEntries()).toBe(before);
    expect(() => pullback(randn([3], 2))).toThrow(/consumed/);
  });

  it('releases a vjp tape whose function throws or returns no tensor', () => {
    const before = liveTapeEntries();
    expect(() => vjp((y: Tensor) => (tanh(y), 3) as unknown as Tensor, randn([3], 1))).toThrow(/must return a Tensor/);
    expect(() =>
      vjp(
        (y: Tensor) => {
          tanh(y);
          throw new Error('boom');
        },
        randn([3], 1),
      ),
    ).toThrow('boom');
    expect(liveTapeEntries()).toBe(before);
  });

  it('leaves nothing live after gradCheck, which releases its vjp', () => {
    const before = liveTapeEntries();
    gradCheck((y: Tensor) => sum(tanh(y)), [randn([3], 1)]);
    expect(liveTapeEntries()).toBe(before);
  });
});

/** Runs in a child with --expose-gc: growth of heap plus array buffers over `calls` grad calls, in bytes. */
const script = (distIndex: string) => `
import { grad, matmul, randn, sum, tanh } from ${JSON.stringify(distIndex)};
const keep = process.argv[2] === 'keep';
const x = randn([8, 8], 1);
const w = randn([8, 8], 2);
const f = (v) => sum(tanh(matmul(x, v)));
const kept = [];
// Float64Array contents live outside the JS heap, so count array buffers too.
const heap = () => { globalThis.gc(); globalThis.gc(); const m = process.memoryUsage(); return m.heapUsed + m.arrayBuffers; };
for (let i = 0; i < 1000; i++) grad(f)(w); // warm up the JIT and the allocator
const before = heap();
for (let i = 0; i < ${calls}; i++) {
  const g = grad(f)(w);
  if (keep) kept.push(g);
}
const after = heap();
console.log(JSON.stringify({ growth: after - before, kept: kept.length }));
`;

describe('the heap, with a forced GC, in a child process running the built package', () => {
  let dir = '';
  let file = '';

  beforeAll(() => {
    // Build the package so the child runs the current sources (vitest itself runs them untranspiled).
    execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-b', 'packages/autodiff'], {
      cwd: root,
      stdio: 'pipe',
    });
    dir = mkdtempSync(join(tmpdir(), 'tapegrad-memory-'));
    file = join(dir, 'grad-loop.mjs');
    writeFileSync(file, script(pathToFileURL(join(root, 'packages/autodiff/dist/index.js')).href));
  }, 180_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = (mode: 'drop' | 'keep'): { growth: number; kept: number } => {
    const child = spawnSync(process.execPath, ['--expose-gc', file, mode], { encoding: 'utf8', timeout: 120_000 });
    if (child.status !== 0) throw new Error(`child process failed (${child.status}): ${child.stderr}`);
    return JSON.parse(child.stdout.trim().split('\n').pop()!);
  };

  // 10,000 calls each allocating ~10 tensors of 64 float64s: a leak of even one 8×8 gradient per
  // call is 10,000 × (512 B of data + the objects) ≈ 9 MB, so 2 MB is a generous bound that a real
  // leak still breaks (measured here: growth < 10 kB when dropping, ≈ 9.4 MB when keeping).
  const bound = 2 * 1024 * 1024;

  it(`does not grow over ${calls} grad calls`, () => {
    const { growth } = run('drop');
    expect(growth).toBeLessThan(bound);
  }, 120_000);

  it('does grow when the caller keeps every gradient (the measurement can fail)', () => {
    const { growth, kept } = run('keep');
    expect(kept).toBe(calls);
    expect(growth).toBeGreaterThan(bound);
  }, 120_000);
});
