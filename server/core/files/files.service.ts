import type { Readable } from 'node:stream';
import type { ListResult } from '../../../shared/contracts/common.js';
import {
  createFileParams,
  FILE_KINDS,
  formatBytes,
  listFilesParams,
  purposeKindsLabel,
  REFUSED_UPLOAD_PURPOSES,
  UPLOAD_PURPOSES,
  type CreateFileInput,
  type FileDto,
  type FileKind,
  type ListFilesInput,
  type UploadPurpose,
} from '../../../shared/contracts/files.js';
import { notFound, PaymentError } from '../../../shared/errors.js';
import { newId } from '../../../shared/ids.js';
import type { Executor } from '../../db/database.js';
import type { Row } from '../../db/schema.js';
import { can, type Permission, type Role } from '../../../shared/permissions.js';
import { getMembership } from '../accounts/accounts.repository.js';
import { recordAudit } from '../accounts/audit.service.js';
import { deriveKey, hmacHex, safeEqual } from '../shared/crypto.js';
import type { Actor, CoreDeps, Scope } from '../shared/deps.js';
import { findPage } from '../shared/keyset.repository.js';
import { parseParams } from '../shared/params.js';
import { toUnix } from '../shared/tx.js';
import type { FileStorage } from '../storage/storage.js';
import * as repo from './files.repository.js';

function storageOf(deps: CoreDeps): FileStorage {
  if (!deps.storage) throw new PaymentError('internal_error', 'File storage is not configured on this server.', { status: 500 });
  return deps.storage;
}

export function toFileDto(deps: CoreDeps, file: Row<'report_files'>, title: string | null = null): FileDto {
  return {
    id: file.id, object: 'file', created: toUnix(file.created_at), expires_at: file.expires_at ? toUnix(file.expires_at) : null,
    filename: file.filename, links: null, purpose: file.purpose, size: Number(file.size), title, type: file.type,
    url: `${deps.appUrl}/v1/files/${file.id}/contents`,
  };
}

/** File signatures: what a file is, read from its first bytes (the declared type is the sender's claim). */
const SIGNATURES: [FileKind, (b: Buffer) => boolean][] = [
  ['pdf', (b) => b.subarray(0, 5).toString('latin1') === '%PDF-'],
  ['png', (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))],
  ['jpg', (b) => b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff],
  ['gif', (b) => /^GIF8[79]a$/.test(b.subarray(0, 6).toString('latin1'))],
];

export function sniffFileKind(bytes: Buffer): FileKind | null {
  return SIGNATURES.find(([, matches]) => matches(bytes))?.[0] ?? null;
}

const KIND_OF_CONTENT_TYPE = new Map<string, FileKind>(Object.entries(FILE_KINDS).map(([kind, k]) => [k.contentType, kind as FileKind]));

function uploadPurpose(purpose: string): UploadPurpose {
  if (purpose in UPLOAD_PURPOSES) return purpose as UploadPurpose;
  if ((REFUSED_UPLOAD_PURPOSES as readonly string[]).includes(purpose)) {
    throw new PaymentError('invalid_request', `Files with purpose ${purpose} are not accepted by PaymentFlow: it has no use for them and does not keep such documents. Supported purposes: ${Object.keys(UPLOAD_PURPOSES).join(', ')}.`, { param: 'purpose' });
  }
  if (purpose === 'finance_report_run') throw new PaymentError('invalid_request', 'Files with purpose finance_report_run are created by report runs; they cannot be uploaded.', { param: 'purpose' });
  throw new PaymentError('invalid_request', `Invalid purpose: must be one of ${Object.keys(UPLOAD_PURPOSES).join(', ')}.`, { param: 'purpose' });
}

/** A file name as given, without path parts or control characters (it is shown and sent back as a download name). */
function cleanFilename(name: string, kind: FileKind): string {
  const base = name.split(/[\\/]/).pop()!.replace(/[\u0000-\u001f\u007f]/g, '_').trim().slice(0, 200);
  return base || `file.${kind}`;
}

function addMonths(date: Date, months: number): Date {
  const out = new Date(date);
  out.setUTCMonth(out.getUTCMonth() + months);
  return out;
}

export interface Upload {
  /** The name the sender gave the file. */
  filename: string;
  /** The media type the sender declared (checked against the bytes when it names a type PaymentFlow knows). */
  contentType: string | null;
  bytes: Buffer;
  /** The sender stopped being read past MAX_UPLOAD_BYTES: the file is larger than anything accepted. */
  truncated?: boolean;
}

