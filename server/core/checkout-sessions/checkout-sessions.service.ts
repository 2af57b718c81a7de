/** Checkout Sessions: a hosted payment page for a list of items, paid through one payment intent. */
import type { z } from 'zod';
import { mergeMetadata, type ListResult } from '../../../shared/contracts/common.js';
import {
  createCheckoutSessionParams,
  expireCheckoutSessionParams,
  listCheckoutSessionsParams,
  listLineItemsParams,
  MAX_LINE_ITEMS,
  SESSION_MAX_LIFETIME_S,
  SESSION_MIN_LIFETIME_S,
  type CheckoutSessionDto,
  type CreateCheckoutSessionInput,
  type LineItemDto,
  type LineItemParam,
  type ListCheckoutSessionsInput,
  type ListLineItemsInput,
} from '../../../shared/contracts/checkout-sessions.js';
import { notFound, PaymentError } from '../../../shared/errors.js';
import { newId } from '../../../shared/ids.js';
import { currencyInfo, MAX_AMOUNT, toMajorUnitString } from '../../../shared/money.js';
import { CANCELABLE_STATUSES } from '../../../shared/status.js';
import type { Executor } from '../../db/database.js';
import type { NewRow } from '../../db/schema.js';
import { checkMetadataSize, requireLiveCustomer } from '../customers/customers.service.js';
import { emitEvent } from '../events/events.service.js';
import { cancelLocked, checkRedirectUrls, createPaymentIntent, lockIntent } from '../payment-intents/payment-intents.service.js';
import type { Actor, CoreDeps, Scope } from '../shared/deps.js';
import { findPage } from '../shared/keyset.repository.js';
import { parseParams } from '../shared/params.js';
import { inTransaction } from '../shared/tx.js';
import { toCheckoutSessionDto, toLineItemDto } from './checkout-sessions.dto.js';
import * as repo from './checkout-sessions.repository.js';

export { toCheckoutSessionDto };

interface ResolvedItem {
  name: string;
  description: string | null;
  images: string[];
  currency: string;
  unitAmount: number;
  quantity: number;
  amount: number;
}

function resolveItem(item: LineItemParam, index: number): ResolvedItem {
  const at = (field: string) => `line_items[${index}][${field}]`;
  if (item.price !== undefined) {
    throw new PaymentError(
      'resource_missing',
      `No such price: '${item.price}'. PaymentFlow has no Prices catalogue: describe the item with ${at('price_data')} (currency, unit_amount, product_data[name]).`,
      { param: at('price'), status: 400 },
    );
  }
  if (item.price_data && item.amount !== undefined) {
    throw new PaymentError('invalid_request', `You may only specify one of these parameters: ${at('price_data')}, ${at('amount')}.`, { param: at('amount') });
  }
  if (item.quantity === undefined) throw new PaymentError('parameter_missing', `Missing required param: ${at('quantity')}.`, { param: at('quantity') });
  if (item.quantity < 1) throw new PaymentError('invalid_request', `Invalid ${at('quantity')}: quantity must be at least 1.`, { param: at('quantity') });
  let resolved: Omit<ResolvedItem, 'quantity' | 'amount'>;
  if (item.price_data) {
    const { price_data: price } = item;
    resolved = {
      name: price.product_data.name,
      description: price.product_data.description || null,
      images: price.product_data.images ?? [],
      currency: price.currency,
      unitAmount: price.unit_amount,
    };
  } else if (item.amount !== undefined) {
    if (!item.currency) throw new PaymentError('parameter_missing', `Missing required param: ${at('currency')}.`, { param: at('currency') });
    if (!item.name) throw new PaymentError('parameter_missing', `Missing required param: ${at('name')}.`, { param: at('name') });
    resolved = { name: item.name, description: item.description || null, images: item.images ?? [], currency: item.currency, unitAmount: item.amount };
  } else {
    throw new PaymentError('parameter_missing', `Missing required param: ${at('price_data')}.`, { param: at('price_data') });
  }
  const amount = resolved.unitAmount * item.quantity;
  if (amount > MAX_AMOUNT) {
    throw new PaymentError('amount_too_large', `The amount of ${at('quantity')} times its unit amount must be at most ${toMajorUnitString(MAX_AMOUNT, resolved.currency)} ${resolved.currency}.`, { param: at('quantity') });
  }
  return { ...resolved, quantity: item.quantity, amount };
}

