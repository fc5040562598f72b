/**
 * @file How the page is served and built. `base: './'` makes every URL in the built folder
 * relative, so it works from any static host and any sub-folder. es2022 is the target because
 * @tapegrad/autodiff may instantiate a WebAssembly module with top-level await; workers are ES
 * modules for the same reason.
 */
import { defineConfig } from 'vite';

export default defineConfig({
  base: './',
  build: { target: 'es2022', outDir: 'dist', emptyOutDir: true },
  worker: { format: 'es' },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
});