/**
 * Checks an upload against its purpose (size, and type by its bytes), stores it through the storage interface
 * under the merchant's folder, and records it with an audit entry. Nothing is written unless every check
 * passes; the bytes become visible only complete (the storage's rule), and are removed again when the row
 * cannot be written.
 */
export async function createFile(deps: CoreDeps, actor: Actor, input: CreateFileInput, upload: Upload | null, tx?: Executor): Promise<FileDto> {
  const params = parseParams(createFileParams, input);
  const purpose = uploadPurpose(params.purpose);
  if (params.file_link_data?.create) {
    throw new PaymentError('invalid_request', 'File links are not supported by PaymentFlow: download a file with GET /v1/files/{id}/contents and a secret key.', { param: 'file_link_data[create]' });
  }
  if (!upload) throw new PaymentError('invalid_request', 'Missing required param: file. Send the file as a multipart/form-data part named "file".', { param: 'file' });
  const rule = UPLOAD_PURPOSES[purpose];
  if (upload.truncated || upload.bytes.length > rule.maxBytes) {
    throw new PaymentError('invalid_request', `The file is too large: files with purpose ${purpose} can be at most ${formatBytes(rule.maxBytes)}.`, { param: 'file' });
  }
  if (!upload.bytes.length) throw new PaymentError('invalid_request', 'The file is empty.', { param: 'file' });
  const kind = sniffFileKind(upload.bytes);
  const declared = upload.contentType?.split(';')[0]!.trim().toLowerCase() ?? '';
  const declaredKind = KIND_OF_CONTENT_TYPE.get(declared);
  if (declaredKind && kind !== declaredKind) {
    throw new PaymentError('invalid_request', `The file is not a valid ${declared} file: its contents are ${kind ? `a ${FILE_KINDS[kind].label}` : 'of another type'}.`, { param: 'file' });
  }
  if (!kind || !(rule.kinds as readonly FileKind[]).includes(kind)) {
    throw new PaymentError('invalid_request', `Files with purpose ${purpose} must be ${purposeKindsLabel(purpose)} files; this file's contents are ${kind ? FILE_KINDS[kind].label : 'none of those'}.`, { param: 'file' });
  }

  const id = newId('file');
  const storageKey = `files/${actor.merchantId}/${actor.livemode ? 'live' : 'test'}/${id}.${kind}`;
  const storage = storageOf(deps);
  const { size } = await storage.put(storageKey, upload.bytes);
  const db = tx ?? deps.db;
  try {
    const now = new Date();
    const row = await repo.insertFile(db, {
      id, merchant_id: actor.merchantId, livemode: actor.livemode, purpose, filename: cleanFilename(upload.filename, kind), type: kind,
      content_type: FILE_KINDS[kind].contentType, size, storage_key: storageKey, created_at: now,
      expires_at: rule.expiresInMonths === null ? null : addMonths(now, rule.expiresInMonths), created_by_user_id: actor.userId ?? null,
    });
    await recordAudit(db, {
      merchantId: actor.merchantId, livemode: actor.livemode, userId: actor.userId ?? null, apiKeyId: actor.apiKeyId ?? null, ip: actor.ip, userAgent: actor.userAgent,
      action: 'file.uploaded', targetId: id, data: { purpose, filename: row.filename, size, type: kind },
    });
    return toFileDto(deps, row);
  } catch (error) {
    await storage.remove(storageKey);
    throw error;
  }
}

export async function getFile(deps: CoreDeps, scope: Scope, fileId: string): Promise<FileDto> {
  const file = await repo.getFile(deps.db, scope, fileId);
  if (!file) throw notFound('file', fileId);
  return toFileDto(deps, file);
}

export async function listFiles(deps: CoreDeps, scope: Scope, input: ListFilesInput = {}, url = '/v1/files'): Promise<ListResult<FileDto>> {
  const params = parseParams(listFilesParams, input);
  const { rows, hasMore } = await findPage(deps.db, 'report_files', scope, repo.selectFiles(deps.db, scope, params.purpose), params);
  return { object: 'list', data: rows.map((r) => toFileDto(deps, r)), has_more: hasMore, url };
}

/** The files among `ids` (dispute evidence and the like), by id; those of other merchants, modes or purposes are left out. */
export async function findFilesById(deps: CoreDeps, scope: Scope, ids: string[], purpose?: UploadPurpose, db: Executor = deps.db): Promise<FileDto[]> {
  return (await repo.findFiles(db, scope, [...new Set(ids)], purpose)).map((r) => toFileDto(deps, r));
}

export interface OpenedFile {
  file: FileDto;
  contentType: string;
  body: Readable;
}

