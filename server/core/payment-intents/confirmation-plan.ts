/**
 * Confirmation planning: what a card's answer from the processor means for an intent (status, attempt,
 * events, decline), decided in memory before anything is written. Used by confirmation, 3-D Secure and the
 * demo history, so every way an intent moves on from a card reads the same.
 */
import type { PaymentIntentDto, PaymentMethodDataParam } from '../../../shared/contracts/payment-intents.js';
import { PaymentError } from '../../../shared/errors.js';
import { newId } from '../../../shared/ids.js';
import { MAX_FAILED_ATTEMPTS } from '../../../shared/limits.js';
import { CONFIRMABLE_STATUSES } from '../../../shared/status.js';
import type { Executor } from '../../db/database.js';
import type { NewRow, Row } from '../../db/schema.js';
import { completeSessionOfIntent } from '../checkout-sessions/intent-hooks.js';
import type { ChargeLedgerEntry } from '../balance/balance.repository.js';
import { chargeLedgerEntry } from '../balance/balance.service.js';
import { buildChargeRow, toChargeDto } from '../charges/charges.service.js';
import { testDisputeFor, type TestDispute } from '../disputes/disputes.service.js';
import { buildEventRows, type EventToEmit } from '../events/events.service.js';
import {
  getPaymentMethodRow,
  preparePaymentMethod,
  refuseSpentPaymentMethod,
  toPaymentMethodDto,
  toProcessorCard,
} from '../payment-methods/payment-methods.service.js';
import type { Actor, CoreDeps, Scope } from '../shared/deps.js';
import type { AuthorizationResult, CardProcessor } from './card-processor.js';
import { authenticationFailureError, declineError, threeDSecureNextAction, toPaymentIntentDto } from './payment-intents.dto.js';
import * as repo from './payment-intents.repository.js';
import { testCardProcessor } from './test-cards.js';

export function unexpectedState(row: { id: string; status: string }, action: string, allowed: readonly string[]) {
  return new PaymentError(
    'payment_intent_unexpected_state',
    `You cannot ${action} this PaymentIntent because it has a status of ${row.status}. Only a PaymentIntent with one of the following statuses may be ${action === 'confirm' ? 'confirmed' : action === 'capture' ? 'captured' : action === 'cancel' ? 'canceled' : 'updated'}: ${allowed.join(', ')}.`,
    { extra: { payment_intent_id: row.id } },
  );
}

export function processorFor(deps: CoreDeps, scope: Scope): CardProcessor {
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
export interface ConfirmationPlan {
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
  /** The attempt's charge (none while 3-D Secure is pending). */
  charge?: Row<'charges'>;
  /** A captured charge's balance transaction, written in the same statement. */
  chargeLedger?: ChargeLedgerEntry;
  /** A test card that is disputed once it has paid (server/core/disputes). */
  testDispute?: TestDispute;
}

/**
 * What the processor's answer means for the intent: the status change, the attempt and the events.
 * `attempt: 'finish'` is the answer to the 3-D Secure challenge a previous attempt left open; `at` is when
 * it happens (now, unless the demo history replays the past).
 */
export function planOutcome(
  deps: Pick<CoreDeps, 'appUrl'>,
  actor: Actor,
  row: Row<'payment_intents'>,
  pm: Row<'payment_methods'>,
  result: AuthorizationResult | { status: 'authentication_failed' },
  options: { attempt: 'insert' | 'finish'; returnUrl?: string | null; receiptEmail?: string; at?: Date },
): Omit<ConfirmationPlan, 'newPaymentMethod'> {
  const at = options.at ?? new Date();
  const card = { card_brand: pm.card_brand, card_last4: pm.card_last4, card_fingerprint: pm.card_fingerprint };
  const base: IntentChanges = { ...card, ...(options.receiptEmail ? { receipt_email: options.receiptEmail } : {}) };
  const threeDs = options.attempt === 'finish' ? (result.status === 'authentication_failed' ? 'failed' : 'authenticated') : null;
  const plan = (
    changes: IntentChanges,
    attempt: { outcome: Row<'payment_attempts'>['outcome']; failure_code?: string | null; decline_code?: string | null; failure_message?: string | null; three_d_secure?: string | null },
    events: (dto: PaymentIntentDto) => EventToEmit[],
  ) => {
    // Every attempt that reaches the network is a charge; a pending 3-D Secure challenge is not yet.
    const charge =
      attempt.outcome === 'requires_action'
        ? undefined
        : buildChargeRow(actor, row, pm, {
            status: attempt.outcome === 'failed' ? 'failed' : 'succeeded',
            captured: attempt.outcome === 'succeeded',
            failureCode: attempt.failure_code,
            declineCode: attempt.decline_code,
            failureMessage: attempt.failure_message,
            threeDSecure: attempt.three_d_secure ?? threeDs,
          }, at);
    const chargeLedger = charge?.captured ? chargeLedgerEntry({ ...charge, amount_captured: Number(charge.amount_captured) }, at) : undefined;
    if (charge && chargeLedger) charge.balance_transaction_id = chargeLedger.id;
    if (charge) changes = { ...changes, latest_charge_id: charge.id };
    const updated: Row<'payment_intents'> = { ...row, ...base, ...changes, updated_at: at };
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
      // Stripe's order: the charge's event, then the intent's.
      events: [...(charge ? [{ type: charge.status === 'succeeded' ? 'charge.succeeded' : 'charge.failed', object: toChargeDto(charge, deps.appUrl) }] : []), ...events(dto)],
      ...(charge ? { charge } : {}),
      ...(chargeLedger ? { chargeLedger } : {}),
    };
  };

  if (result.status === 'approved') {
    const manual = row.capture_method === 'manual';
    const testDispute = manual || actor.livemode ? null : testDisputeFor(pm.test_behavior);
    const approved = plan(
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
    return testDispute ? { ...approved, testDispute } : approved;
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
      ...(abandon ? { canceled_at: at, cancellation_reason: 'abandoned' } : {}),
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
export async function planConfirmation(deps: CoreDeps, db: Executor, actor: Actor, row: Row<'payment_intents'>, input: ConfirmInput): Promise<ConfirmationPlan> {
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
export async function applyToExistingIntent(
  deps: CoreDeps,
  t: Executor,
  actor: Actor,
  row: Row<'payment_intents'>,
  plan: ConfirmationPlan,
  options: { fromStatuses: readonly string[]; attempt: 'insert' | 'finish' },
) {
  const updated = await repo.transitionPaymentIntentWithHistory(t, actor, row.id, options.fromStatuses, plan.changes, {
    paymentMethod: plan.newPaymentMethod,
    attempt: options.attempt === 'insert' ? plan.attempt : undefined,
    charge: plan.charge,
    chargeLedger: plan.chargeLedger,
    events: buildEventRows(actor, plan.events),
  });
  if (!updated) throw unexpectedState(row, 'confirm', options.fromStatuses);
  // A checkout session completes in the transaction that pays its intent.
  if (updated.status === 'succeeded' || updated.status === 'requires_capture') await completeSessionOfIntent(deps, t, actor, updated);
  if (options.attempt === 'finish') {
    // 3-D Secure finishes the attempt that started it rather than adding a second one.
    const { outcome, failure_code, decline_code, failure_message, three_d_secure } = plan.attempt;
    const finished = await repo.finishPendingAttempt(t, actor, row.id, { outcome, failure_code, decline_code, failure_message, three_d_secure });
    if (!finished.length) await repo.insertAttempt(t, plan.attempt);
  }
}
