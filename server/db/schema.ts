import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** Hand-kept table types; they mirror server/db/migrations. bigint columns are parsed to number (see database.ts). */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T = Record<string, string>> = ColumnType<T, string | T | undefined, string | T>;
type Money = ColumnType<number, number | bigint | undefined, number | bigint>;

export interface UsersTable { id: string; email: string; name: string; password_hash: string; created_at: Timestamp; email_verified_at: Date | null; last_sign_in_at: Date | null }
export interface MerchantsTable {
  id: string; name: string; timezone: Generated<string>; default_currency: Generated<string>;
  support_email: string | null; statement_descriptor: string | null; country: Generated<string>; created_at: Timestamp;
  require_two_factor: Generated<boolean>;
}
export interface MembershipsTable { merchant_id: string; user_id: string; role: string; created_at: Timestamp }
export interface SessionsTable {
  token_hash: string; user_id: string; merchant_id: string | null; livemode: Generated<boolean>;
  created_at: Timestamp; last_seen_at: Timestamp; expires_at: Timestamp; user_agent: string | null; ip: string | null;
  id: Generated<string>;
}
export interface LoginThrottleTable { key: string; failures: number; last_failure_at: Timestamp; blocked_until: Date | null }
export interface InvitationsTable {
  id: string; merchant_id: string; email: string; role: string; invited_by: string | null; token_hash: string;
  created_at: Timestamp; expires_at: Timestamp; accepted_at: Date | null; sent_at: Timestamp;
}
export interface MailOutboxTable {
  id: string; to_address: string; kind: string; subject: string; text_body: string; html_body: string;
  created_at: Timestamp; sent_at: Date | null; attempts: Generated<number>; last_error: string | null;
}
export interface UserTokensTable {
  token_hash: string; user_id: string; purpose: 'verify_email' | 'reset_password'; created_at: Timestamp; expires_at: Timestamp; used_at: Date | null;
}
export interface AuditLogTable {
  id: string; merchant_id: string; livemode: boolean | null; user_id: string | null; action: string; target_id: string | null;
  data: Json<Record<string, unknown>>; ip: string | null; user_agent: Generated<string | null>; created_at: Timestamp;
  /** The API key that acted (REST calls); null for members and the system. */
  api_key_id: Generated<string | null>;
}
export interface SavedViewsTable {
  id: string; merchant_id: string; user_id: string; page: string; name: string; params: Json<Record<string, unknown>>; created_at: Timestamp;
}
export interface UserPreferencesTable { user_id: string; merchant_id: string; key: string; value: Json<unknown>; updated_at: Timestamp }

