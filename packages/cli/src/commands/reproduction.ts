/**
 * @file `tapegrad reproduction`: regenerates docs/REPRODUCTION.md and its figures from the
 * committed records under docs/results, and the speed block of packages/cli/README.md from the
 * committed Figure 7 plan. `--check` writes nothing and fails (exit 1) when either text differs
 * from what the records generate; the test suite runs the same comparison.
 */
import { join, resolve } from 'node:path';
import { boolFlag, flag, text } from '../args.js';
import { parseCommand, type Command } from '../command.js';
import { FileError } from '../errors.js';
import { kindOf, readText, writeTextAtomic } from '../files.js';
import { reproductionDocument } from '../reproduction/document.js';
import { writeFigures } from '../reproduction/figures.js';
import { loadResults } from '../reproduction/results.js';
import { withSpeeds } from '../reproduction/speeds.js';

const spec = {
  name: 'reproduction',
  synopsis: '[--root DIR] [--check] [--no-figures]',
  description:
    'Regenerates docs/REPRODUCTION.md (and its figures) from docs/results, and the speeds in packages/cli/README.md.',
  flags: {
    root: flag(text, '.', 'the repository root', 'DIR'),
    check: boolFlag('write nothing; exit 1 when a generated text differs from the committed one'),
    noFigures: boolFlag('leave the figures as they are'),
  },
};

/** The generated files and their texts, for a repository root. */
export function generatedTexts(root: string): { path: string; text: string }[] {
  const results = loadResults(join(root, 'docs', 'results'));
  const readme = join(root, 'packages', 'cli', 'README.md');
  return [
    { path: join(root, 'docs', 'REPRODUCTION.md'), text: reproductionDocument(results) },
    { path: readme, text: withSpeeds(readText(readme), results) },
  ];
}

/** `tapegrad reproduction`. */
export const reproductionCommand: Command = {
  summary: 'regenerate docs/REPRODUCTION.md and its figures from the committed records (--check compares)',
  async run(argv) {
    const parsed = parseCommand(spec, argv);
    if (!parsed) return 0;
    const o = parsed.options;
    const root = resolve(o.root);
    if (kindOf(join(root, 'docs', 'results')) !== 'folder')
      throw new FileError(root, 'holds no docs/results: pass the repository root with --root');
    const texts = generatedTexts(root);
    if (o.check) {
      const stale = texts.filter((t) => kindOf(t.path) !== 'file' || readText(t.path) !== t.text);
      for (const t of stale)
        process.stderr.write(
          `reproduction: ${t.path} differs from what the records generate; run npx --yes pnpm@10.34.8 run reproduction\n`,
        );
      return stale.length > 0 ? 1 : 0;
    }
    for (const t of texts) writeTextAtomic(t.path, t.text);
    const figures = o.noFigures
      ? []
      : await writeFigures(loadResults(join(root, 'docs', 'results')), join(root, 'docs', 'results'));
    process.stdout.write(`${texts.map((t) => t.path).join('\n')}\n${figures.length} figure files\n`);
    return 0;
  },
};
