/** Payouts: the available balance of a currency sent to the bank, each settling a definite set of balance transactions. */
import { type BalanceSettingsDto, WEEKDAYS } from '../../../shared/contracts/balance.js';
import { mergeMetadata, type ListResult } from '../../../shared/contracts/common.js';
import { createPayoutParams, listPayoutsParams, type CreatePayoutInput, type ListPayoutsInput, type PayoutDto } from '../../../shared/contracts/payouts.js';
import { notFound, PaymentError } from '../../../shared/errors.js';
import { newId } from '../../../shared/ids.js';
import { toMajorUnitString } from '../../../shared/money.js';
import type { Executor } from '../../db/database.js';
import type { Row } from '../../db/schema.js';
import { getBalanceSettings, lockAvailableBalance, recordBalanceTransaction } from '../balance/balance.service.js';
import { emitEvent, emitEvents } from '../events/events.service.js';
import type { Actor, CoreDeps, Scope } from '../shared/deps.js';
import { findPage } from '../shared/keyset.repository.js';
import { parseParams } from '../shared/params.js';
import { inTransaction, toUnix } from '../shared/tx.js';
import * as repo from './payouts.repository.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** A test-mode payout with this metadata fails when it would arrive (the simulated bank rejects it). */
export const TEST_PAYOUT_FAILURE_METADATA = { key: 'pf_test_outcome', value: 'failed' } as const;

export function toPayoutDto(row: Row<'payouts'>): PayoutDto {
  return {
    id: row.id,
    object: 'payout',
    amount: Number(row.amount),
    application_fee: null,
    application_fee_amount: null,
    arrival_date: toUnix(row.arrival_date),
    automatic: row.automatic,
    balance_transaction: row.balance_transaction_id,
    created: toUnix(row.created_at),
    currency: row.currency,
    description: row.description,
    destination: null,
    failure_balance_transaction: row.failure_balance_transaction_id,
    failure_code: row.failure_code,
    failure_message: row.failure_message,
    livemode: row.livemode,
    metadata: (row.metadata ?? {}) as Record<string, string>,
    method: 'standard',
    original_payout: null,
    payout_method: null,
    // An itemized payout settles a definite set of transactions (reconciliation is complete once it is
    // paid); a partial manual payout settles none (decision 009).
    reconciliation_status: !row.itemized ? 'not_applicable' : row.status === 'paid' ? 'completed' : 'in_progress',
    reversed_by: null,
    source_type: 'card',
    statement_descriptor: row.statement_descriptor,
    status: row.status,
    trace_id: null,
    type: 'bank_account',
  };
}

interface PayoutRequest {
  currency: string;
  automatic: boolean;
  amount?: number;
  description?: string | null;
  statementDescriptor?: string | null;
  metadata?: Record<string, string>;
  at?: Date;
}

/**
 * Pays out the available balance of a currency, or part of it, in the caller's transaction, under the lock
 * on that currency's available total (so parallel payouts queue up and never take more than is there).
 * - The whole balance (automatic payouts; a manual one without `amount` or with exactly the balance): the
 *   payout is itemized: it settles every unsettled available transaction, whose sum is its amount.
 * - Part of it (a manual payout with a smaller `amount`, as Stripe allows): not itemized (Stripe itemizes
 *   only automatic payouts): it settles nothing, and its own transaction (minus the amount) stays
 *   unsettled, so the next itemized payout settles it with the rest and still equals the sum it settles.
 * Returns null when there is nothing (or less than nothing) to pay out and no amount was asked for.
 */