export interface ApiKeysTable {
  id: string; merchant_id: string; livemode: boolean; type: 'publishable' | 'secret' | 'restricted'; name: string | null;
  secret_hash: string; publishable_token: string | null; prefix: string; last4: string; created_by: string | null;
  created_at: Timestamp; expires_at: Date | null; revoked_at: Date | null; last_used_at: Date | null;
  /** Restricted keys only: access per resource (shared/contracts/api-keys.ts). */
  permissions: ColumnType<Record<string, 'read' | 'write'> | null, string | null | undefined, string | null>;
}
export interface CustomersTable {
  id: string; merchant_id: string; livemode: boolean; email: string | null; name: string | null; phone: string | null;
  description: string | null; metadata: Json; created_at: Timestamp; updated_at: Timestamp; deleted_at: Date | null;
}
export interface PaymentMethodsTable {
  id: string; merchant_id: string; livemode: boolean; customer_id: string | null; type: Generated<string>;
  card_brand: string; card_last4: string; card_exp_month: number; card_exp_year: number; card_funding: Generated<string>;
  card_country: string | null; card_fingerprint: string; test_behavior: string | null; billing_name: string | null;
  billing_email: string | null; created_at: Timestamp;
  metadata: Json; detached_at: Date | null;
}
export interface PaymentIntentsTable {
  id: string; merchant_id: string; livemode: boolean; amount: Money; currency: string; status: string;
  capture_method: Generated<string>; confirmation_method: Generated<string>; customer_id: string | null;
  payment_method_id: string | null; description: string | null; metadata: Json; receipt_email: string | null;
  statement_descriptor: string | null; client_secret: string; amount_capturable: Money; amount_received: Money;
  amount_refunded: Money; canceled_at: Date | null; cancellation_reason: string | null;
  last_payment_error: Json<Record<string, unknown> | null> | null; next_action: Json<Record<string, unknown> | null> | null;
  card_brand: string | null; card_last4: string | null; card_fingerprint: string | null; failed_attempts: Generated<number>;
  success_url: string | null; cancel_url: string | null; expires_at: Date | null; created_at: Timestamp; updated_at: Timestamp;
  latest_charge_id: Generated<string | null>;
}
export interface PaymentAttemptsTable {
  id: string; merchant_id: string; livemode: boolean; payment_intent_id: string; payment_method_id: string | null;
  outcome: 'succeeded' | 'failed' | 'requires_action' | 'authorized'; failure_code: string | null; decline_code: string | null;
  failure_message: string | null; card_brand: string | null; card_last4: string | null; card_exp_month: number | null;
  card_exp_year: number | null; card_fingerprint: string | null; three_d_secure: string | null; created_at: Timestamp;
}
export interface RefundsTable {
  id: string; merchant_id: string; livemode: boolean; payment_intent_id: string; amount: Money; currency: string;
  status: 'pending' | 'succeeded' | 'failed' | 'canceled'; reason: string | null; failure_reason: string | null;
  metadata: Json; note: string | null; created_by_user_id: string | null; created_at: Timestamp; updated_at: Timestamp;
  settle_lease_until: Generated<Date | null>;
  /** Copied from the payment when the refund is created (Stripe's refund.customer / refund.payment_method). */
  customer_id: string | null; payment_method_id: string | null;
  charge_id: Generated<string | null>; balance_transaction_id: Generated<string | null>; failure_balance_transaction_id: Generated<string | null>;
}
export interface ChargesTable {
  id: string; merchant_id: string; livemode: boolean; payment_intent_id: string; customer_id: string | null; payment_method_id: string | null;
  amount: Money; amount_captured: Money; amount_refunded: Money; currency: string; status: 'succeeded' | 'pending' | 'failed';
  captured: boolean; failure_code: string | null; failure_message: string | null; decline_code: string | null;
  card_brand: string | null; card_last4: string | null; card_exp_month: number | null; card_exp_year: number | null;
  card_fingerprint: string | null; card_funding: string | null; card_country: string | null; three_d_secure: string | null;
  balance_transaction_id: string | null; description: string | null; receipt_email: string | null; statement_descriptor: string | null;
  metadata: Json; created_at: Timestamp; updated_at: Timestamp;
  /** The random part of the hosted receipt's URL (succeeded charges only). */
  receipt_token: string | null; disputed: Generated<boolean>;
}
export interface BalanceSettingsTable {
  merchant_id: string; livemode: boolean; fee_percent_bps: Generated<number>; fee_fixed: Money;
  payout_interval: Generated<'manual' | 'daily' | 'weekly' | 'monthly'>; payout_weekly_anchor: Generated<string>;
  payout_monthly_anchor: Generated<number>; payout_delay_days: Generated<number>; updated_at: Timestamp;
}
export interface PayoutsTable {
  id: string; merchant_id: string; livemode: boolean; amount: Money; currency: string;
  status: 'pending' | 'in_transit' | 'paid' | 'failed' | 'canceled'; automatic: boolean; arrival_date: Date;
  description: string | null; statement_descriptor: string | null; metadata: Json; failure_code: string | null; failure_message: string | null;
  balance_transaction_id: string; failure_balance_transaction_id: string | null; created_at: Timestamp; updated_at: Timestamp;
  /** False for a partial manual payout: it settles no transactions (decision 009). */
  itemized: Generated<boolean>;
}
export interface BalanceTransactionsTable {
  id: string; merchant_id: string; livemode: boolean; type: string; reporting_category: string; amount: Money; fee: Money; net: Money;
  currency: string; fee_details: Json<FeeDetailRow[]>; source_id: string | null; description: string | null;
  status: 'pending' | 'available'; available_on: Date; payout_id: string | null; created_at: Timestamp;
}
export interface FeeDetailRow { amount: number; currency: string; description: string; type: string }
/** One of up to 64 rows (`slot`) a running total is spread over; the total is their sum (migrations 0027, 0029). */
export interface BalanceTotalsTable { merchant_id: string; livemode: boolean; currency: string; status: 'pending' | 'available'; slot: Generated<number>; amount: Money }
export interface EventsTable {
  id: string; merchant_id: string; livemode: boolean; type: string; api_version: string; object_id: string;
  data: Json<Record<string, unknown>>; request_id: string | null; idempotency_key: string | null; created_at: Timestamp;
}
export interface WebhookEndpointsTable {
  id: string; merchant_id: string; livemode: boolean; url: string; description: string | null; enabled_events: string[];
  status: Generated<'enabled' | 'disabled'>; api_version: string | null; metadata: Json; secret_encrypted: string;
  previous_secret_encrypted: string | null; previous_secret_expires_at: Date | null; failing_since: Date | null;
  created_at: Timestamp; deleted_at: Date | null;
  /** 'cli': a listen session of `npm run cli -- listen` (one per device), fed by its stream instead of POSTs. */
  kind: Generated<'url' | 'cli'>; device_name: string | null; listen_until: Date | null;
}
export interface WebhookDeliveriesTable {
  id: string; merchant_id: string; livemode: boolean; endpoint_id: string; event_id: string;
  status: Generated<'pending' | 'succeeded' | 'failed'>; attempt_count: Generated<number>; next_attempt_at: Date | null;
  last_status_code: number | null; created_at: Timestamp; updated_at: Timestamp; lease_until: Generated<Date | null>;
}
export interface WebhookAttemptsTable {
  id: Generated<string>; merchant_id: string; livemode: boolean; delivery_id: string; status_code: number | null; error: string | null; latency_ms: number | null;
  response_excerpt: string | null; created_at: Timestamp;
  request_headers: Json<Record<string, string>> | null; request_body: string | null; response_headers: Json<Record<string, string>> | null;
}
export interface WebhookRecoveriesTable {
  id: string; merchant_id: string; livemode: boolean; endpoint_id: string; since: Date; event_type: string | null;
  event_id: string | null; until: Date | null;
  status: Generated<'queued' | 'running' | 'succeeded' | 'failed'>; total: number | null; queued: Generated<number>;
  cursor_created_at: Date | null; cursor_id: string | null; error: string | null; created_by: string | null;
  created_at: Timestamp; finished_at: Date | null;
}
export interface IdempotencyKeysTable {
  merchant_id: string; livemode: boolean; key: string; request_method: string; request_path: string; request_hash: string;
  status: 'in_progress' | 'completed'; response_status: number | null; response_body: Json<unknown> | null;
  created_at: Timestamp;
}
export interface CheckoutSessionsTable {
  id: string; merchant_id: string; livemode: boolean; status: 'open' | 'complete' | 'expired'; payment_status: 'paid' | 'unpaid';
  currency: string; amount_subtotal: Money; amount_total: Money; payment_intent_id: string; customer_id: string | null;
  customer_email: string | null; customer_creation: string | null; client_reference_id: string | null; metadata: Json;
  success_url: string | null; cancel_url: string | null; customer_details: Json<Record<string, unknown> | null> | null;
  expires_at: Date; completed_at: Date | null; expired_at: Date | null; created_at: Timestamp; updated_at: Timestamp;
}
export interface CheckoutSessionLineItemsTable {
  id: string; merchant_id: string; livemode: boolean; session_id: string; position: number; name: string; description: string | null;
  images: Json<string[]>; currency: string; unit_amount: Money; quantity: number; amount_subtotal: Money; amount_total: Money; created_at: Timestamp;
}
export interface DisputesTable {
  id: string; merchant_id: string; livemode: boolean; payment_intent_id: string; charge_id: string | null; amount: Money;
  currency: string; reason: string; status: string; evidence: Json<Record<string, string | null>>; evidence_due_by: Timestamp;
  submission_count: Generated<number>; network_reason_code: string | null; card_brand: string | null; metadata: Json;
  closed_at: Date | null; created_at: Timestamp; updated_at: Timestamp;
}
export interface TwoFactorTotpTable { user_id: string; secret_encrypted: string; confirmed_at: Date | null; last_used_step: number | null; created_at: Timestamp }
export interface TwoFactorRecoveryCodesTable { user_id: string; code_hash: string; used_at: Date | null; created_at: Timestamp }
export interface WebauthnCredentialsTable {
  id: string; user_id: string; public_key: string; counter: ColumnType<number, number | undefined, number>; transports: Json<string[]>;
  name: string; created_at: Timestamp; last_used_at: Date | null;
}
export interface TwoFactorChallengesTable {
  token_hash: string; user_id: string; purpose: 'sign-in' | 'passkey-registration'; webauthn_challenge: string | null;
  attempts: Generated<number>; ip: string | null; user_agent: string | null; created_at: Timestamp; expires_at: Timestamp;
}
export interface WorkerHeartbeatsTable { worker_id: string; host: string; pid: number; started_at: Timestamp; last_seen_at: Timestamp }
export interface RateLimitsTable { bucket: string; tokens: number; updated_at: Timestamp }

