import type { RawBuilder } from 'kysely';
import { mergeMetadata, searchParams, type ListResult, type SearchParamsInput, type SearchResult } from '../../../shared/contracts/common.js';
import {
  cancelPaymentIntentParams,
  capturePaymentIntentParams,
  confirmPaymentIntentParams,
  createPaymentIntentParams,
  listPaymentIntentsParams,
  updatePaymentIntentParams,
  type CancelPaymentIntentInput,
  type CapturePaymentIntentInput,
  type ConfirmPaymentIntentInput,
  type CreatePaymentIntentInput,
  type ListPaymentIntentsInput,
  type PaymentIntentDto,
  type PaymentMethodDataParam,
  type UpdatePaymentIntentInput,
  REDIRECT_URL_PARAMS,
} from '../../../shared/contracts/payment-intents.js';
import { notFound, PaymentError } from '../../../shared/errors.js';
import { newId, randomString } from '../../../shared/ids.js';
import { currencyInfo, toMajorUnitString } from '../../../shared/money.js';
import { CANCELABLE_STATUSES, CONFIRMABLE_STATUSES, UNCONFIRMED_STATUSES } from '../../../shared/status.js';
import type { Executor } from '../../db/database.js';
import type { NewRow, Row, RowUpdate } from '../../db/schema.js';
import { checkMetadataSize, requireLiveCustomer } from '../customers/customers.service.js';
import { buildEventRows, emitEvent, type EventToEmit } from '../events/events.service.js';
import {
  getPaymentMethodRow,
  precheckPaymentMethodInput,
  preparePaymentMethod,
  refuseSpentPaymentMethod,
  resolvePaymentMethod,
  toPaymentMethodDto,
  toProcessorCard,
} from '../payment-methods/payment-methods.service.js';
import { safeEqual } from '../shared/crypto.js';
import type { Actor, CoreDeps, Scope } from '../shared/deps.js';
import { findPage, findSearchPage } from '../shared/pagination.js';
import { parseParams } from '../shared/params.js';
import { compileSearchText } from '../shared/search-sql.js';
import { inTransaction } from '../shared/tx.js';
import type { AuthorizationResult, CardProcessor } from './card-processor.js';
import { authenticationFailureError, declineError, threeDSecureNextAction, toPaymentAttemptDto, toPaymentIntentDto, type PaymentAttemptDto } from './payment-intents.dto.js';
import * as repo from './payment-intents.repository.js';
import { testCardNumberFor, testCardProcessor } from './test-cards.js';

export { toPaymentIntentDto };

/** After this many failed confirmations the intent is canceled, so a card-testing script cannot keep trying. */
export const MAX_FAILED_ATTEMPTS = 5;
export const INTENT_LIFETIME_MS = 60 * 60 * 1000;

export function newClientSecret(id: string) {
  return `${id}_secret_${randomString(24)}`;
}

export interface NewIntentFields {
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
    expires_at: new Date(f.createdAt.getTime() + INTENT_LIFETIME_MS),
    created_at: f.createdAt,
    updated_at: f.createdAt,
  };
}

/**
 * True for the card_error thrown after a decline was committed (or written into the caller's
 * transaction, which the caller must then commit).
 */
export function isPersistedDecline(error: unknown): error is PaymentError {
  return error instanceof PaymentError && error.type === 'card_error' && Boolean(error.extra?.payment_intent);
}

export function checkAmount(amount: number, currency: string, param = 'amount') {
  const { minimum } = currencyInfo(currency);
  if (amount < minimum) {
    throw new PaymentError('amount_too_small', `Amount must be at least ${toMajorUnitString(minimum, currency)} ${currency}.`, { param });
  }
}

function unexpectedState(row: { id: string; status: string }, action: string, allowed: readonly string[]) {
  return new PaymentError(
    'payment_intent_unexpected_state',
    `You cannot ${action} this PaymentIntent because it has a status of ${row.status}. Only a PaymentIntent with one of the following statuses may be ${action === 'confirm' ? 'confirmed' : action === 'capture' ? 'captured' : action === 'cancel' ? 'canceled' : 'updated'}: ${allowed.join(', ')}.`,
    { extra: { payment_intent_id: row.id } },
  );
}

