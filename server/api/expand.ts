import { z } from 'zod';
import { expandParam } from '../../shared/contracts/common.js';
import { PaymentError } from '../../shared/errors.js';
import { idKind } from '../../shared/ids.js';
import { getBalanceTransaction } from '../core/balance/balance.service.js';
import { getCharge } from '../core/charges/charges.service.js';
import { getDispute } from '../core/disputes/disputes.service.js';
import { getCustomer } from '../core/customers/customers.service.js';
import { getPayout } from '../core/payouts/payouts.service.js';
import { getRefund } from '../core/refunds/refunds.service.js';
import { getPaymentIntent } from '../core/payment-intents/payment-intents.service.js';
import { getPaymentMethodRow, toPaymentMethodDto } from '../core/payment-methods/payment-methods.service.js';
import type { CoreDeps, Scope } from '../core/shared/deps.js';
import { parseParams } from '../core/shared/params.js';

/**
 * Stripe's `expand[]`: an id in a response is replaced by the object it names (`customer`, `payment_method`,
 * `payment_intent.customer`, `data.customer` on lists). A property that exists in PaymentFlow only as null
 * (charges, invoices, reviews...) may be expanded and stays null. Anything else is Stripe's 400.
 */

type Kind = 'customer' | 'payment_intent' | 'payment_method' | 'charge' | 'balance_transaction' | 'balance_source';

/** Per object type: the expandable properties and what they expand into (null: always null here). */
const EXPANDABLE: Record<string, Record<string, Kind | null>> = {
  payment_intent: {
    customer: 'customer',
    payment_method: 'payment_method',
    latest_charge: 'charge',
    application: null,
    invoice: null,
    on_behalf_of: null,
    payment_record: null,
    review: null,
    source: null,
  },
  refund: {
    payment_intent: 'payment_intent',
    customer: 'customer',
    payment_method: 'payment_method',
    balance_transaction: 'balance_transaction',
    charge: 'charge',
    source_transfer_reversal: null,
    transfer_reversal: null,
  },
  customer: { default_source: null, test_clock: null },
  charge: {
    balance_transaction: 'balance_transaction',
    customer: 'customer',
    payment_intent: 'payment_intent',
    application: null,
    application_fee: null,
    failure_balance_transaction: null,
    on_behalf_of: null,
    review: null,
    source_transfer: null,
  },
  // A balance transaction's source is a charge, a refund or a payout (or a dispute), by its id.
  balance_transaction: { source: 'balance_source' },
  balance: {},
  payout: { balance_transaction: 'balance_transaction', failure_balance_transaction: 'balance_transaction', destination: null, original_payout: null, reversed_by: null, application_fee: null },
  payment_method: { customer: 'customer' },
  dispute: { payment_intent: 'payment_intent', charge: 'charge' },
  webhook_endpoint: { application: null },
  event: {},
  // line_items is a list the session service attaches itself when asked (it is not an id to replace).
  'checkout.session': { payment_intent: 'payment_intent', customer: 'customer', line_items: null, invoice: null, payment_link: null, setup_intent: null, subscription: null },
  item: {},
};

/** Stripe's limit on expansion depth. */
const MAX_LEVELS = 4;

const expandOnly = z.object({ expand: expandParam.optional() });

