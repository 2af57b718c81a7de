import type { PaymentMethodDataParam, PaymentMethodDto } from '../../../shared/contracts/payment-intents.js';
import { cardNumberValid } from '../../../shared/card.js';
import { notFound, PaymentError } from '../../../shared/errors.js';
import { newId } from '../../../shared/ids.js';
import type { Executor } from '../../db/database.js';
import type { NewRow, Row } from '../../db/schema.js';
import type { ProcessorCard } from '../payment-intents/card-processor.js';
import { detectBrand, findTestCard, testCardNumberFor } from '../payment-intents/test-cards.js';
import { deriveKey, hmacHex } from '../shared/crypto.js';
import type { CoreDeps, Scope } from '../shared/deps.js';
import { toUnix } from '../shared/tx.js';
import * as repo from './payment-methods.repository.js';

const fingerprintKeys = new Map<string, Buffer>();

/**
 * The same card number always gives the same fingerprint for this installation (so repeated cards can
 * be recognised), and the number cannot be recovered from it.
 */
function cardFingerprint(secret: string, number: string): string {
  let key = fingerprintKeys.get(secret);
  if (!key) {
    key = deriveKey(secret, 'card-fingerprint');
    fingerprintKeys.set(secret, key);
  }
  // Published test numbers (pm_card_visa and friends, most API calls in test mode) are remembered: the HMAC
  // showed in the create+confirm profile. Real numbers never are, so no card number stays in memory.
  const remember = findTestCard(number) !== undefined;
  const cacheKey = `${secret}\u0000${number}`;
  const known = remember ? testCardFingerprints.get(cacheKey) : undefined;
  if (known) return known;
  const fingerprint = hmacHex(key, number).slice(0, 16);
  if (remember) testCardFingerprints.set(cacheKey, fingerprint);
  return fingerprint;
}

const testCardFingerprints = new Map<string, string>();

export function toPaymentMethodDto(row: Row<'payment_methods'>): PaymentMethodDto {
  return {
    id: row.id,
    object: 'payment_method',
    billing_details: { address: null, email: row.billing_email, name: row.billing_name, phone: null, tax_id: null },
    card: {
      brand: row.card_brand,
      checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: 'pass' },
      country: row.card_country,
      display_brand: row.card_brand,
      exp_month: row.card_exp_month,
      exp_year: row.card_exp_year,
      fingerprint: row.card_fingerprint,
      funding: row.card_funding,
      generated_from: null,
      last4: row.card_last4,
      networks: { available: [row.card_brand], preferred: null },
      regulated_status: null,
      three_d_secure_usage: { supported: true },
      wallet: null,
    },
    created: toUnix(row.created_at),
    customer: row.customer_id,
    customer_account: null,
    livemode: row.livemode,
    metadata: {},
    type: 'card',
  };
}

export function toProcessorCard(row: Row<'payment_methods'>): ProcessorCard {
  return {
    paymentMethodId: row.id,
    brand: row.card_brand,
    last4: row.card_last4,
    expMonth: row.card_exp_month,
    expYear: row.card_exp_year,
    fingerprint: row.card_fingerprint,
    testBehavior: row.test_behavior,
  };
}

function cardError(code: 'incorrect_number' | 'invalid_expiry_year' | 'invalid_expiry_month' | 'invalid_cvc', message: string, param: string) {
  return new PaymentError(code, message, { param });
}

interface CardInput {
  number: string;
  exp_month: number;
  exp_year: number;
  cvc?: string;
}

/** Checks what a card form would check before anything is stored; the number and CVC go no further. */
function validateCard(card: CardInput, now = new Date()): { number: string; expMonth: number; expYear: number } {
  const prefix = 'payment_method_data[card]';
  const number = card.number.replace(/[\s-]/g, '');
  if (!cardNumberValid(number)) throw cardError('incorrect_number', 'Your card number is incorrect.', `${prefix}[number]`);
  const expYear = card.exp_year < 100 ? 2000 + card.exp_year : card.exp_year;
  const expMonth = card.exp_month;
  const year = now.getUTCFullYear();
  if (expYear < year || expYear > year + 50) throw cardError('invalid_expiry_year', "Your card's expiration year is invalid.", `${prefix}[exp_year]`);
  if (expYear === year && expMonth < now.getUTCMonth() + 1) throw cardError('invalid_expiry_month', "Your card's expiration month is invalid.", `${prefix}[exp_month]`);
  if (card.cvc !== undefined) {
    const digits = detectBrand(number) === 'amex' ? 4 : 3;
    if (!new RegExp(`^\\d{${digits}}$`).test(card.cvc)) throw cardError('invalid_cvc', "Your card's security code is invalid.", `${prefix}[cvc]`);
  }
  return { number, expMonth, expYear };
}

/** The row a card number becomes: brand, last4, expiry, fingerprint and simulator behavior only. */
export function buildPaymentMethodRow(
  deps: Pick<CoreDeps, 'secret'>,
  scope: Scope,
  card: { number: string; expMonth: number; expYear: number },
  extra: { customerId?: string | null; billingName?: string | null; billingEmail?: string | null; createdAt?: Date } = {},
): NewRow<'payment_methods'> {
  const test = findTestCard(card.number);
  return {
    id: newId('paymentMethod'),
    merchant_id: scope.merchantId,
    livemode: scope.livemode,
    customer_id: extra.customerId ?? null,
    type: 'card',
    card_brand: test?.brand ?? detectBrand(card.number),
    card_last4: card.number.slice(-4),
    card_exp_month: card.expMonth,
    card_exp_year: card.expYear,
    card_funding: test?.funding ?? 'credit',
    card_country: test?.country ?? null,
    card_fingerprint: cardFingerprint(deps.secret, card.number),
    test_behavior: test?.behavior ?? null,
    billing_name: extra.billingName ?? null,
    billing_email: extra.billingEmail ?? null,
    ...(extra.createdAt ? { created_at: extra.createdAt } : {}),
  };
}