async function payOutAvailable(t: Executor, actor: Actor, request: PayoutRequest): Promise<Row<'payouts'> | null> {
  const available = await lockAvailableBalance(t, actor, request.currency);
  if (request.amount !== undefined && request.amount > available) {
    throw new PaymentError(
      'balance_insufficient',
      available > 0
        ? `You have insufficient funds in your ${request.currency} balance: ${toMajorUnitString(available, request.currency)} ${request.currency} is available, ${toMajorUnitString(request.amount, request.currency)} was asked for.`
        : `You have no available ${request.currency} balance to pay out.`,
      { param: 'amount' },
    );
  }
  if (available <= 0) return null;
  const amount = request.amount ?? available;
  const itemized = amount === available;
  const at = request.at ?? new Date();
  const id = newId('payout');
  const balanceTransactionId = newId('balanceTransaction');
  const payout = await repo.insertPayout(t, {
    id,
    merchant_id: actor.merchantId,
    livemode: actor.livemode,
    amount,
    currency: request.currency,
    status: 'pending',
    automatic: request.automatic,
    // Test mode: the simulated bank is quick (the job moves it on at its next runs); live: two days.
    arrival_date: new Date(at.getTime() + (actor.livemode ? 2 * DAY_MS : 0)),
    description: request.description ?? (request.automatic ? 'STRIPE PAYOUT' : null),
    statement_descriptor: request.statementDescriptor ?? null,
    metadata: JSON.stringify(request.metadata ?? {}),
    balance_transaction_id: balanceTransactionId,
    itemized,
    created_at: at,
    updated_at: at,
  });
  if (itemized) {
    const settled = await repo.settleAvailableTransactions(t, actor, request.currency, id);
    if (Number(settled.amount) !== available) {
      // The totals lock makes this impossible; were it to happen, nothing is written.
      throw new Error(`Payout ${id}: settled ${settled.amount} but the available total is ${available}`);
    }
  }
  await recordBalanceTransaction(t, actor, {
    id: balanceTransactionId,
    type: 'payout',
    reportingCategory: 'payout',
    amount: -amount,
    currency: request.currency,
    sourceId: id,
    description: payout.description,
    payoutId: itemized ? id : null,
    createdAt: at,
  });
  const dto = toPayoutDto(payout);
  await emitEvent(t, actor, 'payout.created', dto);
  return payout;
}

/** Manual payout (dashboard and POST /v1/payouts). */
export async function createPayout(deps: CoreDeps, actor: Actor, input: CreatePayoutInput, tx?: Executor): Promise<PayoutDto> {
  const params = parseParams(createPayoutParams, input);
  return inTransaction(deps, tx, async (t) => {
    const payout = await payOutAvailable(t, actor, {
      currency: params.currency,
      automatic: false,
      amount: params.amount,
      description: params.description ?? null,
      statementDescriptor: params.statement_descriptor ?? null,
      metadata: mergeMetadata({}, params.metadata ?? {}),
    });
    if (!payout) {
      throw new PaymentError('balance_insufficient', `You have no available ${params.currency} balance to pay out.`, { param: 'currency' });
    }
    return toPayoutDto(payout);
  });
}

export async function getPayout(deps: CoreDeps, scope: Scope, id: string): Promise<PayoutDto> {
  const row = await repo.getPayout(deps.db, scope, id);
  if (!row) throw notFound('payout', id);
  return toPayoutDto(row);
}

export async function listPayouts(deps: CoreDeps, scope: Scope, input: ListPayoutsInput = {}, url = '/v1/payouts'): Promise<ListResult<PayoutDto>> {
  const params = parseParams(listPayoutsParams, input);
  const query = repo.selectPayouts(deps.db, scope, { status: params.status });
  const { rows, hasMore } = await findPage(deps.db, 'payouts', scope, query, params);
  return { object: 'list', data: rows.map(toPayoutDto), has_more: hasMore, url };
}

type Schedule = Pick<BalanceSettingsDto, 'payout_interval' | 'payout_weekly_anchor' | 'payout_monthly_anchor'>;

/** Whether the schedule pays out on this UTC day (a monthly anchor past the month's end: its last day). */
export function isPayoutDay(schedule: Schedule, day: Date): boolean {
  switch (schedule.payout_interval) {
    case 'manual':
      return false;
    case 'daily':
      return true;
    case 'weekly':
      return WEEKDAYS[(day.getUTCDay() + 6) % 7] === schedule.payout_weekly_anchor;
    case 'monthly': {
      const lastDay = new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth() + 1, 0)).getUTCDate();
      return day.getUTCDate() === Math.min(schedule.payout_monthly_anchor, lastDay);
    }
  }
}

