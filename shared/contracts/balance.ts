import { z } from 'zod';
import { BALANCE_TRANSACTION_TYPES } from './url-enums.js';
import { currencyInfo } from '../money.js';
import { amountParam, currencyParam, idParam, intParam, listParamsShape } from './common.js';

/**
 * A merchant's card fee: a percentage in basis points (290 = 2.9 %) plus a fixed part in the charge
 * currency's minor units. The default is the test-mode schedule of issue 11: 2.9 % + 30.
 */
export interface FeeSchedule {
  percent_bps: number;
  fixed: number;
}
const DEFAULT_FEE_SCHEDULE: FeeSchedule = { percent_bps: 290, fixed: 30 };

/**
 * The fee on a card charge, in minor units, with integer arithmetic only: the percentage is rounded half
 * up to the currency's smallest unit; three-decimal currencies (kwd, bhd...) are charged in multiples of 10
 * (Stripe's rule for them), so the fee is rounded half up to 10 as well. Never more than the amount.
 */
export function cardFee(amount: number, currency: string, schedule: FeeSchedule = DEFAULT_FEE_SCHEDULE): number {
  if (!Number.isSafeInteger(amount) || amount < 0) throw new Error(`Amount must be a non-negative integer: ${amount}`);
  const percent = (BigInt(amount) * BigInt(schedule.percent_bps) + 5000n) / 10000n;
  let fee = percent + BigInt(schedule.fixed);
  if (currencyInfo(currency).exponent === 3) fee = ((fee + 5n) / 10n) * 10n;
  return Number(fee > BigInt(amount) ? BigInt(amount) : fee);
}

export { BALANCE_TRANSACTION_TYPES };
/** Stripe's reporting categories for the types above (disputes use `dispute` and `dispute_reversal`). */
export const REPORTING_CATEGORIES = ['charge', 'refund', 'refund_failure', 'dispute', 'dispute_reversal', 'payout', 'payout_reversal', 'fee', 'other_adjustment'] as const;

export interface FeeDetailDto {
  amount: number;
  application: null;
  currency: string;
  description: string;
  type: 'stripe_fee' | 'application_fee' | 'tax';
}

export interface BalanceTransactionDto {
  id: string;
  object: 'balance_transaction';
  amount: number;
  available_on: number;
  balance_type: 'payments';
  created: number;
  currency: string;
  description: string | null;
  exchange_rate: null;
  fee: number;
  fee_details: FeeDetailDto[];
  net: number;
  reporting_category: string;
  source: string | null;
  status: 'pending' | 'available';
  type: string;
  /** PaymentFlow extension: the payout that settles it (reconciliation). */
  payout: string | null;
}

export interface BalanceAmountDto {
  amount: number;
  currency: string;
  source_types: { card: number };
}

export interface BalanceDto {
  object: 'balance';
  available: BalanceAmountDto[];
  connect_reserved: BalanceAmountDto[];
  instant_available: BalanceAmountDto[];
  livemode: boolean;
  pending: BalanceAmountDto[];
}

export const listBalanceTransactionsParams = z.strictObject({
  ...listParamsShape,
  type: z.string().trim().max(50).optional(),
  payout: idParam.optional(),
  source: idParam.optional(),
  currency: z.string().trim().toLowerCase().max(3).optional(),
});
export type ListBalanceTransactionsInput = z.input<typeof listBalanceTransactionsParams>;

export const PAYOUT_INTERVALS = ['manual', 'daily', 'weekly', 'monthly'] as const;
export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;

/** The fee and payout schedule a merchant edits in Settings (one per mode). */
export const balanceSettingsInput = z.strictObject({
  fee_percent_bps: intParam({ min: 0, max: 10000 }),
  fee_fixed: intParam({ min: 0, max: 100_000 }),
  payout_interval: z.enum(PAYOUT_INTERVALS),
  payout_weekly_anchor: z.enum(WEEKDAYS),
  payout_monthly_anchor: intParam({ min: 1, max: 31 }),
  payout_delay_days: intParam({ min: 0, max: 30 }),
});
export type BalanceSettingsInput = z.input<typeof balanceSettingsInput>;
export type BalanceSettingsDto = z.output<typeof balanceSettingsInput>;

export const DEFAULT_BALANCE_SETTINGS: BalanceSettingsDto = {
  fee_percent_bps: DEFAULT_FEE_SCHEDULE.percent_bps,
  fee_fixed: DEFAULT_FEE_SCHEDULE.fixed,
  payout_interval: 'daily',
  payout_weekly_anchor: 'monday',
  payout_monthly_anchor: 1,
  payout_delay_days: 2,
};

/** Dashboard inputs (the Balances page). */
export const payoutIdInput = z.strictObject({ id: idParam });
export const dashboardPayoutListInput = z.strictObject({
  starting_after: idParam.optional(),
  ending_before: idParam.optional(),
  limit: intParam({ min: 1, max: 100 }).default(20),
});
/**
 * The Balances page's list of every balance transaction (keyset pages, newest first). `created` bounds are
 * Unix seconds: the page turns the calendar days it keeps in the URL into the merchant zone's midnights.
 */
export const dashboardTransactionListInput = z.strictObject({
  starting_after: idParam.optional(),
  ending_before: idParam.optional(),
  type: z.enum(BALANCE_TRANSACTION_TYPES).optional(),
  currency: currencyParam.optional(),
  payout: idParam.optional(),
  created: z.strictObject({ gte: intParam({ min: 0 }).optional(), lt: intParam({ min: 0 }).optional() }).optional(),
  limit: intParam({ min: 1, max: 100 }).default(25),
});

export type DashboardTransactionListInput = z.input<typeof dashboardTransactionListInput>;

/** A row of that list: the transaction, and the payment its source belongs to (a charge's or a refund's). */
export type BalanceTransactionListItem = BalanceTransactionDto & { payment_intent: string | null };
/** The manual payout dialog: an amount in minor units (the dialog converts what is typed); none: the whole available balance. */
export const dashboardCreatePayoutInput = z.strictObject({ currency: currencyParam, amount: amountParam.optional() });
export const paymentLedgerInput = z.strictObject({ paymentIntentId: idParam });

/** "2.9" -> 290 basis points, without floating point; null when the text is not a percentage with at most 2 decimals. */
export function percentTextToBps(text: string): number | null {
  const match = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

/** 290 -> "2.9". */
export function bpsToPercentText(bps: number): string {
  const whole = Math.floor(bps / 100);
  const fraction = String(bps % 100).padStart(2, '0').replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : String(whole);
}

/** The Settings form: the percentage as people write it; the output is what balances.updateSettings takes. */
export const balanceSettingsForm = z
  .strictObject({
    fee_percent: z.string().refine((v) => percentTextToBps(v) !== null && percentTextToBps(v)! <= 10000, 'A percentage from 0 to 100 with at most 2 decimals, e.g. 2.9'),
    fee_fixed: intParam({ min: 0, max: 100_000 }),
    payout_interval: z.enum(PAYOUT_INTERVALS),
    payout_weekly_anchor: z.enum(WEEKDAYS),
    payout_monthly_anchor: intParam({ min: 1, max: 31 }),
    payout_delay_days: intParam({ min: 0, max: 30 }),
  })
  .transform(({ fee_percent, ...rest }) => ({ ...rest, fee_percent_bps: percentTextToBps(fee_percent)! }));
