import type { PaymentMethodDataParam, PaymentMethodDto } from '../../../shared/contracts/payment-intents.js';
import { mergeMetadata, type ListResult } from '../../../shared/contracts/common.js';
import {
  attachPaymentMethodParams,
  createPaymentMethodParams,
  detachPaymentMethodParams,
  listCustomerPaymentMethodsParams,
  listPaymentMethodsParams,
  updatePaymentMethodParams,
  type AttachPaymentMethodInput,
  type CreatePaymentMethodInput,
  type ListCustomerPaymentMethodsInput,
  type ListPaymentMethodsInput,
  type UpdatePaymentMethodInput,
} from '../../../shared/contracts/payment-methods.js';
import { cardNumberValid } from '../../../shared/card.js';
import type { SavedCard } from '../../../shared/contracts/checkout.js';
import { notFound, PaymentError } from '../../../shared/errors.js';
import { newId } from '../../../shared/ids.js';
import type { Executor } from '../../db/database.js';
import type { NewRow, Row, RowUpdate } from '../../db/schema.js';
import { checkMetadataSize, diffAttributes, requireLiveCustomer } from '../customers/customers.service.js';
import { emitEvent } from '../events/events.service.js';
import { findPage } from '../shared/keyset.repository.js';
import { parseParams } from '../shared/params.js';
import { inTransaction, toUnix } from '../shared/tx.js';
import type { ProcessorCard } from '../payment-intents/card-processor.js';
import { detectBrand, findTestCard, testCardNumberFor } from '../payment-intents/test-cards.js';
import { deriveKey, hmacHex } from '../shared/crypto.js';
import type { Actor, CoreDeps, Scope } from '../shared/deps.js';
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
    metadata: (row.metadata ?? {}) as Record<string, string>,
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

/** A two-digit year means 20xx; the card must not have expired, nor expire more than 50 years ahead. */
function validateExpiry(expMonth: number, rawYear: number, prefix: string, now = new Date()) {
  const expYear = rawYear < 100 ? 2000 + rawYear : rawYear;
  const year = now.getUTCFullYear();
  if (expYear < year || expYear > year + 50) throw cardError('invalid_expiry_year', "Your card's expiration year is invalid.", `${prefix}[exp_year]`);
  if (expYear === year && expMonth < now.getUTCMonth() + 1) throw cardError('invalid_expiry_month', "Your card's expiration month is invalid.", `${prefix}[exp_month]`);
  return { expMonth, expYear };
}