export interface ReportRunsTable {
  id: string; merchant_id: string; livemode: boolean; report_type: string; parameters: Json<Record<string, unknown>>;
  format: Generated<string>; gzip: Generated<boolean>; status: Generated<'pending' | 'running' | 'succeeded' | 'failed'>;
  rows_written: Generated<number>; rows_estimate: number | null; attempts: Generated<number>; error: string | null;
  file_id: string | null; created_by_user_id: string | null; created_at: Timestamp; started_at: Date | null; finished_at: Date | null;
}
export interface ReportFilesTable {
  id: string; merchant_id: string; livemode: boolean; purpose: Generated<string>; filename: string; type: string;
  content_type: string; size: number; storage_key: string; created_at: Timestamp; expires_at: Date | null;
  /** Who uploaded it (null for generated files and uploads through the API). */
  created_by_user_id: ColumnType<string | null, string | null | undefined, never>;
}

export interface ReportSchedulesTable {
  id: string; merchant_id: string; livemode: boolean; name: string; report_type: string; format: Generated<string>; gzip: Generated<boolean>;
  bom: Generated<boolean>; timezone: string; columns: Json<string[]>; filters: Json<Record<string, unknown>>;
  frequency: 'daily' | 'weekly' | 'monthly'; weekday: number | null; month_day: number | null; recipient_user_ids: Json<string[]>;
  paused_at: Date | null; next_run_at: Timestamp; created_by_user_id: string | null; created_at: Timestamp; updated_at: Timestamp;
}
export interface ReportScheduleRunsTable {
  merchant_id: string; schedule_id: string; livemode: boolean; period_start: Timestamp; period_end: Timestamp; report_run_id: string;
  mailed_at: Date | null; created_at: Timestamp;
}

