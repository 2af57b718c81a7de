import { trpc } from '../../lib/trpc';

export const balanceOverviewQuery = () => trpc.balances.overview.queryOptions();
export const payoutsQuery = (input: { starting_after?: string; ending_before?: string } = {}) => trpc.balances.payouts.queryOptions({ limit: 20, ...input });
export const payoutDetailQuery = (id: string) => trpc.balances.payout.queryOptions({ id });

/** Words for balance transaction types and the payout schedule. */
export const TRANSACTION_TYPE_LABELS: Record<string, string> = {
  charge: 'Charge',
  refund: 'Refund',
  refund_failure: 'Refund failure',
  payout: 'Payout',
  payout_failure: 'Payout failure',
  adjustment: 'Adjustment',
  dispute: 'Dispute',
  dispute_reversal: 'Dispute reversal',
};

export const PAYOUT_STATUS_TONES: Record<string, 'warning' | 'success' | 'danger' | 'neutral' | 'info'> = {
  pending: 'warning',
  in_transit: 'info',
  paid: 'success',
  failed: 'danger',
  canceled: 'neutral',
};

export function scheduleLabel(s: { payout_interval: string; payout_weekly_anchor: string; payout_monthly_anchor: number; payout_delay_days: number }): string {
  const delay = `funds available ${s.payout_delay_days} day${s.payout_delay_days === 1 ? '' : 's'} after each payment`;
  switch (s.payout_interval) {
    case 'manual':
      return `Manual payouts; ${delay}`;
    case 'daily':
      return `Daily; ${delay}`;
    case 'weekly':
      return `Weekly on ${s.payout_weekly_anchor.charAt(0).toUpperCase() + s.payout_weekly_anchor.slice(1)}s; ${delay}`;
    default:
      return `Monthly on day ${s.payout_monthly_anchor}; ${delay}`;
  }
}
