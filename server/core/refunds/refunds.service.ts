import type { RawBuilder } from 'kysely';
import { mergeMetadata, searchParams, type ListResult, type SearchParamsInput, type SearchResult } from '../../../shared/contracts/common.js';
import {
  createRefundParams,
  listRefundsParams,
  refundableAmount,
  updateRefundParams,
  type CreateRefundInput,
  type ListRefundsInput,
  type RefundDto,
  type UpdateRefundInput,
} from '../../../shared/contracts/refunds.js';
import { notFound, PaymentError } from '../../../shared/errors.js';
import { newId } from '../../../shared/ids.js';
import type { Executor } from '../../db/database.js';
import type { Row } from '../../db/schema.js';
import { checkMetadataSize, diffAttributes } from '../customers/customers.service.js';
import { refuseRefundOfDisputedPayment } from '../disputes/disputes.service.js';
import { emitEvent, emitEvents } from '../events/events.service.js';
import { findUserEmails } from '../accounts/accounts.repository.js';
import * as intentsRepo from '../payment-intents/payment-intents.repository.js';
import { testCardProcessor } from '../payment-intents/test-cards.js';
import { toProcessorCard } from '../payment-methods/payment-methods.service.js';
import type { Actor, CoreDeps, Scope } from '../shared/deps.js';
import { findPage, findSearchPage } from '../shared/keyset.repository.js';
import { parseParams } from '../shared/params.js';
import { compileSearchText } from '../shared/search.repository.js';
import { inTransaction, toUnix } from '../shared/tx.js';
import * as repo from './refunds.repository.js';
import { recordBalanceTransaction } from '../balance/balance.service.js';
import * as chargesRepo from '../charges/charges.repository.js';
import { toChargeDto } from '../charges/charges.service.js';

/** How long a refund stays pending before the job settles it (a bank would take days; tests want seconds). */
const REFUND_SETTLE_DELAY_MS = 2_000;

export function toRefundDto(row: Row<'refunds'>): RefundDto {
  return {
    id: row.id,
    object: 'refund',
    amount: Number(row.amount),
    balance_transaction: row.balance_transaction_id,
    charge: row.charge_id,
    created: toUnix(row.created_at),
    currency: row.currency,
    customer: row.customer_id,
    customer_account: null,
    destination_details: null,
    failure_reason: row.failure_reason,
    metadata: (row.metadata ?? {}) as Record<string, string>,
    payment_intent: row.payment_intent_id,
    payment_method: row.payment_method_id,
    reason: row.reason,
    receipt_number: null,
    source_transfer_reversal: null,
    status: row.status,
    transfer_reversal: null,
  };
}

function notRefundable(intent: Row<'payment_intents'>): PaymentError {
  const message =
    intent.status === 'requires_capture'
      ? `PaymentIntent ${intent.id} has not been captured yet, so there is nothing to refund. Cancel it to release the authorization instead.`
      : intent.status === 'canceled'
        ? `PaymentIntent ${intent.id} was canceled, so there is nothing to refund.`
        : `PaymentIntent ${intent.id} has no successful payment to refund (its status is ${intent.status}).`;
  return new PaymentError('charge_not_refundable', message, { param: 'payment_intent' });
}

/**
 * Locks the payment intent row, so concurrent refunds of one payment queue up and each sees the
 * refunds committed before it: the total can never exceed what was received.
 */
