/**
 * @file docs/REPRODUCTION.md and the speeds in packages/cli/README.md are generated from the
 * committed records (docs/results); this regenerates both texts and fails on any difference, so
 * a number in them can only come from a record. To update: `npx --yes pnpm@10.34.8 run reproduction`.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generatedTexts } from '../../packages/cli/src/commands/reproduction.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('docs generated from records', () => {
  it('docs/REPRODUCTION.md and the command line README speeds are what the committed records generate', () => {
    const texts = generatedTexts(ROOT);
    expect(texts.map((t) => t.path.slice(ROOT.length))).toEqual(['docs/REPRODUCTION.md', 'packages/cli/README.md']);
    for (const t of texts) {
      expect(
        readFileSync(t.path, 'utf8'),
        `${t.path} is out of date: run npx --yes pnpm@10.34.8 run reproduction`,
      ).toBe(t.text);
    }
  });

  it('the document names every experiment, its command and its state, and has a verdict in every claim row', () => {
    const doc = readFileSync(new URL('../../docs/REPRODUCTION.md', import.meta.url), 'utf8');
    for (const name of ['figure7', 'figure7-long', 'tasks', 'omega-effect', 'generalisation']) {
      expect(doc).toContain(`run experiment docs/results/${name} --commit`);
    }
    const claims = doc.slice(doc.indexOf("## 8. The paper's claims"), doc.indexOf('### Settings that differ'));
    const rows = claims.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| claim'));
    expect(rows.length).toBeGreaterThanOrEqual(15);
    for (const row of rows) expect(row.split(' | ').at(-1)?.replace(/ \|$/, '').trim()).not.toBe('');
  });
});
