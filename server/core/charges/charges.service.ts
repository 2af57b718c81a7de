/** Charges: one per confirmation attempt that reached the card network (succeeded or failed). */
import { searchParams, type ListResult, type SearchParamsInput, type SearchResult } from '../../../shared/contracts/common.js';
import { listChargesParams, type ChargeDto, type ChargeOutcomeDto, type ListChargesInput } from '../../../shared/contracts/charges.js';
import { notFound } from '../../../shared/errors.js';
import { randomBytes } from 'node:crypto';
import { newId } from '../../../shared/ids.js';
import type { Executor } from '../../db/database.js';
import type { Row } from '../../db/schema.js';
import type { CoreDeps, Scope } from '../shared/deps.js';
import { findPage, findSearchPage } from '../shared/keyset.repository.js';
import { compileSearchText } from '../shared/search.repository.js';
import type { RawBuilder } from 'kysely';
import { parseParams } from '../shared/params.js';
import { toUnix } from '../shared/tx.js';
import * as repo from './charges.repository.js';

function outcomeOf(row: Row<'charges'>): ChargeOutcomeDto {
  if (row.status !== 'failed') {
    return { advice_code: null, network_advice_code: null, network_decline_code: null, network_status: 'approved_by_network', reason: null, risk_level: 'normal', risk_score: 20, seller_message: 'Payment complete.', type: 'authorized' };
  }
  if (row.failure_code === 'payment_intent_authentication_failure') {
    return { advice_code: null, network_advice_code: null, network_decline_code: null, network_status: 'not_sent_to_network', reason: 'authentication_failed', risk_level: 'normal', risk_score: 20, seller_message: 'The cardholder failed 3D Secure authentication.', type: 'invalid' };
  }
  const reason = row.decline_code ?? row.failure_code;
  const blocked = reason === 'fraudulent' || reason === 'stolen_card' || reason === 'lost_card';
  return {
    advice_code: null,
    network_advice_code: null,
    network_decline_code: null,
    network_status: 'declined_by_network',
    reason,
    risk_level: blocked ? 'elevated' : 'normal',
    risk_score: blocked ? 70 : 20,
    seller_message: 'The bank did not return any further details with this decline.',
    type: 'issuer_declined',
  };
}

/**
 * The hosted receipt of a succeeded charge, on this app's origin. The token is random and stored with the
 * charge, so the URL cannot be derived from the charge's id; the path names the merchant and the mode
 * because the receipt is looked up by them (every query is scoped by merchant and mode).
 */
export function receiptUrl(appUrl: string, row: Pick<Row<'charges'>, 'merchant_id' | 'livemode' | 'status' | 'receipt_token'>): string | null {
  if (row.status !== 'succeeded' || !row.receipt_token) return null;
  return `${appUrl}${RECEIPT_PATH}/${encodeURIComponent(row.merchant_id)}/${row.livemode ? 'live' : 'test'}/${row.receipt_token}`;
}

/** Where the receipt pages are served (server/checkout/receipt.routes.ts). */
export const RECEIPT_PATH = '/checkout/receipts';

/** 32 random bytes, base64url: the unguessable part of a receipt's URL. */
export function newReceiptToken(): string {
  return randomBytes(32).toString('base64url');
}

export function toChargeDto(row: Row<'charges'>, appUrl: string): ChargeDto {
  const amountCaptured = Number(row.amount_captured);
  const amountRefunded = Number(row.amount_refunded);
  return {
    id: row.id,
    object: 'charge',
    amount: Number(row.amount),
    amount_captured: amountCaptured,
    amount_refunded: amountRefunded,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: row.balance_transaction_id,
    billing_details: { address: null, email: null, name: null, phone: null, tax_id: null },
    calculated_statement_descriptor: row.statement_descriptor,
    captured: row.captured,
    created: toUnix(row.created_at),
    currency: row.currency,
    customer: row.customer_id,
    description: row.description,
    disputed: row.disputed,
    failure_balance_transaction: null,
    failure_code: row.failure_code,
    failure_message: row.failure_message,
    fraud_details: {},
    livemode: row.livemode,
    metadata: (row.metadata ?? {}) as Record<string, string>,
    on_behalf_of: null,
    outcome: outcomeOf(row),
    paid: row.status === 'succeeded',
    payment_intent: row.payment_intent_id,
    payment_method: row.payment_method_id,
    payment_method_details: {
      type: 'card',
      card: {
        amount_authorized: row.status === 'succeeded' ? Number(row.amount) : null,
        brand: row.card_brand,
        checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: row.status === 'succeeded' ? 'pass' : null },
        country: row.card_country,
        exp_month: row.card_exp_month,
        exp_year: row.card_exp_year,
        fingerprint: row.card_fingerprint,
        funding: row.card_funding,
        last4: row.card_last4,
        network: row.card_brand,
        three_d_secure: row.three_d_secure ? { authentication_flow: 'challenge', result: row.three_d_secure === 'authenticated' ? 'authenticated' : 'failed', version: '2.2.0' } : null,
        wallet: null,
      },
    },
    receipt_email: row.receipt_email,
    receipt_number: null,
    receipt_url: receiptUrl(appUrl, row),
    refunded: amountCaptured > 0 && amountRefunded >= amountCaptured,
    review: null,
    shipping: null,
    source: null,
    source_transfer: null,
    statement_descriptor: row.statement_descriptor,
    statement_descriptor_suffix: null,
    status: row.status,
    transfer_data: null,
    transfer_group: null,
  };
}

