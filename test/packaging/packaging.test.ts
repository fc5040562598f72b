/**
 * @file The packages as people install them. Packs every published package with pnpm (workspace
 * ranges rewritten, `prepack` builds), checks each tarball's files, installs the tarballs with npm
 * into a temporary consumer outside the workspace (no fast-check there), compiles consumer/main.ts
 * under moduleResolution node16 and bundler with no Node types and runs it, loads two installed
 * copies of autodiff at once, and runs the installed `tapegrad` bin. npm uses its local cache
 * first (--prefer-offline): only a first run on a new machine fetches the third-party packages.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng, valueAndGrad } from '@tapegrad/autodiff';
import { initRnn, makeTask, rnnLoss, type RnnParams } from '@tapegrad/rnn';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CONSUMER_SOURCES = fileURLToPath(new URL('./consumer/', import.meta.url));
const execFileAsync = promisify(execFile);

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  bin?: Record<string, string>;
  exports: Record<string, unknown>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

interface Packed {
  name: string;
  filename: string;
  files: { path: string }[];
}

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

/** The workspace's packages that are published: packages/* without `private`. */
const PUBLISHED = readdirSync(join(ROOT, 'packages'))
  .map((dir) => join(ROOT, 'packages', dir, 'package.json'))
  .filter((path) => existsSync(path))
  .map((path) => readJson<Manifest>(path))
  .filter((m) => m.private !== true);

/** pnpm as the running script was started with, else the version the workspace pins, through npx. */
function pnpmCommand(): [string, string[]] {
  const exec = process.env.npm_execpath;
  if (exec !== undefined && basename(exec).startsWith('pnpm')) return [process.execPath, [exec]];
  const pinned = readJson<{ packageManager: string }>(join(ROOT, 'package.json')).packageManager;
  return ['npx', ['--yes', pinned]];
}

async function run(command: string, args: readonly string[], cwd: string): Promise<string> {
  const { stdout } = await execFileAsync(command, args, {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    timeout: 240_000,
  });
  return stdout;
}

const tsc = createRequire(join(ROOT, 'package.json')).resolve('typescript/bin/tsc');
const PRINT_RESULTS = "const { results } = await import('./out/main.js'); console.log(JSON.stringify(results));";

let work = '';
let consumer = '';
const packed = new Map<string, Packed>();

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'tapegrad-packaging-'));
  consumer = join(work, 'consumer');
  const tarballs = join(work, 'tarballs');
  mkdirSync(consumer);

  const [pnpm, pnpmArgs] = pnpmCommand();
  const filters = PUBLISHED.flatMap((m) => ['--filter', m.name]);
  const out = await run(pnpm, [...pnpmArgs, '-r', ...filters, 'pack', '--pack-destination', tarballs, '--json'], ROOT);
  // The prepack scripts' output comes first on stdout; the JSON array starts on a line of its own.
  for (const p of JSON.parse(out.slice(out.indexOf('\n[') + 1)) as Packed[]) packed.set(p.name, p);

  const dependencies = Object.fromEntries([...packed.values()].map((p) => [p.name, `file:${p.filename}`]));
  writeFileSync(
    join(consumer, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies }),
  );
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], consumer);

  cpSync(join(CONSUMER_SOURCES, 'main.ts'), join(consumer, 'main.ts'));
  cpSync(join(CONSUMER_SOURCES, 'two-copies.mjs'), join(consumer, 'two-copies.mjs'));
}, 300_000);

afterAll(() => {
  if (work !== '') rmSync(work, { recursive: true, force: true });
});

