import type { z } from 'zod';
import { refundListFilters, type CursorPage, type RefundDetail, type RefundListFiltersInput, type RefundListItem } from '../../../shared/contracts/dashboard.js';
import { notFound, PaymentError } from '../../../shared/errors.js';
import { idKind } from '../../../shared/ids.js';
import { isSupportedCurrency, parseMajorUnits } from '../../../shared/money.js';
import { findRefundsForPayment } from '../refunds/refunds.service.js';
import type { CoreDeps, Scope } from '../shared/deps.js';
import { toUnix } from '../shared/tx.js';
import { decodeCursor, pageFromRows } from '../shared/cursor.js';
import * as repo from './refunds.repository.js';
import { findPaymentRowsByIds } from './payments.repository.js';
import { requireSubstring, toPaymentListItems } from './payments.service.js';
import { parseSearch } from '../shared/search.repository.js';
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

/**
 * Reads the Refunds search box: a refund id, a payment id, an amount in the list's currency, a query in the
 * search language (anything with an operator), or part of the payer's email (3+ characters).
 */
function classifyRefundSearch(text: string | undefined, currency: string | undefined): { search?: repo.RefundSearch; amount?: number } {
  const q = text?.trim() ?? '';
  if (!q) return {};
  const kind = /^[a-z]+_[A-Za-z0-9]+$/.test(q) ? idKind(q) : null;
  if (kind === 'refund') return { search: { kind: 'id', value: q } };
  if (kind === 'paymentIntent') return { search: { kind: 'payment', value: q } };
  if (/^[\d.,]+$/.test(q)) {
    if (!currency || !isSupportedCurrency(currency)) throw new PaymentError('search_query_invalid', 'Choose a currency to search refunds by amount.', { param: 'q' });
    const amount = parseMajorUnits(q, currency);
    if (amount === null) throw new PaymentError('search_query_invalid', `“${q}” is not an amount in ${currency.toUpperCase()}.`, { param: 'q' });
    return { amount };
  }
  if (/[:~<>]/.test(q) && !(q.includes('@') && !/[\s:~<>"']/.test(q))) return { search: { kind: 'query', query: parseSearch('refunds', q, 'q') } };
  return { search: { kind: 'payer', value: requireSubstring(q) } };
}

/** The parsed list filters with the search box read (an amount typed there narrows the amount range). */
export function refundFilters(f: z.output<typeof refundListFilters>): repo.RefundFilters {
  const { search, amount } = classifyRefundSearch(f.q, f.currency);
  return amount === undefined ? { ...f, search } : { ...f, amountMin: Math.max(f.amountMin ?? 0, amount), amountMax: Math.min(f.amountMax ?? amount, amount) };
}

export async function findRefunds(deps: CoreDeps, scope: Scope, timezone: string, input: RefundListFiltersInput): Promise<CursorPage<RefundListItem>> {
  const f = refundListFilters.parse(input);
  const cursor = f.cursor ? decodeCursor(f.cursor, f.sort, f.dir) : undefined;
  const rows = await repo.findRefundRows(deps.db, scope, timezone, refundFilters(f), { sort: f.sort, dir: f.dir, limit: f.limit, cursor });
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
