/**
 * `npm run dev`: the API server with reload on change (tsx watch, PORT 3000 unless PORT is set) and the Vite dev
 * server with hot reload (http://localhost:5173, proxying /trpc, /v1, /checkout and /health to the API server).
 * Ctrl-C stops both; if either exits, the other is stopped too.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name: string) => path.join(root, 'node_modules', '.bin', name);
const apiPort = process.env.PORT ?? '3000';
const webPort = process.env.WEB_PORT ?? '5173';

function start(label: string, command: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  // Own process groups: Ctrl-C reaches only this script, which passes it on once. (Two SIGINTs make
  // tsx watch kill the server before it has stopped PostgreSQL.)
  const child = spawn(command, args, { cwd: root, stdio: 'inherit', detached: true, env: { ...process.env, ...env } });
  child.on('error', (error) => console.error(`[dev] ${label} could not start: ${error.message}`));
  return child;
}

console.log(`[dev] API server on http://localhost:${apiPort} (reloads on change); dashboard on http://localhost:${webPort}`);
const children = [
  // The dashboard is served by Vite in development, so the API server need not build it.
  start('API server', bin('tsx'), ['watch', '--clear-screen=false', 'server/main.ts'], { PORT: apiPort, APP_URL: process.env.APP_URL ?? `http://localhost:${webPort}` }),
  start('Vite', bin('vite'), ['--port', webPort, '--strictPort'], { API_PORT: apiPort }),
  // The hosted checkout is served by the API server from dist/checkout; rebuild it on change.
  start('Checkout build', bin('vite'), ['build', '--watch', '--config', 'vite.checkout.config.ts'], {}),
];

let stopping = false;
function stopAll(signal: NodeJS.Signals) {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  // The API server needs a moment to stop PostgreSQL cleanly; do not wait forever.
  setTimeout(() => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }, 15_000).unref();
}

process.on('SIGINT', () => stopAll('SIGINT'));
process.on('SIGTERM', () => stopAll('SIGTERM'));

let exitCode = 0;
await Promise.all(
  children.map(
    (child) =>
      new Promise<void>((resolve) => {
        child.on('exit', (code) => {
          if (!stopping && code) exitCode = code;
          stopAll('SIGTERM');
          resolve();
        });
      }),
  ),
);
process.exit(exitCode);
