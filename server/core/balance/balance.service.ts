/** The balance ledger: fees, balance transactions, running totals, and what becomes available when. */
import {
  balanceSettingsInput,
  cardFee,
  DEFAULT_BALANCE_SETTINGS,
  listBalanceTransactionsParams,
  dashboardTransactionListInput,
  type BalanceTransactionListItem,
  type DashboardTransactionListInput,
  type BalanceAmountDto,
  type BalanceDto,
  type BalanceSettingsDto,
  type BalanceSettingsInput,
  type BalanceTransactionDto,
  type FeeDetailDto,
  type ListBalanceTransactionsInput,
} from '../../../shared/contracts/balance.js';
import type { ListResult } from '../../../shared/contracts/common.js';
import { notFound } from '../../../shared/errors.js';
import { newId } from '../../../shared/ids.js';
import { currencyInfo } from '../../../shared/money.js';
import type { Executor } from '../../db/database.js';
import type { NewRow, Row } from '../../db/schema.js';
import { emitEvents } from '../events/events.service.js';
import type { Actor, CoreDeps, Scope } from '../shared/deps.js';
import { findPage } from '../shared/keyset.repository.js';
import { parseParams } from '../shared/params.js';
import { inTransaction, toUnix } from '../shared/tx.js';
import * as repo from './balance.repository.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export function toBalanceTransactionDto(row: Row<'balance_transactions'>): BalanceTransactionDto {
  return {
    id: row.id,
    object: 'balance_transaction',
    amount: Number(row.amount),
    available_on: toUnix(row.available_on),
    balance_type: 'payments',
    created: toUnix(row.created_at),
    currency: row.currency,
    description: row.description,
    exchange_rate: null,
    fee: Number(row.fee),
    fee_details: (row.fee_details ?? []).map((d) => ({ amount: Number(d.amount), application: null, currency: d.currency, description: d.description, type: d.type as FeeDetailDto['type'] })),
    net: Number(row.net),
    reporting_category: row.reporting_category,
    source: row.source_id,
    status: row.status,
    type: row.type,
    payout: row.payout_id,
  };
}

/** What one money movement writes to the ledger. Amounts in minor units; `fee` is what the platform keeps. */
export interface BalanceTransactionInput {
  type: string;
  reportingCategory: string;
  /** Signed: positive adds to the balance (a charge), negative takes from it (a refund, a dispute, a payout). */
  amount: number;
  fee?: number;
  feeDetails?: { amount: number; description: string; type?: string }[];
  currency: string;
  sourceId: string | null;
  description?: string | null;
  /** When the funds count as available; now (or earlier) makes the transaction available at once. */
  availableOn?: Date;
  /** The transaction's time (default now; the demo history replays the past). */
  createdAt?: Date;
  /** Only for a payout's own transaction: the payout it belongs to. */
  payoutId?: string | null;
  id?: string;
}

/** A ledger row as the core writes it (pure: used inside larger statements and by the demo history). */
export function buildBalanceTransactionRow(scope: Scope, input: BalanceTransactionInput, now = new Date()): Row<'balance_transactions'> {
  const fee = input.fee ?? 0;
  const createdAt = input.createdAt ?? now;
  const availableOn = input.availableOn ?? createdAt;
  for (const [name, value] of [['amount', input.amount], ['fee', fee]] as const) {
    if (!Number.isSafeInteger(value)) throw new Error(`Balance transaction ${name} must be an integer in minor units: ${value}`);
  }
  return {
    id: input.id ?? newId('balanceTransaction'),
    merchant_id: scope.merchantId,
    livemode: scope.livemode,
    type: input.type,
    reporting_category: input.reportingCategory,
    amount: input.amount,
    fee,
    net: input.amount - fee,
    currency: input.currency,
    fee_details: (input.feeDetails ?? []).map((d) => ({ amount: d.amount, currency: input.currency, description: d.description, type: d.type ?? 'stripe_fee' })),
    source_id: input.sourceId,
    description: input.description ?? null,
    status: availableOn.getTime() <= now.getTime() ? 'available' : 'pending',
    available_on: availableOn,
    payout_id: input.payoutId ?? null,
    created_at: createdAt,
  };
}

/**
 * Writes one balance transaction and moves the running totals with it, in one statement on `tx` (so in
 * the caller's transaction, with the change that moves the money). The entry point for every area that
 * moves money (refunds, disputes, payouts); charges are written with their confirmation's statement.
 */
