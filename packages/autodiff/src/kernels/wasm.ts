/**
 * @file The WebAssembly kernels from the JavaScript side: instantiating the module (its bytes ship
 * inside the package, base64), and a small wrapper over its exports that lays buffers out in wasm
 * memory, copies Float64Arrays in and out, and splits large products over a thread pool.
 *
 * Wasm memory is scratch. Every call copies its inputs in, runs, and copies its results out into
 * fresh or given Float64Arrays, so tensors stay plain Float64Arrays and nothing there needs
 * freeing. One exception, bounded: the recurrence's forward pass leaves its hidden states at the
 * start of the memory ({@link WasmKernels.keep}) for the backward pass that usually follows, until
 * that pass or the next forward pass takes the space back. The memory only ever grows to the
 * largest working set of one call plus those states, however many calls are made.
 */

/** A kernel export: every argument is a number (addresses are byte offsets into the memory, flags 0/1). */
type Exported = (...args: number[]) => number;

/** The exports of assembly/index.ts, each with its parameters in order. */
export interface KernelExports {
  heapBase(): number;
  sliverCount(n: number): number;
  /** (transA, transB, m, n, k, a, b, c, packed, tile) */
  gemm: Exported;
  /** (transA, transB, m, n, k, a, b, c, packed, tile, s0, s1) */
  gemmRange: Exported;
  /** (act, src, dst, len) */
  activate: Exported;
  /** (src, rows, cols, dst) */
  transpose: Exported;
  /** (T, B, n, nIn, act, x0, rows0, w, u, winT, bias, offsets, X, H, packed, tile) */
  recurrenceForward: Exported;
  /** (T, B, n, act, g, X, H, w, D, dh, needX0, DW, packed, tile) */
  recurrenceBackward: Exported;
  /** (act, xs, hs, dh, D, len) */
  initialStateGradient: Exported;
  /** (a, rows, n, out) */
  sumRows: Exported;
  /** (D, U, rows, n, nIn, outT) */
  inputWeightGradient: Exported;
  /** (rows, n, act, summary, gradient, minD2, w, D, X, H, DW, S, Z, norms, G, packed, tile, pairsOut): Ω's summed terms */
  omegaRows: Exported;
}

/** The parts of the WebAssembly JavaScript API used here (typed locally: autodiff has no DOM or Node types). */
export interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
  instantiate(module: WasmModule, imports: object): Promise<{ exports: unknown }>;
  compile(bytes: Uint8Array): Promise<WasmModule>;
}
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
/** A compiled module: opaque here, postable to a worker. */
export type WasmModule = object;

/** Columns per packed sliver of B in the wasm gemm (assembly/gemm.ts NR). */
const NR = 8;
/** From this many rows of op(A) on, gemm transposes a transposed A first (512³ Aᵀ·B: 12 → 19 GFLOP/s). */
const TRANSPOSE_A_ROWS = 128;
const PAGE = 65536;

/**
 * Splits big products over worker threads (see @tapegrad/autodiff/threads). `run` starts
 * gemmRange on the workers for the given sliver ranges, calls `own` (the caller's share, on this
 * thread) and returns when every part is done.
 */
export interface KernelPool {
  /** Worker threads besides the calling one. */
  readonly workers: number;
  /** Products with at least this many multiply-adds are split. */
  readonly minWork: number;
  run(jobs: readonly number[][], own: () => void): void;
}

/**
 * The instantiated kernels with their memory, and the copying around them.
 *
 * @example
 * const w = await instantiateKernels(bytes);
 * const [a, b, c] = w.layout(4, 4, 4); // byte addresses of three 2×2 matrices
 */
export class WasmKernels {
  readonly exports: KernelExports;
  readonly memory: WasmMemory;
  /** The module, for workers that instantiate it on the same (shared) memory. */
  readonly module: WasmModule;
  pool: KernelPool | null = null;
  private view: Float64Array;
  private readonly base: number;
  /** The owner of the values kept at the start of free memory, and their size in bytes. */
  private keeper: object | null = null;
  private kept = 0;

  constructor(exports: KernelExports, memory: WasmMemory, module: WasmModule) {
    this.exports = exports;
    this.memory = memory;
    this.module = module;
    this.view = new Float64Array(memory.buffer);
    this.base = exports.heapBase();
  }

  /**
   * Byte addresses of consecutive regions holding `counts[i]` float64 values each, 16-byte
   * aligned, from the start of free memory; grows the memory to fit. Every call lays out afresh:
   * regions are valid until the next call.
   */
  layout(...counts: number[]): number[] {
    const out: number[] = new Array(counts.length);
    let at = this.base + this.kept;
    for (let i = 0; i < counts.length; i++) {
      out[i] = at;
      at += Math.ceil(counts[i] / 2) * 16;
    }
    const have = this.memory.buffer.byteLength;
    if (at > have) this.memory.grow(Math.ceil((at - have) / PAGE));
    return out;
  }

  /**
   * Keeps the first `count` values of free memory (where the last {@link layout} put its first
   * region) for `owner`: later layouts start after them, until {@link release}.
   */
  keep(owner: object, count: number): void {
    this.keeper = owner;
    this.kept = Math.ceil(count / 2) * 16;
  }

  /** The address of the values kept for `owner`, or null when they have been released since. */
  keptFor(owner: object): number | null {
    return this.keeper === owner ? this.base : null;
  }

  /** Whoever the kept values belong to (null when nothing is kept). */
  keeperNow(): object | null {
    return this.keeper;
  }

