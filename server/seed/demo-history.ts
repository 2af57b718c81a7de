import { replayDemoDisputes } from '../core/disputes/disputes.service.js';
import { randomBytes } from 'node:crypto';
import { ID_PREFIXES, type IdKind } from '../../shared/ids.js';
import { API_VERSION } from '../../shared/contracts/events.js';
import { refundableAmount } from '../../shared/contracts/refunds.js';
import type { Row } from '../db/schema.js';
import { toCustomerDto } from '../core/customers/customers.service.js';
import { eventData } from '../core/events/events.service.js';
import { simulateAuthorization, TEST_PAYMENT_METHODS } from '../core/payment-intents/test-cards.js';
import { toPaymentIntentDto } from '../core/payment-intents/payment-intents.dto.js';
import { planOutcome } from '../core/payment-intents/confirmation-plan.js';
import { INTENT_LIFETIME_MS, newPaymentIntentRow } from '../core/payment-intents/payment-intents.service.js';
import { buildPaymentMethodRow } from '../core/payment-methods/payment-methods.service.js';
import { toRefundDto } from '../core/refunds/refunds.service.js';
import type { CoreDeps, Scope } from '../core/shared/deps.js';
import { findOwnerUserId, insertJsonRows } from './seed.repository.js';
import { DEFAULT_BALANCE_SETTINGS } from '../../shared/contracts/balance.js';
import { rebuildBalanceTotals } from '../core/balance/balance.repository.js';
import { buildBalanceTransactionRow, buildChargeBalanceTransaction } from '../core/balance/balance.service.js';
import { toPayoutDto } from '../core/payouts/payouts.service.js';

/**
 * The demo merchant's history: ~2,000 customers and ~20,000 test-mode payments over 180 days. Rows are
 * built with the payment core's own builders (DTOs, payment methods, decline errors, event payloads) and
 * follow the same transitions the services make, then written in bulk, so the history is
 * indistinguishable from what the API would have produced — only much faster than 20,000 API calls.
 */


const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
let pool = Buffer.alloc(0);
let poolAt = 0;

/**
 * newId's format (prefix, 24 uniform base62 characters) drawn from one large random buffer: the seed
 * needs ~150,000 ids and one crypto call per id would dominate its run time.
 */
function newId(kind: IdKind): string {
  let out = ID_PREFIXES[kind] + '_';
  while (out.length < ID_PREFIXES[kind].length + 25) {
    if (poolAt >= pool.length) {
      pool = randomBytes(1 << 20);
      poolAt = 0;
    }
    const byte = pool[poolAt++];
    if (byte < 248) out += ALPHABET[byte % 62];
  }
  return out;
}

const DAY = 86_400_000;

/** Deterministic, so every fresh install shows the same shop. */
export function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const pick = <T>(rand: Rand, items: readonly T[]): T => items[Math.floor(rand() * items.length)];
function weighted<T>(rand: Rand, items: readonly (readonly [T, number])[]): T {
  const total = items.reduce((s, [, w]) => s + w, 0);
  let r = rand() * total;
  for (const [item, w] of items) {
    r -= w;
    if (r <= 0) return item;
  }
  return items[items.length - 1][0];
}

const FIRST = ['Olivia', 'Liam', 'Emma', 'Noah', 'Ava', 'Elijah', 'Sophia', 'Lucas', 'Mia', 'Mateo', 'Isabella', 'Levi', 'Amelia', 'Ethan', 'Harper', 'Hiro', 'Yuki', 'Aarav', 'Priya', 'Chloé', 'Lukas', 'Sofía', 'Jonas', 'Fatima', 'Omar', 'Zoe', 'Kai', 'Nora', 'Leo', 'Ines', 'Mei', 'Santiago', 'Freya', 'Arjun', 'Hannah'];
const LAST = ['Smith', 'Johnson', 'Garcia', 'Müller', 'Rossi', 'Tanaka', 'Sato', 'Dubois', 'Kowalski', 'Nguyen', 'Patel', 'Brown', 'Jones', 'Martin', 'Silva', 'Andersson', 'OConnor', 'Khan', 'Lee', 'Walker', 'Hughes', 'Fischer', 'Moreau', 'Novak', 'Yamamoto'];
const DOMAINS = ['gmail.com', 'outlook.com', 'icloud.com', 'yahoo.com', 'proton.me', 'example.com', 'mail.de', 'orange.fr'];
const PRODUCTS = ['Trail running shoes', 'Down jacket', 'Camping stove', 'Two-person tent', 'Hiking backpack 40L', 'Merino base layer', 'Headlamp', 'Water filter', 'Sleeping bag', 'Trekking poles', 'Rain shell', 'Climbing harness', 'Gift card', 'Repair service', 'Insulated bottle'];

