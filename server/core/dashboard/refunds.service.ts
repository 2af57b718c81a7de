import { refundListFilters, type CursorPage, type RefundDetail, type RefundListFiltersInput, type RefundListItem } from '../../../shared/contracts/dashboard.js';
import { notFound } from '../../../shared/errors.js';
import { findRefundsForPayment } from '../refunds/refunds.service.js';
import type { CoreDeps, Scope } from '../shared/deps.js';
import { toUnix } from '../shared/tx.js';
import { decodeCursor, pageFromRows } from '../shared/pagination.js';
import * as repo from './refunds.repository.js';
import { findPaymentRowsByIds } from './payments.repository.js';
import { toPaymentListItems } from './payments.service.js';
import { findUserEmails } from '../accounts/accounts.repository.js';

async function toRefundListItems(deps: CoreDeps, scope: Scope, rows: repo.RefundListRow[]): Promise<RefundListItem[]> {
  const [payers, users] = await Promise.all([
    repo.findPayerEmails(deps.db, scope, [...new Set(rows.map((r) => r.payment_intent_id))]),
    findUserEmails(deps.db, [...new Set(rows.map((r) => r.created_by_user_id).filter((v): v is string => Boolean(v)))]),
  ]);
  const payerEmail = new Map(payers.map((p) => [p.id, p.email]));
  const userEmail = new Map(users.map((u) => [u.id, u.email]));
  return rows.map((r) => ({
    id: r.id,
    amount: Number(r.amount),
    currency: r.currency,
    status: r.status,
    reason: r.reason,
    failureReason: r.failure_reason,
    note: r.note,
    paymentIntentId: r.payment_intent_id,
    customerEmail: payerEmail.get(r.payment_intent_id) ?? null,
    createdByEmail: r.created_by_user_id ? (userEmail.get(r.created_by_user_id) ?? null) : null,
    created: toUnix(r.created_at),
    livemode: r.livemode,
  }));
}

export async function findRefunds(deps: CoreDeps, scope: Scope, timezone: string, input: RefundListFiltersInput): Promise<CursorPage<RefundListItem>> {
  const f = refundListFilters.parse(input);
  const cursor = f.cursor ? decodeCursor(f.cursor, f.sort, f.dir) : undefined;
  const rows = await repo.findRefundRows(deps.db, scope, timezone, f, { sort: f.sort, dir: f.dir, limit: f.limit, cursor });
  const page = pageFromRows(rows, f.limit, f.sort, f.dir, cursor);
  return { items: await toRefundListItems(deps, scope, page.rows), nextCursor: page.nextCursor, prevCursor: page.prevCursor };
}

export async function getRefundDetail(deps: CoreDeps, scope: Scope, id: string): Promise<RefundDetail> {
  const row = await repo.getRefundRow(deps.db, scope, id);
  if (!row) throw notFound('refund', id);
  const [withAuthor, payments] = await Promise.all([
    findRefundsForPayment(deps, scope, row.payment_intent_id),
    findPaymentRowsByIds(deps.db, scope, [row.payment_intent_id]),
  ]);
  const entry = withAuthor.find((r) => r.refund.id === id);
  const [payment] = await toPaymentListItems(deps, scope, payments);
  if (!entry || !payment) throw notFound('refund', id);
  return { ...entry, payment };
}
