/**
 * @file The Markdown report: a small builder of headings, paragraphs, tables and images that
 * writes `report.md` next to the plot files in the output folder, so the folder can be opened,
 * zipped or committed as it is (image links are relative).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PlotSpec } from './render.js';

/**
 * Builds a Markdown report in `folder` and renders its plots there.
 *
 * @example
 * const report = new Report('out/report', 'tapegrad report');
 * report.paragraph('Gradient flow at initialisation.');
 * await report.plot('gradient-flow', spec, '‖∂E/∂x_k‖ against k');
 * report.table(['init', 'λ1'], [['smart-tanh', '0.97']]);
 * report.write(); // out/report/report.md
 */
export class Report {
  private readonly parts: string[] = [];
  /** Image files written so far, relative to the folder. */
  readonly images: string[] = [];

  constructor(
    readonly folder: string,
    title: string,
  ) {
    mkdirSync(folder, { recursive: true });
    this.parts.push(`# ${title}\n`);
  }

  /** A section heading (level 2 by default). */
  heading(text: string, level = 2): void {
    this.parts.push(`${'#'.repeat(level)} ${text}\n`);
  }

  /** A paragraph of Markdown text. */
  paragraph(text: string): void {
    this.parts.push(`${text}\n`);
  }

  /** A fenced code block (commands, printed summaries). */
  code(text: string): void {
    this.parts.push(`\`\`\`\n${text.replace(/\n$/, '')}\n\`\`\`\n`);
  }

  /** A Markdown table; cells are escaped for pipes. */
  table(header: readonly string[], rows: readonly (readonly string[])[]): void {
    this.parts.push(markdownTable(header, rows));
  }

  /**
   * Renders `spec` to `<name>.svg` and `<name>.png` and embeds the SVG with a caption. The spec
   * may come as a promise (the surface's spec loads vega's colour scheme first).
   */
  async plot(name: string, spec: PlotSpec | Promise<PlotSpec>, caption: string): Promise<void> {
    // Loaded on first use: vega and resvg take a while to import, and most commands draw nothing.
    const { writePlot } = await import('./render.js');
    const files = await writePlot(this.folder, name, await spec);
    this.images.push(files.svg, files.png);
    this.parts.push(`![${caption}](${files.svg})\n\n*${caption}* ([PNG](${files.png}))\n`);
  }

  /** Writes `report.md` and returns its path. */
  write(): string {
    const path = join(this.folder, 'report.md');
    writeFileSync(path, this.parts.join('\n'));
    return path;
  }
}

/**
 * Formats a Markdown table.
 *
 * @example
 * markdownTable(['a', 'b'], [['1', '2']]); // '| a | b |\n|---|---|\n| 1 | 2 |\n'
 */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(' | ')} |`;
  return `${[line(header), `|${header.map(() => '---').join('|')}|`, ...rows.map(line)].join('\n')}\n`;
}

/**
 * Formats a plain-text table for the terminal, columns padded to their widest cell.
 *
 * @example
 * textTable(['method', 'success'], [['sgd', '1/5']]);
 */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const fmt = (r: readonly string[]) =>
    r
      .map((c, i) => (c ?? '').padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return `${[fmt(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(fmt)].join('\n')}\n`;
}
