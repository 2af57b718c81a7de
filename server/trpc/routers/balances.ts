import {
  balanceSettingsInput,
  dashboardCreatePayoutInput,
  dashboardPayoutListInput,
  dashboardTransactionListInput,
  paymentLedgerInput,
  payoutIdInput,
} from '../../../shared/contracts/balance.js';
import { findDisputeForPayment } from '../../core/disputes/disputes.service.js';
import { findBalanceTransactionsForSources, findBalanceTransactionsPage, findPayoutTransactions, getBalance, updateBalanceSettings } from '../../core/balance/balance.service.js';
import { findChargesForPayment } from '../../core/charges/charges.service.js';
import { createPayout, getPayout, getPayoutSchedule, listPayouts } from '../../core/payouts/payouts.service.js';
import { findRefundsForPayment } from '../../core/refunds/refunds.service.js';
import { auditOf, recordAudit } from '../../core/accounts/accounts.service.js';
import { memberProcedure, router } from '../trpc.js';

const read = memberProcedure('balance:read');
const manage = memberProcedure('payouts:manage');

/** The Balances page, payouts and the fee and payout schedule in Settings; fee and net on a payment. */
export const balancesRouter = router({
  overview: read.query(async ({ ctx }) => {
    const [balance, schedule] = await Promise.all([getBalance(ctx.deps, ctx.scope), getPayoutSchedule(ctx.deps, ctx.scope)]);
    return { balance, ...schedule };
  }),
  payouts: read.input(dashboardPayoutListInput).query(({ ctx, input }) => listPayouts(ctx.deps, ctx.scope, input)),
  payout: read.input(payoutIdInput).query(async ({ ctx, input }) => {
    const payout = await getPayout(ctx.deps, ctx.scope, input.id);
    const transactions = await findPayoutTransactions(ctx.deps, ctx.scope, input.id);
    return { payout, transactions };
  }),
  transactions: read.input(dashboardTransactionListInput).query(({ ctx, input }) => findBalanceTransactionsPage(ctx.deps, ctx.scope, input)),
  createPayout: manage.input(dashboardCreatePayoutInput).mutation(({ ctx, input }) =>
    ctx.deps.db.transaction().execute(async (tx) => {
      const payout = await createPayout(ctx.deps, ctx.actor, input, tx);
      await recordAudit(tx, { ...ctx.actor, ...auditOf.payoutCreated(payout) });
      return payout;
    }),
  ),
  settings: read.query(async ({ ctx }) => (await getPayoutSchedule(ctx.deps, ctx.scope)).settings),
  updateSettings: manage.input(balanceSettingsInput).mutation(({ ctx, input }) =>
    ctx.deps.db.transaction().execute(async (tx) => {
      const settings = await updateBalanceSettings(ctx.deps, ctx.actor, input, tx);
      await recordAudit(tx, { ...ctx.actor, action: 'balance_settings.updated', targetId: ctx.actor.merchantId, data: { ...input } });
      return settings;
    }),
  ),
  /** A payment's charges and the balance transactions of its charges, refunds and dispute (fee, net, available on). */
  forPayment: memberProcedure('payments:read')
    .input(paymentLedgerInput)
    .query(async ({ ctx, input }) => {
      const charges = await findChargesForPayment(ctx.deps, ctx.scope, input.paymentIntentId);
      const refunds = await findRefundsForPayment(ctx.deps, ctx.scope, input.paymentIntentId);
      const dispute = await findDisputeForPayment(ctx.deps, ctx.scope, input.paymentIntentId);
      const transactions = await findBalanceTransactionsForSources(ctx.deps, ctx.scope, [...charges.map((c) => c.id), ...refunds.map((r) => r.refund.id), ...(dispute ? [dispute.id] : [])]);
      return { charges, transactions };
    }),
});
