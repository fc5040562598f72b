/**
 * @file The recorded Figure 7, for reports outside docs/REPRODUCTION.md (the default run shows it
 * beside its quick demonstration): the same section text, read from the records committed in the
 * repository this program runs from. An installed package has no records; it says so.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kindOf } from '../files.js';
import { EXPERIMENT_FILE } from '../experiments/definition.js';
import { experimentResults } from './results.js';
import { figure7Section } from './sections.js';

/** The repository root, when this program runs from a checkout (packages/cli/dist/reproduction/ → ../../../..). */
const REPOSITORY = fileURLToPath(new URL('../../../../', import.meta.url));

/**
 * The Figure 7 section of docs/REPRODUCTION.md from the committed records (Markdown).
 *
 * @example
 * report.paragraph(recordedFigure7());
 */
export function recordedFigure7(root = REPOSITORY): string {
  const folder = join(root, 'docs', 'results', 'figure7');
  if (kindOf(join(folder, EXPERIMENT_FILE)) !== 'file') {
    return 'No recorded Figure 7 here: the records are in the repository (docs/results/figure7), not in the installed package.';
  }
  // The section's links are relative to docs/; a report elsewhere links to the files themselves.
  return figure7Section(experimentResults(folder)).replaceAll('](results/', `](${join(root, 'docs', 'results')}/`);
}