/** The items, their one currency and the totals, checked as Stripe checks them. */
function priceItems(lineItems: LineItemParam[], currency: string | undefined) {
  if (!lineItems.length) throw new PaymentError('parameter_missing', 'Missing required param: line_items.', { param: 'line_items' });
  if (lineItems.length > MAX_LINE_ITEMS) {
    throw new PaymentError('invalid_request', `A Checkout Session in payment mode can have at most ${MAX_LINE_ITEMS} line items; you passed ${lineItems.length}.`, { param: 'line_items' });
  }
  const items = lineItems.map(resolveItem);
  const expected = currency ?? items[0].currency;
  const other = items.findIndex((item) => item.currency !== expected);
  if (other !== -1) {
    throw new PaymentError(
      'invalid_request',
      `All line items must use the same currency: line_items[${other}] is in ${items[other].currency}, while ${currency ? 'the session' : 'line_items[0]'} is in ${expected}.`,
      { param: lineItems[other].price_data ? `line_items[${other}][price_data][currency]` : `line_items[${other}][currency]` },
    );
  }
  const total = items.reduce((sum, item) => sum + item.amount, 0);
  if (total > MAX_AMOUNT) {
    throw new PaymentError('amount_too_large', `The total of the line items must be at most ${toMajorUnitString(MAX_AMOUNT, expected)} ${expected}.`, { param: 'line_items' });
  }
  const { minimum } = currencyInfo(expected);
  if (total < minimum) {
    throw new PaymentError(
      'amount_too_small',
      `The Checkout Session's total amount due must add up to at least ${toMajorUnitString(minimum, expected)} ${expected}; these line items add up to ${toMajorUnitString(total, expected)} ${expected}.`,
      { param: 'line_items' },
    );
  }
  return { items, currency: expected, total };
}

function expiryOf(expiresAt: number | undefined, createdAt: Date): Date {
  const created = Math.floor(createdAt.getTime() / 1000);
  if (expiresAt === undefined) return new Date((created + SESSION_MAX_LIFETIME_S) * 1000);
  if (expiresAt < created + SESSION_MIN_LIFETIME_S || expiresAt > created + SESSION_MAX_LIFETIME_S) {
    throw new PaymentError(
      'invalid_request',
      `Invalid expires_at: it must be between 30 minutes and 24 hours after the Checkout Session is created (between ${created + SESSION_MIN_LIFETIME_S} and ${created + SESSION_MAX_LIFETIME_S}); got ${expiresAt}.`,
      { param: 'expires_at' },
    );
  }
  return new Date(expiresAt * 1000);
}