export async function recordBalanceTransaction(tx: Executor, scope: Scope, input: BalanceTransactionInput): Promise<BalanceTransactionDto> {
  const [row] = await repo.insertBalanceTransactions(tx, [buildBalanceTransactionRow(scope, input)]);
  return toBalanceTransactionDto(row);
}

export async function getBalanceSettings(db: Executor, scope: Scope): Promise<BalanceSettingsDto> {
  const row = await repo.getBalanceSettingsRow(db, scope);
  if (!row) return { ...DEFAULT_BALANCE_SETTINGS };
  return {
    fee_percent_bps: row.fee_percent_bps,
    fee_fixed: Number(row.fee_fixed),
    payout_interval: row.payout_interval,
    payout_weekly_anchor: row.payout_weekly_anchor as BalanceSettingsDto['payout_weekly_anchor'],
    payout_monthly_anchor: row.payout_monthly_anchor,
    payout_delay_days: row.payout_delay_days,
  };
}

export async function updateBalanceSettings(deps: CoreDeps, actor: Actor, input: BalanceSettingsInput, tx?: Executor): Promise<BalanceSettingsDto> {
  const params = parseParams(balanceSettingsInput, input);
  return inTransaction(deps, tx, async (t) => {
    await repo.upsertBalanceSettings(t, { merchant_id: actor.merchantId, livemode: actor.livemode, ...params });
    return getBalanceSettings(t, actor);
  });
}

/**
 * What a captured charge writes to the ledger; the fee and the delay come from the merchant's schedule,
 * read by the same statement (balance.repository.ts, chargeBalanceTransactionCtes).
 */
export function chargeLedgerEntry(charge: { id: string; amount_captured: number; currency: string; description?: string | null }, at: Date): repo.ChargeLedgerEntry {
  return {
    id: newId('balanceTransaction'),
    chargeId: charge.id,
    amount: charge.amount_captured,
    currency: charge.currency,
    description: charge.description ?? null,
    createdAt: at,
    exponent: currencyInfo(charge.currency).exponent,
    defaults: { feePercentBps: DEFAULT_BALANCE_SETTINGS.fee_percent_bps, feeFixed: DEFAULT_BALANCE_SETTINGS.fee_fixed, delayDays: DEFAULT_BALANCE_SETTINGS.payout_delay_days },
  };
}

/** A captured charge's ledger row on its own (capture of a manual payment). */
export async function recordChargeBalanceTransaction(tx: Executor, scope: Scope, entry: repo.ChargeLedgerEntry): Promise<BalanceTransactionDto> {
  return toBalanceTransactionDto(await repo.insertChargeBalanceTransaction(tx, scope, entry));
}

/**
 * A succeeded (captured) charge's ledger row computed in memory (the demo history): the amount, the card fee of the merchant's schedule with its
 * fee_details, pending until `payout_delay_days` after the charge.
 */
export function buildChargeBalanceTransaction(
  scope: Scope,
  charge: { id: string; amount_captured: number; currency: string; description?: string | null },
  settings: Pick<BalanceSettingsDto, 'fee_percent_bps' | 'fee_fixed' | 'payout_delay_days'>,
  at = new Date(),
): Row<'balance_transactions'> {
  const fee = cardFee(charge.amount_captured, charge.currency, { percent_bps: settings.fee_percent_bps, fixed: settings.fee_fixed });
  return buildBalanceTransactionRow(
    scope,
    {
      type: 'charge',
      reportingCategory: 'charge',
      amount: charge.amount_captured,
      fee,
      feeDetails: fee ? [{ amount: fee, description: 'PaymentFlow processing fees' }] : [],
      currency: charge.currency,
      sourceId: charge.id,
      description: charge.description ?? null,
      availableOn: new Date(at.getTime() + settings.payout_delay_days * DAY_MS),
      createdAt: at,
    },
    at,
  );
}

function amounts(rows: { currency: string; amount: number }[]): BalanceAmountDto[] {
  return rows.map((r) => ({ amount: Number(r.amount), currency: r.currency, source_types: { card: Number(r.amount) } }));
}

/**
 * The available balance of one currency, locked until the caller's transaction ends: payouts of the currency
 * queue up on it, and no ledger write can change it meanwhile (balance.repository.ts, lockAvailableTotalSlots).
 */
export function lockAvailableBalance(db: Executor, scope: Scope, currency: string): Promise<number> {
  return repo.lockAvailableTotalSlots(db, scope, currency);
}