function processorFor(deps: CoreDeps, scope: Scope): CardProcessor {
  if (!scope.livemode) return testCardProcessor;
  if (!deps.liveCardProcessor) {
    throw new PaymentError(
      'invalid_request',
      'Live payments need a card processor connector, and none is configured on this PaymentFlow installation. Use test mode, or configure a live connector.',
      { status: 400 },
    );
  }
  return deps.liveCardProcessor;
}

async function lockIntent(t: Executor, scope: Scope, id: string) {
  const row = await repo.getPaymentIntent(t, scope, id, { forUpdate: true });
  if (!row) throw notFound('payment_intent', id);
  return row;
}

/** Changes to an intent, typed as the row reads (JSON columns as objects); the repository serialises them. */
type IntentChanges = Partial<Row<'payment_intents'>>;

interface ConfirmInput {
  payment_method?: string;
  payment_method_data?: PaymentMethodDataParam;
  return_url?: string;
  receipt_email?: string;
}

/**
 * Everything a confirmation changes, decided in memory before anything is written (the processor's answer
 * is known by then), so the caller can write it in one statement.
 */
interface ConfirmationPlan {
  /** The intent's columns that change (JSON columns as objects). */
  changes: IntentChanges;
  /** The intent as it is after the change; its DTO is what the events carry and the caller returns. */
  row: Row<'payment_intents'>;
  dto: PaymentIntentDto;
  attempt: NewRow<'payment_attempts'>;
  events: EventToEmit[];
  decline?: PaymentError;
  /** A card given with this confirmation, not stored yet. */
  newPaymentMethod?: Row<'payment_methods'>;
}

/**
 * What the processor's answer means for the intent: the status change, the attempt and the events.
 * `attempt: 'finish'` is the answer to the 3-D Secure challenge a previous attempt left open.
 */
