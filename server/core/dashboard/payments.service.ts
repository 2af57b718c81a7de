import type {
  JumpTarget,
  PaymentDetail,
  PaymentListFiltersInput,
  PaymentListItem,
  PaymentListResult,
  PaymentRefundInput,
} from '../../../shared/contracts/dashboard.js';
import { paymentCancelInput, paymentCaptureInput, paymentListFilters, paymentRefundInput } from '../../../shared/contracts/dashboard.js';
import { refundableAmount, type RefundDto } from '../../../shared/contracts/refunds.js';
import { notFound, PaymentError } from '../../../shared/errors.js';
import { idKind } from '../../../shared/ids.js';
import { paymentIntentOfSession, sessionOfIntent } from '../checkout-sessions/intent-hooks.js';
import { intentDisplayStatus, paymentDisplayStatus } from '../../../shared/payment-display-status.js';
import { MIN_SUBSTRING_LENGTH } from '../../../shared/search/index.js';
import type { z } from 'zod';
import { auditOf } from '../accounts/audit-entries.js';
import { recordAudit } from '../accounts/audit.service.js';
import * as customersRepo from '../customers/customers.repository.js';
import { toPaymentIntentDto } from '../payment-intents/payment-intents.dto.js';
import * as intentsRepo from '../payment-intents/payment-intents.repository.js';
import { cancelPaymentIntent, capturePaymentIntent } from '../payment-intents/payment-intents.service.js';
import { countPaymentsByFingerprint, findPaymentAttempts } from '../payment-intents/payment-intents-queries.service.js';
import { buildPaymentTimeline } from '../payment-intents/timeline.service.js';
import { getPaymentMethodRow } from '../payment-methods/payment-methods.service.js';
import { createRefund, findRefundsForPayment } from '../refunds/refunds.service.js';
import type { Actor, CoreDeps, Scope } from '../shared/deps.js';
import { toUnix } from '../shared/tx.js';
import { decodeCursor, pageFromRows } from '../shared/cursor.js';
import { parseSearch } from '../shared/search.repository.js';
import * as lookupRepo from './lookup.repository.js';
import * as repo from './payments.repository.js';

/** What a search box entry means; an object id is not a filter but a place to go. */
type ClassifiedSearch = { kind: 'id'; type: 'payment' | 'customer' | 'refund' | 'checkout_session'; id: string } | repo.PaymentSearch;

const ID_TYPES = { paymentIntent: 'payment', customer: 'customer', refund: 'refund', checkoutSession: 'checkout_session' } as const;
const QUERY_OPERATOR = /[:~<>]/;

/**
 * Reads the search box: an id (pi_, cus_, re_), 4 digits (card last 4), an email or part of one,
 * a query in Stripe's search language (anything with an operator), or free text matched against the
 * description and payer email.
 */