/** The next UTC day (today included) the schedule pays out on; null for manual payouts. */
export function nextPayoutDay(schedule: Schedule, from: Date): Date | null {
  if (schedule.payout_interval === 'manual') return null;
  const start = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate());
  for (let i = 0; i < 32; i++) {
    const day = new Date(start + i * DAY_MS);
    if (isPayoutDay(schedule, day)) return day;
  }
  return null;
}

const startOfUtcDay = (d: Date) => Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());

/**
 * Job (crontab): for every merchant, mode and currency with an available balance, pays it out when the
 * schedule says today and no automatic payout went out today. Returns how many payouts it made.
 */
export async function runAutomaticPayouts(deps: CoreDeps, now = new Date()): Promise<number> {
  const candidates = await repo.findPayoutCandidates(deps.db);
  let made = 0;
  for (const c of candidates) {
    const schedule: Schedule = {
      payout_interval: (c.payout_interval ?? 'daily') as Schedule['payout_interval'],
      payout_weekly_anchor: (c.payout_weekly_anchor ?? 'monday') as Schedule['payout_weekly_anchor'],
      payout_monthly_anchor: c.payout_monthly_anchor ?? 1,
    };
    if (!isPayoutDay(schedule, now)) continue;
    if (c.last_automatic && startOfUtcDay(new Date(c.last_automatic)) === startOfUtcDay(now)) continue;
    const actor: Actor = { merchantId: c.merchant_id, livemode: c.livemode };
    const payout = await deps.db.transaction().execute((t) => payOutAvailable(t, actor, { currency: c.currency, automatic: true, at: now }));
    if (payout) made++;
  }
  return made;
}

/**
 * Job (crontab), test mode: the simulated bank moves each payout on one step per run: pending ->
 * in_transit, then on its arrival date paid, or failed for a payout marked to fail (its amount returns to
 * the balance as a payout_failure transaction, to be paid out again). Live payouts wait for a connector.
 */
export async function advanceTestPayouts(deps: CoreDeps, now = new Date(), limit = 100): Promise<number> {
  return deps.db.transaction().execute(async (t) => {
    const due = await repo.lockDuePayouts(t, now, limit);
    for (const payout of due) {
      const actor: Actor = { merchantId: payout.merchant_id, livemode: payout.livemode };
      const before = toPayoutDto(payout);
      if (payout.status === 'pending') {
        const row = await repo.updatePayout(t, actor, payout.id, 'pending', { status: 'in_transit' });
        if (row) await emitEvent(t, actor, 'payout.updated', toPayoutDto(row), { status: before.status });
        continue;
      }
      const metadata = (payout.metadata ?? {}) as Record<string, string>;
      if (metadata[TEST_PAYOUT_FAILURE_METADATA.key] === TEST_PAYOUT_FAILURE_METADATA.value) {
        const failureId = newId('balanceTransaction');
        const row = await repo.updatePayout(t, actor, payout.id, 'in_transit', {
          status: 'failed',
          failure_code: 'account_closed',
          failure_message: 'The bank account has been closed.',
          failure_balance_transaction_id: failureId,
        });
        if (!row) continue;
        await recordBalanceTransaction(t, actor, {
          id: failureId,
          type: 'payout_failure',
          reportingCategory: 'payout_reversal',
          amount: Number(payout.amount),
          currency: payout.currency,
          sourceId: payout.id,
          description: `Payout ${payout.id} failed`,
        });
        const dto = toPayoutDto(row);
        await emitEvents(t, actor, [
          { type: 'payout.updated', object: dto, previousAttributes: { status: before.status, failure_code: null } },
          { type: 'payout.failed', object: dto },
        ]);
        continue;
      }
      const row = await repo.updatePayout(t, actor, payout.id, 'in_transit', { status: 'paid' });
      if (!row) continue;
      const dto = toPayoutDto(row);
      await emitEvents(t, actor, [
        { type: 'payout.updated', object: dto, previousAttributes: { status: before.status } },
        { type: 'payout.paid', object: dto },
      ]);
    }
    return due.length;
  });
}

/** For the Balances page: when the schedule next pays out (null: manual). */
export async function getPayoutSchedule(deps: CoreDeps, scope: Scope, now = new Date()) {
  const settings = await getBalanceSettings(deps.db, scope);
  const next = nextPayoutDay(settings, now);
  return { settings, next_payout_date: next ? toUnix(next) : null };
}