function planOutcome(
  deps: CoreDeps,
  actor: Actor,
  row: Row<'payment_intents'>,
  pm: Row<'payment_methods'>,
  result: AuthorizationResult | { status: 'authentication_failed' },
  options: { attempt: 'insert' | 'finish'; returnUrl?: string | null; receiptEmail?: string },
): Omit<ConfirmationPlan, 'newPaymentMethod'> {
  const card = { card_brand: pm.card_brand, card_last4: pm.card_last4, card_fingerprint: pm.card_fingerprint };
  const base: IntentChanges = { ...card, ...(options.receiptEmail ? { receipt_email: options.receiptEmail } : {}) };
  const threeDs = options.attempt === 'finish' ? (result.status === 'authentication_failed' ? 'failed' : 'authenticated') : null;
  const plan = (
    changes: IntentChanges,
    attempt: { outcome: Row<'payment_attempts'>['outcome']; failure_code?: string | null; decline_code?: string | null; failure_message?: string | null; three_d_secure?: string | null },
    events: (dto: PaymentIntentDto) => EventToEmit[],
  ) => {
    const updated: Row<'payment_intents'> = { ...row, ...base, ...changes, updated_at: new Date() };
    const dto = toPaymentIntentDto(updated, deps.appUrl);
    return {
      changes: { ...base, ...changes },
      row: updated,
      dto,
      attempt: {
        id: newId('attempt'),
        merchant_id: actor.merchantId,
        livemode: actor.livemode,
        payment_intent_id: row.id,
        payment_method_id: pm.id,
        card_brand: pm.card_brand,
        card_last4: pm.card_last4,
        card_fingerprint: pm.card_fingerprint,
        card_exp_month: pm.card_exp_month,
        card_exp_year: pm.card_exp_year,
        outcome: attempt.outcome,
        failure_code: attempt.failure_code ?? null,
        decline_code: attempt.decline_code ?? null,
        failure_message: attempt.failure_message ?? null,
        three_d_secure: attempt.three_d_secure ?? threeDs,
      },
      events: events(dto),
    };
  };

  if (result.status === 'approved') {
    const manual = row.capture_method === 'manual';
    return plan(
      {
        status: manual ? 'requires_capture' : 'succeeded',
        payment_method_id: pm.id,
        amount_capturable: manual ? row.amount : 0,
        amount_received: manual ? 0 : row.amount,
        last_payment_error: null,
        next_action: null,
      },
      { outcome: manual ? 'authorized' : 'succeeded' },
      (dto) => [{ type: manual ? 'payment_intent.amount_capturable_updated' : 'payment_intent.succeeded', object: dto }],
    );
  }

  if (result.status === 'requires_action') {
    const nextAction = threeDSecureNextAction(deps.appUrl, row.id, row.client_secret, options.returnUrl ?? null);
    return plan(
      { status: 'requires_action', payment_method_id: pm.id, next_action: nextAction as unknown as Record<string, unknown>, last_payment_error: null },
      { outcome: 'requires_action', three_d_secure: 'required' },
      (dto) => [{ type: 'payment_intent.requires_action', object: dto }],
    );
  }

  // A decline, or a failed 3-D Secure challenge: back to requires_payment_method (or canceled when the
  // attempts run out), with last_payment_error naming the card that failed.
  const pmDto = toPaymentMethodDto(pm);
  const lastError = result.status === 'declined' ? declineError(result, pmDto) : authenticationFailureError(pmDto);
  const failedAttempts = row.failed_attempts + 1;
  const abandon = failedAttempts >= MAX_FAILED_ATTEMPTS;
  const planned = plan(
    {
      status: abandon ? 'canceled' : 'requires_payment_method',
      payment_method_id: null,
      last_payment_error: lastError as unknown as Record<string, unknown>,
      next_action: null,
      failed_attempts: failedAttempts,
      ...(abandon ? { canceled_at: new Date(), cancellation_reason: 'abandoned' } : {}),
    },
    { outcome: 'failed', failure_code: lastError.code, decline_code: lastError.decline_code ?? null, failure_message: lastError.message },
    (dto) => [
      { type: 'payment_intent.payment_failed', object: abandon ? { ...dto, status: 'requires_payment_method', canceled_at: null, cancellation_reason: null } : dto },
      ...(abandon ? [{ type: 'payment_intent.canceled', object: dto }] : []),
    ],
  );
  const decline =
    result.status === 'declined'
      ? new PaymentError(result.code === 'processing_error' ? 'card_declined' : result.code, result.message, {
          declineCode: result.declineCode,
          status: 402,
          extra: { payment_intent: planned.dto, payment_method: pmDto },
        })
      : new PaymentError('payment_intent_authentication_failure', lastError.message, { status: 402, extra: { payment_intent: planned.dto, payment_method: pmDto } });
  return { ...planned, decline };
}

/**
 * Checks that the intent can be confirmed, finds the card and asks the processor; writes nothing (a new
 * card comes back in newPaymentMethod, for the caller to store with the rest).
 */
async function planConfirmation(deps: CoreDeps, db: Executor, actor: Actor, row: Row<'payment_intents'>, input: ConfirmInput): Promise<ConfirmationPlan> {
  if (!(CONFIRMABLE_STATUSES as readonly string[]).includes(row.status)) throw unexpectedState(row, 'confirm', CONFIRMABLE_STATUSES);
  // The expiry job may not have swept it yet; an expired intent must not take money all the same.
  if (row.expires_at && row.expires_at.getTime() <= Date.now()) {
    throw new PaymentError(
      'payment_intent_unexpected_state',
      `This PaymentIntent expired at ${row.expires_at.toISOString()} because it was not confirmed within an hour. Create a new PaymentIntent.`,
      { extra: { payment_intent_id: row.id } },
    );
  }
  const processor = processorFor(deps, actor);
  const given = await preparePaymentMethod(deps, db, actor, input, row.customer_id, { intentId: row.id });
  const pm = given?.row ?? (row.payment_method_id ? await getPaymentMethodRow(db, actor, row.payment_method_id) : undefined);
  // The card set on the intent earlier may have paid elsewhere since.
  if (pm && !given) await refuseSpentPaymentMethod(db, actor, pm, row.id);
  if (!pm) {
    throw new PaymentError(
      'parameter_missing',
      "You cannot confirm this PaymentIntent because it's missing a payment method. Pass payment_method (e.g. pm_card_visa) or payment_method_data[card].",
      { param: 'payment_method' },
    );
  }
  const result = await processor.authorize({ paymentIntentId: row.id, amount: Number(row.amount), currency: row.currency, livemode: actor.livemode, card: toProcessorCard(pm) });
  const plan = planOutcome(deps, actor, row, pm, result, { attempt: 'insert', returnUrl: input.return_url ?? null, receiptEmail: input.receipt_email });
  return { ...plan, ...(given?.isNew ? { newPaymentMethod: given.row } : {}) };
}