export interface Database {
  users: UsersTable;
  merchants: MerchantsTable;
  memberships: MembershipsTable;
  sessions: SessionsTable;
  login_throttle: LoginThrottleTable;
  invitations: InvitationsTable;
  mail_outbox: MailOutboxTable;
  user_tokens: UserTokensTable;
  audit_log: AuditLogTable;
  saved_views: SavedViewsTable;
  user_preferences: UserPreferencesTable;
  api_keys: ApiKeysTable;
  customers: CustomersTable;
  payment_methods: PaymentMethodsTable;
  payment_intents: PaymentIntentsTable;
  payment_attempts: PaymentAttemptsTable;
  refunds: RefundsTable;
  charges: ChargesTable;
  balance_settings: BalanceSettingsTable;
  payouts: PayoutsTable;
  balance_transactions: BalanceTransactionsTable;
  balance_totals: BalanceTotalsTable;
  events: EventsTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_recoveries: WebhookRecoveriesTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  idempotency_keys: IdempotencyKeysTable;
  rate_limits: RateLimitsTable;
  worker_heartbeats: WorkerHeartbeatsTable;
  checkout_sessions: CheckoutSessionsTable;
  checkout_session_line_items: CheckoutSessionLineItemsTable;
  disputes: DisputesTable;
  report_runs: ReportRunsTable;
  report_files: ReportFilesTable;
  report_schedules: ReportSchedulesTable;
  report_schedule_runs: ReportScheduleRunsTable;
  two_factor_totp: TwoFactorTotpTable;
  two_factor_recovery_codes: TwoFactorRecoveryCodesTable;
  webauthn_credentials: WebauthnCredentialsTable;
  two_factor_challenges: TwoFactorChallengesTable;
}

export type Row<T extends keyof Database> = Selectable<Database[T]>;
export type NewRow<T extends keyof Database> = Insertable<Database[T]>;
export type RowUpdate<T extends keyof Database> = Updateable<Database[T]>;