/**
 * The charge of a confirmation attempt (pure; the confirmation writes it with its own statement).
 * `captured`: an automatic-capture success; a manual one is authorized (succeeded, not captured).
 */
export function buildChargeRow(
  scope: Scope,
  intent: Pick<Row<'payment_intents'>, 'id' | 'amount' | 'currency' | 'customer_id' | 'description' | 'receipt_email' | 'statement_descriptor' | 'metadata'>,
  pm: Pick<Row<'payment_methods'>, 'id' | 'card_brand' | 'card_last4' | 'card_exp_month' | 'card_exp_year' | 'card_fingerprint' | 'card_funding' | 'card_country'>,
  outcome: { status: 'succeeded' | 'failed'; captured: boolean; failureCode?: string | null; declineCode?: string | null; failureMessage?: string | null; threeDSecure?: string | null },
  at: Date,
): Row<'charges'> {
  const amount = Number(intent.amount);
  return {
    id: newId('charge'),
    merchant_id: scope.merchantId,
    livemode: scope.livemode,
    payment_intent_id: intent.id,
    customer_id: intent.customer_id,
    payment_method_id: pm.id,
    amount,
    amount_captured: outcome.status === 'succeeded' && outcome.captured ? amount : 0,
    amount_refunded: 0,
    currency: intent.currency,
    status: outcome.status,
    captured: outcome.status === 'succeeded' && outcome.captured,
    failure_code: outcome.failureCode ?? null,
    failure_message: outcome.failureMessage ?? null,
    decline_code: outcome.declineCode ?? null,
    card_brand: pm.card_brand,
    card_last4: pm.card_last4,
    card_exp_month: pm.card_exp_month,
    card_exp_year: pm.card_exp_year,
    card_fingerprint: pm.card_fingerprint,
    card_funding: pm.card_funding,
    card_country: pm.card_country,
    three_d_secure: outcome.threeDSecure ?? null,
    balance_transaction_id: null,
    description: intent.description,
    receipt_email: intent.receipt_email,
    statement_descriptor: intent.statement_descriptor,
    metadata: (intent.metadata ?? {}) as Record<string, string>,
    receipt_token: outcome.status === 'succeeded' ? newReceiptToken() : null,
    disputed: false,
    created_at: at,
    updated_at: at,
  };
}

export async function getCharge(deps: CoreDeps, scope: Scope, id: string): Promise<ChargeDto> {
  const row = await repo.getCharge(deps.db, scope, id);
  if (!row) throw notFound('charge', id);
  return toChargeDto(row, deps.appUrl);
}

export async function listCharges(deps: CoreDeps, scope: Scope, input: ListChargesInput = {}, url = '/v1/charges'): Promise<ListResult<ChargeDto>> {
  const params = parseParams(listChargesParams, input);
  const query = repo.selectCharges(deps.db, scope, { paymentIntent: params.payment_intent, customer: params.customer });
  const { rows, hasMore } = await findPage(deps.db, 'charges', scope, query, params);
  return { object: 'list', data: rows.map((r) => toChargeDto(r, deps.appUrl)), has_more: hasMore, url };
}

/** A payment's charges, oldest first (the dashboard's payment detail). */
export async function findChargesForPayment(deps: CoreDeps, scope: Scope, paymentIntentId: string, db: Executor = deps.db): Promise<ChargeDto[]> {
  return (await repo.findChargesForIntent(db, scope, paymentIntentId)).map((r) => toChargeDto(r, deps.appUrl));
}

export async function searchCharges(deps: CoreDeps, scope: Scope, input: SearchParamsInput, url = '/v1/charges/search'): Promise<SearchResult<ChargeDto>> {
  const params = parseParams(searchParams, input);
  const search = compileSearchText('charges', scope, params.query);
  const select = (condition?: RawBuilder<boolean>) => repo.selectCharges(deps.db, scope, { condition });
  const { rows, hasMore, nextPage } = await findSearchPage(deps.db, 'charges', select, search, params.limit, params.page);
  return { object: 'search_result', data: rows.map((r) => toChargeDto(r, deps.appUrl)), has_more: hasMore, next_page: nextPage, url };
}

/** Called in the transaction that opens a dispute on the charge (disputes.service.ts). */
export async function markChargeDisputed(db: Executor, scope: Scope, chargeId: string): Promise<void> {
  await repo.markChargeDisputed(db, scope, chargeId);
}

