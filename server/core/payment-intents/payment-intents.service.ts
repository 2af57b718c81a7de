/** Payment intents' lifecycle: create, read, update, confirm, capture and cancel. */
import { mergeMetadata } from '../../../shared/contracts/common.js';
import {
  cancelPaymentIntentParams,
  capturePaymentIntentParams,
  confirmPaymentIntentParams,
  createPaymentIntentParams,
  updatePaymentIntentParams,
  type CancelPaymentIntentInput,
  type CapturePaymentIntentInput,
  type ConfirmPaymentIntentInput,
  type CreatePaymentIntentInput,
  type PaymentIntentDto,
  type UpdatePaymentIntentInput,
  REDIRECT_URL_PARAMS,
} from '../../../shared/contracts/payment-intents.js';
import { notFound, PaymentError } from '../../../shared/errors.js';
import { newId, randomString } from '../../../shared/ids.js';
import { currencyInfo, toMajorUnitString } from '../../../shared/money.js';
import { CANCELABLE_STATUSES, CONFIRMABLE_STATUSES, PAYMENT_INTENT_STATUSES } from '../../../shared/status.js';
import type { Executor } from '../../db/database.js';
import type { Row, RowUpdate } from '../../db/schema.js';
import { chargeLedgerEntry, recordChargeBalanceTransaction } from '../balance/balance.service.js';
import * as chargesRepo from '../charges/charges.repository.js';
import { checkMetadataSize, requireLiveCustomer } from '../customers/customers.service.js';
import { openTestDispute, testDisputeFor } from '../disputes/disputes.service.js';
import { buildEventRows, emitEvent, type EventToEmit } from '../events/events.service.js';
import {
  getPaymentMethodRow,
  precheckPaymentMethodInput,
  preparePaymentMethod,
  resolvePaymentMethod,
} from '../payment-methods/payment-methods.service.js';
import { safeEqual } from '../shared/crypto.js';
import type { Actor, CoreDeps, Scope } from '../shared/deps.js';
import { parseParams } from '../shared/params.js';
import { inTransaction } from '../shared/tx.js';
import { toPaymentIntentDto } from './payment-intents.dto.js';
import * as repo from './payment-intents.repository.js';
import { testCardNumberFor } from './test-cards.js';
import { applyToExistingIntent, planConfirmation, processorFor, unexpectedState, type ConfirmationPlan } from './confirmation-plan.js';

export { toPaymentIntentDto };

/** An unconfirmed intent expires (canceled as abandoned) this long after it was created. */
export const INTENT_LIFETIME_MS = 60 * 60 * 1000;

function newClientSecret(id: string) {
  return `${id}_secret_${randomString(24)}`;
}

interface NewIntentFields {
  id: string;
  amount: number;
  currency: string;
  status: string;
  createdAt: Date;
  captureMethod?: string;
  confirmationMethod?: string;
  customerId?: string | null;
  paymentMethodId?: string | null;
  description?: string | null;
  metadata?: Record<string, string>;
  receiptEmail?: string | null;
  statementDescriptor?: string | null;
  successUrl?: string | null;
  cancelUrl?: string | null;
  /** Default: INTENT_LIFETIME_MS after creation (a checkout session's intent lives as long as the session). */
  expiresAt?: Date;
}

/** A new intent row as the core writes it (also used by the demo history, so both stay identical). */
export function newPaymentIntentRow(scope: Scope, f: NewIntentFields): Row<'payment_intents'> {
  return {
    id: f.id,
    merchant_id: scope.merchantId,
    livemode: scope.livemode,
    amount: f.amount,
    currency: f.currency,
    status: f.status,
    capture_method: f.captureMethod ?? 'automatic',
    confirmation_method: f.confirmationMethod ?? 'automatic',
    customer_id: f.customerId ?? null,
    payment_method_id: f.paymentMethodId ?? null,
    description: f.description ?? null,
    metadata: f.metadata ?? {},
    receipt_email: f.receiptEmail ?? null,
    statement_descriptor: f.statementDescriptor ?? null,
    client_secret: newClientSecret(f.id),
    amount_capturable: 0,
    amount_received: 0,
    amount_refunded: 0,
    canceled_at: null,
    cancellation_reason: null,
    last_payment_error: null,
    next_action: null,
    card_brand: null,
    card_last4: null,
    card_fingerprint: null,
    failed_attempts: 0,
    success_url: f.successUrl ?? null,
    cancel_url: f.cancelUrl ?? null,
    expires_at: f.expiresAt ?? new Date(f.createdAt.getTime() + INTENT_LIFETIME_MS),
    created_at: f.createdAt,
    updated_at: f.createdAt,
    latest_charge_id: null,
  };
}