type Currency = 'usd' | 'eur' | 'gbp' | 'jpy';
const CURRENCY_WEIGHTS = [['usd', 68], ['eur', 16], ['gbp', 10], ['jpy', 6]] as const;

function amountFor(rand: Rand, currency: Currency): number {
  // Log-normal basket sizes around $45, with price-point endings shoppers recognise.
  const major = Math.exp(3.8 + 0.85 * gaussian(rand));
  if (currency === 'jpy') return Math.max(500, Math.round((major * 150) / 10) * 10);
  const scaled = currency === 'gbp' ? major * 0.8 : currency === 'eur' ? major * 0.92 : major;
  const whole = Math.max(1, Math.floor(scaled));
  return whole * 100 + pick(rand, [0, 0, 50, 95, 99, 99]);
}

function gaussian(rand: Rand) {
  return Math.sqrt(-2 * Math.log(rand() || 1e-9)) * Math.cos(2 * Math.PI * rand());
}

/** Busier at lunch and in the evening (US Eastern), on weekdays, and growing over the half year. */
function paymentTimes(rand: Rand, count: number, now: number): number[] {
  const days = 180;
  const weekday = [0.72, 1.05, 1.1, 1.08, 1.12, 1.0, 0.8]; // Sun..Sat
  const hourly = [0.2, 0.12, 0.08, 0.06, 0.06, 0.1, 0.25, 0.5, 0.8, 1.0, 1.15, 1.3, 1.45, 1.35, 1.2, 1.1, 1.1, 1.2, 1.35, 1.5, 1.45, 1.2, 0.8, 0.45];
  const weights: number[] = [];
  for (let d = 0; d < days; d++) {
    const dayStart = now - (days - d) * DAY;
    const dow = new Date(dayStart - 5 * 3600_000).getUTCDay();
    const holiday = d > 140 && d < 150 ? 1.6 : 1; // a seasonal sale
    weights.push(weekday[dow] * (0.75 + (0.5 * d) / days) * holiday * (0.85 + 0.3 * rand()));
  }
  const total = weights.reduce((s, w) => s + w, 0);
  const times: number[] = [];
  const hourTotal = hourly.reduce((s, w) => s + w, 0);
  weights.forEach((w, d) => {
    const n = Math.round((w / total) * count);
    const dayStart = now - (days - d) * DAY;
    for (let i = 0; i < n; i++) {
      let r = rand() * hourTotal;
      let hour = 0;
      while (hour < 23 && (r -= hourly[hour]) > 0) hour++;
      // Eastern local hour -> UTC.
      const t = dayStart + ((hour + 5) % 24) * 3600_000 + Math.floor(rand() * 3600_000);
      if (t < now - 2 * 3600_000) times.push(t);
    }
  });
  return times.sort((a, b) => a - b);
}

/** How many customers (sorted by creation) existed before `at`. */
function customersCreatedBefore(times: number[], at: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid] <= at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

type Scenario = 'succeeded' | 'retry_succeeded' | 'three_ds' | 'manual' | 'manual_partial' | 'manual_open' | 'declined' | 'three_ds_failed' | 'canceled' | 'abandoned' | 'refund_fail_card';

