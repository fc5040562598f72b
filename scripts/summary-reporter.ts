/**
 * @file A vitest reporter that ends the run with one plain line, `tests: N passed, N failed,
 * N skipped`, which CI systems that do not know vitest's own summary can read. Just before it, every
 * reason a test gave for skipping itself (`context.skip(reason)`, e.g. no Chromium for the page's
 * browser tests) is printed with the number of tests it skipped, so a skip is never silent.
 */
import type { Reporter, TestModule } from 'vitest/node';

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    const reasons = new Map<string, number>();
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const result = test.result();
        if (result.state === 'passed') passed++;
        else if (result.state === 'failed') failed++;
        else {
          skipped++;
          if (result.state === 'skipped' && result.note !== undefined) {
            const reason = `${module.moduleId.replace(process.cwd() + '/', '')}: ${result.note}`;
            reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
          }
        }
      }
      if (module.state() === 'failed' && module.children.size === 0) failed++;
    }
    for (const [reason, count] of reasons)
      process.stdout.write(`\nSKIPPED ${count} test${count > 1 ? 's' : ''} in ${reason}`);
    process.stdout.write(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