describe('the packed tarballs', () => {
  it('are one per published package', () => {
    expect([...packed.keys()].sort()).toEqual(PUBLISHED.map((m) => m.name).sort());
  });

  it('hold LICENSE, README.md, CHANGELOG.md, every file the exports and bin name, the sources, no tests', () => {
    for (const p of packed.values()) {
      const files = p.files.map((f) => f.path);
      const manifest = PUBLISHED.find((m) => m.name === p.name)!;
      const targets = [...Object.values(manifest.exports), ...Object.values(manifest.bin ?? {})].flatMap((t) =>
        typeof t === 'string' ? [t] : Object.values(t as Record<string, string>),
      );
      for (const f of ['LICENSE', 'README.md', 'CHANGELOG.md', ...targets.map((t) => t.replace(/^\.\//, ''))]) {
        expect(files, `${p.name} lacks ${f}`).toContain(f);
      }
      expect(
        files.filter((f) => /(^|\/)test\/|\.test\.|tsbuildinfo/.test(f)),
        p.name,
      ).toEqual([]);
      // A build file without its source is left over from a module since removed: it would ship.
      const stale = files.filter(
        (f) => f.startsWith('dist/') && f.endsWith('.js') && !files.includes(`src/${f.slice(5, -3)}.ts`),
      );
      expect(stale, `${p.name}: stale build output; delete its dist/ and build again`).toEqual([]);
      expect(readFileSync(join(consumer, 'node_modules', p.name, 'LICENSE'), 'utf8')).toBe(
        readFileSync(join(ROOT, 'LICENSE'), 'utf8'),
      );
    }
  });

  it('have manifests with the workspace ranges rewritten and autodiff as a peer of optim and rnn', () => {
    for (const p of packed.values()) {
      const text = readFileSync(join(consumer, 'node_modules', p.name, 'package.json'), 'utf8');
      expect(text, p.name).not.toContain('workspace:');
    }
    const manifest = (name: string) => readJson<Manifest>(join(consumer, 'node_modules', name, 'package.json'));
    const version = manifest('@tapegrad/autodiff').version;
    for (const name of ['@tapegrad/optim', '@tapegrad/rnn']) {
      expect(manifest(name).peerDependencies?.['@tapegrad/autodiff']).toBe(`^${version}`);
      expect(manifest(name).dependencies?.['@tapegrad/autodiff']).toBeUndefined();
    }
  });
});

describe('a consumer outside the workspace', () => {
  it('has one copy of autodiff and no fast-check', () => {
    const nested = ['@tapegrad/optim', '@tapegrad/rnn', 'tapegrad'].map((n) =>
      join(consumer, 'node_modules', n, 'node_modules', '@tapegrad', 'autodiff'),
    );
    expect(nested.filter((d) => existsSync(d))).toEqual([]);
    expect(existsSync(join(consumer, 'node_modules', 'fast-check'))).toBe(false);
  });

  it('resolves every export, ./package.json included', () => {
    const require = createRequire(join(consumer, 'package.json'));
    for (const p of PUBLISHED) {
      expect(readJson<Manifest>(require.resolve(`${p.name}/package.json`)).version).toBe(p.version);
    }
  });

  it('compiles under moduleResolution node16 and bundler, and computes what the workspace does', async () => {
    // The packages' declarations are checked (skipLibCheck off), TypeScript's own are not; with no
    // DOM or Node types, a declaration that needs either fails here.
    const common = {
      strict: true,
      skipLibCheck: false,
      skipDefaultLibCheck: true,
      target: 'ES2022',
      lib: ['ES2022'],
      types: [],
    };
    const configs = {
      'tsconfig.node16.json': { ...common, module: 'node16', moduleResolution: 'node16', outDir: 'out' },
      'tsconfig.bundler.json': { ...common, module: 'preserve', moduleResolution: 'bundler', noEmit: true },
    };
    for (const [file, compilerOptions] of Object.entries(configs)) {
      writeFileSync(join(consumer, file), JSON.stringify({ compilerOptions, files: ['main.ts'] }));
    }
    await Promise.all(Object.keys(configs).map((file) => run(process.execPath, [tsc, '-p', file], consumer)));

    const printed = await run(process.execPath, ['--input-type=module', '-e', PRINT_RESULTS], consumer);
    const out = JSON.parse(printed) as Record<string, number[] & number>;
    const x = [0, 0.5, -1];
    expect(out.tanhGrad).toEqual(x.map((v) => 1 - Math.tanh(v) ** 2)); // d/dx Σ tanh(x) = 1 − tanh²(x)
    expect(out.gradChecks.length).toBeGreaterThanOrEqual(2);
    for (const ratio of out.gradChecks) expect(ratio).toBeLessThan(1);
    expect(out.clipped).toEqual([5, 3 * (1 / 5), 4 * (1 / 5)]); // g · threshold/‖g‖ with ‖(3, 4)‖ = 5
    expect(out.stepped).toEqual([1 - 0.5 * 2, 2 + 0.5 * 2]);

    // The same RNN loss computed here from the workspace's sources: the build ships the same code.
    const batch = makeTask('temporal-order', { minLength: 10 }).sample(new Rng(1), 3);
    const { params, activation } = initRnn({ nIn: 6, nHidden: 5, nOut: 4, init: 'smart-tanh', seed: 1 });
    const here = valueAndGrad((p: RnnParams) => rnnLoss(p, batch, { activation, head: 'softmax-last' }))(params);
    expect(out.rnnLoss).toBe(here.value.item());
    expect(out.rnnGradNorm).toBe(Math.hypot(...Object.values(here.grad).flatMap((g) => [...g!.data])));
  });

  it('fails to load the arbitraries without fast-check, naming it', async () => {
    const attempt = run(
      process.execPath,
      ['--input-type=module', '-e', "await import('@tapegrad/autodiff/testing/arbitraries')"],
      consumer,
    );
    await expect(attempt).rejects.toThrow(/Cannot find package 'fast-check'/);
  });

  it('clips tensors of a second installed copy of autodiff with the first copy’s optim', async () => {
    const modules = join(consumer, 'node_modules', '@tapegrad');
    cpSync(join(modules, 'autodiff'), join(modules, 'autodiff-copy'), { recursive: true });
    const out = JSON.parse(await run(process.execPath, ['two-copies.mjs'], consumer)) as Record<string, unknown>;
    expect(out).toEqual({ sameClass: false, crossInstanceof: true, clipped: [5, 3 * (1 / 5), 4 * (1 / 5)] });
  });

  it('runs the installed tapegrad bin', async () => {
    const bin = join(consumer, 'node_modules', '.bin', 'tapegrad');
    const help = await run(bin, ['--help'], consumer);
    expect(help).toMatch(/^Usage: tapegrad /);
    // `--version` arrives with the command-line work of issue 10; once the help offers it, it must print the version.
    if (help.includes('--version')) {
      expect((await run(bin, ['--version'], consumer)).trim()).toContain(
        readJson<Manifest>(join(ROOT, 'packages/cli/package.json')).version,
      );
    }
  });
});