/**
 * True for the card_error thrown after a decline was committed (or written into the caller's
 * transaction, which the caller must then commit).
 */
export function isPersistedDecline(error: unknown): error is PaymentError {
  return error instanceof PaymentError && error.type === 'card_error' && Boolean(error.extra?.payment_intent);
}

function checkAmount(amount: number, currency: string, param = 'amount') {
  const { minimum } = currencyInfo(currency);
  if (amount < minimum) {
    throw new PaymentError('amount_too_small', `Amount must be at least ${toMajorUnitString(minimum, currency)} ${currency}.`, { param });
  }
}

export async function lockIntent(t: Executor, scope: Scope, id: string) {
  const row = await repo.getPaymentIntent(t, scope, id, { forUpdate: true });
  if (!row) throw notFound('payment_intent', id);
  return row;
}

/** Commits (or leaves in the caller's transaction) and only then surfaces a decline. */
async function finish(deps: CoreDeps, tx: Executor | undefined, work: (t: Executor) => Promise<ConfirmationPlan>): Promise<PaymentIntentDto> {
  const outcome = await inTransaction(deps, tx, work);
  if (outcome.decline) throw outcome.decline;
  return outcome.dto;
}

/** The contracts take only absolute http(s) URLs; a live buyer is only ever sent to https. */
export function checkRedirectUrls(actor: Actor, params: Partial<Record<(typeof REDIRECT_URL_PARAMS)[number], string>>) {
  if (!actor.livemode) return;
  for (const param of REDIRECT_URL_PARAMS) {
    const value = params[param];
    if (value !== undefined && new URL(value).protocol !== 'https:') {
      throw new PaymentError('url_invalid', `Invalid URL for ${param}: live mode requires an https:// URL.`, { param });
    }
  }
}

export async function createPaymentIntent(
  deps: CoreDeps,
  actor: Actor,
  input: CreatePaymentIntentInput,
  tx?: Executor,
  options: { expiresAt?: Date } = {},
): Promise<PaymentIntentDto> {
  const params = parseParams(createPaymentIntentParams, input);
  checkAmount(params.amount, params.currency);
  checkRedirectUrls(actor, params);
  // A saved card named by id may be single-use: deciding that and writing the attempt must not interleave
  // with another confirmation of the same card, so that case runs in a transaction (holding the card's lock).
  if (!tx && params.confirm && params.payment_method !== undefined && !params.payment_method_data && !testCardNumberFor(params.payment_method)) {
    // A decline is written and then thrown: commit it, then surface it.
    let decline: PaymentError | undefined;
    const created = await inTransaction(deps, undefined, (t) =>
      createPaymentIntent(deps, actor, input, t).catch((error: unknown) => {
        if (!isPersistedDecline(error)) throw error;
        decline = error;
        return null;
      }),
    );
    if (decline) throw decline;
    return created!;
  }
  // Card-form mistakes are answered before anything is written, so no half-made intent is left behind
  // (matters when the caller's transaction commits card errors, as the idempotency layer does).
  if (params.confirm) {
    precheckPaymentMethodInput(actor, params);
    if (actor.livemode) processorFor(deps, actor);
  }
  // Only reads happen before the one statement that writes everything, so no transaction is needed
  // unless the caller has one.
  const db = tx ?? deps.db;
  if (params.customer) await requireLiveCustomer(db, actor, params.customer);
  const given = params.confirm ? null : await preparePaymentMethod(deps, db, actor, params, params.customer ?? null);
  const id = newId('paymentIntent');
  const now = new Date();
  const row = newPaymentIntentRow(actor, {
    id,
    amount: params.amount,
    currency: params.currency,
    status: given ? 'requires_confirmation' : 'requires_payment_method',
    createdAt: now,
    captureMethod: params.capture_method,
    confirmationMethod: params.confirmation_method,
    customerId: params.customer,
    paymentMethodId: given?.row.id,
    description: params.description,
    metadata: mergeMetadata({}, params.metadata ?? {}),
    receiptEmail: params.receipt_email,
    statementDescriptor: params.statement_descriptor,
    successUrl: params.success_url,
    cancelUrl: params.cancel_url,
    expiresAt: options.expiresAt,
  });
  const dto = toPaymentIntentDto(row, deps.appUrl);
  const created: EventToEmit = { type: 'payment_intent.created', object: dto };
  if (!params.confirm) {
    await repo.insertPaymentIntentWithHistory(db, { paymentMethod: given?.isNew ? given.row : undefined, intent: row, events: buildEventRows(actor, [created]) });
    return dto;
  }
  // The intent is written already confirmed: the created event still carries it as it was before the
  // confirmation, followed by the confirmation's own events.
  const plan = await planConfirmation(deps, db, actor, row, params);
  await repo.insertPaymentIntentWithHistory(db, {
    paymentMethod: plan.newPaymentMethod,
    intent: plan.row,
    attempt: plan.attempt,
    charge: plan.charge,
    chargeLedger: plan.chargeLedger,
    events: buildEventRows(actor, [created, ...plan.events]),
  });
  if (plan.decline) throw plan.decline;
  // A dispute test card: the payment is written, then its cardholder disputes it.
  if (plan.testDispute) await openTestDispute(deps, actor, plan.row.id, plan.testDispute, tx);
  return plan.dto;
}