/** Checks what a card form would check before anything is stored; the number and CVC go no further. */
function validateCard(card: CardInput, prefix = 'payment_method_data[card]', now = new Date()): { number: string; expMonth: number; expYear: number } {
  const number = card.number.replace(/[\s-]/g, '');
  if (!cardNumberValid(number)) throw cardError('incorrect_number', 'Your card number is incorrect.', `${prefix}[number]`);
  const { expMonth, expYear } = validateExpiry(card.exp_month, card.exp_year, prefix, now);
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
  extra: { customerId?: string | null; billingName?: string | null; billingEmail?: string | null; metadata?: Record<string, string>; createdAt?: Date } = {},
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
    metadata: extra.metadata ?? {},
    detached_at: null,
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
  const newRow = (card: { number: string; expMonth: number; expYear: number }, extra: { billingName?: string | null; billingEmail?: string | null; metadata?: Record<string, string> } = {}) => ({
    row: buildPaymentMethodRow(deps, scope, card, { customerId, ...extra, createdAt: new Date() }) as Row<'payment_methods'>,
    isNew: true,
  });
  if (input.payment_method_data) {
    const data = input.payment_method_data;
    const card = validateCard(data.card);
    refuseTestCardInLiveMode(scope, card.number);
    return newRow(card, { billingName: data.billing_details?.name || null, billingEmail: data.billing_details?.email || null, metadata: cleanMetadata(data.metadata) });
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
export async function refuseSpentPaymentMethod(db: Executor, scope: Scope, paymentMethod: Row<'payment_methods'>, intentId?: string, param = 'payment_method') {
  if (paymentMethod.customer_id) return;
  await repo.lockPaymentMethod(db, scope, paymentMethod.id);
  // A detached card is spent whether or not it ever paid (Stripe: "...or was detached from a Customer").
  if (paymentMethod.detached_at || (await repo.hasConfirmationAttempt(db, scope, paymentMethod.id, intentId))) {
    throw new PaymentError(
      'payment_method_unexpected_state',
      'The provided PaymentMethod was previously used with a PaymentIntent without Customer attachment, shared with a connected account without Customer attachment, or was detached from a Customer. It may not be used again. To use a PaymentMethod multiple times, you must attach it to a Customer first.',
      { param },
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

function cleanMetadata(metadata: Record<string, string> | null | undefined): Record<string, string> {
  const clean = mergeMetadata({}, metadata);
  checkMetadataSize(clean);
  return clean;
}

const RAW_CARD_DATA_LIVE =
  'Sending card numbers directly to the API is only possible in test mode. In live mode, collect cards with the hosted checkout, which sends them from the buyer\'s browser.';

/**
 * `POST /v1/payment_methods` with raw card data, for direct card payments from a PCI-compliant server in
 * test mode. Only brand, last 4, expiry, funding, country and the fingerprint are kept.
 */
export async function createPaymentMethod(deps: CoreDeps, actor: Actor, input: CreatePaymentMethodInput, tx?: Executor): Promise<PaymentMethodDto> {
  const params = parseParams(createPaymentMethodParams, input);
  if (actor.livemode) throw new PaymentError('invalid_request', RAW_CARD_DATA_LIVE, { param: 'card' });
  const card = validateCard(params.card, 'card');
  const row = buildPaymentMethodRow(deps, actor, card, {
    billingName: params.billing_details?.name || null,
    billingEmail: params.billing_details?.email || null,
    metadata: cleanMetadata(params.metadata),
  });
  const db = tx ?? deps.db;
  return toPaymentMethodDto(await repo.insertPaymentMethod(db, row));
}

export async function getPaymentMethod(deps: CoreDeps, scope: Scope, id: string): Promise<PaymentMethodDto> {
  const row = await repo.getPaymentMethod(deps.db, scope, id);
  if (!row) throw notFound('payment_method', id);
  return toPaymentMethodDto(row);
}

/** As in Stripe, only a card attached to a customer may be updated (billing details, expiry, metadata). */
export async function updatePaymentMethod(deps: CoreDeps, actor: Actor, id: string, input: UpdatePaymentMethodInput = {}, tx?: Executor): Promise<PaymentMethodDto> {
  const params = parseParams(updatePaymentMethodParams, input);
  return inTransaction(deps, tx, async (t) => {
    const before = await repo.getPaymentMethodForUpdate(t, actor, id);
    if (!before) throw notFound('payment_method', id);
    if (!before.customer_id) {
      throw new PaymentError('invalid_request', 'You must save this PaymentMethod to a customer before you can update it.', { param: 'payment_method' });
    }
    const changes: RowUpdate<'payment_methods'> = {};
    const billing = params.billing_details;
    if (billing?.name !== undefined) changes.billing_name = billing.name || null;
    if (billing?.email !== undefined) changes.billing_email = billing.email || null;
    if (params.card) {
      const { expMonth, expYear } = validateExpiry(params.card.exp_month ?? before.card_exp_month, params.card.exp_year ?? before.card_exp_year, 'card');
      changes.card_exp_month = expMonth;
      changes.card_exp_year = expYear;
    }
    if (params.metadata !== undefined) {
      const metadata = mergeMetadata((before.metadata ?? {}) as Record<string, string>, params.metadata);
      checkMetadataSize(metadata);
      changes.metadata = JSON.stringify(metadata);
    }
    if (!Object.keys(changes).length) return toPaymentMethodDto(before);
    const dto = toPaymentMethodDto(await repo.updatePaymentMethod(t, actor, id, changes));
    const previous = diffAttributes(toPaymentMethodDto(before), dto);
    if (Object.keys(previous).length) await emitEvent(t, actor, 'payment_method.updated', dto, previous);
    return dto;
  });
}

/**
 * Saves a card to a customer so it can pay again. A card that already paid without a customer, or was
 * detached, is spent and cannot be attached (Stripe's rule); `pm_card_*` test ids attach a new card.
 */
export async function attachPaymentMethod(deps: CoreDeps, actor: Actor, id: string, input: AttachPaymentMethodInput, tx?: Executor): Promise<PaymentMethodDto> {
  const params = parseParams(attachPaymentMethodParams, input);
  return inTransaction(deps, tx, async (t) => {
    const customer = await requireLiveCustomer(t, actor, params.customer);
    const testNumber = testCardNumberFor(id);
    if (testNumber) {
      refuseTestCardInLiveMode(actor, testNumber);
      const row = await repo.insertPaymentMethod(t, buildPaymentMethodRow(deps, actor, { number: testNumber, ...testExpiry() }, { customerId: customer.id }));
      const dto = toPaymentMethodDto(row);
      await emitEvent(t, actor, 'payment_method.attached', dto);
      return dto;
    }
    const before = await repo.getPaymentMethodForUpdate(t, actor, id);
    if (!before) throw notFound('payment_method', id);
    if (before.customer_id === customer.id) return toPaymentMethodDto(before);
    if (before.customer_id) {
      throw new PaymentError('invalid_request', 'The payment method you provided has already been attached to a customer.', { param: 'payment_method' });
    }
    await refuseSpentPaymentMethod(t, actor, before, undefined, 'payment_method');
    const dto = toPaymentMethodDto(await repo.updatePaymentMethod(t, actor, id, { customer_id: customer.id }));
    await emitEvent(t, actor, 'payment_method.attached', dto);
    return dto;
  });
}

/** Detaching ends a card's life: it can no longer pay or be attached again (Stripe's rule). */
export async function detachPaymentMethod(deps: CoreDeps, actor: Actor, id: string, input: Record<string, unknown> = {}, tx?: Executor): Promise<PaymentMethodDto> {
  parseParams(detachPaymentMethodParams, input);
  return inTransaction(deps, tx, async (t) => {
    const before = await repo.getPaymentMethodForUpdate(t, actor, id);
    if (!before) throw notFound('payment_method', id);
    if (!before.customer_id) {
      throw new PaymentError('payment_method_unexpected_state', 'The payment method you provided is not attached to a customer so detachment is impossible.', { param: 'payment_method' });
    }
    const dto = toPaymentMethodDto(await repo.updatePaymentMethod(t, actor, id, { customer_id: null, detached_at: new Date() }));
    await emitEvent(t, actor, 'payment_method.detached', dto, { customer: before.customer_id });
    return dto;
  });
}

export async function listPaymentMethods(deps: CoreDeps, scope: Scope, input: ListPaymentMethodsInput = {}, url = '/v1/payment_methods'): Promise<ListResult<PaymentMethodDto>> {
  const params = parseParams(listPaymentMethodsParams, input);
  if (params.customer !== undefined) await requireLiveCustomer(deps.db, scope, params.customer);
  const query = repo.selectPaymentMethods(deps.db, scope, { customerId: params.customer });
  const { rows, hasMore } = await findPage(deps.db, 'payment_methods', scope, query, params);
  return { object: 'list', data: rows.map(toPaymentMethodDto), has_more: hasMore, url };
}

/** `GET /v1/customers/:id/payment_methods`: the customer's saved cards, newest first. */
export async function listCustomerPaymentMethods(
  deps: CoreDeps,
  scope: Scope,
  customerId: string,
  input: ListCustomerPaymentMethodsInput = {},
): Promise<ListResult<PaymentMethodDto>> {
  const params = parseParams(listCustomerPaymentMethodsParams, input);
  await requireLiveCustomer(deps.db, scope, customerId, 'customer');
  const query = repo.selectPaymentMethods(deps.db, scope, { customerId });
  const { rows, hasMore } = await findPage(deps.db, 'payment_methods', scope, query, params);
  return { object: 'list', data: rows.map(toPaymentMethodDto), has_more: hasMore, url: `/v1/customers/${customerId}/payment_methods` };
}

/** `GET /v1/customers/:id/payment_methods/:pm`: 404 unless the card is that customer's. */
export async function getCustomerPaymentMethod(deps: CoreDeps, scope: Scope, customerId: string, id: string): Promise<PaymentMethodDto> {
  await requireLiveCustomer(deps.db, scope, customerId, 'customer');
  const row = await repo.getPaymentMethod(deps.db, scope, id);
  if (!row || row.customer_id !== customerId) throw notFound('payment_method', id);
  return toPaymentMethodDto(row);
}

/** The cards the hosted checkout offers a returning customer: unexpired, newest first, at most five. */
export async function findSavedCards(db: Executor, scope: Scope, customerId: string, now = new Date()): Promise<SavedCard[]> {
  const rows = await repo.findUnexpiredCustomerCards(db, scope, customerId, now, 5);
  return rows.map((r) => ({ id: r.id, brand: r.card_brand, last4: r.card_last4, expMonth: r.card_exp_month, expYear: r.card_exp_year }));
}
