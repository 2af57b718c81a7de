import type { AuditAction } from '../../../shared/audit.js';
import { PaymentError } from '../../../shared/errors.js';
import { newId } from '../../../shared/ids.js';
import type { Db, Executor } from '../../db/database.js';
import { decodeCursor, encodeCursor, type CursorParam } from '../shared/pagination.js';
import * as repo from './accounts.repository.js';

/** The append-only audit log of a merchant: written in the transaction of the change it records. */
export async function recordAudit(db: Executor, entry: { merchantId: string; livemode?: boolean | null; userId?: string | null; action: AuditAction; targetId?: string | null; data?: Record<string, unknown>; ip?: string | null }) {
  await repo.insertAudit(db, {
    id: newId('audit'), merchant_id: entry.merchantId, livemode: entry.livemode ?? null, user_id: entry.userId ?? null,
    action: entry.action, target_id: entry.targetId ?? null, data: JSON.stringify(entry.data ?? {}) as never, ip: entry.ip ?? null,
  });
}

/** A change to a user (not to one merchant): written to the audit log of every merchant the user belongs to. */
export async function recordUserAudit(db: Executor, userId: string, entry: { action: AuditAction; targetId?: string | null; data?: Record<string, unknown>; ip?: string | null }) {
  for (const { merchant_id } of await repo.findMerchantIdsOfUser(db, userId)) {
    await recordAudit(db, { ...entry, merchantId: merchant_id, userId });
  }
}

const AUDIT_CURSOR: CursorParam = { param: 'cursor', invalid: 'This audit log cursor is not valid.' };

export async function findAuditLog(db: Db, merchantId: string, limit: number, cursor?: string) {
  let before: { created_at: Date; id: string } | undefined;
  if (cursor) {
    const { key, id } = decodeCursor(cursor, 'created', 'desc', AUDIT_CURSOR);
    if (!id.startsWith('aud_')) throw new PaymentError('invalid_request', AUDIT_CURSOR.invalid, { param: AUDIT_CURSOR.param });
    before = { created_at: new Date(key), id };
  }
  const rows = await repo.findAudit(db, merchantId, limit + 1, before);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    entries: page.map((r) => ({
      id: r.id, action: r.action, targetId: r.target_id, data: r.data, livemode: r.livemode, userEmail: r.user_email,
      created: Math.floor(new Date(r.created_at).getTime() / 1000),
    })),
    nextCursor: rows.length > limit && last ? encodeCursor({ sort: 'created', dir: 'desc', key: new Date(last.created_at).toISOString(), id: last.id, before: false }) : null,
  };
}
