/**
 * @file The thread pool of @tapegrad/autodiff/threads: products split over two threads give the
 * same bits as on one (every transpose variant, edge sizes, more threads than slivers), the pool
 * starts and stops cleanly, bad arguments are named, and a process that never stops its pool still
 * exits (the workers are unref'd).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '@tapegrad/autodiff';
import { gemm, gemmJs, kernelBackend, useKernels } from '@tapegrad/autodiff/kernels';
import { startThreads, stopThreads, threadCount } from '../src/threads/index.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('startThreads', () => {
  afterAll(async () => {
    await stopThreads();
    useKernels('auto');
  });

  it('splits products over two threads with the same bits as one thread, whatever the split', async () => {
    useKernels('wasm');
    const rng = new Rng(11);
    const shapes: [number, number, number][] = [
      [1, 1, 1],
      [3, 9, 5],
      [40, 70, 300],
      [129, 17, 65],
      [64, 200, 64],
    ];
    const cases = shapes.flatMap(([m, n, k]) =>
      [false, true].flatMap((transA) =>
        [false, true].map((transB) => {
          const a = Float64Array.from({ length: m * k }, () => rng.uniform() - 0.5);
          const b = Float64Array.from({ length: k * n }, () => rng.uniform() - 0.5);
          return { m, n, k, a, b, transA, transB };
        }),
      ),
    );
    const want = cases.map((p) => {
      const c = new Float64Array(p.m * p.n);
      gemmJs({ ...p, c });
      return c;
    });
    for (const workers of [1, 3]) {
      expect(await startThreads(workers, { minWork: 0 })).toBe(workers);
      expect(threadCount()).toBe(workers);
      expect(kernelBackend()).toBe('wasm');
      cases.forEach((p, i) => {
        const c = new Float64Array(p.m * p.n);
        gemm({ ...p, c });
        expect(Array.from(c)).toEqual(Array.from(want[i]));
      });
    }
    await stopThreads();
    expect(threadCount()).toBe(0);
  });

  it('names a bad worker count or threshold', async () => {
    await expect(startThreads(0)).rejects.toThrow(/startThreads.*workers.*0/);
    await expect(startThreads(1, { minWork: -1 })).rejects.toThrow(/minWork/);
  });

  it('needs the WebAssembly kernels', async () => {
    useKernels('js');
    await expect(startThreads(1)).rejects.toThrow(/WebAssembly kernels/);
    useKernels('auto');
  });
});

describe('a process with a running pool', () => {
  it('exits on its own: the workers never keep it alive', () => {
    execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-b', 'packages/autodiff'], {
      cwd: root,
      stdio: 'pipe',
    });
    const dir = mkdtempSync(join(tmpdir(), 'tapegrad-threads-'));
    try {
      const file = join(dir, 'run.mjs');
      const dist = (p: string) => JSON.stringify(pathToFileURL(join(root, 'packages/autodiff/dist', p)).href);
      writeFileSync(
        file,
        `import { gemm } from ${dist('kernels/index.js')};
import { startThreads } from ${dist('threads/index.js')};
await startThreads(1, { minWork: 0 });
const a = new Float64Array(100 * 100).fill(1);
const c = new Float64Array(100 * 100);
gemm({ m: 100, n: 100, k: 100, a, b: a, c });
console.log(c[0]);
`,
      );
      // the WebAssembly kernels whatever the suite forces (the JS-kernel project sets TAPEGRAD_KERNELS=js)
      const env = { ...process.env, TAPEGRAD_KERNELS: 'auto' };
      const child = spawnSync(process.execPath, [file], { encoding: 'utf8', timeout: 60_000, env });
      expect(child.status, child.stderr).toBe(0);
      expect(child.stdout.trim()).toBe('100');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