const SCENARIOS = [
  ['succeeded', 79],
  ['retry_succeeded', 3.5],
  ['three_ds', 2.5],
  ['manual', 1.6],
  ['manual_partial', 0.6],
  ['manual_open', 0.3],
  ['refund_fail_card', 0.4],
  ['declined', 6.5],
  ['three_ds_failed', 1],
  ['canceled', 2.6],
  ['abandoned', 2],
] as const satisfies readonly (readonly [Scenario, number])[];

const SUCCESS_CARDS = [['pm_card_visa', 55], ['pm_card_mastercard', 30], ['pm_card_visa_debit', 10], ['pm_card_amex', 5]] as const;
const DECLINE_CARDS = [
  ['pm_card_chargeDeclined', 40],
  ['pm_card_chargeDeclinedInsufficientFunds', 33],
  ['pm_card_chargeDeclinedExpiredCard', 10],
  ['pm_card_chargeDeclinedIncorrectCvc', 10],
  ['pm_card_chargeDeclinedLostCard', 4],
  ['pm_card_chargeDeclinedStolenCard', 3],
] as const;
const THREE_DS_CARDS = ['pm_card_threeDSecure2Required', 'pm_card_authenticationRequired'] as const;

interface Collector {
  customers: object[];
  paymentMethods: object[];
  intents: object[];
  attempts: object[];
  refunds: object[];
  events: object[];
  charges: Row<'charges'>[];
  chargeById: Map<string, Row<'charges'>>;
  balanceTransactions: Row<'balance_transactions'>[];
  payouts: Row<'payouts'>[];
}

interface DemoOptions {
  customers?: number;
  payments?: number;
  now?: Date;
  seed?: number;
}

export async function seedDemoHistory(deps: CoreDeps, merchantId: string, log: (line: string) => void, options: DemoOptions = {}): Promise<void> {
  const started = Date.now();
  const ownerId = await findOwnerUserId(deps.db, merchantId);
  const out = buildDemoHistory(deps, merchantId, ownerId, options);
  const built = Date.now();
  await deps.db.transaction().execute(async (tx) => {
    await insertJsonRows(tx, 'customers', out.customers);
    await insertJsonRows(tx, 'payment_methods', out.paymentMethods);
    await insertJsonRows(tx, 'payment_intents', out.intents);
    await insertJsonRows(tx, 'payment_attempts', out.attempts);
    await insertJsonRows(tx, 'charges', out.charges);
    await insertJsonRows(tx, 'refunds', out.refunds);
    await insertJsonRows(tx, 'payouts', out.payouts);
    await insertJsonRows(tx, 'balance_transactions', out.balanceTransactions);
    // The running totals the ledger keeps as it goes, for the history written at once.
    await rebuildBalanceTotals(tx, { merchantId, livemode: false });
    await insertJsonRows(tx, 'events', out.events, 1000);
  });
  const disputes = await replayDemoDisputes(deps, { merchantId, livemode: false }, options.now);
  log(
    `Demo history: ${out.customers.length} customers, ${out.intents.length} payments, ${out.refunds.length} refunds, ${disputes} disputes, ${out.payouts.length} payouts, ${out.events.length} events ` +
      `(built in ${((built - started) / 1000).toFixed(1)} s, written in ${((Date.now() - built) / 1000).toFixed(1)} s)`,
  );
}


