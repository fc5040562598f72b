/**
 * @file `node bench/dist/readme.js [RECORD]`: writes the root README's Performance section from a
 * bench record (default bench/results/latest.json). See src/performance.ts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { BenchReport } from './cli.js';
import { performanceSection, withSection } from './performance.js';

const record = process.argv[2] ?? new URL('../results/latest.json', import.meta.url).pathname;
const readme = new URL('../../README.md', import.meta.url).pathname;
const report = JSON.parse(readFileSync(record, 'utf8')) as BenchReport;
writeFileSync(readme, withSection(readFileSync(readme, 'utf8'), performanceSection(report)));
console.log(`wrote the Performance section of ${readme} from ${record}`);
