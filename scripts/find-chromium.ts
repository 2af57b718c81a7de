/**
 * Finds a Chromium for Playwright so that `npm test` works on a fresh machine with nothing installed by hand.
 * Order: CHROMIUM_PATH, the system's Chromium, Playwright's own download (skipped quickly when offline),
 * then Debian's `chromium` package when running as root. Each step says what it does.
 *
 * As a script (`tsx scripts/find-chromium.ts`) it prints the path on stdout (logs go to stderr) and exits 1
 * when no browser can be found or installed; `.ci/run` uses it that way.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SYSTEM_CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];

const PLAYWRIGHT_INSTALL_TIMEOUT_MS = Number(process.env.PLAYWRIGHT_INSTALL_TIMEOUT_MS ?? 120_000);
const APT_TIMEOUT_MS = 15 * 60_000;

export interface FindChromiumOptions {
  log?: (line: string) => void;
  /** Allow downloading or installing a browser when none is found (default true). */
  install?: boolean;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Playwright's own Chromium, if it has been downloaded into its cache already. */
async function playwrightChromium(): Promise<string | null> {
  try {
    const { chromium } = await import('playwright-core');
    const file = chromium.executablePath();
    return file && isExecutable(file) ? file : null;
  } catch {
    return null;
  }
}

function onPath(names: string[]): string | null {
  for (const name of names) {
    const result = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
    const found = result.status === 0 ? result.stdout.trim() : '';
    if (found && isExecutable(found)) return found;
  }
  return null;
}

export async function findChromium(options: FindChromiumOptions = {}): Promise<string | null> {
  const log = options.log ?? ((line: string) => console.error(`[chromium] ${line}`));
  const install = options.install ?? true;

  const configured = process.env.CHROMIUM_PATH;
  if (configured) {
    if (isExecutable(configured)) {
      log(`Using CHROMIUM_PATH=${configured}`);
      return configured;
    }
    log(`CHROMIUM_PATH=${configured} is not an executable file; looking elsewhere`);
  }

  const system = SYSTEM_CANDIDATES.find(isExecutable) ?? onPath(['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable']);
  if (system) {
    log(`Using the system browser ${system}`);
    return system;
  }
  log('No system Chromium found (checked /usr/bin/chromium, chromium-browser, google-chrome and PATH)');

  const cached = await playwrightChromium();
  if (cached) {
    log(`Using Playwright's Chromium ${cached}`);
    return cached;
  }
  if (!install) return null;

  log(`Trying Playwright's installer: npx playwright install chromium (gives up after ${PLAYWRIGHT_INSTALL_TIMEOUT_MS / 1000} s)`);
  const download = spawnSync('npx', ['--no-install', 'playwright', 'install', 'chromium'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    timeout: PLAYWRIGHT_INSTALL_TIMEOUT_MS,
    killSignal: 'SIGKILL',
  });
  // Its stack traces say nothing a reader needs; the first error line does.
  const firstError = `${download.stdout ?? ''}\n${download.stderr ?? ''}`.split('\n').find((line) => /^Error:/.test(line.trim()));
  if (download.status === 0) {
    const downloaded = await playwrightChromium();
    if (downloaded) {
      log(`Using Playwright's Chromium ${downloaded}`);
      return downloaded;
    }
  }
  log(download.error
    ? `Playwright's installer did not finish (${download.error.message})`
    : `Playwright's installer failed (exit code ${download.status}${firstError ? `: ${firstError.trim()}` : ''}); probably no network access to its download host`);

  const hasApt = existsSync('/usr/bin/apt-get');
  const isRoot = process.getuid?.() === 0;
  if (hasApt && isRoot) {
    log('Installing Debian\'s chromium package: apt-get update && apt-get install -y chromium');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const update = spawnSync('apt-get', ['update'], { stdio: ['ignore', 'inherit', 'inherit'], env, timeout: APT_TIMEOUT_MS });
    if (update.status !== 0) log(`apt-get update failed (exit code ${update.status}); trying the install anyway`);
    const apt = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], { stdio: ['ignore', 'inherit', 'inherit'], env, timeout: APT_TIMEOUT_MS });
    const installed = SYSTEM_CANDIDATES.find(isExecutable) ?? onPath(['chromium']);
    if (apt.status === 0 && installed) {
      log(`Installed and using ${installed}`);
      return installed;
    }
    log(apt.status === 0 ? 'apt-get installed chromium, but no chromium executable appeared' : `apt-get install chromium failed (exit code ${apt.status})`);
  } else if (hasApt) {
    log('Not running as root, so Debian\'s chromium package cannot be installed automatically (try: sudo apt-get install chromium)');
  }
  return null;
}

export const NO_BROWSER_MESSAGE = [
  'No Chromium browser could be found or installed, so the end-to-end tests cannot run.',
  'Install one of these and run the tests again:',
  '  - Debian/Ubuntu: sudo apt-get install chromium',
  '  - any system with network access: npx playwright install chromium',
  '  - or point CHROMIUM_PATH at an existing Chrome or Chromium executable.',
].join('\n');

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const found = await findChromium();
  if (!found) {
    console.error(NO_BROWSER_MESSAGE);
    process.exit(1);
  }
  console.log(found);
}
