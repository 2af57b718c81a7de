import type { CheckoutLineItemView } from './checkout-sessions.js';
import { z } from 'zod';
import { DISPLAY_STATUSES, type DisplayStatus } from '../payment-display-status.js';
import { type RefundDto } from './refunds.js';
import { CANCELLATION_REASONS, REFUND_REASONS, REFUND_STATUSES } from '../status.js';
import { DEFAULT_PAGE_SIZE, PAGE_SIZES } from '../limits.js';
import { createCustomerParams, updateCustomerParams, type CustomerDto } from './customers.js';
import type { EventDto } from './events.js';
import type { PaymentIntentDto } from './payment-intents.js';

/**
 * What the dashboard's list, detail and search screens send and receive (tRPC: payments, refunds,
 * customers, lookup, views, preferences). Inputs are zod schemas shared by the procedures and the web
 * app's URL search params; outputs are DTOs built by server/core/dashboard, never table rows.
 */

/** Calls per tRPC batch request: the server answers 400 beyond, the web client's batch link never sends more. */
export const MAX_TRPC_BATCH = 10;

export const pageSizeParam = z
  .literal(PAGE_SIZES, { message: `Page size must be ${PAGE_SIZES.slice(0, -1).join(', ')} or ${PAGE_SIZES.at(-1)}.` })
  .default(DEFAULT_PAGE_SIZE);

/**
 * A calendar day (YYYY-MM-DD, read in the merchant's time zone) or an ISO 8601 date-time; a date-time
 * without an offset is also read in the merchant's time zone.
 */
const DATE_OR_DATETIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$/;
export const dateBoundParam = z
  .string()
  .trim()
  .regex(DATE_OR_DATETIME, 'Use a date (2026-03-01) or an ISO date-time.')
  .refine(isRealDate, 'Not a valid date.');

/** Date.parse accepts 2026-02-31; the calendar does not. Checks the day exists and the time fields are in range. */
function isRealDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?/.exec(value);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (year < 1970 || year > 9999 || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return false;
  const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  return hour <= 23 && minute <= 59 && second <= 59 && !Number.isNaN(Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value.replace(' ', 'T')));
}

/** Opaque to the client: carries the sort key and id of the row to continue from and the direction. */
const cursorParam = z.string().min(1).max(500);
const amountBound = z.number().int('Amounts are whole numbers in the smallest currency unit.').min(0).max(Number.MAX_SAFE_INTEGER);
const currencyFilter = z.string().trim().toLowerCase().regex(/^[a-z]{3}$/, 'Use a three-letter currency code.');

/** Minor units of different currencies are not comparable, so an amount range names its currency. */
export const AMOUNT_NEEDS_CURRENCY = 'An amount range applies to one currency: choose a currency with the amount.';

/**
 * amountMin/amountMax are minor units of `currency`, which they require; min may not exceed max. The
 * dashboard's amount chip is built from these three fields.
 */
function checkAmountRange(f: { amountMin?: number; amountMax?: number; currency?: string }, ctx: z.RefinementCtx) {
  const bounded = f.amountMin !== undefined || f.amountMax !== undefined;
  if (bounded && !f.currency) ctx.addIssue({ code: 'custom', message: AMOUNT_NEEDS_CURRENCY, path: ['currency'] });
  if (f.amountMin !== undefined && f.amountMax !== undefined && f.amountMin > f.amountMax) {
    ctx.addIssue({ code: 'custom', message: 'The minimum amount is greater than the maximum.', path: ['amountMin'] });
  }
}

const LIST_SORTS = ['created', 'amount'] as const;
export type ListSort = (typeof LIST_SORTS)[number];
const SORT_DIRECTIONS = ['desc', 'asc'] as const;
export type SortDirection = (typeof SORT_DIRECTIONS)[number];

const listShape = {
  from: dateBoundParam.optional(),
  to: dateBoundParam.optional(),
  amountMin: amountBound.optional(),
  amountMax: amountBound.optional(),
  sort: z.enum(LIST_SORTS).default('created'),
  dir: z.enum(SORT_DIRECTIONS).default('desc'),
  limit: pageSizeParam,
  cursor: cursorParam.optional(),
};

// ---------------------------------------------------------------------------------------------------
// Payments

export const paymentListFilters = z.object({
  status: z.array(z.enum(DISPLAY_STATUSES)).max(DISPLAY_STATUSES.length).optional(),
  ...listShape,
  currency: currencyFilter.optional(),
  last4: z.string().trim().regex(/^\d{4}$/, 'Card last 4 is 4 digits.').optional(),
  /** A customer id (cus_...) or an email address. */
  customer: z.string().trim().min(1).max(512).optional(),
  /** Search box: an object id, an email, a card's last 4, or a query in Stripe's search language. */
  q: z.string().trim().max(2000).optional(),
}).superRefine(checkAmountRange);
export type PaymentListFiltersInput = z.input<typeof paymentListFilters>;