export async function createRefund(deps: CoreDeps, actor: Actor, input: CreateRefundInput, tx?: Executor): Promise<RefundDto> {
  const params = parseParams(createRefundParams, input);
  return inTransaction(deps, tx, async (t) => {
    const intent = await intentsRepo.getPaymentIntent(t, actor, params.payment_intent, { forUpdate: true });
    if (!intent) throw notFound('payment_intent', params.payment_intent, 'payment_intent');
    if (intent.status !== 'succeeded') throw notRefundable(intent);
    await refuseRefundOfDisputedPayment(t, actor, intent.id);
    // amount_refunded is kept in step with the refunds (a failed one gives its amount back) under this lock.
    const remaining = refundableAmount(intent);
    if (remaining <= 0) {
      throw new PaymentError('charge_already_refunded', `PaymentIntent ${intent.id} has already been refunded in full.`, { param: 'payment_intent' });
    }
    const amount = params.amount ?? remaining;
    if (amount > remaining) {
      throw new PaymentError(
        'refund_exceeds_amount',
        `Refund amount (${amount} ${intent.currency}) is greater than what is left to refund on PaymentIntent ${intent.id} (${remaining} ${intent.currency}).`,
        { param: 'amount' },
      );
    }
    // The refund leaves the balance at once (fee not returned), in this transaction.
    const balanceTransactionId = newId('balanceTransaction');
    const row = await repo.insertRefund(t, {
      id: newId('refund'),
      charge_id: intent.latest_charge_id,
      balance_transaction_id: balanceTransactionId,
      merchant_id: actor.merchantId,
      livemode: actor.livemode,
      payment_intent_id: intent.id,
      customer_id: intent.customer_id,
      payment_method_id: intent.payment_method_id,
      amount,
      currency: intent.currency,
      status: 'pending',
      reason: params.reason ?? null,
      metadata: JSON.stringify(mergeMetadata({}, params.metadata ?? {})),
      note: params.note || null,
      created_by_user_id: actor.userId ?? null,
    });
    await intentsRepo.adjustAmountRefunded(t, actor, intent.id, amount);
    const charge = intent.latest_charge_id ? await chargesRepo.adjustChargeRefunded(t, actor, intent.latest_charge_id, amount) : null;
    await recordBalanceTransaction(t, actor, {
      id: balanceTransactionId,
      type: 'refund',
      reportingCategory: 'refund',
      amount: -amount,
      currency: intent.currency,
      sourceId: row.id,
      description: `Refund for ${charge?.id ?? intent.id}`,
    });
    await repo.scheduleSettlement(t, row, new Date(Date.now() + REFUND_SETTLE_DELAY_MS));
    const dto = toRefundDto(row);
    // Stripe announces the refund on the charge as well (charge.refunded), in the same transaction.
    await emitEvents(t, actor, [
      { type: 'refund.created', object: dto },
      ...(charge ? [{ type: 'charge.refunded', object: toChargeDto(charge, deps.appUrl), previousAttributes: { amount_refunded: Number(charge.amount_refunded) - amount } }] : []),
    ]);
    return dto;
  });
}

export async function getRefund(deps: CoreDeps, scope: Scope, id: string): Promise<RefundDto> {
  const row = await repo.getRefund(deps.db, scope, id);
  if (!row) throw notFound('refund', id);
  return toRefundDto(row);
}

export async function updateRefund(deps: CoreDeps, actor: Actor, id: string, input: UpdateRefundInput = {}, tx?: Executor): Promise<RefundDto> {
  const params = parseParams(updateRefundParams, input);
  return inTransaction(deps, tx, async (t) => {
    const before = await repo.getRefund(t, actor, id, { forUpdate: true });
    if (!before) throw notFound('refund', id);
    if (params.metadata === undefined) return toRefundDto(before);
    const metadata = mergeMetadata(before.metadata as Record<string, string>, params.metadata);
    checkMetadataSize(metadata);
    const row = await repo.updateRefund(t, actor, id, { metadata: JSON.stringify(metadata) });
    if (!row) throw notFound('refund', id);
    const dto = toRefundDto(row);
    const previous = diffAttributes(toRefundDto(before), dto);
    if (Object.keys(previous).length) await emitEvent(t, actor, 'refund.updated', dto, previous);
    return dto;
  });
}

export async function listRefunds(deps: CoreDeps, scope: Scope, input: ListRefundsInput = {}, url = '/v1/refunds'): Promise<ListResult<RefundDto>> {
  const params = parseParams(listRefundsParams, input);
  const query = repo.selectRefunds(deps.db, scope, { paymentIntent: params.payment_intent, status: params.status });
  const { rows, hasMore } = await findPage(deps.db, 'refunds', scope, query, params);
  return { object: 'list', data: rows.map(toRefundDto), has_more: hasMore, url };
}

export async function searchRefunds(deps: CoreDeps, scope: Scope, input: SearchParamsInput, url = '/v1/refunds/search'): Promise<SearchResult<RefundDto>> {
  const params = parseParams(searchParams, input);
  const search = compileSearchText('refunds', scope, params.query);
  const select = (condition?: RawBuilder<boolean>) => repo.selectRefunds(deps.db, scope, { condition });
  const { rows, hasMore, nextPage } = await findSearchPage(deps.db, 'refunds', select, search, params.limit, params.page);
  return { object: 'search_result', data: rows.map(toRefundDto), has_more: hasMore, next_page: nextPage, url };
}

/** Dashboard: a payment's refunds with who issued them and why. */
export async function findRefundsForPayment(deps: CoreDeps, scope: Scope, paymentIntentId: string) {
  const rows = await repo.findRefundsForIntent(deps.db, scope, paymentIntentId);
  const users = await findUserEmails(deps.db, [...new Set(rows.map((r) => r.created_by_user_id).filter((v): v is string => Boolean(v)))]);
  const emails = new Map(users.map((u) => [u.id, u.email]));
  return rows.map((r) => ({ refund: toRefundDto(r), note: r.note, created_by: r.created_by_user_id ? { id: r.created_by_user_id, email: emails.get(r.created_by_user_id) ?? null } : null }));
}

