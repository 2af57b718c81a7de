import type { NextFunction, Request, Response } from 'express';
import express from 'express';

/** Deeper JSON than any dashboard input needs; 5,000 levels would exhaust the stack of whatever walks it. */
const MAX_JSON_DEPTH = 32;
const MAX_JSON_BYTES = 1024 * 1024;

/** The deepest nesting of arrays and objects in a JSON text, stopping early past `limit` (strings are skipped). */
function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > limit) return true;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) depth--;
  }
  return false;
}

/** A tRPC-shaped error, for requests refused before tRPC sees them. */
function trpcError(res: Response, status: number, code: string, message: string) {
  res.status(status).json({ error: { message, code: status === 429 ? -32029 : -32600, data: { code, httpStatus: status } } });
}

const readRaw = express.raw({ type: () => true, limit: MAX_JSON_BYTES });
/**
 * The dashboard's evidence upload carries the file base64-encoded (at most 5 MB, so about 6.7 MB of JSON): only
 * a request naming that procedure may be that large.
 */
const UPLOAD_PROCEDURES = new Set(['disputes.uploadFile']);
const MAX_UPLOAD_JSON_BYTES = 7 * 1024 * 1024;
const readUpload = express.raw({ type: () => true, limit: MAX_UPLOAD_JSON_BYTES });
const namesUpload = (req: Request) => req.path.slice(1).split(',').some((procedure) => UPLOAD_PROCEDURES.has(procedure));

/**
 * The /trpc body and `?input=`: read as text, refused with 400 when nested deeper than MAX_JSON_DEPTH, and
 * handed to tRPC as the string (req.body), which parses it once.
 */
export function boundedJson(req: Request, res: Response, next: NextFunction) {
  const input = typeof req.query.input === 'string' ? req.query.input : '';
  if (input && jsonDepthExceeds(input, MAX_JSON_DEPTH)) return trpcError(res, 400, 'BAD_REQUEST', `The input is nested more than ${MAX_JSON_DEPTH} levels deep.`);
  (namesUpload(req) ? readUpload : readRaw)(req, res, (error?: unknown) => {
    if (error) {
      const status = (error as { status?: number }).status ?? 400;
      return trpcError(res, status, status === 413 ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST', status === 413 ? 'The request body is too large.' : 'The request body could not be read.');
    }
    const text = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) return trpcError(res, 400, 'BAD_REQUEST', `The request body is nested more than ${MAX_JSON_DEPTH} levels deep.`);
    req.body = text === '' ? undefined : text;
    next();
  });
}