  /** Gives the kept values' space back. */
  release(): void {
    this.keeper = null;
    this.kept = 0;
  }

  /** The memory as float64 values (a fresh view after the memory grew). */
  f64(): Float64Array {
    const buffer = this.memory.buffer;
    if (this.view.buffer !== buffer || this.view.length * 8 !== buffer.byteLength) this.view = new Float64Array(buffer);
    return this.view;
  }

  /** Copies src[offset .. offset + len) to the address `at`. */
  put(at: number, src: Float64Array, offset = 0, len = src.length - offset): void {
    this.f64().set(offset === 0 && len === src.length ? src : src.subarray(offset, offset + len), at / 8);
  }

  /** Copies `len` values at the address `at` into dst from `offset`. */
  take(at: number, dst: Float64Array, offset = 0, len = dst.length - offset): void {
    dst.set(this.f64().subarray(at / 8, at / 8 + len), offset);
  }

  /** A fresh Float64Array with the `len` values at `at`. */
  slice(at: number, len: number): Float64Array {
    // new + set: TypedArray.prototype.slice on a wasm memory view takes a slower path in V8
    const out = new Float64Array(len);
    out.set(this.f64().subarray(at / 8, at / 8 + len));
    return out;
  }

  /**
   * C = op(A)·op(B) with A, B, C already at the given addresses; packing space is laid out after
   * the highest of them. Split by columns over the pool when there is one and the product is big:
   * each thread packs and computes its own slivers, so every element is summed as one thread would.
   */
  gemm(transA: boolean, transB: boolean, m: number, n: number, k: number, a: number, b: number, c: number): void {
    let end = Math.max(a + m * k * 8, b + k * n * 8, c + m * n * 8);
    if (transA && m >= TRANSPOSE_A_ROWS) {
      // op(A)'s rows would be read a whole row of A apart (4 KB at m = 512, a page per step):
      // transpose A once instead, O(mk) against the O(mnk) product. The same numbers, the same sums.
      this.layoutTo(end + m * k * 8);
      this.exports.transpose(a, k, m, end);
      a = end;
      transA = false;
      end += Math.ceil((m * k) / 2) * 16;
    }
    const slivers = Math.ceil(n / NR);
    const pool = this.pool;
    const parts = pool === null || m * n * k < pool.minWork ? 1 : Math.min(pool.workers + 1, slivers);
    const share = Math.ceil(slivers / parts);
    // each part: its packed slivers (share·k·NR values) and a 64-byte edge tile
    const perPart = Math.ceil((share * k * NR + NR) / 2) * 16;
    this.layoutTo(end + parts * perPart);
    const ta = transA ? 1 : 0;
    const tb = transB ? 1 : 0;
    if (parts === 1) {
      this.exports.gemm(ta, tb, m, n, k, a, b, c, end, end + share * k * NR * 8);
      return;
    }
    const jobs: number[][] = [];
    for (let p = 1; p < parts; p++) {
      const packed = end + p * perPart;
      jobs.push([ta, tb, m, n, k, a, b, c, packed, packed + share * k * NR * 8, p * share, Math.min(slivers, (p + 1) * share)]);
    }
    pool!.run(jobs, () => this.exports.gemmRange(ta, tb, m, n, k, a, b, c, end, end + share * k * NR * 8, 0, share));
  }

  /** Grows the memory to hold `bytes` from address 0. */
  private layoutTo(bytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (bytes > have) this.memory.grow(Math.ceil((bytes - have) / PAGE));
  }
}

/**
 * The WebAssembly API of this platform, or null where there is none.
 *
 * @example
 * wasmApi()?.validate(bytes); // false where SIMD is missing
 */
export function wasmApi(): WasmApi | null {
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  return typeof api === 'object' && api !== null ? api : null;
}

/**
 * Decodes and instantiates kernel bytes (base64) on a new memory, or on `memory` (a shared one for
 * threads). Returns the reason as a string when this platform cannot run them (no WebAssembly, or
 * no SIMD: then the module does not validate).
 *
 * @example
 * const kernels = await instantiateKernels(KERNELS_WASM);
 * typeof kernels === 'string' ? console.log('JS kernels:', kernels) : kernels.exports.heapBase();
 */
export async function instantiateKernels(base64: string, memory?: WasmMemory): Promise<WasmKernels | string> {
  const api = wasmApi();
  if (api === null) return 'this platform has no WebAssembly';
  const bytes = decodeBase64(base64);
  if (!api.validate(bytes)) return 'this platform has no WebAssembly SIMD (the kernels do not validate)';
  const module = await api.compile(bytes);
  const mem = memory ?? new api.Memory({ initial: 1 });
  const instance = await api.instantiate(module, { env: { memory: mem } });
  return new WasmKernels(instance.exports as KernelExports, mem, module);
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * Standard base64 (with = padding) to bytes, without atob or Buffer (neither is on every platform's types).
 *
 * @example
 * decodeBase64('AGFzbQ=='); // Uint8Array [0, 97, 115, 109]: "\0asm"
 */
export function decodeBase64(text: string): Uint8Array {
  const value = new Uint8Array(128);
  for (let i = 0; i < ALPHABET.length; i++) value[ALPHABET.charCodeAt(i)] = i;
  const clean = text.replace(/=+$/, '');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let o = 0;
  for (let i = 0; i < clean.length; i += 4) {
    const six = (j: number) => value[clean.charCodeAt(i + j)];
    const n = (six(0) << 18) | (six(1) << 12) | (six(2) << 6) | six(3);
    out[o++] = n >> 16;
    if (o < out.length) out[o++] = (n >> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  return out;
}
