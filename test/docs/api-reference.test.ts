/**
 * @file docs/api is what `npx --yes pnpm@10.34.8 run docs:api` generates (typedoc with its
 * Markdown plugin, typedoc.json) from the TSDoc of the libraries' sources: a fresh run into a
 * temporary folder must give the same files, byte for byte. Needs the packages built (`tsc -b`,
 * which `check` runs first): optim and rnn see autodiff through its declarations.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const COMMITTED = join(ROOT, 'docs', 'api');

/** Every file under `dir`, as paths relative to it, sorted. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

describe('the API reference', () => {
  it('in docs/api is current: a fresh typedoc run gives the same files', async () => {
    const typedoc = join(
      dirname(createRequire(join(ROOT, 'package.json')).resolve('typedoc/package.json')),
      'bin',
      'typedoc',
    );
    const out = mkdtempSync(join(tmpdir(), 'tapegrad-api-'));
    try {
      await promisify(execFile)(process.execPath, [typedoc, '--out', out, '--logLevel', 'Error'], {
        cwd: ROOT,
        timeout: 240_000,
      });
      const hint = 'docs/api is out of date: run `npx --yes pnpm@10.34.8 run docs:api` and commit the result';
      const files = filesUnder(out);
      expect(filesUnder(COMMITTED), hint).toEqual(files);
      const differing = files.filter(
        (f) => readFileSync(join(out, f), 'utf8') !== readFileSync(join(COMMITTED, f), 'utf8'),
      );
      expect(differing, hint).toEqual([]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 300_000);
});