/** The rows of the demo history, in memory (no database access). */
function buildDemoHistory(deps: Pick<CoreDeps, 'secret' | 'appUrl'>, merchantId: string, ownerId: string | null, options: DemoOptions = {}): Collector {
  const rand = mulberry32(options.seed ?? 20240601);
  const now = (options.now ?? new Date()).getTime();
  const scope: Scope = { merchantId, livemode: false };
  const out: Collector = { customers: [], paymentMethods: [], intents: [], attempts: [], refunds: [], events: [], charges: [], chargeById: new Map(), balanceTransactions: [], payouts: [] };

  const event = (type: string, object: { id: string }, at: number, requestId: string | null, previous?: Record<string, unknown>) => {
    out.events.push({
      id: newId('event'),
      merchant_id: merchantId,
      livemode: false,
      type,
      api_version: API_VERSION,
      object_id: object.id,
      data: eventData(object, previous),
      request_id: requestId,
      idempotency_key: null,
      created_at: new Date(at),
    });
  };

  // Customers: created before (or without) their purchases.
  const times = paymentTimes(rand, options.payments ?? 20_000, now);
  const customerCount = options.customers ?? 2_000;
  const customers: Row<'customers'>[] = [];
  for (let i = 0; i < customerCount; i++) {
    const first = pick(rand, FIRST);
    const last = pick(rand, LAST);
    const created = new Date(now - 185 * DAY + Math.floor(rand() * 175 * DAY));
    const row: Row<'customers'> = {
      id: newId('customer'),
      merchant_id: merchantId,
      livemode: false,
      email: `${first}.${last}${rand() < 0.4 ? Math.floor(rand() * 90 + 10) : ''}@${pick(rand, DOMAINS)}`
        // Transliterate (Sofía -> sofia) rather than drop accented letters.
        .normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9.@]/g, ''),
      name: `${first} ${last}`,
      phone: rand() < 0.45 ? `+1${Math.floor(2000000000 + rand() * 7999999999)}` : null,
      description: rand() < 0.05 ? 'Wholesale account' : null,
      metadata: rand() < 0.6 ? { crm_id: `C-${100000 + i}` } : {},
      created_at: created,
      updated_at: created,
      deleted_at: null,
    };
    customers.push(row);
    out.customers.push(row);
    event('customer.created', toCustomerDto(row), created.getTime(), newId('request'));
  }
  customers.sort((a, b) => a.created_at.getTime() - b.created_at.getTime());
  const customerTimes = customers.map((c) => c.created_at.getTime());

  let order = 100_000;
  for (const createdMs of times) {
    const currency = weighted(rand, CURRENCY_WEIGHTS) as Currency;
    const amount = amountFor(rand, currency);
    // Two thirds of payments belong to a known customer who existed at the time.
    let customer: Row<'customers'> | null = null;
    if (rand() < 0.66) {
      const upto = customersCreatedBefore(customerTimes, createdMs);
      if (upto > 0) customer = customers[Math.floor(rand() * upto)];
    }
    let scenario = weighted(rand, SCENARIOS) as Scenario;
    if (scenario === 'manual_open' && now - createdMs > 6 * DAY) scenario = 'manual';
    simulatePayment({ deps, scope, out, event, rand, now, ownerId }, {
      createdMs,
      currency,
      amount,
      customer,
      scenario,
      orderId: `ORD-${order++}`,
      description: rand() < 0.8 ? pick(rand, PRODUCTS) : null,
    });
  }
  addPayouts({ deps, scope, out, event, rand, now, ownerId });
  return out;
}

/**
 * The ledger's later life, replayed: each transaction is available once its available_on has passed, and the
 * default schedule (daily, automatic) paid out each currency's available balance every day at 08:00 UTC,
 * settling exactly the transactions that made it up. One payout failed, as a bank's can: its amount came back
 * as a payout_failure transaction and the next day's payout took it along.
 */
