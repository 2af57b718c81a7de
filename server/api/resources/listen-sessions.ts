import { Router, type Request, type Response } from 'express';
import { listenResultParams, startListenSessionParams } from '../../../shared/contracts/webhook-endpoints.js';
import { PaymentError } from '../../../shared/errors.js';
import type { CoreDeps } from '../../core/shared/deps.js';
import { recordListenResult, startListenSession, streamListenSession } from '../../core/webhooks/listen.service.js';
import { apiLocals } from '../pipeline.js';
import { authorizeKey, endpoint } from '../route.js';

/**
 * The CLI's side of local forwarding (`npm run cli -- listen`): open a session, hold its event stream
 * (Server-Sent Events: one `delivery` event per forwarded delivery, a comment every 15 s to keep proxies
 * from closing it), and report each local response.
 */
export function listenSessionRoutes(deps: CoreDeps): Router {
  const router = Router();
  const base = '/cli/listen_sessions';
  router.post(base, endpoint(deps, (c) => startListenSession(c.deps, c.actor, c.parse(startListenSessionParams))));
  router.get(`${base}/:id/stream`, (req, res) => openStream(deps, req, res));
  router.post(`${base}/:id/deliveries/:deliveryId`, endpoint(deps, (c) =>
    recordListenResult(c.deps, c.scope, c.id, String(c.pathParams.deliveryId ?? ''), c.parse(listenResultParams)),
  ));
  return router;
}

async function openStream(deps: CoreDeps, req: Request, res: Response) {
  const locals = apiLocals(res);
  const key = authorizeKey(locals.key!, req);
  const scope = { merchantId: key.merchantId, livemode: key.livemode };
  const id = String(req.params.id ?? '');
  if (id.length > 255) throw new PaymentError('invalid_request', 'Invalid object id in the URL.', { status: 404 });
  const abort = new AbortController();
  res.on('close', () => abort.abort());
  let opened = false;
  const open = () => {
    opened = true;
    res.writeHead(200, [...locals.headers, 'Content-Type', 'text/event-stream; charset=utf-8', 'X-Accel-Buffering', 'no']);
    res.write(': listening\n\n');
  };
  const keepAlive = setInterval(() => opened && res.write(': keep-alive\n\n'), 15_000);
  try {
    await streamListenSession(deps, scope, id, {
      ready: open,
      send: (message) => res.write(`event: delivery\ndata: ${JSON.stringify(message)}\n\n`),
    }, abort.signal);
  } finally {
    clearInterval(keepAlive);
  }
  if (!res.writableEnded) res.end();
}