/** A lease outlives any processor call; when it lapses, the worker holding it is presumed dead. */
const REFUND_SETTLE_LEASE_MS = 60_000;

/**
 * Job (crontab sweep): settles due pending refunds with the processor, for refunds whose own
 * settle-refund job did not (yet) run. A failed refund gives its amount back to the payment
 * (amount_refunded goes down), so it can be refunded again. Returns how many it settled.
 */
export async function processPendingRefunds(deps: CoreDeps, options: { olderThanMs?: number; limit?: number; now?: Date } = {}): Promise<number> {
  const olderThan = new Date((options.now ?? new Date()).getTime() - (options.olderThanMs ?? REFUND_SETTLE_DELAY_MS));
  const limit = options.limit ?? 100;
  let processed = 0;
  // One refund at a time: each is leased (committed), sent to the processor with no transaction open, and
  // its outcome recorded in a short transaction of its own.
  while (processed < limit) {
    // Without a live connector a live refund cannot settle; it stays pending until one is configured.
    const [refund] = await repo.leaseDueRefunds(deps.db, olderThan, 1, { includeLive: Boolean(deps.liveCardProcessor), leaseMs: REFUND_SETTLE_LEASE_MS });
    if (!refund) break;
    if (await settleLeasedRefund(deps, refund)) processed++;
  }
  return processed;
}

/** Job (settle-refund, queued by createRefund): settles one refund; false when already settled or leased. */
export async function settleRefund(deps: CoreDeps, scope: Scope, refundId: string): Promise<boolean> {
  const refund = await repo.leaseRefund(deps.db, scope, refundId, REFUND_SETTLE_LEASE_MS);
  if (!refund) return false;
  return settleLeasedRefund(deps, refund);
}

async function settleLeasedRefund(deps: CoreDeps, refund: Row<'refunds'>): Promise<boolean> {
  const actor: Actor = { merchantId: refund.merchant_id, livemode: refund.livemode };
  const processor = refund.livemode ? deps.liveCardProcessor : testCardProcessor;
  if (!processor) {
    await repo.releaseRefundLease(deps.db, actor, refund.id);
    return false;
  }
  const pm = await repo.getIntentPaymentMethod(deps.db, actor, refund.payment_intent_id);
  let result: Awaited<ReturnType<typeof processor.refund>>;
  try {
    // The refund id is the processor's idempotency key, so a retry after a crash cannot refund twice.
    result = await processor.refund({
      refundId: refund.id,
      paymentIntentId: refund.payment_intent_id,
      amount: Number(refund.amount),
      currency: refund.currency,
      livemode: refund.livemode,
      card: pm ? toProcessorCard(pm) : null,
    });
  } catch (error) {
    await repo.releaseRefundLease(deps.db, actor, refund.id);
    throw error;
  }
  const before = toRefundDto(refund);
  return deps.db.transaction().execute(async (t) => {
    if (result.status === 'succeeded') {
      const row = await repo.updateRefund(t, actor, refund.id, { status: 'succeeded', settle_lease_until: null }, 'pending');
      if (!row) return false;
      await emitEvent(t, actor, 'refund.updated', toRefundDto(row), { status: before.status });
      return true;
    }
    const failureBalanceTransactionId = newId('balanceTransaction');
    const row = await repo.updateRefund(
      t,
      actor,
      refund.id,
      { status: 'failed', failure_reason: result.failureReason, settle_lease_until: null, failure_balance_transaction_id: failureBalanceTransactionId },
      'pending',
    );
    if (!row) return false;
    await intentsRepo.adjustAmountRefunded(t, actor, refund.payment_intent_id, -Number(refund.amount));
    if (row.charge_id) await chargesRepo.adjustChargeRefunded(t, actor, row.charge_id, -Number(refund.amount));
    // The money comes back to the balance: a refund_failure transaction, as Stripe records it.
    await recordBalanceTransaction(t, actor, {
      id: failureBalanceTransactionId,
      type: 'refund_failure',
      reportingCategory: 'refund_failure',
      amount: Number(refund.amount),
      currency: refund.currency,
      sourceId: refund.id,
      description: `Refund ${refund.id} failed`,
    });
    const dto = toRefundDto(row);
    const previousAttributes = { status: before.status, failure_reason: before.failure_reason };
    await emitEvents(t, actor, [
      { type: 'refund.updated', object: dto, previousAttributes },
      { type: 'refund.failed', object: dto, previousAttributes },
    ]);
    return true;
  });
}