function addPayouts(ctx: Ctx) {
  const { out, event, now, scope } = ctx;
  for (const t of out.balanceTransactions) t.status = t.available_on.getTime() <= now ? 'available' : 'pending';
  const stream = [...out.balanceTransactions].sort((a, b) => a.available_on.getTime() - b.available_on.getTime());
  if (!stream.length) return;
  const unsettled = new Map<string, Row<'balance_transactions'>[]>();
  const first = stream[0].available_on.getTime();
  let i = 0;
  const failOn = Math.floor((now - 20 * DAY) / DAY) * DAY + 8 * 3_600_000;
  for (let day = Math.floor(first / DAY) * DAY + DAY + 8 * 3_600_000; day <= now; day += DAY) {
    while (i < stream.length && stream[i].available_on.getTime() <= day) {
      const t = stream[i++];
      unsettled.set(t.currency, [...(unsettled.get(t.currency) ?? []), t]);
    }
    for (const [currency, txns] of unsettled) {
      const amount = txns.reduce((s, t) => s + Number(t.net), 0);
      if (amount <= 0) continue;
      const id = newId('payout');
      const at = new Date(day);
      const payoutTxn = buildBalanceTransactionRow(scope, { id: newId('balanceTransaction'), type: 'payout', reportingCategory: 'payout', amount: -amount, currency, sourceId: id, description: 'STRIPE PAYOUT', payoutId: id, createdAt: at }, at);
      const fails = day === failOn && currency === 'usd';
      const payout: Row<'payouts'> = {
        id, merchant_id: scope.merchantId, livemode: false, amount, currency,
        status: fails ? 'failed' : now - day > 2 * DAY ? 'paid' : now - day > DAY ? 'in_transit' : 'pending',
        automatic: true, arrival_date: at, description: 'STRIPE PAYOUT', statement_descriptor: null, metadata: {},
        failure_code: fails ? 'account_closed' : null, failure_message: fails ? 'The bank account has been closed.' : null,
        balance_transaction_id: payoutTxn.id, failure_balance_transaction_id: null, itemized: true, created_at: at, updated_at: at,
      };
      for (const t of txns) t.payout_id = id;
      unsettled.set(currency, []);
      out.balanceTransactions.push(payoutTxn);
      event('payout.created', toPayoutDto({ ...payout, status: 'pending', failure_code: null, failure_message: null }), day, null);
      if (fails) {
        const failedAt = new Date(day + 6 * 3_600_000);
        const failure = buildBalanceTransactionRow(scope, { type: 'payout_failure', reportingCategory: 'payout_reversal', amount, currency, sourceId: id, description: `Payout ${id} failed`, createdAt: failedAt }, failedAt);
        payout.failure_balance_transaction_id = failure.id;
        payout.updated_at = failedAt;
        out.balanceTransactions.push(failure);
        unsettled.set(currency, [failure]);
        event('payout.failed', toPayoutDto(payout), failedAt.getTime(), null);
      } else if (payout.status === 'paid') {
        event('payout.paid', toPayoutDto(payout), day + DAY, null);
      }
      out.payouts.push(payout);
    }
  }
}

interface Ctx {
  deps: Pick<CoreDeps, 'secret' | 'appUrl'>;
  scope: Scope;
  out: Collector;
  event: (type: string, object: { id: string }, at: number, requestId: string | null, previous?: Record<string, unknown>) => void;
  rand: Rand;
  now: number;
  ownerId: string | null;
}

interface PaymentSpec {
  createdMs: number;
  currency: Currency;
  amount: number;
  customer: Row<'customers'> | null;
  scenario: Scenario;
  orderId: string;
  description: string | null;
}

