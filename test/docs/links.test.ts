/**
 * @file Links in the Markdown files of the repository. A relative link must reach a file that
 * exists and that git does not ignore; a link to the repository's home on GitHub
 * (https://github.com/tapegrad/tapegrad/blob/main/...) must name such a file too. The READMEs of
 * published packages are also read on npm, where only the package's own files exist: their
 * relative links must stay inside the files the package ships.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const HOME = 'https://github.com/tapegrad/tapegrad/';

const git = (args: readonly string[], input?: string): string => {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', input });
  } catch (e) {
    // `git check-ignore` exits with 1 when no path is ignored.
    if ((e as { status?: number }).status === 1) return '';
    throw e;
  }
};

/** Markdown files git tracks or would track (untracked but not ignored). */
const MARKDOWN = git(['ls-files', '--cached', '--others', '--exclude-standard', '--', '*.md'])
  .split('\n')
  .filter((f) => f !== '' && existsSync(join(ROOT, f)));

/** The link targets in a Markdown text, outside code blocks and code spans. */
function linksOf(text: string): string[] {
  const prose = text.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]);
}

/** Repository-relative path a link points at, or null for other sites, mail and in-page anchors. */
function targetOf(file: string, link: string): string | null {
  const path = link.split('#')[0];
  if (link.startsWith(HOME)) return path.slice(HOME.length).replace(/^(blob|tree)\/main\//, '');
  if (/^[a-z]+:/i.test(link) || path === '') return null;
  return relative(ROOT, normalize(join(ROOT, dirname(file), decodeURIComponent(path))))
    .split(sep)
    .join('/');
}

interface Manifest {
  name: string;
  private?: boolean;
  files?: string[];
}

/** Published packages: their folder and the top-level entries their tarball holds. */
const PUBLISHED = MARKDOWN.filter((f) => /^packages\/[^/]+\/README\.md$/.test(f))
  .map((readme) => ({
    dir: dirname(readme),
    manifest: JSON.parse(readFileSync(join(ROOT, dirname(readme), 'package.json'), 'utf8')) as Manifest,
  }))
  .filter((p) => p.manifest.private !== true);

describe('Markdown links', () => {
  const links = MARKDOWN.flatMap((file) =>
    linksOf(readFileSync(join(ROOT, file), 'utf8')).map((link) => ({ file, link, target: targetOf(file, link) })),
  );

  it('are found (the check reads what it should)', () => {
    expect(MARKDOWN).toContain('README.md');
    expect(links.length).toBeGreaterThan(20);
  });

  it('reach files that exist in the repository and are not ignored by git', () => {
    const local = links.filter((l) => l.target !== null);
    const missing = local.filter((l) => l.target!.startsWith('..') || !existsSync(join(ROOT, l.target!)));
    expect(missing.map((l) => `${l.file}: ${l.link}`)).toEqual([]);
    const ignored = new Set(git(['check-ignore', '--stdin'], local.map((l) => l.target).join('\n')).split('\n'));
    expect(local.filter((l) => ignored.has(l.target!)).map((l) => `${l.file}: ${l.link}`)).toEqual([]);
  });

  it('in the READMEs of published packages stay inside the package files (npm shows no others)', () => {
    expect(PUBLISHED.map((p) => p.manifest.name)).toContain('@tapegrad/autodiff');
    const leaving = PUBLISHED.flatMap(({ dir, manifest }) => {
      const shipped = [...(manifest.files ?? []), 'README.md', 'LICENSE', 'CHANGELOG.md', 'package.json'];
      return links
        .filter((l) => l.file === `${dir}/README.md` && l.target !== null && !l.link.startsWith(HOME))
        .filter(
          (l) => !shipped.some((entry) => l.target === `${dir}/${entry}` || l.target!.startsWith(`${dir}/${entry}/`)),
        )
        .map((l) => `${l.file}: ${l.link} (use ${HOME}blob/main/${l.target})`);
    });
    expect(leaving).toEqual([]);
  });
});