function cannotExpand(path: string): PaymentError {
  return new PaymentError('invalid_request', `This property cannot be expanded (${path}).`, { param: 'expand' });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The object each resource path answers with (`/v1/payment_intents/...` -> payment_intent). */
const RESOURCE_OBJECTS: Record<string, string> = {
  payment_intents: 'payment_intent',
  refunds: 'refund',
  customers: 'customer',
  events: 'event',
  webhook_endpoints: 'webhook_endpoint',
  payment_methods: 'payment_method',
  checkout: 'checkout.session',
  charges: 'charge',
  balance: 'balance',
  balance_transactions: 'balance_transaction',
  payouts: 'payout',
  disputes: 'dispute',
};

/** Checks one path against the table, before any work is done (so a bad expand never half-runs a create). */
function checkPath(object: string, parts: string[], path: string) {
  const [head, ...rest] = parts;
  const rules = EXPANDABLE[object];
  if (!rules || !Object.prototype.hasOwnProperty.call(rules, head)) throw cannotExpand(path);
  if (!rest.length) return;
  const kind = rules[head];
  if (!kind) throw cannotExpand(path);
  checkPath(kind, rest, path);
}

/**
 * The expansions a request asks for, validated like any other parameter and against what the route returns
 * (`routePath` is the Express route, e.g. `/payment_intents/:id`; `list` for list and search routes).
 */
export function requestedExpansions(params: Record<string, unknown>, coerce: boolean, routePath: string, list: boolean): string[] {
  if (params.expand === undefined) return [];
  const { expand } = parseParams(expandOnly, { expand: params.expand }, { coerce });
  const paths = [...new Set(expand ?? [])];
  // The innermost resource the path names: `/customers/:customer/payment_methods` answers with payment methods.
  const segments = routePath.split('/');
  const resource = segments.filter((segment) => Object.prototype.hasOwnProperty.call(RESOURCE_OBJECTS, segment)).pop();
  const object = segments[segments.length - 1] === 'line_items' ? 'item' : resource ? RESOURCE_OBJECTS[resource] : undefined;
  for (const path of paths) {
    const parts = path.split('.');
    if (parts.length > MAX_LEVELS) {
      throw new PaymentError('invalid_request', `You cannot expand more than ${MAX_LEVELS} levels of a property (${path}).`, { param: 'expand' });
    }
    if (!object) throw cannotExpand(path);
    if (list) {
      if (parts[0] !== 'data' || parts.length < 2) throw cannotExpand(path);
      checkPath(object, parts.slice(1), path);
    } else {
      checkPath(object, parts, path);
    }
  }
  return paths;
}

/**
 * Applies `expand` to a response body (an object, a list or a search result). Objects are loaded within the
 * caller's tenant (and transaction, under an Idempotency-Key), once per id per request.
 */
export async function expandResponse(deps: CoreDeps, scope: Scope, body: unknown, expand: string[]): Promise<unknown> {
  if (!expand.length || !isObject(body)) return body;
  const cache = new Map<string, Promise<unknown>>();
  const load = (kind: Kind, id: string): Promise<unknown> => {
    const key = `${kind}:${id}`;
    let pending = cache.get(key);
    if (!pending) {
      pending = loaders[kind](deps, scope, id);
      cache.set(key, pending);
    }
    return pending;
  };
  const isList = body.object === 'list' || body.object === 'search_result';
  for (const path of [...expand].sort((a, b) => a.split('.').length - b.split('.').length)) {
    const parts = path.split('.');
    if (isList) {
      if (parts[0] !== 'data' || !Array.isArray(body.data)) throw cannotExpand(path);
      await Promise.all(body.data.map((item) => expandPath(item, parts.slice(1), path, load)));
    } else {
      await expandPath(body, parts, path, load);
    }
  }
  return body;
}

async function expandPath(target: unknown, parts: string[], path: string, load: (kind: Kind, id: string) => Promise<unknown>): Promise<void> {
  if (!isObject(target)) return;
  const [head, ...rest] = parts;
  const rules = typeof target.object === 'string' ? EXPANDABLE[target.object] : undefined;
  if (!rules || !Object.prototype.hasOwnProperty.call(rules, head)) throw cannotExpand(path);
  // A property hidden from this key (a publishable key reading a payment intent) stays hidden.
  if (!Object.prototype.hasOwnProperty.call(target, head)) return;
  const kind = rules[head];
  const value = target[head];
  if (kind && typeof value === 'string') target[head] = await load(kind, value);
  if (rest.length) {
    const expanded = target[head];
    // Through null (`latest_charge.balance_transaction` with no charge) or a deleted object, nothing more to expand.
    if (expanded === null || (isObject(expanded) && expanded.deleted === true)) return;
    if (!isObject(expanded)) throw cannotExpand(path);
    await expandPath(expanded, rest, path, load);
  }
}

const loaders: Record<Kind, (deps: CoreDeps, scope: Scope, id: string) => Promise<unknown>> = {
  customer: (deps, scope, id) => getCustomer(deps, scope, id),
  payment_intent: (deps, scope, id) => getPaymentIntent(deps, scope, id),
  payment_method: async (deps, scope, id) => {
    const row = await getPaymentMethodRow(deps.db, scope, id);
    // Ids on PaymentFlow's own objects always resolve; were one gone, the id is kept rather than failing the read.
    return row ? toPaymentMethodDto(row) : id;
  },
  charge: (deps, scope, id) => getCharge(deps, scope, id),
  balance_transaction: (deps, scope, id) => getBalanceTransaction(deps, scope, id),
  balance_source: async (deps, scope, id) => {
    const kind = idKind(id);
    if (kind === 'charge') return getCharge(deps, scope, id);
    if (kind === 'refund') return getRefund(deps, scope, id);
    if (kind === 'payout') return getPayout(deps, scope, id);
    if (kind === 'dispute') return getDispute(deps, scope, id);
    return id;
  },
};