/** A future expiry for test PaymentMethod ids, as Stripe gives them. */
function testExpiry(now = new Date()) {
  return { expMonth: 12, expYear: now.getUTCFullYear() + 3 };
}

/**
 * Turns `payment_method` (a pm_card_* test id or an existing pm_) or `payment_method_data` into a stored
 * payment method. Live mode refuses test cards outright; nothing is stored for them.
 */
export async function resolvePaymentMethod(
  deps: CoreDeps,
  db: Executor,
  scope: Scope,
  input: { payment_method?: string; payment_method_data?: PaymentMethodDataParam },
  customerId: string | null,
  options: { intentId?: string } = {},
): Promise<Row<'payment_methods'> | null> {
  const prepared = await preparePaymentMethod(deps, db, scope, input, customerId, options);
  if (prepared?.isNew) await repo.insertPaymentMethod(db, prepared.row);
  return prepared?.row ?? null;
}

/**
 * resolvePaymentMethod without the write: a new card comes back as the row to store (`isNew`), so the
 * caller can store it in the same statement as the rest of its change.
 */
export async function preparePaymentMethod(
  deps: CoreDeps,
  db: Executor,
  scope: Scope,
  input: { payment_method?: string; payment_method_data?: PaymentMethodDataParam },
  customerId: string | null,
  options: { intentId?: string } = {},
): Promise<{ row: Row<'payment_methods'>; isNew: boolean } | null> {
  // Written with every column the table would fill in, so the row is what reading it back would give.
  const newRow = (card: { number: string; expMonth: number; expYear: number }, extra: { billingName?: string | null; billingEmail?: string | null } = {}) => ({
    row: buildPaymentMethodRow(deps, scope, card, { customerId, ...extra, createdAt: new Date() }) as Row<'payment_methods'>,
    isNew: true,
  });
  if (input.payment_method_data) {
    const data = input.payment_method_data;
    const card = validateCard(data.card);
    refuseTestCardInLiveMode(scope, card.number);
    return newRow(card, { billingName: data.billing_details?.name || null, billingEmail: data.billing_details?.email || null });
  }
  const id = input.payment_method;
  if (!id) return null;
  const testNumber = testCardNumberFor(id);
  if (testNumber) {
    refuseTestCardInLiveMode(scope, testNumber);
    return newRow({ number: testNumber, ...testExpiry() });
  }
  const existing = await repo.getPaymentMethod(db, scope, id);
  if (!existing) throw notFound('PaymentMethod', id, 'payment_method');
  // A saved card may only pay for its own customer's intents (a browser holding one client secret must not
  // be able to charge another customer's card).
  if (existing.customer_id && existing.customer_id !== customerId) {
    throw new PaymentError('invalid_request', `The PaymentMethod ${id} belongs to another customer and cannot be used with this PaymentIntent.`, { param: 'payment_method' });
  }
  await refuseSpentPaymentMethod(db, scope, existing, options.intentId);
  return { row: existing, isNew: false };
}

/**
 * As in Stripe, a payment method attached to no customer is single-use: once a confirmation used it,
 * successful or not, it may not pay again. The row is locked first, so inside a transaction two
 * confirmations racing for it are decided one after the other. `intentId`: the intent being confirmed,
 * whose own pending 3-D Secure attempt is not a previous use.
 */
export async function refuseSpentPaymentMethod(db: Executor, scope: Scope, paymentMethod: Row<'payment_methods'>, intentId?: string) {
  if (paymentMethod.customer_id) return;
  await repo.lockPaymentMethod(db, scope, paymentMethod.id);
  if (await repo.hasConfirmationAttempt(db, scope, paymentMethod.id, intentId)) {
    throw new PaymentError(
      'payment_method_unexpected_state',
      'The provided PaymentMethod was previously used with a PaymentIntent without Customer attachment, shared with a connected account without Customer attachment, or was detached from a Customer. It may not be used again. To use a PaymentMethod multiple times, you must attach it to a Customer first.',
      { param: 'payment_method' },
    );
  }
}

/**
 * The checks resolvePaymentMethod makes before storing anything, for callers that must fail before their
 * first write (create-and-confirm inside the caller's transaction).
 */
export function precheckPaymentMethodInput(scope: Scope, input: { payment_method?: string; payment_method_data?: PaymentMethodDataParam }) {
  if (input.payment_method_data) refuseTestCardInLiveMode(scope, validateCard(input.payment_method_data.card).number);
  else if (input.payment_method && testCardNumberFor(input.payment_method)) refuseTestCardInLiveMode(scope, testCardNumberFor(input.payment_method)!);
}

function refuseTestCardInLiveMode(scope: Scope, number: string) {
  if (scope.livemode && findTestCard(number)) {
    throw new PaymentError('card_declined', 'Your card was declined. Your request was in live mode, but used a known test card.', {
      declineCode: 'live_mode_test_card',
      param: 'payment_method',
    });
  }
}

export async function getPaymentMethodRow(db: Executor, scope: Scope, id: string) {
  return repo.getPaymentMethod(db, scope, id);
}
