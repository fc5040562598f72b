/**
 * @file Headless Chromium for the page's tests: Debian's /usr/bin/chromium (or TAPEGRAD_CHROMIUM)
 * driven by playwright-core, which downloads no browser of its own; the flags that keep it from
 * stalling on a closed network; building the page with Vite and serving the built folder with
 * `vite preview`, as a static host would.
 */
import { accessSync, constants } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { build, preview, type PreviewServer } from 'vite';

/** The Chromium the tests drive. */
export const CHROMIUM = process.env.TAPEGRAD_CHROMIUM ?? '/usr/bin/chromium';

/** Flags for a machine without network (or as root): no sandbox, GPU, background fetches or first-run dialogs. */
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Why the browser tests cannot run here, or null when Chromium is there to run them.
 *
 * @example
 * const reason = chromiumMissing(); // 'no Chromium at /usr/bin/chromium (apt-get install chromium, or set TAPEGRAD_CHROMIUM)'
 */
export function chromiumMissing(): string | null {
  try {
    accessSync(CHROMIUM, constants.X_OK);
    return null;
  } catch {
    return `no Chromium at ${CHROMIUM} (apt-get install chromium, or set TAPEGRAD_CHROMIUM to a Chromium or Chrome binary)`;
  }
}

/** Starts headless Chromium with {@link CHROMIUM_FLAGS} and a fresh profile. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
}

/** Builds the page into packages/web/dist, the folder `npm run web:build` makes for any static host. */
export async function buildPage(): Promise<void> {
  await build({ root, configFile: `${root}/vite.config.ts`, logLevel: 'warn', mode: 'production' });
}

/** Serves packages/web/dist on a free loopback port, as a static host would; returns the server and its URL. */
export async function servePage(): Promise<{ server: PreviewServer; url: string }> {
  const server = await preview({
    root,
    configFile: `${root}/vite.config.ts`,
    logLevel: 'warn',
    preview: { port: 0, strictPort: false, open: false },
  });
  const url = server.resolvedUrls?.local[0];
  if (url === undefined) throw new Error('vite preview did not report a local URL');
  return { server, url };
}