export async function createCheckoutSession(deps: CoreDeps, actor: Actor, input: CreateCheckoutSessionInput, tx?: Executor): Promise<CheckoutSessionDto> {
  const params = parseParams(createCheckoutSessionParams, input);
  const { items, currency, total } = priceItems(params.line_items, params.currency);
  if (params.customer && params.customer_email) {
    throw new PaymentError('invalid_request', 'You may only specify one of these parameters: customer, customer_email.', { param: 'customer_email' });
  }
  if (params.customer && params.customer_creation) {
    throw new PaymentError('invalid_request', 'customer_creation can only be used when customer is not set.', { param: 'customer_creation' });
  }
  checkRedirectUrls(actor, params);
  if (params.metadata) checkMetadataSize(params.metadata);
  const createdAt = new Date();
  const expiresAt = expiryOf(params.expires_at, createdAt);
  const intentData = params.payment_intent_data ?? {};
  return inTransaction(deps, tx, async (t) => {
    const customer = params.customer ? await requireLiveCustomer(t, actor, params.customer) : null;
    const intent = await createPaymentIntent(
      deps,
      actor,
      {
        amount: total,
        currency,
        customer: params.customer,
        description: intentData.description,
        metadata: intentData.metadata ?? undefined,
        receipt_email: intentData.receipt_email ?? params.customer_email ?? customer?.email ?? undefined,
        capture_method: intentData.capture_method,
        statement_descriptor: intentData.statement_descriptor,
        statement_descriptor_suffix: intentData.statement_descriptor_suffix,
      },
      t,
      { expiresAt },
    );
    const id = newId('checkoutSession');
    const session: NewRow<'checkout_sessions'> = {
      id,
      merchant_id: actor.merchantId,
      livemode: actor.livemode,
      status: 'open',
      payment_status: 'unpaid',
      currency,
      amount_subtotal: total,
      amount_total: total,
      payment_intent_id: intent.id,
      customer_id: params.customer ?? null,
      customer_email: params.customer_email ?? null,
      customer_creation: params.customer ? null : (params.customer_creation ?? 'if_required'),
      client_reference_id: params.client_reference_id ?? null,
      metadata: JSON.stringify(mergeMetadata({}, params.metadata ?? {})),
      success_url: params.success_url ?? null,
      cancel_url: params.cancel_url ?? null,
      customer_details: null,
      expires_at: expiresAt,
      created_at: createdAt,
      updated_at: createdAt,
    };
    const lineItems: NewRow<'checkout_session_line_items'>[] = items.map((item, position) => ({
      id: newId('lineItem'),
      merchant_id: actor.merchantId,
      livemode: actor.livemode,
      session_id: id,
      position,
      name: item.name,
      description: item.description,
      images: JSON.stringify(item.images),
      currency,
      unit_amount: item.unitAmount,
      quantity: item.quantity,
      amount_subtotal: item.amount,
      amount_total: item.amount,
      created_at: createdAt,
    }));
    await repo.insertSession(t, session, lineItems);
    const row = await repo.getSession(t, actor, id);
    const dto = toCheckoutSessionDto(row!, deps.appUrl);
    return wantsLineItems(params.expand) ? withLineItems({ ...deps, db: t }, actor, dto) : dto;
  });
}

/** `expand[]=line_items` (or `data.line_items` on a list) attaches the session's items, as Stripe does. */
function wantsLineItems(expand: readonly string[] | undefined, list = false): boolean {
  return (expand ?? []).includes(list ? 'data.line_items' : 'line_items');
}

async function withLineItems(deps: CoreDeps, scope: Scope, dto: CheckoutSessionDto): Promise<CheckoutSessionDto> {
  return { ...dto, line_items: await listLineItems(deps, scope, dto.id, { limit: MAX_LINE_ITEMS }) };
}

export async function getCheckoutSession(deps: CoreDeps, scope: Scope, id: string, options: { expand?: string[] } = {}): Promise<CheckoutSessionDto> {
  const row = await repo.getSession(deps.db, scope, id);
  if (!row) throw notFound('checkout.session', id);
  const dto = toCheckoutSessionDto(row, deps.appUrl);
  return wantsLineItems(options.expand) ? withLineItems(deps, scope, dto) : dto;
}

export async function listCheckoutSessions(deps: CoreDeps, scope: Scope, input: ListCheckoutSessionsInput = {}, url = '/v1/checkout/sessions'): Promise<ListResult<CheckoutSessionDto>> {
  const params = parseParams(listCheckoutSessionsParams, input);
  const query = repo.selectSessions(deps.db, scope, {
    paymentIntent: params.payment_intent,
    customer: params.customer,
    status: params.status,
    clientReferenceId: params.client_reference_id,
  });
  const { rows, hasMore } = await findPage(deps.db, 'checkout_sessions', scope, query, params);
  let data = rows.map((r) => toCheckoutSessionDto(r, deps.appUrl));
  if (wantsLineItems(params.expand, true)) data = await Promise.all(data.map((dto) => withLineItems(deps, scope, dto)));
  return { object: 'list', data, has_more: hasMore, url };
}