export async function getPaymentIntent(deps: CoreDeps, scope: Scope, id: string, options: { clientSecret?: string } = {}): Promise<PaymentIntentDto> {
  const row = await repo.getPaymentIntent(deps.db, scope, id);
  if (!row || (options.clientSecret !== undefined && !safeEqual(options.clientSecret, row.client_secret))) throw notFound('payment_intent', id);
  return toPaymentIntentDto(row, deps.appUrl);
}

/** Fields that change what would be charged: only before confirmation. */
const PRE_CONFIRMATION_FIELDS = ['amount', 'currency', 'customer', 'payment_method', 'statement_descriptor', 'capture_method', 'payment_method_types'] as const;

export async function updatePaymentIntent(deps: CoreDeps, actor: Actor, id: string, input: UpdatePaymentIntentInput, tx?: Executor): Promise<PaymentIntentDto> {
  const params = parseParams(updatePaymentIntentParams, input);
  return inTransaction(deps, tx, async (t) => {
    const row = await lockIntent(t, actor, id);
    const restricted = PRE_CONFIRMATION_FIELDS.some((f) => params[f] !== undefined);
    const allowed: readonly string[] = restricted ? CONFIRMABLE_STATUSES : PAYMENT_INTENT_STATUSES;
    if (!allowed.includes(row.status)) throw unexpectedState(row, 'update', allowed);
    const changes: RowUpdate<'payment_intents'> = {};
    if (params.amount !== undefined || params.currency !== undefined) {
      const amount = params.amount ?? Number(row.amount);
      const currency = params.currency ?? row.currency;
      checkAmount(amount, currency);
      changes.amount = amount;
      changes.currency = currency;
    }
    if (params.customer !== undefined) {
      if (params.customer) await requireLiveCustomer(t, actor, params.customer);
      changes.customer_id = params.customer || null;
    }
    if (params.description !== undefined) changes.description = params.description || null;
    if (params.receipt_email !== undefined) changes.receipt_email = params.receipt_email || null;
    if (params.statement_descriptor !== undefined) changes.statement_descriptor = params.statement_descriptor || null;
    if (params.capture_method !== undefined) changes.capture_method = params.capture_method;
    if (params.metadata !== undefined) {
      const metadata = mergeMetadata(row.metadata as Record<string, string>, params.metadata);
      checkMetadataSize(metadata);
      changes.metadata = JSON.stringify(metadata);
    }
    if (params.payment_method !== undefined) {
      const pm = await resolvePaymentMethod(deps, t, actor, { payment_method: params.payment_method }, row.customer_id, { intentId: row.id });
      changes.payment_method_id = pm?.id ?? null;
      changes.status = 'requires_confirmation';
    }
    if (!Object.keys(changes).length) return toPaymentIntentDto(row, deps.appUrl);
    const updated = await repo.transitionPaymentIntent(t, actor, id, allowed, changes);
    if (!updated) throw unexpectedState(row, 'update', allowed);
    return toPaymentIntentDto(updated, deps.appUrl);
  });
}

