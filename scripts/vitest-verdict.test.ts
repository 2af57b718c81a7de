import { describe, expect, it } from 'vitest';
import { failedSuitesOf, vitestVerdict, type VitestReport } from './vitest-verdict.js';

const report = (over: Partial<VitestReport> = {}): VitestReport => ({
  success: true, numFailedTestSuites: 0, numPassedTests: 3, numFailedTests: 0, numPendingTests: 0, numTodoTests: 0,
  testResults: [{ name: '/repo/a.test.ts', status: 'passed', assertionResults: [{ status: 'passed' }] }], ...over,
});

describe('the vitest stage verdict', () => {
  it('passes a green run', () => {
    expect(vitestVerdict(0, ' Test Files  1 passed (1)\n      Tests  3 passed (3)\n', report(), '/repo')).toMatchObject({
      status: 'passed', counts: { passed: 3, failed: 0, skipped: 0 }, note: undefined, summaryLines: ['vitest: Test Files  1 passed (1)', 'vitest: Tests  3 passed (3)'],
    });
  });

  it('fails on unhandled errors with every test green, even when the exit code was reset to 0, and says so', () => {
    const output = ' Test Files  1 passed (1)\n      Tests  3 passed (3)\n     Errors  2 errors\n';
    const verdict = vitestVerdict(0, output, report(), '/repo');
    expect(verdict.status).toBe('failed');
    expect(verdict.note).toBe("2 unhandled error(s): see 'Unhandled Errors' above");
    expect(verdict.summaryLines).toContain('vitest: Errors  2 errors');
  });

  it('names the suite whose hook failed, and a file that did not load', () => {
    const output = [
      '⎯⎯⎯⎯⎯⎯ Failed Suites 2 ⎯⎯⎯⎯⎯⎯⎯',
      ' FAIL  a.test.ts > outer > inner',
      ' FAIL  b.test.ts [ b.test.ts ]',
      '⎯⎯⎯⎯⎯⎯ Failed Tests 0 ⎯⎯⎯⎯⎯⎯⎯',
    ].join('\n');
    expect(failedSuitesOf(output)).toEqual(['a.test.ts > outer > inner', 'b.test.ts']);
    const verdict = vitestVerdict(1, output, report({
      success: false,
      testResults: [
        { name: '/repo/a.test.ts', status: 'failed', assertionResults: [{ status: 'passed' }] },
        { name: '/repo/b.test.ts', status: 'failed', message: 'Cannot find module x\nstack', assertionResults: [] },
      ],
    }), '/repo');
    expect(verdict).toMatchObject({ status: 'failed', counts: { failed: 2 } });
    expect(verdict.note).toContain('a.test.ts > outer > inner');
    expect(verdict.note).toContain('b.test.ts');
  });

  it('fails a non-zero exit with no failed test and no report line, naming the exit code', () => {
    expect(vitestVerdict(1, '', report(), '/repo')).toMatchObject({ status: 'failed', note: 'vitest exited with code 1 though no test failed' });
    expect(vitestVerdict(0, '', null, '/repo')).toMatchObject({ status: 'failed', note: 'no test report was written' });
  });
});
