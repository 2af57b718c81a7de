/**
 * `npm test`: every check a change must pass, in order, with the output streamed as it comes:
 *   1. type-check (tsc --noEmit)
 *   2. unit and integration tests (vitest; real PostgreSQL, embedded unless DATABASE_URL)
 *   3. build the app (npm run build)
 *   4. end-to-end tests (Playwright via scripts/e2e.ts, against the built app)
 * Every stage runs even when an earlier one failed (except the end-to-end tests, which need the build), so one
 * run shows every problem. The summary ends with the runners' own count lines and a total line
 * `N passed, N failed[, N skipped]`; a stage that fails without failing a test (a type error, a broken
 * build, no browser) counts as one failure there, so the total never reads as green when it is not.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureStripePython } from '../server/api/stripe-python/find-python.js';
import { vitestVerdict, type VitestReport } from './vitest-verdict.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name: string) => path.join(root, 'node_modules', '.bin', name);
const reportDir = mkdtempSync(path.join(os.tmpdir(), 'pf-test-reports-'));
const color = process.stdout.isTTY && !process.env.NO_COLOR;
const bold = (s: string) => (color ? `\x1b[1m${s}\x1b[22m` : s);
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;

interface Counts { passed: number; failed: number; skipped: number }
interface StageResult {
  name: string;
  status: 'passed' | 'failed' | 'not run';
  seconds: number;
  note?: string;
  counts?: Counts;
  summaryLines: string[];
}

/** Runs a command with its output passed through as it arrives, and keeps a plain-text copy. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: root,
      stdio: ['inherit', 'pipe', 'pipe'],
      env: { ...process.env, ...(color ? { FORCE_COLOR: '1' } : {}), ...env },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => { process.stdout.write(chunk); output += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { process.stderr.write(chunk); output += chunk.toString(); });
    child.on('error', (error) => { output += String(error); resolve({ code: 127, output }); });
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output: output.replace(ANSI, '') }));
  });
}

function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return null;
  }
}

const results: StageResult[] = [];
async function stage(name: string, body: () => Promise<Omit<StageResult, 'name' | 'seconds'>>) {
  console.log(`\n${bold(`━━ ${name} ━━`)}\n`);
  const started = Date.now();
  const result = await body();
  results.push({ name, seconds: (Date.now() - started) / 1000, ...result });
  return result;
}

let interrupted = false;
process.on('SIGINT', () => { interrupted = true; });

await stage('Type-check (tsc --noEmit)', async () => {
  const { code, output } = await run(bin('tsc'), ['--noEmit', '-p', 'tsconfig.json']);
  const errors = output.match(/error TS\d+/g)?.length ?? 0;
  return { status: code === 0 ? 'passed' : 'failed', note: code === 0 ? 'no type errors' : `${errors || 'some'} type error(s)`, summaryLines: [] };
});

await stage('Unit and integration tests (vitest)', async () => {
  // The stripe-python suite needs Debian's python3-stripe: installed here where missing (it says what it does).
  ensureStripePython();
  const jsonFile = path.join(reportDir, 'vitest.json');
  const { code, output } = await run(bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${jsonFile}`]);
  return vitestVerdict(code, output, readJson<VitestReport>(jsonFile), root);
});

const build = await stage('Build (npm run build)', async () => {
  const { code } = await run('npm', ['run', 'build', '--silent']);
  return { status: code === 0 ? 'passed' : 'failed', summaryLines: [] };
});

await stage('End-to-end tests (Playwright)', async () => {
  if (build.status !== 'passed' || interrupted) {
    return { status: 'not run', note: interrupted ? 'interrupted' : 'the build failed', summaryLines: [] };
  }
  const jsonFile = path.join(reportDir, 'playwright.json');
  const { code, output } = await run(bin('tsx'), [path.join('scripts', 'e2e.ts')], { PLAYWRIGHT_JSON_OUTPUT_NAME: jsonFile });
  const report = readJson<{ stats: { expected: number; unexpected: number; flaky: number; skipped: number } }>(jsonFile);
  const counts = report
    ? { passed: report.stats.expected + report.stats.flaky, failed: report.stats.unexpected, skipped: report.stats.skipped }
    : undefined;
  const summaryLines = output
    .split('\n')
    .filter((line) => /^\s+\d+ (passed|failed|flaky|skipped|did not run|interrupted)\b/.test(line))
    .map((l) => `playwright: ${l.trim()}`);
  const ok = code === 0 && report !== null && report.stats.unexpected === 0;
  return { status: ok ? 'passed' : 'failed', counts, summaryLines, note: report ? undefined : 'no test report was written' };
});

rmSync(reportDir, { recursive: true, force: true });

const total: Counts = { passed: 0, failed: 0, skipped: 0 };
console.log(`\n${bold('━━ Summary ━━')}\n`);
for (const r of results) {
  const counts = r.counts ? ` — ${r.counts.passed} passed, ${r.counts.failed} failed${r.counts.skipped ? `, ${r.counts.skipped} skipped` : ''}` : '';
  const note = r.note ? ` (${r.note})` : '';
  console.log(`${r.status === 'passed' ? 'PASS' : r.status === 'failed' ? 'FAIL' : 'SKIP'}  ${r.name}${counts}${note}  [${r.seconds.toFixed(1)} s]`);
  total.passed += r.counts?.passed ?? 0;
  total.skipped += r.counts?.skipped ?? 0;
  const failedTests = r.counts?.failed ?? 0;
  // A failed stage with no failed test (type errors, a broken build, a crash, no browser) still counts.
  total.failed += r.status === 'passed' ? failedTests : Math.max(failedTests, 1);
}
const summaryLines = results.flatMap((r) => r.summaryLines);
if (summaryLines.length) console.log('\n' + summaryLines.join('\n'));
const ok = results.every((r) => r.status === 'passed');
console.log(`\n${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`);
process.exitCode = ok ? 0 : 1;
