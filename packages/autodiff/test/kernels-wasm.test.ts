/**
 * @file The WebAssembly kernels as shipped: the committed bytes are what the AssemblyScript sources
 * compile to, they decode and instantiate without any file system, the switch and the environment
 * variable choose the path, and wasm memory stops growing once the largest call has run (no leak
 * over many calls: nothing stays in it but the recurrence's last hidden states).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Rng } from '@tapegrad/autodiff';
import {
  gemm,
  kernelBackend,
  omegaRows,
  recurrenceBackward,
  recurrenceForward,
  useKernels,
  type RecurrenceInputs,
} from '@tapegrad/autodiff/kernels';
import { activeWasm, choiceFromEnvironment } from '../src/kernels/backend.js';
import { KERNELS_WASM } from '../src/kernels/wasm-bytes.js';
import { decodeBase64 } from '../src/kernels/wasm.js';

// a plain ES module (the build script), typed by scripts/build-wasm.d.mts
const build = await import('../scripts/build-wasm.mjs');

const generated = (file: string) => readFileSync(fileURLToPath(new URL(file, import.meta.url)), 'utf8');

describe('the shipped WebAssembly bytes', () => {
  it('are what assembly/*.ts compiles to (rebuild with node packages/autodiff/scripts/build-wasm.mjs)', async () => {
    const plain = await build.compileKernels(false);
    expect(generated('../src/kernels/wasm-bytes.ts')).toBe(
      build.moduleText('KERNELS_WASM', plain, 'The kernels on a memory of their own'),
    );
    const shared = await build.compileKernels(true);
    expect(generated('../src/threads/wasm-bytes-shared.ts')).toBe(
      build.moduleText('KERNELS_WASM_SHARED', shared, 'The kernels on a shared memory'),
    );
  });

  it('decode from base64 without atob or Buffer', () => {
    const bytes = decodeBase64(KERNELS_WASM);
    expect(Array.from(bytes.subarray(0, 4))).toEqual([0, 0x61, 0x73, 0x6d]); // "\0asm"
    expect(Buffer.from(bytes).toString('base64')).toBe(KERNELS_WASM);
    for (const text of ['', 'QQ==', 'QUI=', 'QUJD'])
      expect(Buffer.from(decodeBase64(text)).toString('base64')).toBe(text);
  });
});

describe('the switch', () => {
  it('chooses js or wasm, and refuses anything else naming the argument', () => {
    expect(useKernels('js')).toBe('js');
    expect(kernelBackend()).toBe('js');
    expect(useKernels('auto')).toBe('wasm'); // Node 20 has WebAssembly SIMD
    expect(useKernels('wasm')).toBe('wasm');
    expect(() => useKernels('fast' as 'js')).toThrow(/useKernels.*choice.*"fast"/);
    useKernels('auto');
  });

  it('reads TAPEGRAD_KERNELS: unset is auto, a bad value names the variable', () => {
    expect(choiceFromEnvironment(undefined)).toBe('auto');
    expect(choiceFromEnvironment('')).toBe('auto');
    expect(choiceFromEnvironment('js')).toBe('js');
    expect(() => choiceFromEnvironment('JS')).toThrow(/TAPEGRAD_KERNELS.*"JS"/);
  });

  it('follows TAPEGRAD_KERNELS in this process', () => {
    // the JS-kernel project of vitest.config.ts runs this file with TAPEGRAD_KERNELS=js
    useKernels(choiceFromEnvironment(process.env.TAPEGRAD_KERNELS));
    expect(kernelBackend()).toBe(process.env.TAPEGRAD_KERNELS === 'js' ? 'js' : 'wasm');
    useKernels('auto');
  });
});

describe('wasm memory', () => {
  it('does not grow over 20,000 calls once the largest has run', () => {
    useKernels('wasm');
    const w = activeWasm()!;
    const rng = new Rng(1);
    const draw = (len: number) => Float64Array.from({ length: len }, () => rng.uniform() - 0.5);
    const p: RecurrenceInputs = {
      T: 8,
      B: 3,
      n: 10,
      nIn: 3,
      activation: 'tanh',
      x0: draw(10),
      x0Rows: 1,
      W: draw(100),
      Win: draw(30),
      b: draw(10),
      U: draw(72),
    };
    const g = draw(240);
    const a = draw(70 * 70);
    const c = new Float64Array(70 * 70);
    const round = () => {
      const states = recurrenceForward(p);
      const d = recurrenceBackward(p, states, g, { x0: true, W: true, U: true, Win: true, b: true, D: true });
      omegaRows({
        n: 10,
        W: p.W,
        activation: 'tanh',
        form: 'paper',
        gradient: true,
        minDeltaSquared: 1e-20,
        deltas: [d.D!],
        states: [states.X],
      });
      gemm({ m: 70, n: 70, k: 70, a, b: a, c });
    };
    round();
    const size = w.memory.buffer.byteLength;
    for (let i = 0; i < 5000; i++) round();
    expect(w.memory.buffer.byteLength).toBe(size);
    useKernels('auto');
  });
});