export interface PaymentListItem {
  id: string;
  amount: number;
  currency: string;
  amountRefunded: number;
  /** The API status (payment_intent.status). */
  status: string;
  displayStatus: DisplayStatus;
  description: string | null;
  customerId: string | null;
  customerEmail: string | null;
  cardBrand: string | null;
  cardLast4: string | null;
  /** Unix seconds. */
  created: number;
  livemode: boolean;
}

export type JumpTarget = { type: 'payment' | 'customer' | 'refund'; id: string; path: string };

export interface CursorPage<T> {
  items: T[];
  nextCursor: string | null;
  prevCursor: string | null;
}

export interface PaymentListResult extends CursorPage<PaymentListItem> {
  /** Set when `q` named an object of this merchant and mode: the UI goes straight to it. */
  jumpTo?: JumpTarget;
}

export const paymentIdInput = z.object({ id: z.string().trim().min(1).max(255) });

export const paymentRefundInput = z.object({
  id: z.string().trim().min(1).max(255),
  /** Minor units; defaults to everything still refundable. */
  amount: z.number().int().min(1).optional(),
  reason: z.enum(REFUND_REASONS).optional(),
  note: z.string().trim().max(1000).optional(),
});
export type PaymentRefundInput = z.input<typeof paymentRefundInput>;

export const paymentCaptureInput = z.object({
  id: z.string().trim().min(1).max(255),
  /** Minor units; defaults to the full authorized amount. */
  amount: z.number().int().min(1).optional(),
});

export const paymentCancelInput = z.object({
  id: z.string().trim().min(1).max(255),
  reason: z.enum(CANCELLATION_REASONS).exclude(['abandoned']).optional(),
});

export interface PaymentAttemptView {
  id: string;
  created: number;
  outcome: string;
  failure_code: string | null;
  decline_code: string | null;
  failure_message: string | null;
  failure_description: string | null;
  three_d_secure: string | null;
  card: { brand: string | null; last4: string | null; exp_month: number | null; exp_year: number | null; fingerprint: string | null };
}

interface RefundWithAuthor {
  refund: RefundDto;
  note: string | null;
  created_by: { id: string; email: string | null } | null;
}

/** One webhook of a timeline event: where it went and how it ended (the log has the rest). */
export interface TimelineWebhookView { id: string; endpoint: string; status: 'pending' | 'succeeded' | 'failed'; attemptCount: number; lastStatusCode: number | null; updated: number }

export type TimelineEntryView =
  | { kind: 'event'; id: string; created: number; type: string; event: EventDto; webhooks: TimelineWebhookView[] }
  | { kind: 'attempt'; id: string; created: number; attempt: PaymentAttemptView }
  | ({ kind: 'refund'; id: string; created: number } & RefundWithAuthor);

interface PaymentMethodSummary {
  brand: string;
  last4: string;
  expMonth: number | null;
  expYear: number | null;
  funding: string | null;
  country: string | null;
  fingerprint: string | null;
  /** How often this card was used with this merchant (same mode), from its fingerprint. */
  usage: { payments: number; succeeded: number; failedAttempts: number } | null;
}

export interface PaymentDetail {
  payment: PaymentIntentDto;
  displayStatus: DisplayStatus;
  /** Minor units still refundable now (0 unless the payment succeeded). */
  refundable: number;
  refunds: RefundWithAuthor[];
  timeline: TimelineEntryView[];
  paymentMethod: PaymentMethodSummary | null;
  customer: { id: string; email: string | null; name: string | null; deleted: boolean } | null;
  attempts: PaymentAttemptView[];
  /** The checkout session the payment was made for, with what the buyer bought. */
  checkoutSession: PaymentCheckoutSession | null;
}

export interface PaymentCheckoutSession {
  id: string;
  status: 'open' | 'complete' | 'expired';
  clientReferenceId: string | null;
  /** The customer or customer_email the merchant created the session with, if any. */
  knownBuyer: boolean;
  lineItems: CheckoutLineItemView[];
}

// ---------------------------------------------------------------------------------------------------
// Refunds

export const refundListFilters = z.object({
  status: z.array(z.enum(REFUND_STATUSES)).max(REFUND_STATUSES.length).optional(),
  ...listShape,
  currency: currencyFilter.optional(),
  /** Only the refunds of one payment. */
  payment: z.string().trim().min(1).max(255).optional(),
  /**
   * Search box: a refund or payment id, an amount in `currency` ("12.50"), part of the payer's email, or a
   * query in Stripe's search language (status:"pending" AND amount>500).
   */
  q: z.string().trim().max(2000).optional(),
}).superRefine(checkAmountRange);
export type RefundListFiltersInput = z.input<typeof refundListFilters>;

export interface RefundListItem {
  id: string;
  amount: number;
  currency: string;
  status: string;
  reason: string | null;
  failureReason: string | null;
  note: string | null;
  paymentIntentId: string;
  customerEmail: string | null;
  createdByEmail: string | null;
  created: number;
  livemode: boolean;
}

