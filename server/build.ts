import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { WEB_DIST } from './app.js';
import { CHECKOUT_DIST } from './checkout/checkout-assets.js';

const ROOT = path.resolve(WEB_DIST, '../..');
/** What `npm run build` produces and the server needs: the dashboard and the hosted checkout bundle. */
const BUILD_OUTPUTS = [path.join(WEB_DIST, 'index.html'), path.join(CHECKOUT_DIST, '.vite', 'manifest.json')];
/** What the bundles are built from: a change to any of them makes the build stale. */
const BUILD_INPUTS = ['web', 'shared', 'vite.config.ts', 'vite.checkout.config.ts', 'package-lock.json'];

/** The newest modification time under the given paths (files and folders, recursively). */
export function newestChange(paths: readonly string[]): number {
  let newest = 0;
  const visit = (file: string) => {
    let stat;
    try {
      stat = statSync(file);
    } catch {
      return;
    }
    newest = Math.max(newest, stat.mtimeMs);
    if (stat.isDirectory()) for (const entry of readdirSync(file)) if (entry !== 'node_modules') visit(path.join(file, entry));
  };
  for (const p of paths) visit(path.isAbsolute(p) ? p : path.join(ROOT, p));
  return newest;
}

/** Why the web build must be (re)made before serving, or null when it is present and newer than its sources. */
function buildNeeded(): string | null {
  if (!BUILD_OUTPUTS.every((file) => existsSync(file))) return 'first run';
  const built = Math.min(...BUILD_OUTPUTS.map((file) => statSync(file).mtimeMs));
  return newestChange(BUILD_INPUTS) > built ? 'the sources changed since the last build' : null;
}

/** Runs `npm run build` when an output is missing or older than its sources; returns false if the build failed. */
export function buildIfMissing(log: (line: string) => void): boolean {
  const reason = buildNeeded();
  if (!reason) return true;
  log(`Building the dashboard and the hosted checkout (${reason})…`);
  const result = spawnSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit', shell: process.platform === 'win32' });
  return result.status === 0;
}