/** Replays one payment's life through the same states, attempts and events the services produce. */
function simulatePayment(ctx: Ctx, spec: PaymentSpec) {
  const { deps, scope, out, event, rand, now } = ctx;
  const id = newId('paymentIntent');
  const requestId = newId('request');
  const created = new Date(spec.createdMs);
  const manual = spec.scenario.startsWith('manual');
  let row = newPaymentIntentRow({ merchantId: scope.merchantId, livemode: false }, {
    id,
    amount: spec.amount,
    currency: spec.currency,
    status: 'requires_payment_method',
    createdAt: created,
    captureMethod: manual ? 'manual' : 'automatic',
    customerId: spec.customer?.id ?? null,
    description: spec.description,
    metadata: { order_id: spec.orderId, ...(rand() < 0.3 ? { channel: pick(rand, ['web', 'mobile', 'pos']) } : {}) },
    receiptEmail: spec.customer && rand() < 0.7 ? spec.customer.email : null,
  });
  const dto = () => toPaymentIntentDto(row, deps.appUrl);
  const change = (at: number, changes: Partial<Row<'payment_intents'>>) => {
    row = { ...row, ...changes, updated_at: new Date(at) };
  };
  event('payment_intent.created', dto(), spec.createdMs, requestId);

  let at = spec.createdMs + 2_000 + Math.floor(rand() * 90_000);
  const confirmRequest = () => newId('request');

  const newCard = (pmId: string, atMs: number) => {
    const number = TEST_PAYMENT_METHODS[pmId];
    const expYear = new Date(atMs).getUTCFullYear() + 3;
    const pm = {
      ...buildPaymentMethodRow(deps, scope, { number, expMonth: 12, expYear }, { customerId: row.customer_id, createdAt: new Date(atMs) }),
      billing_name: spec.customer?.name ?? null,
      billing_email: spec.customer?.email ?? null,
    } as Row<'payment_methods'>;
    out.paymentMethods.push(pm);
    return pm;
  };
  /**
   * The card's answer as the core's confirmation planning reads it: the intent's change, the attempt and
   * the events. A 3-D Secure answer finishes the attempt the challenge left open, as the service does.
   */
  const applyOutcome = (
    pm: Row<'payment_methods'>,
    atMs: number,
    result: Parameters<typeof planOutcome>[4],
    requestIdForEvent: string | null,
    openAttempt?: Record<string, unknown>,
  ) => {
    const plan = planOutcome(deps, scope, row, pm, result, {
      attempt: openAttempt ? 'finish' : 'insert',
      returnUrl: 'https://acme-outdoor.example/checkout/complete',
      at: new Date(atMs),
    });
    row = plan.row;
    if (plan.charge) {
      const charge = { ...plan.charge, created_at: new Date(atMs), updated_at: new Date(atMs) };
      if (charge.captured) addChargeTransaction(ctx, charge, atMs);
      out.charges.push(charge);
      out.chargeById.set(charge.id, charge);
    }
    const attempt = { ...plan.attempt, created_at: new Date(atMs) };
    if (openAttempt) {
      const { outcome, failure_code, decline_code, failure_message, three_d_secure } = attempt;
      Object.assign(openAttempt, { outcome, failure_code, decline_code, failure_message, three_d_secure });
    } else {
      out.attempts.push(attempt);
    }
    for (const e of plan.events) event(e.type, e.object, atMs, requestIdForEvent);
    return { pm, attempt: openAttempt ?? attempt };
  };
  /** A new test card confirmed on the intent; its simulated answer must be the one the scenario expects. */
  const confirmWith = (pmId: string, atMs: number, expected: 'approved' | 'declined' | 'requires_action', requestIdForEvent: string | null) => {
    const pm = newCard(pmId, atMs);
    const result = simulateAuthorization(pm.test_behavior);
    if (result.status !== expected) throw new Error(`${pmId} answers ${result.status}, not ${expected}`);
    return applyOutcome(pm, atMs, result, requestIdForEvent);
  };
  const decline = (pmId: string, atMs: number) => void confirmWith(pmId, atMs, 'declined', confirmRequest());
  const approve = (pmId: string, atMs: number) => void confirmWith(pmId, atMs, 'approved', confirmRequest());
  const requireAction = (pmId: string, atMs: number) => confirmWith(pmId, atMs, 'requires_action', confirmRequest());
  const cancel = (atMs: number, reason: string | null, requestIdForEvent: string | null) => {
    change(atMs, { status: 'canceled', canceled_at: new Date(atMs), cancellation_reason: reason, amount_capturable: 0, next_action: null });
    event('payment_intent.canceled', dto(), atMs, requestIdForEvent);
  };
  const expire = () => cancel(spec.createdMs + INTENT_LIFETIME_MS + 5_000 + Math.floor(rand() * 25_000), 'abandoned', null);

  switch (spec.scenario) {
    case 'succeeded':
    case 'manual':
    case 'manual_partial':
    case 'manual_open':
    case 'refund_fail_card':
      approve(spec.scenario === 'refund_fail_card' ? 'pm_card_refundFail' : weighted(rand, SUCCESS_CARDS), at);
      break;
    case 'retry_succeeded':
      decline(weighted(rand, DECLINE_CARDS), at);
      at += 30_000 + Math.floor(rand() * 600_000);
      approve(weighted(rand, SUCCESS_CARDS), at);
      break;
    case 'three_ds': {
      const started = requireAction(pick(rand, THREE_DS_CARDS), at);
      at += 15_000 + Math.floor(rand() * 60_000);
      applyOutcome(started.pm, at, { status: 'approved' }, null, started.attempt);
      break;
    }
    case 'declined': {
      const tries = rand() < 0.75 ? 1 : 2;
      for (let i = 0; i < tries; i++) {
        decline(weighted(rand, DECLINE_CARDS), at);
        at += 20_000 + Math.floor(rand() * 300_000);
      }
      expire();
      break;
    }
    case 'three_ds_failed': {
      const started = requireAction(pick(rand, THREE_DS_CARDS), at);
      at += 20_000 + Math.floor(rand() * 60_000);
      applyOutcome(started.pm, at, { status: 'authentication_failed' }, null, started.attempt);
      expire();
      break;
    }
    case 'canceled':
      cancel(at + Math.floor(rand() * 600_000), weighted(rand, [['requested_by_customer', 60], ['duplicate', 30], ['fraudulent', 10]] as const), confirmRequest());
      break;
    case 'abandoned':
      expire();
      break;
  }

  if (manual && row.status === 'requires_capture' && spec.scenario !== 'manual_open') {
    const captureAt = at + 3_600_000 + Math.floor(rand() * 2 * DAY);
    if (captureAt < now) {
      const amountToCapture = spec.scenario === 'manual_partial' ? Math.max(Math.ceil(row.amount * (0.5 + rand() * 0.4)), spec.currency === 'jpy' ? 50 : 50) : row.amount;
      change(captureAt, { status: 'succeeded', amount_received: amountToCapture, amount_capturable: 0 });
      const charge = row.latest_charge_id ? out.chargeById.get(row.latest_charge_id) : undefined;
      if (charge) {
        Object.assign(charge, { captured: true, amount_captured: amountToCapture, updated_at: new Date(captureAt) });
        addChargeTransaction(ctx, charge, captureAt);
      }
      event('payment_intent.succeeded', dto(), captureAt, confirmRequest());
      at = captureAt;
    }
  }

  if (row.status === 'succeeded') addRefunds(ctx, () => row, (changes) => { row = { ...row, ...changes }; }, at, spec.scenario === 'refund_fail_card' ? 1 : 0.07);
  out.intents.push(row);
}

