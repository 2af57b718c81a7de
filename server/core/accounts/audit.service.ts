import type { AuditAction } from '../../../shared/audit.js';
import type { AuditApiKeyActor, AuditEntryDto, AuditLogFilters } from '../../../shared/contracts/settings.js';
import { PaymentError } from '../../../shared/errors.js';
import { newId } from '../../../shared/ids.js';
import type { Db, Executor } from '../../db/database.js';
import { decodeCursor, encodeCursor, type CursorParam } from '../shared/cursor.js';
import * as repo from './accounts.repository.js';

export interface AuditEntryInput {
  merchantId: string;
  livemode?: boolean | null;
  userId?: string | null;
  action: AuditAction;
  targetId?: string | null;
  /** What changed: the new values, or `{ from, to }`; never secrets. */
  data?: Record<string, unknown>;
  ip?: string | null;
  userAgent?: string | null;
  /** The API key that acted (a REST call); a member's actions leave it null. */
  apiKeyId?: string | null;
}

/** Where an action came from: every entry records both (issue 14.6); edges pass the request's. */
export type AuditOrigin = Pick<AuditEntryInput, 'ip' | 'userAgent'>;

/**
 * The append-only audit log of a merchant: written in the transaction of the change it records. The database
 * refuses UPDATE and DELETE on it (migration 0019), so an entry, once committed, stays as written.
 */
export async function recordAudit(db: Executor, entry: AuditEntryInput) {
  await repo.insertAudit(db, {
    id: newId('audit'), merchant_id: entry.merchantId, livemode: entry.livemode ?? null, user_id: entry.userId ?? null,
    action: entry.action, target_id: entry.targetId ?? null, data: JSON.stringify(entry.data ?? {}) as never, ip: entry.ip ?? null,
    user_agent: entry.userAgent?.slice(0, 300) ?? null, api_key_id: entry.apiKeyId ?? null,
  });
}

/** A change to a user (not to one merchant): written to the audit log of every merchant the user belongs to. */
export async function recordUserAudit(db: Executor, userId: string, entry: { action: AuditAction; targetId?: string | null; data?: Record<string, unknown>; ip?: string | null; userAgent?: string | null }) {
  for (const { merchant_id } of await repo.findMerchantIdsOfUser(db, userId)) {
    await recordAudit(db, { ...entry, merchantId: merchant_id, userId });
  }
}

const AUDIT_CURSOR: CursorParam = { param: 'cursor', invalid: 'This audit log cursor is not valid.' };

export type { AuditApiKeyActor, AuditEntryDto };

function toFilter(filters: AuditLogFilters): repo.AuditFilter {
  return {
    actor: filters.actor?.trim() || undefined,
    actorKind: filters.actorKind,
    action: filters.action || undefined,
    targetId: filters.target?.trim() || undefined,
    from: filters.from ? new Date(filters.from * 1000) : undefined,
    to: filters.to ? new Date(filters.to * 1000) : undefined,
  };
}

export async function findAuditLog(db: Db, merchantId: string, limit: number, cursor?: string, filters: AuditLogFilters = {}) {
  let before: { created_at: Date; id: string } | undefined;
  if (cursor) {
    const { key, id } = decodeCursor(cursor, 'created', 'desc', AUDIT_CURSOR);
    if (!id.startsWith('aud_')) throw new PaymentError('invalid_request', AUDIT_CURSOR.invalid, { param: AUDIT_CURSOR.param });
    before = { created_at: new Date(key), id };
  }
  const rows = await repo.findAudit(db, merchantId, limit + 1, before, toFilter(filters));
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    entries: page.map(toAuditEntryDto),
    nextCursor: rows.length > limit && last ? encodeCursor({ sort: 'created', dir: 'desc', key: new Date(last.created_at).toISOString(), id: last.id, before: false }) : null,
  };
}

type AuditRow = Awaited<ReturnType<typeof repo.findAudit>>[number];

function apiKeyActor(r: AuditRow): AuditApiKeyActor | null {
  if (!r.api_key_id) return null;
  return { id: r.api_key_id, type: r.api_key_type, name: r.api_key_name, redacted: r.api_key_prefix && r.api_key_last4 ? `${r.api_key_prefix}••••${r.api_key_last4}` : null };
}

function toAuditEntryDto(r: AuditRow): AuditEntryDto {
  return {
    id: r.id, action: r.action, targetId: r.target_id, data: r.data, livemode: r.livemode, userId: r.user_id, userEmail: r.user_email,
    apiKey: apiKeyActor(r), ip: r.ip, userAgent: r.user_agent, created: Math.floor(new Date(r.created_at).getTime() / 1000),
  };
}

/** The CSV's words for who acted: member, api_key (with the key's type, name and redacted token) or system. */
function actorColumns(r: AuditRow): [string, string] {
  const key = apiKeyActor(r);
  if (key) return ['api_key', [key.type, key.name, key.redacted].filter(Boolean).join(' ')];
  return [r.user_id ? 'member' : 'system', ''];
}

/** A cell that a spreadsheet would run as a formula is prefixed with an apostrophe (DESIGN.md §8). */
function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r\n]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const CSV_PAGE = 1000;

/**
 * Every entry matching the filters as RFC 4180 CSV (UTF-8, CRLF), newest first, times in UTC (ISO 8601). The
 * export is itself an export of who did what, so it is audited (after the rows are read: it is not in itself).
 */
export async function exportAuditLogCsv(db: Db, actor: Omit<AuditEntryInput, 'action' | 'targetId' | 'data'>, filters: AuditLogFilters = {}): Promise<string> {
  const merchantId = actor.merchantId;
  const lines = [['id', 'created_utc', 'action', 'actor_email', 'actor_id', 'target_id', 'changes', 'mode', 'ip', 'user_agent', 'actor_type', 'api_key'].join(',')];
  let before: { created_at: Date; id: string } | undefined;
  for (;;) {
    const rows = await repo.findAudit(db, merchantId, CSV_PAGE, before, toFilter(filters));
    for (const r of rows) {
      lines.push([
        r.id, new Date(r.created_at).toISOString(), r.action, r.user_email, r.user_id ?? r.api_key_id, r.target_id, r.data,
        r.livemode === null ? '' : r.livemode ? 'live' : 'test', r.ip, r.user_agent, ...actorColumns(r),
      ].map(csvCell).join(','));
    }
    if (rows.length < CSV_PAGE) break;
    const last = rows.at(-1)!;
    before = { created_at: new Date(last.created_at), id: last.id };
  }
  await recordAudit(db, { ...actor, action: 'audit_log.exported', targetId: merchantId, data: { filters, entries: lines.length - 1 } });
  return `${lines.join('\r\n')}\r\n`;
}