/** Stripe's Balance from the running totals (never a sum over the history). */
export async function getBalance(deps: Pick<CoreDeps, 'db'>, scope: Scope, db: Executor = deps.db): Promise<BalanceDto> {
  const totals = await repo.findBalanceTotals(db, scope);
  const currencies = [...new Set(totals.map((t) => t.currency))];
  const of = (status: string) => currencies.map((currency) => ({ currency, amount: Number(totals.find((t) => t.currency === currency && t.status === status)?.amount ?? 0) }));
  return {
    object: 'balance',
    available: amounts(of('available')),
    connect_reserved: [],
    instant_available: amounts(of('available')).map((a) => ({ ...a, amount: Math.max(0, a.amount), source_types: { card: Math.max(0, a.amount) } })),
    livemode: scope.livemode,
    pending: amounts(of('pending')),
  };
}

export async function getBalanceTransaction(deps: CoreDeps, scope: Scope, id: string): Promise<BalanceTransactionDto> {
  const row = await repo.getBalanceTransaction(deps.db, scope, id);
  if (!row) throw notFound('balance_transaction', id);
  return toBalanceTransactionDto(row);
}

export async function listBalanceTransactions(
  deps: CoreDeps,
  scope: Scope,
  input: ListBalanceTransactionsInput = {},
  url = '/v1/balance_transactions',
): Promise<ListResult<BalanceTransactionDto>> {
  const params = parseParams(listBalanceTransactionsParams, input);
  const query = repo.selectBalanceTransactions(deps.db, scope, { type: params.type, payout: params.payout, source: params.source, currency: params.currency });
  const { rows, hasMore } = await findPage(deps.db, 'balance_transactions', scope, query, params);
  return { object: 'list', data: rows.map(toBalanceTransactionDto), has_more: hasMore, url };
}

/** The Balances page's list of every balance transaction, filtered, newest first, in keyset pages. */
export async function findBalanceTransactionsPage(deps: CoreDeps, scope: Scope, input: DashboardTransactionListInput): Promise<{ data: BalanceTransactionListItem[]; has_more: boolean }> {
  const params = parseParams(dashboardTransactionListInput, input);
  const query = repo.selectBalanceTransactionsWithPayments(deps.db, scope, { type: params.type, payout: params.payout, currency: params.currency });
  const { rows, hasMore } = await findPage(deps.db, 'balance_transactions', scope, query, params);
  return { data: rows.map((r) => ({ ...toBalanceTransactionDto(r), payment_intent: r.payment_intent_id })), has_more: hasMore };
}

/**
 * A payout's reconciliation: every transaction it settles (and its own), each with the payment it comes
 * from, up to `limit` (has_more beyond).
 */
export async function findPayoutTransactions(deps: CoreDeps, scope: Scope, payoutId: string, limit = 1000) {
  const rows = await repo.findPayoutTransactionsWithPayments(deps.db, scope, payoutId, limit);
  return {
    data: rows.slice(0, limit).map((r) => ({ ...toBalanceTransactionDto(r), payment_intent: r.payment_intent_id })),
    has_more: rows.length > limit,
  };
}

/** The ledger rows of some sources (a payment's charge and refunds), oldest first, for the dashboard. */
export async function findBalanceTransactionsForSources(deps: CoreDeps, scope: Scope, sourceIds: string[]): Promise<BalanceTransactionDto[]> {
  return (await repo.findBalanceTransactionsBySource(deps.db, scope, sourceIds)).map(toBalanceTransactionDto);
}

/**
 * Job (crontab): pending transactions whose available_on has passed become available, in batches, the
 * totals moving with them; each merchant and mode that received funds gets `balance.available` with its
 * new balance, in the same transaction. Returns how many transactions it released.
 */
export async function releaseAvailableFunds(deps: CoreDeps, options: { now?: Date; batchSize?: number } = {}): Promise<number> {
  const batchSize = options.batchSize ?? 1000;
  let released = 0;
  for (;;) {
    const count = await deps.db.transaction().execute(async (t) => {
      const groups = await repo.releaseDueBalanceTransactions(t, options.now ?? new Date(), batchSize);
      const tenants = new Map<string, Scope>();
      for (const g of groups) tenants.set(`${g.merchant_id}:${g.livemode}`, { merchantId: g.merchant_id, livemode: g.livemode });
      for (const scope of tenants.values()) {
        const balance = await getBalance(deps, scope, t);
        await emitEvents(t, scope, [{ type: 'balance.available', object: { id: `balance_${scope.merchantId}`, ...balance } }]);
      }
      return groups.reduce((n, g) => n + g.count, 0);
    });
    released += count;
    if (count < batchSize) return released;
  }
}

/** The ledger row of a charge written with the confirmation (see payment-intents' History). */
export type NewBalanceTransactionRow = NewRow<'balance_transactions'>;