/** Who downloads, for the audit log: the member of a signed link or the API key, and where from. */
export type Downloader = Pick<Actor, 'userId' | 'apiKeyId' | 'ip' | 'userAgent'>;

/**
 * A file's bytes as a stream, for a download (the API's contents, the dashboard's links); written to the audit
 * log. An expired file, or one whose bytes are gone, is not found.
 */
export async function openFile(deps: CoreDeps, scope: Scope, fileId: string, by: Downloader): Promise<OpenedFile> {
  const file = await repo.getFile(deps.db, scope, fileId);
  if (!file || (file.expires_at && file.expires_at.getTime() <= Date.now())) throw notFound('file', fileId);
  let body: Readable;
  try {
    body = await storageOf(deps).open(file.storage_key);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw notFound('file', fileId);
    throw error;
  }
  const action = file.purpose === 'finance_report_run' ? 'report_file.downloaded' : 'file.downloaded';
  await recordAudit(deps.db, { ...by, merchantId: scope.merchantId, livemode: scope.livemode, action, targetId: file.id, data: { filename: file.filename } });
  return { file: toFileDto(deps, file), contentType: file.content_type, body };
}

// Dashboard downloads ---------------------------------------------------------------------------------

const DOWNLOAD_LINK_SECONDS = 300;

/** Who may download a file in the dashboard: report results are exports; evidence is read with the disputes. */
function downloadPermission(purpose: string): Permission {
  return purpose === 'finance_report_run' ? 'exports:manage' : 'payments:read';
}

function linkSignature(deps: CoreDeps, fields: { merchantId: string; livemode: boolean; fileId: string; userId: string; expires: number }) {
  return hmacHex(deriveKey(deps.secret, 'report-download-link'), `${fields.merchantId}|${fields.livemode ? 1 : 0}|${fields.fileId}|${fields.userId}|${fields.expires}`);
}

/**
 * A five-minute link (`/files/:id/download?…`) to a file (of `purpose`, when given) for the member who asked, signed for that member;
 * served by server/http/file-download.ts, which checks the member's current role again.
 */
export async function createFileDownloadLink(deps: CoreDeps, actor: Actor & { userId: string }, fileId: string, purpose?: UploadPurpose): Promise<{ url: string; expiresAt: number }> {
  const file = await repo.getFile(deps.db, actor, fileId);
  if (!file || (purpose && file.purpose !== purpose)) throw notFound('file', fileId);
  const expires = Math.floor(Date.now() / 1000) + DOWNLOAD_LINK_SECONDS;
  return { url: signedDownloadPath(deps, { merchantId: actor.merchantId, livemode: actor.livemode, fileId, userId: actor.userId, expires }), expiresAt: expires };
}

/** A signed link to a file for one member until `expires` (unix seconds), relative to the app's origin (also mailed by scheduled exports). */
export function signedDownloadPath(deps: CoreDeps, fields: { merchantId: string; livemode: boolean; fileId: string; userId: string; expires: number }): string {
  const query = new URLSearchParams({ m: fields.merchantId, l: fields.livemode ? '1' : '0', u: fields.userId, e: String(fields.expires), s: linkSignature(deps, fields) });
  return `/files/${fields.fileId}/download?${query}`;
}

/**
 * Opens a file for a signed link. A wrong or expired signature, another merchant's file, or a member whose
 * role may no longer read it all answer not-found, so a link reveals nothing once it stops working.
 */
export async function openSignedDownload(deps: CoreDeps, fileId: string, query: Record<string, unknown>, from: Pick<Actor, 'ip' | 'userAgent'> = {}): Promise<OpenedFile> {
  const text = (k: string) => (typeof query[k] === 'string' ? (query[k] as string) : '');
  const expires = Number(text('e'));
  const fields = { merchantId: text('m'), livemode: text('l') === '1', fileId, userId: text('u'), expires };
  const valid = fields.merchantId && fields.userId && Number.isSafeInteger(expires) && expires >= Date.now() / 1000 && safeEqual(text('s'), linkSignature(deps, fields));
  if (!valid) throw notFound('file', fileId);
  const scope = { merchantId: fields.merchantId, livemode: fields.livemode };
  const file = await repo.getFile(deps.db, scope, fileId);
  const membership = await getMembership(deps.db, fields.userId, fields.merchantId);
  if (!file || !can(membership?.role as Role | undefined, downloadPermission(file.purpose))) throw notFound('file', fileId);
  return openFile(deps, scope, fileId, { ...from, userId: fields.userId });
}
