/**
 * @file `tapegrad analysis [DIR]`: writes the analysis record (reproduction/analysis.ts) of the
 * paper's claims that need no training: gradient flow at initialisation, eqs. 11–14 and the
 * single unit's wall, into DIR/analysis.json (default docs/results/analysis), in a few seconds.
 */
import { join, resolve } from 'node:path';
import { parseCommand, type Command } from '../command.js';
import { ensureFolder, writeTextAtomic } from '../files.js';
import { analysisRecord } from '../reproduction/analysis.js';
import { codeVersion } from '../version.js';

const spec = {
  name: 'analysis',
  synopsis: '[DIR]',
  description:
    'Writes DIR/analysis.json (default docs/results/analysis): gradient flow at initialisation, eqs. 11–14, the wall.',
  flags: {},
  maxPositional: 1,
};

/** `tapegrad analysis`. */
export const analysisCommand: Command = {
  summary: 'the record of the claims that need no training (gradient flow, eqs. 11–14, the wall)',
  async run(argv) {
    const parsed = parseCommand(spec, argv);
    if (!parsed) return 0;
    const folder = ensureFolder(resolve(parsed.positional[0] ?? join('docs', 'results', 'analysis')));
    const path = join(folder, 'analysis.json');
    writeTextAtomic(path, `${JSON.stringify(analysisRecord(codeVersion()), null, 2)}\n`);
    process.stdout.write(`analysis record: ${path}\n`);
    return 0;
  },
};