/**
 * Writes a plan for an intent that already exists (locked by the caller): the guarded status change, the
 * new card, the attempt and the events in one statement. The guard cannot fail while the lock is held;
 * if it ever did, the error rolls the caller's transaction back, the statement's other writes with it.
 */
async function applyToExistingIntent(t: Executor, actor: Actor, row: Row<'payment_intents'>, plan: ConfirmationPlan, options: { fromStatuses: readonly string[]; attempt: 'insert' | 'finish' }) {
  const updated = await repo.transitionPaymentIntentWithHistory(t, actor, row.id, options.fromStatuses, plan.changes, {
    paymentMethod: plan.newPaymentMethod,
    attempt: options.attempt === 'insert' ? plan.attempt : undefined,
    events: buildEventRows(actor, plan.events),
  });
  if (!updated) throw unexpectedState(row, 'confirm', options.fromStatuses);
  if (options.attempt === 'finish') {
    // 3-D Secure finishes the attempt that started it rather than adding a second one.
    const { outcome, failure_code, decline_code, failure_message, three_d_secure } = plan.attempt;
    const finished = await repo.finishPendingAttempt(t, actor, row.id, { outcome, failure_code, decline_code, failure_message, three_d_secure });
    if (!finished.length) await repo.insertAttempt(t, plan.attempt);
  }
}

/** Commits (or leaves in the caller's transaction) and only then surfaces a decline. */
async function finish(deps: CoreDeps, tx: Executor | undefined, work: (t: Executor) => Promise<ConfirmationPlan>): Promise<PaymentIntentDto> {
  const outcome = await inTransaction(deps, tx, work);
  if (outcome.decline) throw outcome.decline;
  return outcome.dto;
}

/** The contracts take only absolute http(s) URLs; a live buyer is only ever sent to https. */
function checkRedirectUrls(actor: Actor, params: Partial<Record<(typeof REDIRECT_URL_PARAMS)[number], string>>) {
  if (!actor.livemode) return;
  for (const param of REDIRECT_URL_PARAMS) {
    const value = params[param];
    if (value !== undefined && new URL(value).protocol !== 'https:') {
      throw new PaymentError('url_invalid', `Invalid URL for ${param}: live mode requires an https:// URL.`, { param });
    }
  }
}

export async function createPaymentIntent(deps: CoreDeps, actor: Actor, input: CreatePaymentIntentInput, tx?: Executor): Promise<PaymentIntentDto> {
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
    events: buildEventRows(actor, [created, ...plan.events]),
  });
  if (plan.decline) throw plan.decline;
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
    const allowed: readonly string[] = restricted ? CONFIRMABLE_STATUSES : ['requires_payment_method', 'requires_confirmation', 'requires_action', 'requires_capture', 'processing', 'succeeded', 'canceled'];
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
    await applyToExistingIntent(t, actor, current, plan, { fromStatuses: CONFIRMABLE_STATUSES, attempt: 'insert' });
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
    const dto = toPaymentIntentDto(updated, deps.appUrl);
    await emitEvent(t, actor, 'payment_intent.succeeded', dto);
    return dto;
  });
}