export const refundIdInput = z.object({ id: z.string().trim().min(1).max(255) });

export interface RefundDetail extends RefundWithAuthor {
  payment: PaymentListItem;
}

// ---------------------------------------------------------------------------------------------------
// Customers

export const customerListInput = z.object({
  /** A customer id, an email (or part of one, 3+ characters) or part of a name. */
  q: z.string().trim().max(512).optional(),
  limit: pageSizeParam,
  cursor: cursorParam.optional(),
});
export type CustomerListInput = z.input<typeof customerListInput>;

export interface CustomerListItem {
  id: string;
  email: string | null;
  name: string | null;
  phone: string | null;
  description: string | null;
  created: number;
  livemode: boolean;
}

interface CustomerTotals {
  currency: string;
  /** Sum of amount_received over succeeded payments. */
  spent: number;
  /** Sum of pending and succeeded refunds. */
  refunded: number;
  payments: number;
}

export interface CustomerDetail {
  customer: CustomerDto;
  payments: CursorPage<PaymentListItem>;
  totals: CustomerTotals[];
}

export const customerIdInput = z.object({ id: z.string().trim().min(1).max(255) });
/** The REST API accepts an empty customer, as Stripe does; the dashboard asks for someone to identify. */
export const CUSTOMER_NEEDS_NAME_OR_EMAIL = 'Enter a name or an email address.';
export function hasNameOrEmail(values: { name?: string | null; email?: string | null }): boolean {
  return Boolean(values.name?.trim() || values.email?.trim());
}
export const customerCreateInput = createCustomerParams
  .omit({ expand: true })
  .refine(hasNameOrEmail, { message: CUSTOMER_NEEDS_NAME_OR_EMAIL, path: ['name'] });
export type CustomerCreateInput = z.input<typeof customerCreateInput>;
/** Metadata merges as in Stripe's API: a key set to "" is removed, keys not sent are kept. */
export const customerUpdateInput = updateCustomerParams.omit({ expand: true }).extend({ id: z.string().trim().min(1).max(255) });
export type CustomerUpdateInput = z.input<typeof customerUpdateInput>;

// ---------------------------------------------------------------------------------------------------
// Command palette

export const lookupInput = z.object({ q: z.string().trim().max(512) });

export const LOOKUP_TYPES = ['payment', 'customer', 'refund', 'event', 'webhook_endpoint'] as const;
type LookupType = (typeof LOOKUP_TYPES)[number];

export interface LookupResult {
  type: LookupType;
  id: string;
  /** Dashboard path to open. */
  path: string;
  /** One line for the palette: an amount and status, an email, an event type. */
  label: string;
  detail: string | null;
}

// ---------------------------------------------------------------------------------------------------
// Saved views and preferences

const SAVED_VIEW_PAGES = ['payments', 'refunds', 'customers'] as const;
export type SavedViewPage = (typeof SAVED_VIEW_PAGES)[number];
export const MAX_SAVED_VIEWS_PER_PAGE = 50;
/** Preference keys one member may store per merchant (each value at most 8,000 characters of JSON). */
export const MAX_PREFERENCES_PER_MEMBER = 50;

/** A view is a name for a set of URL search params; values stay small and JSON-only. */
const savedViewParams = z
  .record(z.string().max(64), z.unknown())
  .refine((p) => Object.keys(p).length <= 40, 'A view can keep at most 40 parameters.')
  .refine((p) => JSON.stringify(p).length <= 4000, 'These view parameters are too large to save.');

export const viewsListInput = z.object({ page: z.enum(SAVED_VIEW_PAGES) });
export const viewCreateInput = z.object({
  page: z.enum(SAVED_VIEW_PAGES),
  name: z.string().trim().min(1, 'Give the view a name.').max(80, 'Keep the name under 80 characters.'),
  params: savedViewParams,
});
export type ViewCreateInput = z.input<typeof viewCreateInput>;
export const viewDeleteInput = z.object({ id: z.string().trim().min(1).max(64) });

export interface SavedViewDto {
  id: string;
  page: SavedViewPage;
  name: string;
  params: Record<string, unknown>;
  created: number;
}

const PREFERENCE_KEY = /^[a-z0-9][a-z0-9_.:-]{0,63}$/;
const preferenceKeyParam = z.string().regex(PREFERENCE_KEY, 'Preference keys are short lowercase names, e.g. "payments.columns".');
export const preferencesGetInput = z.object({ key: preferenceKeyParam });
export const preferencesSetInput = z.object({
  key: preferenceKeyParam,
  value: z.unknown().refine((v) => v !== undefined && JSON.stringify(v).length <= 8000, 'This preference value is too large.'),
});

export interface PreferenceDto {
  key: string;
  /** null when never set. */
  value: unknown;
}