export function classifyPaymentSearch(text: string | undefined): ClassifiedSearch | undefined {
  const q = text?.trim() ?? '';
  if (!q) return undefined;
  if (/^[a-z]+_[A-Za-z0-9]+$/.test(q)) {
    const kind = idKind(q);
    if (kind && kind in ID_TYPES) return { kind: 'id', type: ID_TYPES[kind as keyof typeof ID_TYPES], id: q };
  }
  if (/^\d{4}$/.test(q)) return { kind: 'last4', value: q };
  if (q.includes('@') && !/[\s:~<>"']/.test(q)) return { kind: 'email', value: requireSubstring(q) };
  if (QUERY_OPERATOR.test(q)) return { kind: 'query', query: parseSearch('payment_intents', q, 'q') };
  return { kind: 'text', value: requireSubstring(q) };
}

export function requireSubstring(value: string): string {
  if (value.length < MIN_SUBSTRING_LENGTH) {
    throw new PaymentError('search_query_invalid', `Type at least ${MIN_SUBSTRING_LENGTH} characters to search.`, { param: 'q' });
  }
  return value;
}

export async function toPaymentListItems(deps: CoreDeps, scope: Scope, rows: repo.PaymentListRow[]): Promise<PaymentListItem[]> {
  const customerIds = [...new Set(rows.map((r) => r.customer_id).filter((v): v is string => Boolean(v)))];
  const customers = new Map((await repo.findCustomerEmails(deps.db, scope, customerIds)).map((c) => [c.id, c.email]));
  return rows.map((r) => ({
    id: r.id,
    amount: Number(r.amount),
    currency: r.currency,
    amountRefunded: Number(r.amount_refunded),
    status: r.status,
    displayStatus: paymentDisplayStatus({
      status: r.status,
      amountReceived: Number(r.amount_received),
      amountRefunded: Number(r.amount_refunded),
      hasPaymentError: r.has_payment_error,
      failedAttempts: r.failed_attempts,
    }),
    description: r.description,
    customerId: r.customer_id,
    customerEmail: (r.customer_id ? customers.get(r.customer_id) : null) ?? r.receipt_email,
    cardBrand: r.card_brand,
    cardLast4: r.card_last4,
    created: toUnix(r.created_at),
    livemode: r.livemode,
  }));
}

async function resolveJump(deps: CoreDeps, scope: Scope, type: 'payment' | 'customer' | 'refund' | 'checkout_session', id: string): Promise<{ jump: JumpTarget; paymentId: string | null } | null> {
  if (type === 'checkout_session') {
    // A session id finds the payment it was made for.
    const paymentId = await paymentIntentOfSession(deps.db, scope, id);
    return paymentId ? { jump: { type: 'payment', id: paymentId, path: `/payments/${paymentId}` }, paymentId } : null;
  }
  if (type === 'payment') {
    return (await lookupRepo.objectExists(deps.db, scope, 'payment_intents', id)) ? { jump: { type, id, path: `/payments/${id}` }, paymentId: id } : null;
  }
  if (type === 'customer') {
    return (await lookupRepo.objectExists(deps.db, scope, 'customers', id)) ? { jump: { type, id, path: `/customers/${id}` }, paymentId: null } : null;
  }
  const refund = await lookupRepo.getRefundPaymentId(deps.db, scope, id);
  return refund ? { jump: { type, id, path: `/refunds/${id}` }, paymentId: refund.payment_intent_id } : null;
}

export async function findPayments(deps: CoreDeps, scope: Scope, timezone: string, input: PaymentListFiltersInput): Promise<PaymentListResult> {
  const f = paymentListFilters.parse(input);
  const search = classifyPaymentSearch(f.q);
  if (search?.kind === 'id') {
    // An id wins over every other filter: whoever pastes one wants that object, whatever the date range.
    const found = await resolveJump(deps, scope, search.type, search.id);
    if (!found) return { items: [], nextCursor: null, prevCursor: null };
    const rows = found.paymentId ? await repo.findPaymentRowsByIds(deps.db, scope, [found.paymentId]) : [];
    return { items: await toPaymentListItems(deps, scope, rows), nextCursor: null, prevCursor: null, jumpTo: found.jump };
  }
  const cursor = f.cursor ? decodeCursor(f.cursor, f.sort, f.dir) : undefined;
  const keyset = { sort: f.sort, dir: f.dir, limit: f.limit, cursor };
  const { rows, end } = await repo.findPaymentRows(deps.db, scope, timezone, { ...f, search }, keyset);
  const page = pageFromRows(rows, f.limit, f.sort, f.dir, cursor, end);
  return { items: await toPaymentListItems(deps, scope, page.rows), nextCursor: page.nextCursor, prevCursor: page.prevCursor };
}

/** Everything the payment page shows, in one round trip. */
export async function getPaymentDetail(deps: CoreDeps, scope: Scope, id: string): Promise<PaymentDetail> {
  const row = await intentsRepo.getPaymentIntent(deps.db, scope, id);
  if (!row) throw notFound('payment', id);
  const payment = toPaymentIntentDto(row, deps.appUrl);
  const [refunds, attempts, method, customer, checkoutSession] = await Promise.all([
    findRefundsForPayment(deps, scope, id),
    findPaymentAttempts(deps, scope, id),
    row.payment_method_id ? getPaymentMethodRow(deps.db, scope, row.payment_method_id) : Promise.resolve(undefined),
    row.customer_id ? customersRepo.getCustomer(deps.db, scope, row.customer_id) : Promise.resolve(undefined),
    sessionOfIntent(deps.db, scope, id),
  ]);
  const timeline = await buildPaymentTimeline(deps, scope, id, attempts, refunds);
  const fingerprint = method?.card_fingerprint ?? row.card_fingerprint;
  const usage = fingerprint ? await countPaymentsByFingerprint(deps, scope, fingerprint) : null;
  const brand = method?.card_brand ?? row.card_brand;
  const last4 = method?.card_last4 ?? row.card_last4;
  return {
    payment,
    displayStatus: intentDisplayStatus(payment, row.failed_attempts),
    refundable: refundableAmount(payment),
    refunds,
    timeline,
    attempts,
    paymentMethod:
      brand && last4
        ? {
            brand,
            last4,
            expMonth: method?.card_exp_month ?? null,
            expYear: method?.card_exp_year ?? null,
            funding: method?.card_funding ?? null,
            country: method?.card_country ?? null,
            fingerprint: fingerprint ?? null,
            usage: usage && { payments: usage.payments, succeeded: usage.succeeded, failedAttempts: usage.failed_attempts },
          }
        : null,
    customer: customer ? { id: customer.id, email: customer.email, name: customer.name, deleted: customer.deleted_at !== null } : null,
    checkoutSession,
  };
}

/** The core decides what may be refunded (and serialises concurrent refunds); the dashboard records who and why. */
export async function refundPayment(deps: CoreDeps, actor: Actor, input: PaymentRefundInput): Promise<{ refund: RefundDto; detail: PaymentDetail }> {
  const params = paymentRefundInput.parse(input);
  const refund = await deps.db.transaction().execute(async (tx) => {
    const created = await createRefund(deps, actor, { payment_intent: params.id, amount: params.amount, reason: params.reason, note: params.note }, tx);
    await recordAudit(tx, { ...actor, ...auditOf.refundCreated(created) });
    return created;
  });
  return { refund, detail: await getPaymentDetail(deps, actor, params.id) };
}

export async function capturePayment(deps: CoreDeps, actor: Actor, input: z.input<typeof paymentCaptureInput>): Promise<PaymentDetail> {
  const params = paymentCaptureInput.parse(input);
  await deps.db.transaction().execute(async (tx) => {
    const captured = await capturePaymentIntent(deps, actor, params.id, params.amount === undefined ? {} : { amount_to_capture: params.amount }, tx);
    await recordAudit(tx, { ...actor, ...auditOf.captured(captured) });
  });
  return getPaymentDetail(deps, actor, params.id);
}

export async function cancelPayment(deps: CoreDeps, actor: Actor, input: z.input<typeof paymentCancelInput>): Promise<PaymentDetail> {
  const params = paymentCancelInput.parse(input);
  await deps.db.transaction().execute(async (tx) => {
    const canceled = await cancelPaymentIntent(deps, actor, params.id, params.reason ? { cancellation_reason: params.reason } : {}, tx);
    await recordAudit(tx, { ...actor, ...auditOf.canceled(canceled) });
  });
  return getPaymentDetail(deps, actor, params.id);
}