export async function confirmPaymentIntent(deps: CoreDeps, actor: Actor, id: string, input: ConfirmPaymentIntentInput = {}, tx?: Executor): Promise<PaymentIntentDto> {
  const params = parseParams(confirmPaymentIntentParams, input);
  checkRedirectUrls(actor, params);
  return finish(deps, tx, async (t) => {
    const row = await lockIntent(t, actor, id);
    if (params.client_secret !== undefined && !safeEqual(params.client_secret, row.client_secret)) throw notFound('payment_intent', id);
    let current = row;
    if (params.capture_method && params.capture_method !== row.capture_method) {
      const updated = await repo.transitionPaymentIntent(t, actor, id, CONFIRMABLE_STATUSES, { capture_method: params.capture_method });
      if (!updated) throw unexpectedState(row, 'confirm', CONFIRMABLE_STATUSES);
      current = updated;
    }
    const plan = await planConfirmation(deps, t, actor, current, params);
    await applyToExistingIntent(deps, t, actor, current, plan, { fromStatuses: CONFIRMABLE_STATUSES, attempt: 'insert' });
    if (plan.testDispute) await openTestDispute(deps, actor, id, plan.testDispute, t);
    return plan;
  });
}

export async function capturePaymentIntent(deps: CoreDeps, actor: Actor, id: string, input: CapturePaymentIntentInput = {}, tx?: Executor): Promise<PaymentIntentDto> {
  const params = parseParams(capturePaymentIntentParams, input);
  return inTransaction(deps, tx, async (t) => {
    const row = await lockIntent(t, actor, id);
    if (row.status !== 'requires_capture') throw unexpectedState(row, 'capture', ['requires_capture']);
    const capturable = Number(row.amount_capturable);
    const amount = params.amount_to_capture ?? capturable;
    if (amount > capturable) {
      throw new PaymentError('invalid_request', `amount_to_capture (${amount}) must be less than or equal to the amount_capturable of this PaymentIntent (${capturable}).`, { param: 'amount_to_capture' });
    }
    checkAmount(amount, row.currency, 'amount_to_capture');
    const changes: RowUpdate<'payment_intents'> = { status: 'succeeded', amount_received: amount, amount_capturable: 0 };
    if (params.metadata !== undefined) {
      const metadata = mergeMetadata(row.metadata as Record<string, string>, params.metadata);
      checkMetadataSize(metadata);
      changes.metadata = JSON.stringify(metadata);
    }
    const updated = await repo.transitionPaymentIntent(t, actor, id, ['requires_capture'], changes);
    if (!updated) throw unexpectedState(row, 'capture', ['requires_capture']);
    if (updated.latest_charge_id) {
      // The captured amount reaches the balance now, with its fee, in this transaction.
      const entry = chargeLedgerEntry({ id: updated.latest_charge_id, amount_captured: amount, currency: updated.currency, description: updated.description }, new Date());
      await recordChargeBalanceTransaction(t, actor, entry);
      await chargesRepo.updateCharge(t, actor, updated.latest_charge_id, { captured: true, amount_captured: amount, balance_transaction_id: entry.id });
    }
    const dto = toPaymentIntentDto(updated, deps.appUrl);
    await emitEvent(t, actor, 'payment_intent.succeeded', dto);
    // A manually captured dispute test card is disputed once captured.
    const pm = !actor.livemode && updated.payment_method_id ? await getPaymentMethodRow(t, actor, updated.payment_method_id) : undefined;
    const testDispute = testDisputeFor(pm?.test_behavior);
    if (testDispute) await openTestDispute(deps, actor, id, testDispute, t);
    return dto;
  });
}

export async function cancelLocked(deps: CoreDeps, t: Executor, actor: Actor, row: Row<'payment_intents'>, reason: string | null): Promise<PaymentIntentDto> {
  if (!(CANCELABLE_STATUSES as readonly string[]).includes(row.status)) throw unexpectedState(row, 'cancel', CANCELABLE_STATUSES);
  const updated = await repo.transitionPaymentIntent(t, actor, row.id, CANCELABLE_STATUSES, {
    status: 'canceled',
    canceled_at: new Date(),
    cancellation_reason: reason,
    amount_capturable: 0,
    next_action: null,
  });
  if (!updated) throw unexpectedState(row, 'cancel', CANCELABLE_STATUSES);
  const dto = toPaymentIntentDto(updated, deps.appUrl);
  await emitEvent(t, actor, 'payment_intent.canceled', dto);
  return dto;
}

export async function cancelPaymentIntent(deps: CoreDeps, actor: Actor, id: string, input: CancelPaymentIntentInput = {}, tx?: Executor): Promise<PaymentIntentDto> {
  const params = parseParams(cancelPaymentIntentParams, input);
  return inTransaction(deps, tx, async (t) => cancelLocked(deps, t, actor, await lockIntent(t, actor, id), params.cancellation_reason ?? null));
}
