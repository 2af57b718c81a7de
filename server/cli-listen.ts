/**
 * `npm run cli -- listen` and `npm run cli -- trigger`: clients of the REST API (like `stripe listen` and
 * `stripe trigger`), so they work against a server on another machine as well as a local one.
 * Results go to stdout, progress and problems to stderr.
 */
import os from 'node:os';
import type { ListenDeliveryMessage, ListenSessionDto } from '../shared/contracts/webhook-endpoints.js';

export interface ApiTarget {
  /** The server's origin, e.g. http://localhost:3000. */
  base: string;
  /** A test-mode secret key (or a restricted key with the permissions the command needs). */
  apiKey: string;
}

/** An answer of the API that is not a success, with Stripe's error message. */
export class ApiCallError extends Error {
  constructor(readonly status: number, message: string, readonly body: unknown) {
    super(message);
  }
}

export async function apiCall<T>(target: ApiTarget, method: string, path: string, body?: Record<string, unknown>, options: { signal?: AbortSignal } = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`${target.base}${path}`, {
      method,
      headers: { Authorization: `Bearer ${target.apiKey}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      signal: options.signal,
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiCallError(0, `Could not reach PaymentFlow at ${target.base} (${(error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message}). Is the server running? Pass --api-base to point elsewhere.`, null);
  }
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: reported below
  }
  if (!res.ok) {
    const message = (json as { error?: { message?: string } } | null)?.error?.message ?? `HTTP ${res.status}: ${text.slice(0, 200)}`;
    throw new ApiCallError(res.status, message, json);
  }
  return json as T;
}

export interface ListenOptions {
  target: ApiTarget;
  forwardTo: string;
  /** Event types to forward; all when empty. */
  events: string[];
  deviceName?: string;
  /** Print only the signing secret and stop (for scripts: `export WHSEC=$(npm run cli -- listen --print-secret …)`). */
  printSecret?: boolean;
  /** The local receiver's time limit for one delivery. */
  timeoutMs?: number;
  out?: (line: string) => void;
  err?: (line: string) => void;
  signal?: AbortSignal;
}

const RESPONSE_EXCERPT = 4096;

/**
 * Opens the device's listen session (the same signing secret every time), then holds its event stream and
 * forwards each delivery to the local URL, reconnecting after a dropped connection until `signal` aborts.
 */
export async function listen(options: ListenOptions): Promise<void> {
  const out = options.out ?? ((line) => console.log(line));
  const err = options.err ?? ((line) => console.error(line));
  const signal = options.signal ?? new AbortController().signal;
  const deviceName = (options.deviceName ?? os.hostname().replace(/[^\w.@-]/g, '-')).slice(0, 100) || 'device';
  const start = () =>
    apiCall<ListenSessionDto>(options.target, 'POST', '/v1/cli/listen_sessions', { device_name: deviceName, ...(options.events.length ? { events: options.events } : {}) }, { signal });

  let session = await start();
  if (options.printSecret) {
    out(session.secret);
    return;
  }
  out(`Ready! Your webhook signing secret is ${session.secret} (^C to quit)`);
  err(`Forwarding ${session.enabled_events.includes('*') ? 'all test-mode events' : session.enabled_events.join(', ')} to ${options.forwardTo}`);

  let backoffMs = 500;
  while (!signal.aborted) {
    try {
      await stream(options, session, signal, out, err, () => (backoffMs = 500));
      if (signal.aborted) return;
      err('The connection to PaymentFlow closed; reconnecting…');
    } catch (error) {
      if (signal.aborted) return;
      err(`${(error as Error).message}; reconnecting in ${(backoffMs / 1000).toFixed(1)} s…`);
    }
    await sleep(backoffMs, signal);
    backoffMs = Math.min(backoffMs * 2, 10_000);
    try {
      // Renews the session (and its event filter); the secret stays the same.
      if (!signal.aborted) session = await start();
    } catch (error) {
      if (!signal.aborted) err((error as Error).message);
    }
  }
}

async function stream(
  options: ListenOptions,
  session: ListenSessionDto,
  signal: AbortSignal,
  out: (line: string) => void,
  err: (line: string) => void,
  connected: () => void,
) {
  const res = await fetch(`${options.target.base}/v1/cli/listen_sessions/${encodeURIComponent(session.id)}/stream`, {
    headers: { Authorization: `Bearer ${options.target.apiKey}`, Accept: 'text/event-stream' },
    signal,
  });
  if (!res.ok || !res.body) {
    const text = await res.text().catch(() => '');
    let message = `HTTP ${res.status}`;
    try {
      message = (JSON.parse(text) as { error: { message: string } }).error.message;
    } catch {
      // keep the status
    }
    throw new Error(`The event stream was refused: ${message}`);
  }
  connected();
  const decoder = new TextDecoder();
  let buffer = '';
  // Deliveries are forwarded one at a time, in the order the stream sends them.
  let queue = Promise.resolve();
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const lines = block.split('\n');
      const type = lines.find((l) => l.startsWith('event:'))?.slice(6).trim();
      const data = lines.filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n');
      if (type !== 'delivery' || !data) continue;
      const message = JSON.parse(data) as ListenDeliveryMessage;
      queue = queue.then(() => forward(options, session, message, out, err));
    }
  }
  await queue;
}

/** POSTs one delivery to the local URL, prints one line, and reports the answer for the delivery log. */
async function forward(options: ListenOptions, session: ListenSessionDto, message: ListenDeliveryMessage, out: (line: string) => void, err: (line: string) => void) {
  const started = performance.now();
  let result: { status_code?: number; error?: string; response_headers?: Record<string, string>; response_body?: string };
  try {
    const res = await fetch(options.forwardTo, {
      method: 'POST',
      headers: message.headers,
      body: message.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    });
    const text = await res.text();
    result = { status_code: res.status, response_headers: Object.fromEntries(res.headers), response_body: text.slice(0, RESPONSE_EXCERPT) };
  } catch (error) {
    const e = error as Error & { cause?: { code?: string; message?: string } };
    result = { error: e.name === 'TimeoutError' ? `Timed out after ${(options.timeoutMs ?? 15_000) / 1000} s` : (e.cause?.code ?? e.cause?.message ?? e.message) };
  }
  const latency = Math.round(performance.now() - started);
  const outcome = result.status_code !== undefined ? `[${result.status_code}]` : `[ERROR ${result.error}]`;
  out(`${timestamp()}  ${message.event_type} [${message.event_id}]  <-- ${outcome} POST ${options.forwardTo} (${latency} ms)`);
  try {
    await apiCall(options.target, 'POST', `/v1/cli/listen_sessions/${encodeURIComponent(session.id)}/deliveries/${encodeURIComponent(message.delivery_id)}`, {
      ...result,
      latency_ms: latency,
      request_headers: message.headers,
      request_body: message.body,
    });
  } catch (error) {
    err(`Could not record the result of ${message.event_id}: ${(error as Error).message}`);
  }
}

function timestamp() {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

function sleep(ms: number, signal: AbortSignal) {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