async function cancelLocked(deps: CoreDeps, t: Executor, actor: Actor, row: Row<'payment_intents'>, reason: string | null): Promise<PaymentIntentDto> {
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

/**
 * The simulated 3-D Secure challenge (hosted page at /checkout/3ds/:id). Completing it authorises the
 * payment; failing it is recorded as a failed attempt. Returns the intent either way (no throw), so the
 * page can show the outcome and follow next steps (return_url, success_url).
 */
export async function completeThreeDSecure(deps: CoreDeps, intentId: string, clientSecret: string, outcome: 'complete' | 'fail'): Promise<PaymentIntentDto> {
  return deps.db.transaction().execute(async (t) => {
    const row = await repo.getPaymentIntentForClient(t, intentId, { forUpdate: true });
    if (!row || !safeEqual(clientSecret, row.client_secret)) throw notFound('payment_intent', intentId);
    // The challenge page is a simulation: only the live processor may authenticate a live payment.
    if (row.livemode) throw new PaymentError('invalid_request', 'Live payments are authenticated by the card issuer, not by the simulated 3-D Secure page.');
    if (row.status !== 'requires_action') throw unexpectedState(row, 'confirm', ['requires_action']);
    const actor: Actor = { merchantId: row.merchant_id, livemode: row.livemode };
    const pm = row.payment_method_id ? await getPaymentMethodRow(t, actor, row.payment_method_id) : undefined;
    if (!pm) throw new PaymentError('payment_intent_unexpected_state', 'This PaymentIntent has no payment method to authenticate.');
    const result = outcome === 'complete' ? ({ status: 'approved' } as const) : ({ status: 'authentication_failed' } as const);
    const next = row.next_action as { redirect_to_url?: { return_url?: string | null } } | null;
    const plan = planOutcome(deps, actor, row, pm, result, { attempt: 'finish', returnUrl: next?.redirect_to_url?.return_url ?? null });
    await applyToExistingIntent(t, actor, row, plan, { fromStatuses: ['requires_action'], attempt: 'finish' });
    return plan.dto;
  });
}

export async function listPaymentIntents(deps: CoreDeps, scope: Scope, input: ListPaymentIntentsInput = {}, url = '/v1/payment_intents'): Promise<ListResult<PaymentIntentDto>> {
  const params = parseParams(listPaymentIntentsParams, input);
  const query = repo.selectPaymentIntents(deps.db, scope, { customer: params.customer });
  const { rows, hasMore } = await findPage(deps.db, 'payment_intents', scope, query, params);
  return { object: 'list', data: rows.map((r) => toPaymentIntentDto(r, deps.appUrl)), has_more: hasMore, url };
}

export async function searchPaymentIntents(deps: CoreDeps, scope: Scope, input: SearchParamsInput, url = '/v1/payment_intents/search'): Promise<SearchResult<PaymentIntentDto>> {
  const params = parseParams(searchParams, input);
  const search = compileSearchText('payment_intents', scope, params.query);
  const select = (condition?: RawBuilder<boolean>) => repo.selectPaymentIntents(deps.db, scope, { condition });
  const { rows, hasMore, nextPage } = await findSearchPage(deps.db, 'payment_intents', select, search, params.limit, params.page);
  return { object: 'search_result', data: rows.map((r) => toPaymentIntentDto(r, deps.appUrl)), has_more: hasMore, next_page: nextPage, url };
}

export async function findPaymentAttempts(deps: CoreDeps, scope: Scope, intentId: string): Promise<PaymentAttemptDto[]> {
  return (await repo.findAttempts(deps.db, scope, intentId)).map(toPaymentAttemptDto);
}

export async function countPaymentsByFingerprint(deps: CoreDeps, scope: Scope, fingerprint: string) {
  return repo.countByFingerprint(deps.db, scope, fingerprint);
}

/** Job: cancels unconfirmed intents past expires_at (reason abandoned). Safe to run on many instances at once. */
export async function expireIntents(deps: CoreDeps, now: Date = new Date(), batchSize = 200): Promise<number> {
  let total = 0;
  for (;;) {
    const count = await deps.db.transaction().execute(async (t) => {
      const due = await repo.lockExpiredIntents(t, now, UNCONFIRMED_STATUSES, batchSize);
      for (const row of due) await cancelLocked(deps, t, { merchantId: row.merchant_id, livemode: row.livemode }, row, 'abandoned');
      return due.length;
    });
    total += count;
    if (count < batchSize) return total;
  }
}
