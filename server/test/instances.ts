import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface Instance {
  /** http://127.0.0.1:port for an app instance; '' for a worker. */
  url: string;
  child: ChildProcess;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  /** Sends the signal and resolves with the exit code once the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  exited: Promise<number | null>;
}

/**
 * A real PaymentFlow process as an operator starts it: `npm start` (server/main.ts) for an app instance,
 * `npm run worker` (server/main.ts --worker) for a worker. Resolves once it says it is ready.
 */
export async function startInstance(kind: 'app' | 'worker', env: Record<string, string>, options: { readyTimeoutMs?: number } = {}): Promise<Instance> {
  // What `npm run worker` / `npm start` run, without npm and sh in between (they do not pass SIGTERM on to
  // the process, which is what a drain test needs) and without --build-if-missing (no SPA needed).
  const child = spawn(process.execPath, ['--import', 'tsx', ...commandOf(kind === 'worker' ? 'worker' : 'start')], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const ready = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${kind} did not start in time:\n${output}`)), options.readyTimeoutMs ?? 180_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const app = /Ready in [\d.]+ s: (http:\/\/[^\s"]+)/.exec(output);
      if (kind === 'app' && app) { clearTimeout(timer); resolve(app[1].replace('localhost', '127.0.0.1')); }
      if (kind === 'worker' && /Workers ready/.test(output)) { clearTimeout(timer); resolve(''); }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => { clearTimeout(timer); reject(new Error(`${kind} exited with ${code} before it was ready:\n${output}`)); });
  });
  const url = await ready;
  return {
    url,
    child,
    output: () => output,
    exited,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** The arguments after `tsx` of a package.json script, so the test runs what the operator runs. */
function commandOf(script: 'worker' | 'start'): string[] {
  const scripts = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const [tool, ...args] = scripts[script].split(' ');
  if (tool !== 'tsx') throw new Error(`npm run ${script} no longer runs tsx: update server/test/instances.ts`);
  return args.filter((a) => a !== '--build-if-missing');
}

export interface Proxy {
  url: string;
  /** Which upstream served each request, in order (for assertions that both instances took part). */
  served: string[];
  close(): Promise<void>;
}

const RETRYABLE = new Set(['ECONNREFUSED', 'ECONNRESET']);

/**
 * The small load balancer of the scale-out test: round-robin over the upstreams; an upstream that refuses
 * the connection (stopped, or stopping) is skipped, as a load balancer's health check would. A request is
 * buffered so it can go to the next upstream when the first refuses it before answering: safe for GETs and
 * for POSTs with an Idempotency-Key, which is all the test sends.
 */
export async function startRoundRobinProxy(upstreams: () => string[]): Promise<Proxy> {
  let next = 0;
  const served: string[] = [];
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const targets = upstreams();
    const start = next++;
    const tryUpstream = (attempt: number) => {
      if (attempt >= targets.length * 2) {
        res.writeHead(502, { 'content-type': 'text/plain' }).end('no upstream answered');
        return;
      }
      const target = new URL(targets[(start + attempt) % targets.length]);
      const upstream = http.request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host, 'x-forwarded-for': req.headers['x-forwarded-for'] ?? req.socket.remoteAddress ?? '' }, agent: false },
        (answer) => {
          served.push(target.origin);
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', (error: NodeJS.ErrnoException) => {
        if (!res.headersSent && RETRYABLE.has(error.code ?? '')) return tryUpstream(attempt + 1);
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' }).end(String(error.message));
        else res.destroy(error);
      });
      upstream.end(body);
    };
    tryUpstream(0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    served,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
