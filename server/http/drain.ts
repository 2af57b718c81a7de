import type { Server } from 'node:http';

/** How long SIGTERM waits for requests in flight before closing what is left (issue 16: up to 30 s). */
const DRAIN_TIMEOUT_MS = 30_000;

/**
 * Stops accepting connections and lets the requests in flight finish: idle keep-alive connections are closed
 * at once, busy ones after their response (answered with `Connection: close`), and whatever is still open
 * after `timeoutMs` is cut. Resolves once the server has no connection left.
 */
export function drainServer(server: Server, timeoutMs = DRAIN_TIMEOUT_MS): Promise<void> {
  return new Promise((resolve) => {
    server.on('request', (_req, res) => {
      if (!res.headersSent) res.setHeader('connection', 'close');
    });
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    const deadline = setTimeout(() => server.closeAllConnections(), timeoutMs);
    deadline.unref();
    server.close(() => {
      clearInterval(sweep);
      clearTimeout(deadline);
      resolve();
    });
    server.closeIdleConnections();
  });
}