/** A captured charge's balance transaction, with the default fee schedule, as the confirmation writes it. */
function addChargeTransaction(ctx: Ctx, charge: Row<'charges'>, atMs: number) {
  const txn = buildChargeBalanceTransaction(ctx.scope, { id: charge.id, amount_captured: Number(charge.amount_captured), currency: charge.currency, description: charge.description }, DEFAULT_BALANCE_SETTINGS, new Date(atMs));
  charge.balance_transaction_id = txn.id;
  ctx.out.balanceTransactions.push(txn);
}

/** Refunds a few payments: full or partial, sometimes twice, settled by the "job" a moment later. */
function addRefunds(ctx: Ctx, current: () => Row<'payment_intents'>, update: (c: Partial<Row<'payment_intents'>>) => void, paidAt: number, probability: number) {
  const { rand, out, event, now, scope, ownerId } = ctx;
  if (rand() >= probability) return;
  const count = rand() < 0.15 ? 2 : 1;
  let at = paidAt;
  for (let i = 0; i < count; i++) {
    const row = current();
    const remaining = refundableAmount(row);
    if (remaining <= 0) return;
    at += Math.floor(DAY * (0.2 + rand() * 9));
    if (at > now - 60_000) return;
    const full = count === 1 && rand() < 0.6;
    const minimum = row.currency === 'jpy' ? 1 : 1;
    const amount = full ? remaining : Math.max(minimum, Math.min(remaining, Math.round((remaining * (0.15 + rand() * 0.45)) / (row.currency === 'jpy' ? 10 : 1)) * (row.currency === 'jpy' ? 10 : 1)));
    const byDashboard = rand() < 0.6;
    const refund: Row<'refunds'> = {
      id: newId('refund'),
      merchant_id: scope.merchantId,
      livemode: false,
      payment_intent_id: row.id,
      customer_id: row.customer_id,
      payment_method_id: row.payment_method_id,
      amount,
      currency: row.currency,
      status: 'pending',
      reason: weighted(rand, [['requested_by_customer', 70], ['duplicate', 15], ['fraudulent', 5], [null, 10]] as const),
      failure_reason: null,
      metadata: {},
      note: byDashboard ? pick(rand, ['Customer returned the item', 'Damaged in shipping', 'Wrong size, exchange declined', 'Goodwill gesture', 'Charged twice']) : null,
      created_by_user_id: byDashboard ? ownerId : null,
      created_at: new Date(at),
      updated_at: new Date(at),
      settle_lease_until: null,
      charge_id: row.latest_charge_id,
      balance_transaction_id: null,
      failure_balance_transaction_id: null,
    };
    update({ amount_refunded: Number(row.amount_refunded) + amount, updated_at: new Date(at) });
    const refundTxn = buildBalanceTransactionRow(scope, { type: 'refund', reportingCategory: 'refund', amount: -amount, currency: row.currency, sourceId: refund.id, description: `Refund for ${row.latest_charge_id ?? row.id}`, createdAt: new Date(at) }, new Date(at));
    refund.balance_transaction_id = refundTxn.id;
    out.balanceTransactions.push(refundTxn);
    const charge = row.latest_charge_id ? out.chargeById.get(row.latest_charge_id) : undefined;
    if (charge) charge.amount_refunded = Number(charge.amount_refunded) + amount;
    event('refund.created', toRefundDto(refund), at, byDashboard ? null : newId('request'));
    const settledAt = at + 2_000 + Math.floor(rand() * 3_000);
    const pending = toRefundDto(refund);
    const fails = current().card_fingerprint !== null && out.paymentMethods.length > 0 && isRefundFailCard(out, current().payment_method_id);
    if (fails) {
      const failure = buildBalanceTransactionRow(scope, { type: 'refund_failure', reportingCategory: 'refund_failure', amount, currency: refund.currency, sourceId: refund.id, description: `Refund ${refund.id} failed`, createdAt: new Date(settledAt) }, new Date(settledAt));
      out.balanceTransactions.push(failure);
      if (charge) charge.amount_refunded = Number(charge.amount_refunded) - amount;
      Object.assign(refund, { status: 'failed', failure_reason: 'declined', updated_at: new Date(settledAt), failure_balance_transaction_id: failure.id });
      update({ amount_refunded: Number(current().amount_refunded) - amount });
      event('refund.updated', toRefundDto(refund), settledAt, null, { status: pending.status, failure_reason: pending.failure_reason });
      event('refund.failed', toRefundDto(refund), settledAt, null, { status: pending.status, failure_reason: pending.failure_reason });
    } else {
      Object.assign(refund, { status: 'succeeded', updated_at: new Date(settledAt) });
      event('refund.updated', toRefundDto(refund), settledAt, null, { status: pending.status });
    }
    out.refunds.push(refund);
  }
}

function isRefundFailCard(out: Collector, paymentMethodId: string | null): boolean {
  if (!paymentMethodId) return false;
  // The card was added moments ago, so it is among the last few rows.
  for (let i = out.paymentMethods.length - 1; i >= Math.max(0, out.paymentMethods.length - 4); i--) {
    const pm = out.paymentMethods[i] as Row<'payment_methods'>;
    if (pm.id === paymentMethodId) return pm.test_behavior === 'refund_fail';
  }
  return false;
}
