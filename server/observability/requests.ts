import type { NextFunction, Request, Response } from 'express';
import { newId } from '../../shared/ids.js';

/**
 * Every request gets an id first thing (the public API answers it as `Request-Id`, everything else as
 * `X-Request-Id`), so a log line, an error report and the client's response can be matched.
 */
export function assignRequestId(_req: Request, res: Response, next: NextFunction) {
  const id = newId('request');
  res.locals.requestId = id;
  next();
}

export function requestIdOf(res: Response): string | undefined {
  const id = res.locals.requestId;
  return typeof id === 'string' ? id : undefined;
}
