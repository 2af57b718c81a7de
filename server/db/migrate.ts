import { Logger, runMigrations } from 'graphile-worker';
import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import * as m0001 from './migrations/0001_create_accounts.js';
import * as m0002 from './migrations/0002_create_payment_core.js';
import * as m0003 from './migrations/0003_add_payment_attempts_fingerprint_index.js';
import * as m0004 from './migrations/0004_add_search_indexes.js';
import * as m0006 from './migrations/0006_create_worker_heartbeats.js';
import * as m0007 from './migrations/0007_add_payment_attempts_payment_method_index.js';
import * as m0008 from './migrations/0008_add_refund_customer_and_payment_method.js';
import * as m0009 from './migrations/0009_add_customer_lookup_index.js';
import * as m0011 from './migrations/0011_create_analytics_rollups.js';
import * as m0012 from './migrations/0012_add_webhook_delivery_jobs.js';
import * as m0017 from './migrations/0017_key_tenant_tables_by_merchant.js';
import * as m0018 from './migrations/0018_add_mail_and_account_tokens.js';
import * as m0016 from './migrations/0016_create_checkout_sessions.js';
import * as m0013 from './migrations/0013_create_charges_balance_payouts.js';
import * as m0014 from './migrations/0014_create_disputes.js';
import * as m0019 from './migrations/0019_add_two_factor_and_audit_trail.js';
import * as m0020 from './migrations/0020_add_listen_sessions_and_restricted_keys.js';
import * as m0023 from './migrations/0023_keep_every_file_in_one_table.js';
import * as m0015 from './migrations/0015_create_report_runs.js';
import * as m0024 from './migrations/0024_create_report_schedules.js';
import * as m0022 from './migrations/0022_add_charge_receipts_and_partial_payouts.js';
import * as m0025 from './migrations/0025_add_analytics_daily_and_money_rollups.js';
import * as m0026 from './migrations/0026_add_api_key_actor_to_audit_log.js';
import * as m0027 from './migrations/0027_stripe_balance_totals.js';
import * as m0028 from './migrations/0028_add_webhook_recovery_filters.js';
import * as m0029 from './migrations/0029_unshare_the_merchant_row_on_the_payment_path.js';
import * as m0030 from './migrations/0030_cut_analytics_days_behind_the_writers.js';
import * as m0031 from './migrations/0031_skip_the_day_cut_for_this_quarter_hour.js';
import * as m0032 from './migrations/0032_attempt_figures_from_attempt_buckets.js';

// Listed explicitly so migrations work the same from tsx, the test runner and a bundle.
const migrations: Record<string, Migration> = {
  '0001_create_accounts': m0001,
  '0002_create_payment_core': m0002,
  '0003_add_payment_attempts_fingerprint_index': m0003,
  '0004_add_search_indexes': m0004,
  '0006_create_worker_heartbeats': m0006,
  '0007_add_payment_attempts_payment_method_index': m0007,
  '0008_add_refund_customer_and_payment_method': m0008,
  '0009_add_customer_lookup_index': m0009,
  '0011_create_analytics_rollups': m0011,
  '0012_add_webhook_delivery_jobs': m0012,
  '0017_key_tenant_tables_by_merchant': m0017,
  '0018_add_mail_and_account_tokens': m0018,
  '0016_create_checkout_sessions': m0016,
  '0013_create_charges_balance_payouts': m0013,
  '0014_create_disputes': m0014,
  '0019_add_two_factor_and_audit_trail': m0019,
  '0020_add_listen_sessions_and_restricted_keys': m0020,
  '0015_create_report_runs': m0015,
  '0024_create_report_schedules': m0024,
  '0022_add_charge_receipts_and_partial_payouts': m0022,
  '0023_keep_every_file_in_one_table': m0023,
  '0025_add_analytics_daily_and_money_rollups': m0025,
  '0026_add_api_key_actor_to_audit_log': m0026,
  '0027_stripe_balance_totals': m0027,
  '0028_add_webhook_recovery_filters': m0028,
  '0029_unshare_the_merchant_row_on_the_payment_path': m0029,
  '0030_cut_analytics_days_behind_the_writers': m0030,
  '0031_skip_the_day_cut_for_this_quarter_hour': m0031,
  '0032_attempt_figures_from_attempt_buckets': m0032,
};

/** Every migration this build knows, in order (readiness checks that all are applied). */
export const migrationNames = () => Object.keys(migrations).sort();

const provider: MigrationProvider = { getMigrations: async () => migrations };

export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** graphile-worker's own schema (graphile_worker.*), installed or upgraded by the library itself. */
export async function migrateJobQueue(connectionString: string): Promise<void> {
  await runMigrations({ connectionString, maxPoolSize: 1, logger: quietLogger });
}

const quietLogger = new Logger(() => (level, message) => {
  if (String(level) === 'error') console.error(`[graphile-worker] ${message}`);
});
