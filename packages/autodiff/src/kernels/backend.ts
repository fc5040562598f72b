/**
 * @file Which kernels run: the WebAssembly SIMD ones where the platform has them, the plain
 * JavaScript loops otherwise, or whichever the switch asks for. Both give the same bits (see
 * src/kernels/matmul.ts), so the choice changes speed only.
 *
 * The module is instantiated here, once, when the package is imported (top-level await: the
 * asynchronous path works everywhere, including a browser's main thread, where synchronous
 * compilation of modules over 4 KB is refused).
 *
 * The switch: `useKernels('js' | 'wasm' | 'auto')`, or the environment variable
 * TAPEGRAD_KERNELS=js|wasm|auto where there is one (read through globalThis.process, so this file
 * needs no Node API; the test suite reruns the op and RNN tests with TAPEGRAD_KERNELS=js).
 */
import { ValueError } from '../errors.js';
import { KERNELS_WASM } from './wasm-bytes.js';
import { instantiateKernels, type WasmKernels } from './wasm.js';

/** What {@link useKernels} takes: 'auto' is WebAssembly where available, else JavaScript. */
export type KernelChoice = 'auto' | 'js' | 'wasm';

const loaded = await instantiateKernels(KERNELS_WASM);
/** The instantiated kernels, or null where the platform cannot run them. */
let kernels: WasmKernels | null = typeof loaded === 'string' ? null : loaded;
/** Why the WebAssembly kernels are unavailable ('' when they are available). */
const unavailable = typeof loaded === 'string' ? loaded : '';
let active: WasmKernels | null = null;

/**
 * Chooses the kernels: 'wasm' (throws a ValueError naming the reason where WebAssembly SIMD is
 * unavailable), 'js', or 'auto' (the default: wasm where available). Returns the kernels now in use.
 *
 * @example
 * useKernels('js');   // plain JavaScript loops from here on
 * useKernels('auto'); // back to WebAssembly SIMD where the platform has it
 */
export function useKernels(choice: KernelChoice): 'js' | 'wasm' {
  if (choice !== 'auto' && choice !== 'js' && choice !== 'wasm') {
    throw new ValueError('useKernels', 'choice', `must be 'auto', 'js' or 'wasm', got ${JSON.stringify(choice)}`);
  }
  if (choice === 'wasm' && kernels === null) throw new ValueError('useKernels', 'choice', `'wasm' is unavailable: ${unavailable}`);
  active = choice === 'js' ? null : kernels;
  return kernelBackend();
}

/**
 * The kernels in use: 'wasm' or 'js'.
 *
 * @example
 * kernelBackend(); // 'wasm' on Node 20 and current browsers
 */
export function kernelBackend(): 'js' | 'wasm' {
  return active === null ? 'js' : 'wasm';
}

/**
 * Bytes of WebAssembly memory the kernels hold (0 on the JavaScript path): it grows to the largest
 * working set of one call and stays there, so a training loop that keeps growing it is leaking.
 *
 * @example
 * kernelMemoryBytes(); // 1114112 after a W1 update at T = 50, B = 20
 */
export function kernelMemoryBytes(): number {
  return active === null ? 0 : active.memory.buffer.byteLength;
}

/** @internal The WebAssembly kernels when they are in use and `work` reaches `minWork`, else null. */
export function wasmFor(work: number, minWork: number): WasmKernels | null {
  return work >= minWork ? active : null;
}

/** @internal The WebAssembly kernels in use (or null), for kernels that always take them. */
export function activeWasm(): WasmKernels | null {
  return active;
}

/**
 * @internal Replaces the instantiated kernels (the thread pool swaps in an instance on shared
 * memory) and keeps the current choice; null restores the package's own instance.
 */
export function replaceKernels(next: WasmKernels | null): void {
  const using = active !== null;
  kernels = next ?? (typeof loaded === 'string' ? null : loaded);
  active = using ? kernels : null;
}

/**
 * @internal The choice TAPEGRAD_KERNELS asks for: unset or empty is 'auto'; anything but auto, js
 * or wasm is a ValueError naming the variable.
 */
export function choiceFromEnvironment(value: string | undefined): KernelChoice {
  if (value === undefined || value === '') return 'auto';
  if (value === 'auto' || value === 'js' || value === 'wasm') return value;
  throw new ValueError('TAPEGRAD_KERNELS', 'environment', `must be auto, js or wasm, got ${JSON.stringify(value)}`);
}

useKernels(choiceFromEnvironment((globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.TAPEGRAD_KERNELS));
