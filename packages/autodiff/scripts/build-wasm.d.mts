/**
 * @file The types of build-wasm.mjs (a plain ES module run by node), for the test that rebuilds
 * the committed WebAssembly bytes and compares them.
 */
/** Compiles assembly/*.ts with AssemblyScript; `shared` builds the shared-memory (threads) variant. */
export function compileKernels(shared: boolean): Promise<Uint8Array>;
/** The generated TypeScript module's text holding `bytes` as base64 under the export `name`. */
export function moduleText(name: string, bytes: Uint8Array, what: string): string;
