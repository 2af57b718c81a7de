import { createHash } from 'node:crypto';
import busboy from 'busboy';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { retrieveObjectParams } from '../../../shared/contracts/common.js';
import { createFileParams, formatBytes, listFilesParams, MAX_UPLOAD_BYTES } from '../../../shared/contracts/files.js';
import { PaymentError } from '../../../shared/errors.js';
import { createFile, getFile, listFiles, openFile, type Upload } from '../../core/files/files.service.js';
import type { CoreDeps } from '../../core/shared/deps.js';
import { sendStoredFile } from '../../http/file-download.js';
import { parseForm } from '../form.js';
import { addHeader, apiLocals } from '../pipeline.js';
import { authorizeKey, endpoint, keyActor } from '../route.js';

/** The upload read from a POST /v1/files body, keyed by the request's parameters object (the handler's `c.params`). */
const uploads = new WeakMap<object, Upload>();

const MAX_FIELDS = 100;
const MAX_FIELD_BYTES = 64 * 1024;
const MAX_REQUEST_BYTES = 4 * MAX_UPLOAD_BYTES;

/**
 * Reads a multipart/form-data body (busboy): the `file` part into memory up to MAX_UPLOAD_BYTES and one byte
 * more, which marks it too large (the rest is read and dropped, so the client gets the answer), the other parts
 * as bracket-notation parameters (`file_link_data[create]=true`), exactly as a form body would be parsed.
 * The key is checked first, so nothing is read for a caller who may not upload.
 */
function readMultipart(options: { publishable: boolean }): RequestHandler {
  return async (req: Request, res: Response, next) => {
    const locals = apiLocals(res);
    authorizeKey(locals.key!, req, options);
    if ((req.get('Content-Type') ?? '').split(';')[0]!.trim().toLowerCase() !== 'multipart/form-data') return next();
    const fields: string[] = [];
    const upload = await new Promise<Upload | null>((resolve, reject) => {
      let parser: busboy.Busboy;
      try {
        parser = busboy({ headers: req.headers, limits: { fileSize: MAX_UPLOAD_BYTES + 1, files: 1, fields: MAX_FIELDS, fieldSize: MAX_FIELD_BYTES, parts: MAX_FIELDS + 1 } });
      } catch (error) {
        return reject(new PaymentError('invalid_request', `Invalid multipart/form-data body: ${(error as Error).message}.`));
      }
      let found: Upload | null = null;
      let problem: PaymentError | null = null;
      parser.on('field', (name, value, info) => {
        if (info.valueTruncated) problem ??= new PaymentError('invalid_request', `The form field ${name.slice(0, 100)} is too long.`, { param: name.slice(0, 100) });
        else fields.push(`${encodeURIComponent(name)}=${encodeURIComponent(value)}`);
      });
      parser.on('file', (name, stream, info) => {
        if (name !== 'file') {
          stream.resume();
          problem ??= new PaymentError('invalid_request', `Received unknown file part: ${name.slice(0, 100)}. Send the file in a part named "file".`, { param: name.slice(0, 100) });
          return;
        }
        const chunks: Buffer[] = [];
        // A malformed body fails the parser too, which rejects; the part's own error needs no second answer.
        stream.on('error', () => undefined);
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          found = { filename: info.filename ?? '', contentType: info.mimeType || null, bytes: Buffer.concat(chunks), truncated: stream.truncated };
        });
      });
      parser.on('filesLimit', () => (problem ??= new PaymentError('invalid_request', 'Send one file per request.', { param: 'file' })));
      parser.on('fieldsLimit', () => (problem ??= new PaymentError('invalid_request', `Too many form fields (at most ${MAX_FIELDS}).`)));
      parser.on('partsLimit', () => (problem ??= new PaymentError('invalid_request', `Too many form parts (at most ${MAX_FIELDS + 1}).`)));
      parser.on('error', (error: Error) => reject(new PaymentError('invalid_request', `Invalid multipart/form-data body: ${error.message.slice(0, 200)}.`)));
      parser.on('close', () => (problem ? reject(problem) : resolve(found)));
      req.on('aborted', () => reject(new PaymentError('invalid_request', 'The upload was aborted.')));
      // Past a few times the largest upload, the rest is not worth reading: answer and close the connection.
      let received = 0;
      req.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received <= MAX_REQUEST_BYTES || problem?.status === 413) return;
        problem = new PaymentError('invalid_request', `The request is too large: files can be at most ${formatBytes(MAX_UPLOAD_BYTES)}.`, { param: 'file', status: 413 });
        req.unpipe(parser);
        addHeader(res, 'Connection', 'close');
        reject(problem);
      });
      req.pipe(parser);
    });
    locals.params = { ...locals.params, ...parseForm(fields.join('&')) };
    if (upload) {
      uploads.set(locals.params, upload);
      locals.params.file = { filename: upload.filename, size: upload.bytes.length, sha256: createHash('sha256').update(upload.bytes).digest('hex') };
    }
    next();
  };
}

/**
 * Stripe's files API: uploads (multipart/form-data, as the official libraries send them to the files host;
 * see docs/api.md#files for pointing an SDK at this server), the list, retrieval, and the contents. Report
 * results are files too: a run's `result.url` is /v1/files/:id/contents here, fetched with the secret key.
 */
export function fileRoutes(deps: CoreDeps): Router {
  const router = Router();
  // Publishable keys may upload, as with Stripe (from a browser); only secret keys read files back.
  router.post('/files', readMultipart({ publishable: true }), endpoint(deps, (c) => createFile(c.deps, c.actor, c.parse(createFileParams), uploads.get(c.params) ?? null, c.tx), { publishable: true }));
  router.get('/files', endpoint(deps, (c) => listFiles(c.deps, c.scope, c.parse(listFilesParams))));
  router.get('/files/:id', endpoint(deps, (c) => (c.parse(retrieveObjectParams), getFile(c.deps, c.scope, c.id))));
  router.get('/files/:id/contents', async (req, res) => {
    const locals = apiLocals(res);
    const key = authorizeKey(locals.key!, req);
    if (key.type !== 'secret' && key.type !== 'restricted') throw new PaymentError('secret_key_required', 'File contents can only be downloaded with a secret API key.', { status: 403 });
    const actor = keyActor(req, key);
    const opened = await openFile(deps, actor, String(req.params.id), actor);
    await sendStoredFile(res, opened, locals.headers);
  });
  return router;
}