export async function listLineItems(deps: CoreDeps, scope: Scope, sessionId: string, input: ListLineItemsInput = {}): Promise<ListResult<LineItemDto>> {
  const params = parseParams(listLineItemsParams, input);
  if (params.starting_after && params.ending_before) {
    throw new PaymentError('invalid_request', 'You may only specify one of these parameters: starting_after, ending_before.', { param: 'ending_before' });
  }
  const session = await repo.getSession(deps.db, scope, sessionId);
  if (!session) throw notFound('checkout.session', sessionId);
  const page = await repo.findLineItems(deps.db, scope, session.id, { limit: params.limit, startingAfter: params.starting_after, endingBefore: params.ending_before });
  if (page.missingCursor) {
    const param = params.starting_after ? 'starting_after' : 'ending_before';
    throw notFound('line item', (params.starting_after ?? params.ending_before)!, param);
  }
  return { object: 'list', data: page.rows.map(toLineItemDto), has_more: page.hasMore, url: `/v1/checkout/sessions/${session.id}/line_items` };
}

function notOpen(status: string) {
  return new PaymentError('invalid_request', `Only Checkout Sessions with a status of open can be expired; this one has a status of ${status}.`);
}

/**
 * Expires an open session and cancels its intent (abandoned), so the page stops taking money. The intent
 * is locked first, as a confirmation locks it, so an expiry and a payment at the same moment serialise:
 * exactly one of them wins. `strict` (the API call) reports a session that is no longer open.
 */
async function expireLocked(deps: CoreDeps, t: Executor, actor: Actor, id: string, strict: boolean): Promise<CheckoutSessionDto | null> {
  const session = await repo.getSession(t, actor, id);
  if (!session) throw notFound('checkout.session', id);
  if (session.status !== 'open') {
    if (strict) throw notOpen(session.status);
    return null;
  }
  const intent = await lockIntent(t, actor, session.payment_intent_id);
  if (intent.status === 'succeeded' || intent.status === 'requires_capture' || intent.status === 'processing') {
    if (strict) throw notOpen('complete');
    return null;
  }
  if ((CANCELABLE_STATUSES as readonly string[]).includes(intent.status)) await cancelLocked(deps, t, actor, intent, 'abandoned');
  const expired = await repo.transitionOpenSession(t, actor, { id }, { status: 'expired', expired_at: new Date() });
  if (!expired) {
    if (strict) throw notOpen('complete');
    return null;
  }
  const dto = toCheckoutSessionDto(expired, deps.appUrl);
  await emitEvent(t, actor, 'checkout.session.expired', dto);
  return dto;
}

export async function expireCheckoutSession(deps: CoreDeps, actor: Actor, id: string, input: z.input<typeof expireCheckoutSessionParams> = {}, tx?: Executor): Promise<CheckoutSessionDto> {
  parseParams(expireCheckoutSessionParams, input);
  return inTransaction(deps, tx, async (t) => (await expireLocked(deps, t, actor, id, true))!);
}

/** Job: expires open sessions past expires_at, each in its own transaction. Safe on many instances at once. */
export async function expireDueSessions(deps: CoreDeps, now: Date = new Date(), batchSize = 200): Promise<number> {
  let total = 0;
  for (;;) {
    const due = await repo.findDueSessions(deps.db, now, batchSize);
    let expiredNow = 0;
    for (const row of due) {
      const actor: Actor = { merchantId: row.merchant_id, livemode: row.livemode };
      const expired = await deps.db.transaction().execute((t) => expireLocked(deps, t, actor, row.id, false));
      if (expired) expiredNow++;
    }
    total += expiredNow;
    // A full batch of which none could expire (paid meanwhile) would come back unchanged: stop there.
    if (due.length < batchSize || expiredNow === 0) return total;
  }
}
