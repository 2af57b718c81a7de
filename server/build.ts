import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { WEB_DIST } from './app.js';
import { CHECKOUT_DIST } from './checkout/checkout-assets.js';

/** What `npm run build` produces and the server needs: the dashboard and the hosted checkout bundle. */
const BUILD_OUTPUTS = [path.join(WEB_DIST, 'index.html'), path.join(CHECKOUT_DIST, '.vite', 'manifest.json')];

/** Runs `npm run build` when an output is missing; returns false if the build failed. */
export function buildIfMissing(log: (line: string) => void): boolean {
  if (BUILD_OUTPUTS.every((file) => existsSync(file))) return true;
  log('Building the dashboard and the hosted checkout (first run)…');
  const result = spawnSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit', shell: process.platform === 'win32' });
  return result.status === 0;
}
